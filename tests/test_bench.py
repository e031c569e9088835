"""The benchmark runs end to end on a tiny corpus and reports positive numbers."""

from __future__ import annotations

import json
import platform
from pathlib import Path

import pytest

from metrics.bench import QUERIES, run_bench

ROOT = Path(__file__).resolve().parent.parent

DATA = Path(__file__).resolve().parents[1] / "data"


def test_run_bench_tiny(tmp_path, capsys):
    out = tmp_path / "out"
    docs = tmp_path / "benchmark.md"
    run_bench([20], workers=1, out_dir=out, source=DATA, docs_path=docs, reference_docs=10)
    r = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    assert {"date", "machine", "workers", "sizes", "scaling", "incremental", "reference"} <= r.keys()
    assert r["machine"]["nproc"] >= 1 and r["machine"]["python"]
    entry = r["sizes"]["20"]
    assert entry["corpus"]["docs"] == 20 and entry["corpus"]["bytes"] > 0
    b = entry["build"]
    assert b["docs"] == 20 and b["failures"] == 0
    for key in ("wall_s", "mb_s", "docs_s", "mb_s_per_core", "cpu_s", "db_mb", "maxrss_self_mb"):
        assert b[key] > 0, key
    assert {"normalise", "meta", "tasks", "targets", "slogans", "keywords", "insert_final"} <= b["stage_seconds"].keys()
    assert abs(sum(b["stage_share"].values()) - 1) < 1e-6
    assert entry["read_only"]["mb_s"] > 0
    for view in QUERIES:
        q = entry["queries"][view]
        assert q["runs"] >= 10 and 0 < q["p50_ms"] <= q["p95_ms"]
    assert r["scaling"]["speedup"] > 0
    assert r["incremental"]["docs_added"] == 10 and r["incremental"]["wall_s"] > 0
    ref = r["reference"]
    assert ref["docs"] == 10 and ref["mb_s"] > 0 and ref["ratio_per_core"] > 0
    md = (out / "latest.md").read_text(encoding="utf-8")
    assert "| overview |" in md and "jieba" in md
    assert "## Latest results" in docs.read_text(encoding="utf-8")
    assert "Build throughput" in capsys.readouterr().out


def test_scaling_is_the_median_of_alternating_builds(tmp_path, monkeypatch):
    """With N workers the speed-up compares the medians of SCALING_RUNS builds of each (a single
    pair on a shared machine varies by a few per cent), and the report lists every wall time."""
    import statistics

    from metrics import bench

    monkeypatch.setattr(bench, "SCALING_RUNS", 2)
    out = tmp_path / "out"
    r = run_bench([20], workers=2, out_dir=out, source=DATA, docs_path=None, reference_docs=5)
    sc = r["scaling"]
    assert len(sc["walls"]["one"]) == len(sc["walls"]["n"]) == 2
    assert sc["walls"]["n"][0] == sc["n"]["wall_s"] and sc["walls"]["one"][0] == sc["one"]["wall_s"]
    assert sc["speedup"] == statistics.median(sc["walls"]["one"]) / statistics.median(sc["walls"]["n"])
    md = (out / "latest.md").read_text(encoding="utf-8")
    assert "median of 2 builds each" in md
    assert ", ".join(f"{w:.1f}" for w in sc["walls"]["one"]) in md


_MMAPPED_GROWTH = """
import ctypes, sys
from metrics.allocator import keep_freed_memory
if sys.argv[1] == "tuned":
    assert keep_freed_memory() is True
libc = ctypes.CDLL("libc.so.6")
class Info(ctypes.Structure):  # struct mallinfo2
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                               "fsmblks", "uordblks", "fordblks", "keepcost")]
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
before = libc.mallinfo2().hblkhd
p = libc.malloc(8 << 20)
print(libc.mallinfo2().hblkhd - before)
libc.free(p)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
@pytest.mark.parametrize("mode,mapped", [("default", True), ("tuned", False)])
def test_the_dashboard_keeps_freed_memory_on_glibc(mode, mapped):
    """An 8 MB block is mmapped (and unmapped again when freed) by default; in the dashboard's
    process, where keep_freed_memory() has run, it comes from the heap and stays for reuse."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _MMAPPED_GROWTH, mode], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert (int(out.split()[-1]) >= 8 << 20) is mapped
    assert "keep_freed_memory()" in (ROOT / "dashboard.py").read_text(encoding="utf-8")
