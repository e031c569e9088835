"""Benchmark: synthetic corpora, full builds, memory, stage costs, dashboard queries, jieba reference.

``python -m metrics bench --sizes 1000,10000 [-j N] [--out bench-results] [--source data] [--publish]``

For every size the run

1. writes a synthetic corpus into a temporary directory, one file at a time (the real texts
   under ``source`` with percentages, amounts, years and the city name varied; ~20 % of the
   files GBK-encoded, the rest UTF-8);
2. times reading/decoding alone (``reader.read_document`` over every file, one process);
3. runs the full :func:`metrics.build.build_database` in a fresh child process with N workers
   and records wall time, MB/s, documents/s, MB/s per core, CPU time, per-stage time (as a
   share of the process tree's CPU time), peak memory of the process tree (sampled
   from ``/proc``: sum of PSS and of RSS) and ``getrusage`` ``ru_maxrss`` (self/children),
   and the database size;
4. measures dashboard query latencies (p50/p95 over ``QUERY_RUNS`` runs, read-only
   connection, parameterised SQL mirroring ``metrics/ui/queries.py``).

Once per run: 1 worker vs N workers on the 1k corpus (or the smallest size; ``SCALING_RUNS``
builds of each, alternating, compared by their medians), incremental
``add_documents`` of 10 new files on the largest database, and the reference — Python
``jieba.lcut`` (HMM on) + ``jieba.analyse.extract_tags(topK=20)`` per document on a subset
(≤ 300 documents) of the same corpus.

Results: a Markdown table on stdout, ``<out>/bench-<stamp>.md`` and ``.json`` (plus
``latest.md``/``latest.json``), and with ``--publish`` ``docs/benchmark.md`` of a source checkout.
Progress goes to stderr. No dependency beyond the project's own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MB = 1_000_000
QUERY_RUNS = 20
#: builds with 1 and with N workers for the speed-up (alternating; a shared machine's noise is ±3 %)
SCALING_RUNS = 3
REFERENCE_DOCS = 300
INCREMENTAL_DOCS = 10
GBK_SHARE = 0.2
SCALING_SIZE = 1000
SEED = 20240521
REPO_DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmark.md"

_T0 = time.perf_counter()


def _log(msg: str) -> None:
    print(f"[bench {time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- synthetic corpus

_HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
_PCT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)(?=\s*[%％])")
_AMOUNT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*(?:亿|万))")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=\s*年)")
_DAIBIAO = re.compile(r"我代表([\u4e00-\u9fff]{0,6}?)市人民政府")


class SourceText:
    __slots__ = ("name", "city", "text")

    def __init__(self, name: str, city: str | None, text: str):
        self.name, self.city, self.text = name, city, text


def load_sources(source: Path) -> tuple[list[SourceText], list[str]]:
    """The real texts under source (decoded) and the city names taken from file names."""
    from .reader import ReadError, iter_files, read_document

    texts: list[SourceText] = []
    for path, src, skip in iter_files([Path(source)]):
        if skip:
            continue
        try:
            raw = read_document(path, src)
        except ReadError:
            continue
        stem = path.stem
        texts.append(SourceText(path.name, stem if _HAN_NAME.match(stem) else None, raw.text))
    cities = sorted({t.city for t in texts if t.city})
    if not texts:
        raise BenchSourceError(f"no readable documents under {source}")
    return texts, cities or ["某"]


def _fmt_like(original: str, value: float) -> str:
    decimals = len(original.split(".", 1)[1]) if "." in original else 0
    return f"{value:.{decimals}f}"


def vary_text(src: SourceText, cities: list[str], rng: random.Random, serial: int) -> tuple[str, str]:
    """One synthetic document from a real one. Returns (text, city used)."""
    text = src.text
    shift = rng.randint(-8, 2)

    def pct(m: re.Match) -> str:
        v = float(m.group(1)) * rng.uniform(0.5, 1.5) + rng.uniform(0, 0.5)
        return _fmt_like(m.group(1), min(v, 100.0))

    def amount(m: re.Match) -> str:
        return _fmt_like(m.group(1), float(m.group(1)) * rng.uniform(0.5, 1.5))

    def year(m: re.Match) -> str:
        y = int(m.group(1))
        return str(y + shift) if 1990 <= y + shift <= 2035 else m.group(1)

    text = _PCT.sub(pct, text)
    text = _AMOUNT.sub(amount, text)
    text = _YEAR.sub(year, text)
    others = [c for c in cities if c != src.city] or cities
    city = rng.choice(others)
    if src.city:
        text = text.replace(src.city + "市", city + "市")
    text = _DAIBIAO.sub(f"我代表{city}市人民政府", text, count=1)
    # a unique last line: two variants of one text must never collapse into one doc_id
    return f"{text.rstrip()}\n\n（合成样本 第{serial}号）\n", city


def write_corpus(out: Path, n: int, sources: list[SourceText], cities: list[str], seed: int,
                 start_serial: int = 0) -> dict:
    """Write n synthetic files under out (1,000 per subdirectory), streamed one at a time."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    n_bytes = n_gbk = 0
    t0 = time.perf_counter()
    last = t0
    for i in range(n):
        serial = start_serial + i
        src = rng.choice(sources)
        text, city = vary_text(src, cities, rng, serial)
        data, enc = None, "utf-8"
        if rng.random() < GBK_SHARE:
            try:
                data, enc = text.encode("gbk"), "gbk"
            except UnicodeEncodeError:
                data = None
        if data is None:
            data = text.encode("utf-8")
        sub = out / f"{serial // 1000:04d}"
        sub.mkdir(exist_ok=True)
        (sub / f"{serial:07d}_{city}.txt").write_bytes(data)
        n_bytes += len(data)
        n_gbk += enc == "gbk"
        now = time.perf_counter()
        if now - last > 5:
            _log(f"  corpus {i + 1}/{n} files written")
            last = now
    return {"docs": n, "bytes": n_bytes, "mb": n_bytes / MB, "gbk_files": n_gbk,
            "seconds": time.perf_counter() - t0}


def corpus_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.txt"))


# ---------------------------------------------------------------- read-only stage

def time_read_only(root: Path) -> dict:
    """Read and decode every file (reader.read_document), one process, no analysis."""
    from .reader import read_document

    files = corpus_files(root)
    t0 = time.perf_counter()
    n_bytes = n_chars = 0
    for p in files:
        raw = read_document(p)
        n_bytes += p.stat().st_size
        n_chars += len(raw.text)
    s = time.perf_counter() - t0
    return {"seconds": s, "docs": len(files), "mb": n_bytes / MB, "chars": n_chars,
            "mb_s": n_bytes / MB / s if s else 0.0, "docs_s": len(files) / s if s else 0.0}


# ---------------------------------------------------------------- process-tree memory sampling

def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name may contain spaces/parentheses: fields start after the last ')'
        rest = stat[stat.rfind(b")") + 2:].split()
        kids.setdefault(int(rest[1]), []).append(int(entry))
    return kids


def _tree_memory(root: int) -> tuple[int, int]:
    """(sum of PSS, sum of RSS) in bytes over root and its descendants."""
    kids = _children_map()
    todo, pss, rss = [root], 0, 0
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
        except OSError:
            pass
    return pss, rss


class TreeSampler(threading.Thread):
    """Samples the memory of a process tree every `interval` seconds; keeps the peaks."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_pss = self.peak_rss = 0
        self.available = os.path.exists(f"/proc/{os.getpid()}/smaps_rollup")
        self._stop_evt = threading.Event()

    def run(self) -> None:
        while self.available and not self._stop_evt.is_set():
            pss, rss = _tree_memory(self.pid)
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self._stop_evt.wait(self.interval)

    def stop(self) -> None:
        self._stop_evt.set()
        self.join(timeout=5)


# ---------------------------------------------------------------- build in a child process

def _child_main(spec_path: str) -> None:
    """Entry point of the child process: one build (or incremental add); JSON result to a file."""
    import resource

    spec = json.loads(Path(spec_path).read_text())
    from .build import add_documents, build_database  # imported before the 'before' snapshot

    before = resource.getrusage(resource.RUSAGE_SELF)
    label, last = spec["label"], [0.0]

    def progress(done: int, total: int, source: str) -> None:
        now = time.perf_counter()
        if now - last[0] > 3 or done == total:
            last[0] = now
            print(f"[bench child] {label}: {done}/{total} documents ({100 * done / max(total, 1):.0f} %)",
                  file=sys.stderr, flush=True)

    paths = [Path(p) for p in spec["paths"]]
    if spec["mode"] == "add":
        report = add_documents(Path(spec["db"]), paths, progress=progress, workers=spec["workers"])
    else:
        report = build_database(paths, Path(spec["db"]), workers=spec["workers"], progress=progress)
    me = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "added": report.added, "failures": len(report.failures), "duplicates": len(report.duplicates),
        "near_duplicates": report.near_duplicates, "failure_examples": report.failures[:3], "bytes_read": report.bytes_read, "seconds": report.seconds,
        "stage_seconds": report.stage_seconds,
        "cpu_self": (me.ru_utime - before.ru_utime) + (me.ru_stime - before.ru_stime),
        "cpu_children": ch.ru_utime + ch.ru_stime,
        "maxrss_self_kb": me.ru_maxrss, "maxrss_children_kb": ch.ru_maxrss,
    }
    Path(spec["result"]).write_text(json.dumps(result))


def run_build_child(mode: str, paths: list[Path], db: Path, workers: int, label: str, tmp: Path) -> dict:
    spec_path, result_path = tmp / f"spec-{label}.json", tmp / f"result-{label}.json"
    spec_path.write_text(json.dumps({"mode": mode, "paths": [str(p) for p in paths], "db": str(db),
                                     "workers": workers, "label": label, "result": str(result_path)}))
    cmd = [sys.executable, "-c", "import sys; from metrics.bench import _child_main; _child_main(sys.argv[1])",
           str(spec_path)]
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    rc = proc.wait()
    sampler.stop()
    wall = time.perf_counter() - t0
    if rc != 0 or not result_path.exists():
        raise RuntimeError(f"benchmark child ({label}) failed with exit code {rc}")
    res = json.loads(result_path.read_text())
    res["process_wall_s"] = wall
    res["loadavg_before"], res["loadavg_after"] = load_before, os.getloadavg()[0]
    res["peak_tree_pss_mb"] = sampler.peak_pss / MB if sampler.available else None
    res["peak_tree_rss_mb"] = sampler.peak_rss / MB if sampler.available else None
    return res


#: stages the builder's main process runs after the analysis (not analysis time)
MAIN_PROCESS_STAGES = ("near_duplicates", "insert_final")


def summarise_build(res: dict, n_bytes: int, workers: int, db: Path) -> dict:
    s = res["seconds"]
    cores = max(1, min(workers, os.cpu_count() or 1))
    cpu = res["cpu_self"] + res["cpu_children"]
    mb = n_bytes / MB
    stages = dict(res["stage_seconds"])
    busy = sum(stages.values())
    # stage times are wall clock inside the workers, summed: ≈ CPU time on an idle machine
    share = {k: (v / busy if busy else 0.0) for k, v in stages.items()}
    return {
        "workers": workers, "cores_used": cores, "docs": res["added"], "failures": res["failures"],
        "duplicates": res["duplicates"], "near_duplicates": res.get("near_duplicates", 0),
        "failure_examples": res["failure_examples"], "mb": mb,
        "wall_s": s, "process_wall_s": res["process_wall_s"],
        "mb_s": mb / s if s else 0.0, "docs_s": res["added"] / s if s else 0.0,
        "mb_s_per_core": mb / s / cores if s else 0.0,
        "cpu_s": cpu, "mb_per_cpu_s": mb / cpu if cpu else 0.0,
        "cpu_utilisation": cpu / s / cores if s else 0.0,
        "peak_tree_pss_mb": res["peak_tree_pss_mb"], "peak_tree_rss_mb": res["peak_tree_rss_mb"],
        "maxrss_self_mb": res["maxrss_self_kb"] * 1024 / MB,
        "maxrss_children_mb": res["maxrss_children_kb"] * 1024 / MB,
        "db_mb": db.stat().st_size / MB if db.exists() else 0.0,
        "stage_seconds": stages, "stage_share": share, "stage_seconds_total": busy,
        "analysis_seconds": sum(v for k, v in stages.items() if k not in MAIN_PROCESS_STAGES),
        "main_process_cpu_s": res["cpu_self"], "workers_cpu_s": res["cpu_children"],
        "loadavg_before": res.get("loadavg_before"), "loadavg_after": res.get("loadavg_after"),
    }


# ---------------------------------------------------------------- dashboard queries

def _most_similar(done: dict):
    """An argument taken from an earlier call of the page: 共同段落 compares a document with the
    first of its 相似文档 (None: the page lists none, and makes no such call)."""
    similar = done.get("similar_docs")
    return None if similar is None or not len(similar) else similar["doc_id"].iloc[0]


# Each view's data, exactly as the dashboard page loads it: (metrics.ui.queries function, args;
# a callable argument is worked out from the results of the page's earlier calls). ``f`` is a
# year-range filter drawn per run; ``did`` a random document; ``ind`` the most frequent registry
# indicator.
def view_calls(f, did: str, ind: str) -> dict[str, list[tuple[str, tuple]]]:
    return {
        "overview": [("count_docs", (f,)), ("doc_groups", (f,)), ("target_kinds", (f,)), ("declared", (f, True)),
                     ("docs_missing", (f,)), ("failures", ()), ("duplicates", ())],
        "targets": [("indicator_counts", (f,)), ("target_points", (f, ind)), ("target_evidence", (f, ind, 1000))],
        "tasks": [("task_docs", (f,)), ("outline_counts", (f,)), ("declared_stats", (f,)), ("declared", (f, True))],
        "slogans": [("doc_groups", (f,)), ("slogan_groups", (f,)), ("discovered", (f,)), ("keyword_groups", (f,))],
        "document": [("document", (did,)), ("doc_targets", (did,)), ("doc_outline", (did,)),
                     ("doc_mentions", (did,)), ("doc_declared", (did,)), ("doc_twins", (did,)), ("similar_docs", (did,)),
                     ("shared_passages", (did, _most_similar))],
        # the 提法 page's 自定义提法, on demand: a scan of the filtered texts, one per phrase
        "custom_phrases": [("phrase_docs", (f, ("高质量发展", "强首府")))],
    }


QUERIES = tuple(view_calls(None, "", ""))


def _percentile(values: list[float], q: float) -> float:
    v = sorted(values)
    if not v:
        return 0.0
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def time_queries(db: Path, runs: int = QUERY_RUNS, seed: int = SEED) -> dict:
    """p50/p95 latency (ms) of each dashboard view's data (the page's own query functions, results
    as DataFrames; the dashboard caches them, so this is the first, uncached load of a filter)."""
    import duckdb

    from .allocator import keep_freed_memory
    from .filters import Filters
    from .ui import queries

    keep_freed_memory()  # as dashboard.py does (the builds run in their own processes)
    rng = random.Random(seed)
    con = duckdb.connect(str(db), read_only=True)
    try:
        ids = [r[0] for r in con.execute("SELECT doc_id FROM documents USING SAMPLE 200 ROWS").fetchall()]
        years = [r[0] for r in con.execute("SELECT DISTINCT year FROM documents WHERE year IS NOT NULL").fetchall()]
        lo_y, hi_y = (min(years), max(years)) if years else (2000, 2030)
        top = con.execute("SELECT canonical FROM targets WHERE canonical <> 'other' GROUP BY 1 "
                          "ORDER BY count(*) DESC LIMIT 1").fetchone()
        canonical = top[0] if top else "gdp_growth"

        def calls(view: str):
            a = rng.randint(lo_y, hi_y)
            b = rng.randint(a, hi_y)
            f = Filters(year_from=a, year_to=b) if view != "overview" else Filters()
            return view_calls(f, rng.choice(ids) if ids else "", canonical)[view]

        out = {}
        for view in QUERIES:
            times, rows = [], 0
            each: dict[str, list[float]] = {}
            for i in range(runs + 1):  # the first run is reported separately (cold)
                todo = calls(view)
                total = 0.0
                done: dict = {}
                for k, (name, args) in enumerate(todo):
                    args = tuple(a(done) if callable(a) else a for a in args)
                    if any(a is None for a in args):
                        continue  # the page makes no such call for this document
                    t0 = time.perf_counter()
                    res = getattr(queries, name)(con, *args)
                    dt_ = time.perf_counter() - t0
                    total += dt_
                    done[name] = res
                    if i:  # per query, named by function (and position when a view calls one twice)
                        same = sum(n == name for n, _ in todo) > 1
                        each.setdefault(f"{name}#{k}" if same else name, []).append(dt_)
                    rows += len(res) if hasattr(res, "__len__") else 1
                times.append(total)
            warm = times[1:]
            per_query = {k: _percentile(v, 0.95) * 1000 for k, v in each.items()}
            slowest = max(per_query.items(), key=lambda kv: kv[1])
            out[view] = {"first_ms": times[0] * 1000, "p50_ms": _percentile(warm, 0.5) * 1000,
                         "p95_ms": _percentile(warm, 0.95) * 1000, "runs": len(warm), "queries": len(todo),
                         "avg_rows": rows / len(times), "query_p95_ms": per_query,
                         "slowest_query": slowest[0], "slowest_query_p95_ms": slowest[1]}
        out["_meta"] = {"fetch": "df", "canonical": canonical, "years": [lo_y, hi_y]}
        return out
    finally:
        con.close()


# ---------------------------------------------------------------- reference: Python jieba

def jieba_reference(files: list[Path]) -> dict:
    """jieba.lcut(text) (HMM on) and jieba.analyse.extract_tags(text, topK=20) per document."""
    import jieba
    import jieba.analyse

    from .reader import read_document

    jieba.setLogLevel(60)
    jieba.initialize()
    jieba.analyse.extract_tags("推动高质量发展，扎实推进城市创建。", topK=20)  # loads the IDF table
    t_cut = t_tags = 0.0
    n_bytes = n_chars = 0
    cpu0 = time.process_time()
    last = time.perf_counter()
    for i, p in enumerate(files):
        text = read_document(p).text
        n_bytes += p.stat().st_size
        n_chars += len(text)
        t0 = time.perf_counter()
        jieba.lcut(text)
        t1 = time.perf_counter()
        jieba.analyse.extract_tags(text, topK=20)
        t2 = time.perf_counter()
        t_cut += t1 - t0
        t_tags += t2 - t1
        if t2 - last > 5:
            _log(f"  jieba reference {i + 1}/{len(files)} documents")
            last = t2
    total = t_cut + t_tags
    cpu = time.process_time() - cpu0  # includes reading the files: a slight underestimate of jieba's speed
    mb = n_bytes / MB
    return {"docs": len(files), "mb": mb, "chars": n_chars, "lcut_s": t_cut, "extract_tags_s": t_tags,
            "seconds": total, "mb_s": mb / total if total else 0.0, "docs_s": len(files) / total if total else 0.0,
            "lcut_mb_s": mb / t_cut if t_cut else 0.0, "cpu_s": cpu, "mb_per_cpu_s": mb / cpu if cpu else 0.0, "jieba_version": getattr(jieba, "__version__", "?")}


# ---------------------------------------------------------------- report

def machine_info() -> dict:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import duckdb
        duck = duckdb.__version__
    except ImportError:
        duck = "?"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = int(line.split()[1]) * 1024 / 1e9
    except OSError:
        pass
    return {"nproc": usable, "cpu_count": os.cpu_count(), "cpu_model": cpu_model,
            "python": platform.python_version(), "platform": platform.platform(), "duckdb": duck,
            "mem_gb": mem_total, "loadavg_start": os.getloadavg() if hasattr(os, "getloadavg") else None}


def _f(x, nd: int = 1) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.{nd}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


STAGES = ("normalise", "fingerprint", "meta", "tasks", "targets", "slogans", "keywords", "near_duplicates",
          "insert_final")


def render_markdown(r: dict) -> str:
    m = r["machine"]
    sizes = list(r["sizes"])
    L: list[str] = []
    L.append(f"Run {r['date']} · {m['nproc']} CPUs ({m['cpu_model'] or 'unknown CPU'}) · Python {m['python']} · "
             f"DuckDB {m['duckdb']} · {r['workers']} workers · load average at start "
             f"{', '.join(f'{x:.2f}' for x in m['loadavg_start'] or [])}")
    L.append("")
    L.append("### Build throughput")
    L.append("")
    L.append("| | " + " | ".join(f"{int(s):,} docs" for s in sizes) + " |")
    L.append("|---|" + "---:|" * len(sizes))

    def row(label, fn):
        L.append(f"| {label} | " + " | ".join(fn(r["sizes"][s]) for s in sizes) + " |")

    row("corpus MB (files; GBK files)", lambda x: f"{x['corpus']['mb']:.1f} ({x['corpus']['docs']:,}; {x['corpus']['gbk_files']:,})")
    row("documents added / failures / duplicates / near-duplicates marked",
        lambda x: f"{x['build']['docs']:,} / {x['build']['failures']} / {x['build']['duplicates']} / "
                  f"{x['build'].get('near_duplicates', 0):,}")
    row("build wall time, s", lambda x: _f(x["build"]["wall_s"]))
    row("MB/s", lambda x: _f(x["build"]["mb_s"], 2))
    row("documents/s", lambda x: _f(x["build"]["docs_s"], 1))
    row("MB/s per core", lambda x: _f(x["build"]["mb_s_per_core"], 2))
    row("MB per CPU-second (whole tree)", lambda x: _f(x["build"]["mb_per_cpu_s"], 2))
    row("CPU time, s (tree; utilisation)",
        lambda x: f"{x['build']['cpu_s']:,.1f} ({100 * x['build']['cpu_utilisation']:.0f} %)")
    row("peak memory, process tree PSS / RSS sum, MB",
        lambda x: f"{_f(x['build']['peak_tree_pss_mb'], 0)} / {_f(x['build']['peak_tree_rss_mb'], 0)}")
    row("ru_maxrss self / largest child, MB",
        lambda x: f"{x['build']['maxrss_self_mb']:,.0f} / {x['build']['maxrss_children_mb']:,.0f}")
    row("database size, MB (× input)", lambda x: f"{x['build']['db_mb']:,.1f} ({x['build']['db_mb'] / x['corpus']['mb']:.2f}×)")
    row("read + decode only, MB/s (1 process)", lambda x: _f(x["read_only"]["mb_s"], 1))
    row("corpus generation, s", lambda x: _f(x["corpus"]["seconds"], 1))
    L.append("")
    L.append("### Time by stage")
    L.append("")
    L.append("`report.stage_seconds`: wall-clock time inside the analysis stages, summed over all workers "
             "(≈ CPU time when the machine is otherwise idle), shown as seconds and share of their total. "
             "*near_duplicates* is the builder's comparison of sketches after the inserts, "
             "*insert_final* its final insert/checkpoint. Outside the stages: the builder's main "
             "process CPU (unpickling results, Arrow batches, DuckDB inserts; with 1 worker it also runs the "
             "analysis) and reading/decoding, measured on its own in a separate pass.")
    L.append("")
    L.append("| stage | " + " | ".join(f"{int(s):,} docs: s (share)" for s in sizes) + " |")
    L.append("|---|" + "---:|" * len(sizes))
    for st in STAGES:
        cells = []
        for s in sizes:
            b = r["sizes"][s]["build"]
            cells.append(f"{b['stage_seconds'].get(st, 0.0):,.1f} ({100 * b['stage_share'].get(st, 0.0):.0f} %)")
        L.append(f"| {st} | " + " | ".join(cells) + " |")
    row("**sum of stages**, s", lambda x: f"{x['build']['stage_seconds_total']:,.1f}")
    row("CPU time of the tree: main process + workers, s",
        lambda x: f"{x['build']['main_process_cpu_s']:,.1f} + {x['build']['workers_cpu_s']:,.1f}")
    row("read + decode only (separate pass, 1 process), s", lambda x: _f(x["read_only"]["seconds"], 1))
    row("load average (1 min) before → after build",
        lambda x: f"{x['build']['loadavg_before']:.2f} → {x['build']['loadavg_after']:.2f}")
    L.append("")
    sc = r["scaling"]
    L.append(f"### Scaling ({int(sc['size']):,}-document corpus)")
    L.append("")
    L.append("| workers | wall s | MB/s | docs/s | MB/s per core | CPU s (utilisation) | MB per CPU-s | peak PSS MB |")
    L.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for b in (sc["one"], sc["n"]) if sc["n"]["workers"] != 1 else (sc["one"],):
        L.append(f"| {b['workers']} | {b['wall_s']:,.1f} | {b['mb_s']:.2f} | {b['docs_s']:.1f} | "
                 f"{b['mb_s_per_core']:.2f} | {b['cpu_s']:,.1f} ({100 * b['cpu_utilisation']:.0f} %) | "
                 f"{b['mb_per_cpu_s']:.2f} | {_f(b['peak_tree_pss_mb'], 0)} |")
    L.append("")
    walls = sc.get("walls")
    runs = ""
    if walls and len(walls["n"]) > 1:
        lo, hi = min(walls["one"]) / max(walls["n"]), max(walls["one"]) / min(walls["n"])
        runs = (f"; median of {len(walls['n'])} builds each, run alternately — wall s with 1 worker: "
                + ", ".join(f"{w:.1f}" for w in walls["one"]) + f"; with {sc['n']['workers']}: "
                + ", ".join(f"{w:.1f}" for w in walls["n"]) + f"; any pair: {lo:.2f}–{hi:.2f}×")
    L.append(f"Speed-up {sc['n']['workers']} workers vs 1: **{sc['speedup']:.2f}×** "
             f"(parallel efficiency {100 * sc['efficiency']:.0f} %{runs}). The table shows the first build of each.")
    L.append("")
    L.append(f"### Dashboard query latency (ms, {QUERY_RUNS} runs after one cold run, read-only connection)")
    L.append("")
    calls = view_calls(None, "", "")
    L.append("Per view, the sum of the page's own data queries (`metrics.ui.queries`, results as DataFrames) "
             "under a random year filter (overview: no filter): "
             + "; ".join(f"{v} = " + " + ".join(dict.fromkeys(n for n, _ in c)) for v, c in calls.items())
             + ". Rows = mean rows returned per page load. Last column: the view's slowest single query at the "
             "largest size (p95).")
    L.append("")
    L.append("| view | " + " | ".join(f"{int(s):,} docs: p50 / p95 (first) · rows" for s in sizes)
             + f" | slowest query at {int(sizes[-1]):,}, p95 |")
    L.append("|---|" + "---:|" * (len(sizes) + 1))
    for view in QUERIES:
        cells = []
        for s in sizes:
            q = r["sizes"][s]["queries"].get(view)
            cells.append("–" if q is None else
                         f"{q['p50_ms']:.1f} / {q['p95_ms']:.1f} ({q['first_ms']:.1f}) · {q.get('avg_rows', 0):,.0f}")
        last = r["sizes"][sizes[-1]]["queries"].get(view) or {}
        slow = (f"`{last['slowest_query']}` {last['slowest_query_p95_ms']:.1f}" if "slowest_query" in last else "–")
        L.append(f"| {view} | " + " | ".join(cells) + f" | {slow} |")
    L.append("")
    inc = r["incremental"]
    L.append(f"### Incremental add ({inc['docs']} new files into the {int(inc['db_size']):,}-document database)")
    L.append("")
    L.append(f"`add_documents` took **{inc['wall_s']:.1f} s** ({inc['docs_added']} added, {inc['failures']} failures); "
             f"database {inc['db_mb_before']:,.1f} → {inc['db_mb_after']:,.1f} MB; peak tree PSS "
             f"{_f(inc['peak_tree_pss_mb'], 0)} MB; {inc['stage_seconds'].get('insert_final', 0):.2f} s in the final "
             "insert/checkpoint.")
    L.append("")
    ref = r["reference"]
    L.append(f"### Reference: Python jieba {ref['jieba_version']} (one core)")
    L.append("")
    L.append(f"`jieba.lcut(text)` (HMM on) + `jieba.analyse.extract_tags(text, topK=20)` per document on "
             f"{ref['docs']:,} documents ({ref['mb']:.1f} MB) of the {int(sc['size']):,}-document corpus"
             + (f"; extrapolated to the whole corpus: {ref['extrapolated_s']:,.0f} s" if ref.get("extrapolated") else "")
             + ".")
    L.append("")
    L.append("| | MB/s | docs/s | MB per CPU-s |")
    L.append("|---|---:|---:|---:|")
    L.append(f"| jieba lcut only | {ref['lcut_mb_s']:.2f} | – | – |")
    L.append(f"| jieba lcut + extract_tags | {ref['mb_s']:.2f} | {ref['docs_s']:.1f} | {ref['mb_per_cpu_s']:.2f} |")
    L.append(f"| our full pipeline, 1 worker | {sc['one']['mb_s']:.2f} | {sc['one']['docs_s']:.1f} | "
             f"{sc['one']['mb_per_cpu_s']:.2f} |")
    L.append(f"| our full pipeline, {sc['n']['workers']} workers, per core | {sc['n']['mb_s_per_core']:.2f} | "
             f"{sc['n']['docs_s'] / sc['n']['cores_used']:.1f} | {sc['n']['mb_per_cpu_s']:.2f} |")
    L.append("")
    L.append(f"Full pipeline MB/s per core ÷ jieba reference MB/s: **{ref['ratio_per_core']:.2f}×** "
             f"({sc['n']['workers']} workers) · **{ref['ratio_one_worker']:.2f}×** (1 worker) · "
             f"**{ref['ratio_cpu']:.2f}×** per CPU-second ({sc['n']['workers']} workers; the measure least "
             "affected by other load on the machine).")
    return "\n".join(L) + "\n"


NOTES_MARKER = "<!-- notes: kept across runs -->"


def write_docs(md: str, results: dict, path: Path) -> None:
    m = results["machine"]
    head = (
        "# Benchmark\n\n"
        "Produced by `python -m metrics bench --sizes "
        + ",".join(str(int(s)) for s in results["sizes"])
        + " --publish` (see `metrics/bench.py`); this file is rewritten by every published run.\n\n"
        f"* Date: {results['date']}\n"
        f"* Machine: {m['nproc']} CPUs (nproc), {m['cpu_model'] or 'unknown CPU'}, "
        f"{m['mem_gb']:.0f} GB RAM, {m['platform']}\n"
        f"* Python {m['python']}, DuckDB {m['duckdb']}; shared machine, load average at start "
        f"{', '.join(f'{x:.2f}' for x in m['loadavg_start'] or [])}\n\n"
        "Method: each synthetic document is a real text from `data/` with percentages, amounts (亿/万), "
        "years (shifted −8…+2 per document) and the city (in 我代表X市人民政府 and X市) varied, plus a "
        "unique last line; ~20 % are written as GBK. Corpora are written one file at a time into a "
        "temporary directory. Each build runs in a fresh child process (`build_database`, N workers); "
        "memory is the peak of the process tree sampled from /proc every 0.25 s (PSS sum counts "
        "copy-on-write pages shared by forked workers once; the RSS sum counts them per process). "
        "Query latencies use `duckdb.connect(read_only=True)` and the dashboard pages' own query "
        "functions (`metrics.ui.queries`).\n\n"
    )
    notes = ""
    if path.exists():  # hand-written notes below the marker survive re-runs
        old = path.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            notes = "\n" + old[old.index(NOTES_MARKER):]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(head + "## Latest results\n\n" + md + notes, encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------- driver

def _stop(signum, frame):
    raise SystemExit(128 + signum)


class BenchSourceError(ValueError):
    """A --source folder with no document the benchmark can read."""


def run_bench(sizes: list[int], workers: int | None, out_dir: Path, source: Path,
              docs_path: Path | None | str = "auto", reference_docs: int = REFERENCE_DOCS) -> dict:
    """Run the benchmark; print the Markdown table; write it and JSON to out_dir. Returns the results.

    docs_path: where to write the benchmark page; "auto" = docs/benchmark.md of a source checkout
    (skipped for an installed package), None = nowhere.
    """
    if docs_path == "auto":
        docs_path = REPO_DOCS if (REPO_DOCS.parent.parent / "pyproject.toml").exists() else None
    sizes = sorted({int(s) for s in sizes if int(s) > 0})
    if not sizes:
        raise ValueError("no corpus sizes given")
    n_workers = workers if workers is not None else max(1, min(os.cpu_count() or 1, 8))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scale_size = SCALING_SIZE if SCALING_SIZE in sizes else sizes[0]
    started = dt.datetime.now().replace(microsecond=0)
    results: dict = {"date": started.isoformat(sep=" "), "machine": machine_info(), "workers": n_workers,
                     "source": str(source), "sizes": {}}
    _log(f"sizes {sizes}, {n_workers} workers, source {source}; scaling and reference on {scale_size:,} docs")
    sources, cities = load_sources(Path(source))
    _log(f"{len(sources)} source texts, {len(cities)} city names")
    tmp = Path(tempfile.mkdtemp(prefix="metrics-bench-"))
    # a stop by SIGTERM (a CI timeout, kill) cleans up as Ctrl-C does: the corpora are gigabytes
    previous = signal.signal(signal.SIGTERM, _stop) if threading.current_thread() is threading.main_thread() else None
    try:
        largest_db = None
        for size in sizes:
            corpus = tmp / f"corpus-{size}"
            _log(f"[{size:,}] writing synthetic corpus")
            info = write_corpus(corpus, size, sources, cities, seed=SEED + size)
            _log(f"[{size:,}] corpus: {info['mb']:.1f} MB, {info['gbk_files']} GBK files, {info['seconds']:.1f} s")
            _log(f"[{size:,}] read + decode only")
            ro = time_read_only(corpus)
            _log(f"[{size:,}] read-only: {ro['seconds']:.1f} s, {ro['mb_s']:.1f} MB/s")
            db = tmp / f"bench-{size}.duckdb"
            _log(f"[{size:,}] full build with {n_workers} workers")
            res = run_build_child("build", [corpus], db, n_workers, f"build-{size}-w{n_workers}", tmp)
            build = summarise_build(res, info["bytes"], n_workers, db)
            _log(f"[{size:,}] build: {build['wall_s']:.1f} s, {build['mb_s']:.2f} MB/s, {build['docs_s']:.1f} docs/s, "
                 f"peak PSS {_f(build['peak_tree_pss_mb'], 0)} MB, DB {build['db_mb']:.1f} MB")
            entry = {"corpus": info, "read_only": ro, "build": build}
            if size == scale_size:
                walls: dict[str, list[float]] = {"one": [], "n": [build["wall_s"]]}
                if n_workers > 1:
                    db1 = tmp / f"bench-{size}-w1.duckdb"
                    for run in range(SCALING_RUNS):
                        _log(f"[{size:,}] scaling {run + 1}/{SCALING_RUNS}: full build with 1 worker")
                        b1 = summarise_build(run_build_child("build", [corpus], db1, 1, f"build-{size}-w1", tmp),
                                             info["bytes"], 1, db1)
                        db1.unlink(missing_ok=True)
                        if run == 0:
                            one = b1  # the table shows the first build of each
                        walls["one"].append(b1["wall_s"])
                        _log(f"[{size:,}] 1 worker: {b1['wall_s']:.1f} s, {b1['mb_s']:.2f} MB/s")
                        if run + 1 < SCALING_RUNS:  # the first N-worker build is the one measured above
                            dbn = tmp / f"bench-{size}-wn.duckdb"
                            again = run_build_child("build", [corpus], dbn, n_workers, f"build-{size}-w{n_workers}", tmp)
                            dbn.unlink(missing_ok=True)
                            walls["n"].append(again["seconds"])
                            _log(f"[{size:,}] {n_workers} workers again: {again['seconds']:.1f} s")
                else:
                    one = build
                    walls["one"] = walls["n"]
                median_one, median_n = statistics.median(walls["one"]), statistics.median(walls["n"])
                speedup = median_one / median_n if median_n else 0.0
                results["scaling"] = {"size": size, "one": one, "n": build, "speedup": speedup, "walls": walls,
                                      "efficiency": speedup / max(1, min(n_workers, os.cpu_count() or 1))}
                files = corpus_files(corpus)
                subset = files[:reference_docs]
                _log(f"[{size:,}] jieba reference on {len(subset)} documents")
                ref = jieba_reference(subset)
                ref["extrapolated"] = len(subset) < len(files)
                ref["extrapolated_s"] = ref["seconds"] * info["mb"] / ref["mb"] if ref["mb"] else 0.0
                ref["ratio_per_core"] = build["mb_s_per_core"] / ref["mb_s"] if ref["mb_s"] else 0.0
                ref["ratio_one_worker"] = one["mb_s"] / ref["mb_s"] if ref["mb_s"] else 0.0
                ref["ratio_cpu"] = build["mb_per_cpu_s"] / ref["mb_per_cpu_s"] if ref["mb_per_cpu_s"] else 0.0
                results["reference"] = ref
                _log(f"[{size:,}] jieba: {ref['mb_s']:.2f} MB/s; ours per core {build['mb_s_per_core']:.2f} MB/s "
                     f"→ {ref['ratio_per_core']:.2f}×")
            _log(f"[{size:,}] dashboard queries ({QUERY_RUNS} runs each)")
            entry["queries"] = time_queries(db)
            _log(f"[{size:,}] queries: " + ", ".join(
                f"{v} p50 {q['p50_ms']:.1f} ms" for v, q in entry["queries"].items() if v != "_meta"))
            results["sizes"][str(size)] = entry
            shutil.rmtree(corpus, ignore_errors=True)
            if largest_db is not None:
                largest_db.unlink(missing_ok=True)
            largest_db = db

        size = sizes[-1]
        new = tmp / "incremental"
        write_corpus(new, INCREMENTAL_DOCS, sources, cities, seed=SEED - 1, start_serial=10_000_000)
        before = largest_db.stat().st_size / MB
        _log(f"incremental: add_documents({INCREMENTAL_DOCS} files) into the {size:,}-document database")
        res = run_build_child("add", [new], largest_db, n_workers, "add", tmp)
        results["incremental"] = {
            "db_size": size, "docs": INCREMENTAL_DOCS, "docs_added": res["added"], "failures": res["failures"],
            "wall_s": res["seconds"], "process_wall_s": res["process_wall_s"], "db_mb_before": before,
            "db_mb_after": largest_db.stat().st_size / MB, "peak_tree_pss_mb": res["peak_tree_pss_mb"],
            "stage_seconds": res["stage_seconds"]}
        _log(f"incremental: {res['seconds']:.1f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)

    results["total_seconds"] = (dt.datetime.now() - started).total_seconds()
    md = render_markdown(results)
    print(md)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}", "latest"):
        (out_dir / f"{name}.md").write_text(md, encoding="utf-8")
        (out_dir / f"{name}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str),
                                              encoding="utf-8")
    if docs_path is not None:
        write_docs(md, results, Path(docs_path))
        _log(f"wrote {docs_path}")
    _log(f"results in {out_dir} ({results['total_seconds']:.0f} s)")
    return results
