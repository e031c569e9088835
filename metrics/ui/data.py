"""Database access for the dashboard: read-only, cached, reload-safe.

* One read-only DuckDB connection per (path, mtime, size) via
  ``st.cache_resource`` — a rebuild that atomically replaces the file changes
  the key, so the next run opens the new file while old readers keep working.
* Every query runs on its own ``cursor()`` (see :mod:`metrics.ui.queries`).
* Query results are cached with ``st.cache_data`` keyed by the same db key,
  the query name and the arguments' repr (``Filters`` is a frozen dataclass
  with a deterministic repr).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from metrics.ui import queries

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = REPO_ROOT / "speech_metrics.duckdb"
ENV_VAR = "SPEECH_METRICS_DB"


def db_path() -> Path:
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else DEFAULT_DB


def build_command() -> str:
    """The command that builds the database this dashboard reads (SPEECH_METRICS_DB's file, not
    always speech_metrics.duckdb), quoted for a shell."""
    import shlex

    return f"python -m metrics build data --db {shlex.quote(str(db_path()))}"


def db_key(path: Path | None = None) -> str | None:
    """``"<abs path>|<mtime_ns>|<size>"`` or ``None`` when the file is missing."""
    path = path or db_path()
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return f"{path.resolve()}|{stat.st_mtime_ns}|{stat.st_size}"


_open: dict[str, tuple[str, duckdb.DuckDBPyConnection]] = {}  # path -> (key, connection)
_open_lock = threading.Lock()


@st.cache_resource(max_entries=3, show_spinner=False)
def _connection(key: str) -> duckdb.DuckDBPyConnection:
    path = key.rsplit("|", 2)[0]
    with _open_lock:
        # DuckDB shares one database instance per path inside a process: after
        # an atomic replace, the instance on the old file must be closed or a
        # new connect() would keep reading the old inode.
        _close(path, unless=key)
        con = duckdb.connect(path, read_only=True)
        _open[path] = (key, con)
        return con


def connection() -> duckdb.DuckDBPyConnection | None:
    key = db_key()
    return None if key is None else _connection(key)


#: the query cache keeps at most this many pickled bytes (least recently used go first): at 100,000
#: documents one indicator's target rows alone pickle to ~57 MB
CACHE_BYTES = "512MB"


@st.cache_data(max_entries=2048, max_size=CACHE_BYTES, show_spinner=False)
def _cached(key: str, name: str, args_repr: str, _args: tuple) -> Any:
    fn = getattr(queries, name)
    return fn(_connection(key), *_args)


def query(name: str, *args: Any) -> Any:
    """Run ``metrics.ui.queries.<name>(con, *args)`` with caching."""
    key = db_key()
    if key is None:
        raise FileNotFoundError(str(db_path()))
    return _cached(key, name, repr(args), args)


def release_connection() -> None:
    """Close this process's read-only connection to the database so that a writer can open the
    file (the upload page then adds in place instead of copying the whole database). Queries
    after this reconnect; if one does while the writer runs, the writer falls back to a copy."""
    with _open_lock:
        _connection.clear()
        _close(str(db_path().resolve()))


def _close(path: str, unless: str | None = None) -> None:
    """Forget this process's connection to ``path`` and close it, unless it is for key ``unless``
    (call with ``_open_lock`` held)."""
    old = _open.pop(path, None)
    if old is not None and old[0] != unless:
        try:
            old[1].close()
        except duckdb.Error:
            pass


def clear_caches() -> None:
    _cached.clear()
    _connection.clear()


def rules_version() -> str:
    try:
        return query("build_info").get("rules_version", "未知")
    except Exception:  # noqa: BLE001 - provenance must never break a page
        return "未知"
