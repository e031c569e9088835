import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GOLD = Path(__file__).resolve().parent / "gold"


def load_gold(name: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def run_cli(*args, cwd=ROOT, check=False, timeout=600):
    proc = subprocess.run([sys.executable, "-m", "metrics", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(proc.stderr)
    return proc


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The whole sample corpus built once for the session."""
    db = tmp_path_factory.mktemp("db") / "corpus.duckdb"
    proc = run_cli("build", DATA, "--db", db, "--quiet")
    assert proc.returncode == 0, proc.stderr
    return db
