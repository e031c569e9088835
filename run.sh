#!/usr/bin/env bash
# Speech Metrics — one entry point for a fresh machine with Python 3.11.
#   ./run.sh dashboard   set up, build the database from data/, serve http://localhost:8501
#   ./run.sh test        set up (incl. Debian chromium + fonts-noto-cjk), run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
VENV="${SPEECH_METRICS_VENV:-.venv}"

setup() {
  local extra="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$extra"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    if [ "$extra" = "test" ]; then
      "$VENV/bin/python" -m pip install --quiet -e ".[test]"
    else
      "$VENV/bin/python" -m pip install --quiet -e .
    fi
    touch "$stamp"
  fi
}

browser_deps() {
  # Browser tests drive Debian's chromium with CJK fonts; install them when missing.
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    local SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
}

case "${1:-}" in
  dashboard)
    setup base
    DB="${SPEECH_METRICS_DB:-speech_metrics.duckdb}"
    "$VENV/bin/python" -m metrics build data --db "$DB" || [ $? -eq 1 ]
    export SPEECH_METRICS_DB="$DB"
    exec "$VENV/bin/python" -m streamlit run dashboard.py --server.port "${PORT:-8501}"
    ;;
  test)
    setup test
    browser_deps
    shift
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: ./run.sh dashboard | test [pytest args]" >&2
    exit 2
    ;;
esac
