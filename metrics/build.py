"""Build the DuckDB database from files: read → analyse (in worker processes) → bulk insert.

Guarantees:

* **Atomic**: the database is written to a temporary file beside the target and moved over
  it with ``os.replace``; readers see the old database or the new one, never half of one.
  A build killed midway leaves the previous database untouched.
* **One builder at a time**: an exclusive lock file (``<db>.lock``) serialises builds; a
  second build waits up to ``lock_timeout`` seconds, then fails with a clear message.
* **One bad file never aborts a batch**: each failure is reported with its path and reason,
  recorded in the ``failures`` table, and the other files are kept.
* **Idempotent**: documents are keyed by a hash of their text; the same input gives the
  same rows; a further file with the same text is recorded in ``duplicates``.
* **Flat memory**: results are streamed from the workers and flushed to DuckDB as Arrow
  batches; no more than ``batch_size`` documents are held at once.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import gc
import io
import json
import multiprocessing as mp
import os
import shutil
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import DB_SCHEMA_VERSION, __version__
from .analyze import META_FIELDS, Analysis, analyze, analyze_many, doc_id_for
from .codebook import DISCOVERED_SQL
from .dedup import Candidate, find_twins
from .filters import DOC_TYPE_LABELS, LEVEL_LABELS, REGION_SQL
from .lexicon import rules_version
from .reader import Limits, ReadError, iter_files, read_document
from .targets import KINDS as TARGET_KINDS
from .ui.queries import schema_problem

Progress = Callable[[int, int, str], None]

TABLE_COLUMNS = {
    "documents": ["doc_id", "source", "file_name", "file_format", "encoding", "n_chars", "title", "doc_type", "speaker",
                  "speaker_role", "date", "year", "year_source", "level", "province", "city", "district", "town",
                  "region_code", "region", "overrides", "top_level_sections", "enumerated_items",
                  "declared_mismatches", "n_targets", "n_slogans", "text", "rules_version", "built_at", "sketch",
                  "doc_no"],
    "targets": ["doc_id", "idx", "indicator", "canonical", "low", "high", "unit", "qualifier", "direction", "kind",
                "stretch", "sentence", "start", "end", "value_start", "value_end", "rules_version"],
    "outline": ["doc_id", "idx", "level", "style", "marker", "ordinal", "heading", "start", "end", "parent_idx",
                "rules_version"],
    "declared_counts": ["doc_id", "idx", "phrase", "n", "found", "mismatch", "form", "start", "end", "rules_version"],
    "slogans": ["doc_id", "text", "kind", "category", "count", "per_10k", "rules_version"],
    "slogan_mentions": ["doc_id", "text", "kind", "start", "end"],
    "keywords": ["doc_id", "rank", "word", "weight", "rules_version"],
    "pdf_pages": ["doc_id", "page", "start"],
    "sketch_values": ["v", "doc_no"],
}
#: columns the builder's main process adds (numbers are given in the order documents are stored)
MAIN_PROCESS_COLUMNS = {"documents": ("doc_no",), "sketch_values": ("v", "doc_no")}


_S, _I, _F, _B = pa.string(), pa.int64(), pa.float64(), pa.bool_()
_TYPES = {
    "n_chars": _I, "year": _I, "top_level_sections": _I, "enumerated_items": _I, "declared_mismatches": _I,
    "n_targets": _I, "n_slogans": _I, "idx": _I, "page": _I, "start": _I, "end": _I, "value_start": _I, "value_end": _I,
    "level": _S, "ordinal": _I, "parent_idx": _I, "n": _I, "found": _I, "count": _I, "rank": _I,
    "low": _F, "high": _F, "stretch": _F, "per_10k": _F, "weight": _F, "mismatch": _B,
    "date": pa.date32(), "built_at": pa.timestamp("us"), "sketch": pa.list_(pa.int64()), "doc_no": pa.int32(),
    "v": _I,
}
# outline.level is an integer; documents.level is text
SCHEMAS = {
    table: pa.schema([(c, _I if (table, c) == ("outline", "level") else _TYPES.get(c, _S)) for c in cols])
    for table, cols in TABLE_COLUMNS.items()
}


class NoInput(ValueError):
    """A build found no file to read: nothing is written."""


class ManifestError(ValueError):
    """A manifest (--manifest) the build cannot use: nothing is written."""


class BuildError(Exception):
    """The database could not be written (lock timeout, unwritable target …). ``reason`` says why,
    for a caller that words it for its users: ``locked`` (another build holds the lock),
    ``not_database`` (the target is a folder, under a file, or a file that is no DuckDB database),
    ``schema`` (a database this version cannot extend) or ``failed`` (anything else)."""

    def __init__(self, message: str, reason: str = "failed"):
        super().__init__(message)
        self.reason = reason


@dataclass
class BuildReport:
    db_path: Path
    added: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    added_docs: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, source)
    bytes_read: int = 0
    seconds: float = 0.0
    stage_seconds: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    near_duplicates: int = 0  # documents in the database marked as a near-duplicate of another
    #: files an add found in the database already, text and path alike: not analysed again
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, source)

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_json(self) -> dict:
        return {"db": str(self.db_path), "documents_added": self.added,
                "failures": [{"source": s, "reason": r} for s, r in self.failures],
                "duplicates": [{"doc_id": d, "source": s} for d, s in self.duplicates],
                "near_duplicates": self.near_duplicates, "unchanged": len(self.unchanged),
                "warnings": list(self.warnings), "bytes_read": self.bytes_read, "seconds": round(self.seconds, 3)}


# ---------------------------------------------------------------- overrides (sidecars)

def checked_overrides(values: dict) -> dict:
    """Override values as stored: a year as a number, a date as YYYY-MM-DD, a level or document
    type as its code (its Chinese label is accepted too); ValueError names a value that is none.

    >>> checked_overrides({"year": "2013", "level": "市级", "doc_type": "speech", "title": "报告"})
    {'year': 2013, 'level': 'city', 'doc_type': 'speech', 'title': '报告'}
    >>> checked_overrides({"year": "abc"})
    Traceback (most recent call last):
    ...
    ValueError: year 'abc' is not a year (1900–2100)
    """
    out = dict(values)
    if "year" in out:
        try:
            out["year"] = int(str(out["year"]).strip())
        except ValueError:
            out["year"] = None
        if out["year"] is None or not 1900 <= out["year"] <= 2100:
            raise ValueError(f"year {values['year']!r} is not a year (1900–2100)")
    if "date" in out:
        try:
            out["date"] = dt.date.fromisoformat(str(out["date"]).strip()[:10]).isoformat()
        except ValueError:
            raise ValueError(f"date {values['date']!r} is not a date (YYYY-MM-DD)") from None
    for key, labels in (("level", LEVEL_LABELS), ("doc_type", DOC_TYPE_LABELS)):
        if key in out:
            value = str(out[key]).strip()
            code = value if value in labels else next((c for c, label in labels.items() if label == value), None)
            if code is None:
                raise ValueError(f"{key} {values[key]!r} is none of "
                                 + ", ".join(f"{c} ({label})" for c, label in labels.items()))
            out[key] = code
    return out


def load_manifest(path: Path) -> dict[str, dict]:
    """A manifest CSV: a ``file`` column (path or file name) and any metadata columns
    (:data:`~metrics.analyze.META_FIELDS`). A column of another name, or a value that is not one
    (year "abc", level "城市"), raises :class:`ManifestError` naming the line and the column."""
    out: dict[str, dict] = {}
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on a Chinese Windows saves GBK
        try:
            content = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ManifestError(f"{path}: neither UTF-8 nor GBK text")
    with io.StringIO(content, newline="") as fh:
        reader = csv.DictReader(fh)
        columns = [c for c in reader.fieldnames or [] if c is not None]
        if "file" not in columns:
            raise ManifestError(f"{path}: no 'file' column (columns: {', '.join(columns) or 'none'})")
        if unknown := [c for c in columns if c != "file" and c not in META_FIELDS]:
            raise ManifestError(f"{path}: unknown column {', '.join(repr(c) for c in unknown)}; "
                                f"the columns are file and {', '.join(META_FIELDS)}")
        for row in reader:
            key = (row.pop("file", "") or "").strip()
            if key:
                values = {k: v.strip() for k, v in row.items() if k in META_FIELDS and v and v.strip()}
                try:
                    out[key] = checked_overrides(values)
                except ValueError as exc:
                    raise ManifestError(f"{path}, line {reader.line_num} ({key}): {exc}") from None
    return out


def manifest_keys(path: Path) -> tuple[str, ...]:
    """The keys a manifest row may name a file by: its name, or its path as given."""
    return (path.name, str(path), path.as_posix())


def sidecar_overrides(path: Path, manifest: dict[str, dict]) -> dict:
    values: dict = {}
    for key in manifest_keys(path):
        values.update(manifest.get(key, {}))
    sidecar = path.with_name(path.name + ".meta.toml")
    if sidecar.is_file():
        try:
            data = tomllib.loads(sidecar.read_text(encoding="utf-8"))
            values.update(checked_overrides({k: v for k, v in data.items() if k in META_FIELDS}))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError) as exc:
            raise ReadError(f"invalid sidecar {sidecar.name}: {exc}") from None
    return values


# ---------------------------------------------------------------- per-file work (worker)

def _read(job: tuple[str, str, dict, Limits]):
    """(raw document or None, error or None, bytes) for one job."""
    path_s, source, overrides, limits = job
    path = Path(path_s)
    size = 0
    try:
        with contextlib.suppress(OSError):
            size = path.stat().st_size
        return read_document(path, source, limits), None, size
    except ReadError as exc:
        return None, str(exc), size
    except Exception as exc:  # a reader bug must not abort the batch; report it
        return None, f"read failed: {type(exc).__name__}: {exc}"[:300], size


def _analysis_error(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "analysis failed: text nesting too deep"
    if isinstance(exc, MemoryError):
        return "analysis failed: out of memory"
    return f"analysis failed: {type(exc).__name__}: {exc}"[:300]


BATCH_CHARS = 4_000_000  # documents analysed together hold at most this much text (plus one document)


def _groups(items: list, sizes: list[int], max_size: int, max_items: int | None = None) -> list[list]:
    """Consecutive items in groups of at most max_items items whose sizes sum to at most
    max_size (an item larger than that alone).

    >>> _groups(list("abcde"), [1, 1, 5, 1, 1], max_size=6, max_items=3)
    [['a', 'b'], ['c', 'd'], ['e']]
    """
    out: list[list] = []
    total = 0
    for item, size in zip(items, sizes):
        if not out or (max_items and len(out[-1]) >= max_items) or total + size > max_size:
            out.append([])
            total = 0
        out[-1].append(item)
        total += size
    return out


#: the doc_ids of the database an add extends (set before the workers fork; they inherit it): a
#: file whose text is one of them is read, not analysed again (QA pass 16: adding a folder a second
#: time analysed every file, then dropped each as a duplicate)
_STORED: frozenset[str] = frozenset()


def process_files(jobs: list[tuple[str, str, dict, Limits]]) -> list[tuple[str, dict | None, str | None, int]]:
    """Read several files, analyse the readable ones together (stage by stage, see
    :func:`metrics.analyze.analyze_many`). Returns (source, rows, error, bytes) per job, in order;
    rows are ``{"stored": doc_id}`` for a text in :data:`_STORED`. Never raises: if the batch
    fails, each document is analysed alone so only the bad one fails."""
    read = [_read(job) for job in jobs]
    stored = {i: did for i, (raw, _, _) in enumerate(read)
              if raw is not None and _STORED and (did := doc_id_for(raw.text)) in _STORED}
    ok = [i for i, (raw, _, _) in enumerate(read) if raw is not None and i not in stored]
    items = {i: (read[i][0].text, jobs[i][1], jobs[i][2]) for i in ok}
    analyses: dict[int, Analysis | str] = {}
    for batch in _groups(ok, [len(items[i][0]) for i in ok], BATCH_CHARS):
        sub = [items[i] for i in batch]
        try:
            analyses.update(zip(batch, analyze_many(sub)))
        except Exception:  # noqa: BLE001 — isolate the document that fails
            for i, item in zip(batch, sub):
                try:
                    analyses[i] = analyze(*item)
                except Exception as exc:  # noqa: BLE001
                    analyses[i] = _analysis_error(exc)
    out = []
    for i, (job, (raw, error, size)) in enumerate(zip(jobs, read)):
        source = job[1]
        a = analyses.get(i)
        if raw is None:
            out.append((source, None, error, size))
        elif i in stored:
            out.append((source, {"stored": stored[i]}, None, size))
        elif isinstance(a, str):
            out.append((source, None, a, size))
        else:
            out.append((source, rows_for(a, raw.file_name, raw.file_format, raw.encoding, raw.pages), None, size))
    return out


def rows_for(a: Analysis, file_name: str, file_format: str, encoding: str | None, pages: tuple[int, ...] = ()) -> dict:
    rv = rules_version()
    did = a.doc_id
    m = a.meta_dict()
    region_label = a.region.label or ("全国" if a.region.level == "national" else "")
    doc = {
        "doc_id": did, "source": a.source, "file_name": file_name, "file_format": file_format, "encoding": encoding,
        "n_chars": len(a.text), "title": m["title"], "doc_type": m["doc_type"], "speaker": m["speaker"],
        "speaker_role": m["speaker_role"], "date": m["date"], "year": m["year"], "year_source": a.meta.year_source,
        "level": m["level"], "province": m["province"], "city": m["city"], "district": m["district"],
        "town": m["town"], "region_code": m["region_code"], "region": region_label or None,
        "overrides": json.dumps(list(a.overrides), ensure_ascii=False) if a.overrides else None,
        "top_level_sections": a.tasks.top_level_sections, "enumerated_items": a.tasks.enumerated_items,
        "declared_mismatches": sum(1 for d in a.tasks.declared if d.mismatch), "n_targets": len(a.targets),
        "n_slogans": sum(s.count for s in a.slogans if s.kind == "dictionary"), "text": a.text, "rules_version": rv,
        "sketch": None if a.sketch is None else a.sketch.view(np.int64).tolist(),
    }
    return {
        "documents": [doc],
        "targets": [(did, i, t.indicator, t.canonical, t.low, t.high, t.unit, t.qualifier, t.direction, t.kind,
                     t.stretch, t.sentence, t.start, t.end, t.value_start, t.value_end, rv)
                    for i, t in enumerate(a.targets)],
        "outline": [(did, o.idx, o.level, o.style, o.marker, o.ordinal, o.heading, o.start, o.end, o.parent_idx, rv)
                    for o in a.tasks.outline],
        "declared_counts": [(did, i, d.phrase, d.n, d.found, d.mismatch, d.form, d.start, d.end, rv)
                            for i, d in enumerate(a.tasks.declared)],
        "slogans": [(did, s.text, s.kind, s.category, s.count, s.per_10k, rv) for s in a.slogans],
        "slogan_mentions": [(did, mt.text, mt.kind, mt.start, mt.end) for mt in a.mentions],
        "keywords": [(did, i + 1, k.word, k.weight, rv) for i, k in enumerate(a.keywords)],
        "pdf_pages": [(did, k + 1, start) for k, start in enumerate(pages)],
        "timings": a.timings,
    }


# ---------------------------------------------------------------- database writing

def schema_sql() -> str:
    return (resources.files("metrics") / "schema.sql").read_text(encoding="utf-8")


def to_arrow(docs: list[dict], built_at: dt.datetime) -> dict[str, pa.Table]:
    """Rows of several documents as one Arrow table per database table (built in the worker)."""
    out: dict[str, pa.Table] = {}
    for table, all_cols in TABLE_COLUMNS.items():
        cols = [c for c in all_cols if c not in MAIN_PROCESS_COLUMNS.get(table, ())]
        if not cols:
            continue
        if table == "documents":
            rows = [tuple(built_at if c == "built_at" else d[c] for c in cols) for r in docs for d in r["documents"]]
        else:
            rows = [row for r in docs for row in r[table]]
        if not rows:
            continue
        columns = list(map(list, zip(*rows)))
        if table == "documents":
            i = cols.index("date")
            columns[i] = [dt.date.fromisoformat(d) if d else None for d in columns[i]]
        out[table] = pa.table(columns, schema=pa.schema([SCHEMAS[table].field(c) for c in cols]))
    return out


def number_documents(tables: dict[str, pa.Table], first: int) -> dict[str, pa.Table]:
    """The documents numbered from ``first`` (``doc_no``), and their sketch values as rows
    (``sketch_values``).

    >>> t = number_documents({"documents": pa.table({"doc_id": ["a", "b"], "sketch": [[5, 7], [7]]})}, 10)
    >>> t["documents"]["doc_no"].to_pylist(), t["sketch_values"].to_pydict()
    ([10, 11], {'v': [5, 7, 7], 'doc_no': [10, 10, 11]})
    """
    docs = tables.get("documents")
    if docs is None or not docs.num_rows:
        return tables
    numbers = pa.array(range(first, first + docs.num_rows), pa.int32())
    sketch = docs["sketch"].combine_chunks()
    values = pa.table({"v": pc.list_flatten(sketch), "doc_no": numbers.take(pc.list_parent_indices(sketch))})
    return {**tables, "documents": docs.append_column("doc_no", numbers), "sketch_values": values}


def process_chunk(args: tuple[list, dt.datetime]) -> tuple[list, dict[str, pa.Table], dict]:
    """Process several files; returns per-file outcomes, their rows as Arrow tables, and timings.

    Outcomes are (source, error, bytes, doc_id, duplicate_of_earlier_in_chunk).
    """
    jobs, built_at = args
    outcomes, good, timings, seen = [], [], {}, set()
    for source, rows, error, size in process_files(jobs):
        if error:
            outcomes.append((source, error, size, None, False))
            continue
        if "stored" in rows:  # in the database already: nothing to insert
            outcomes.append((source, None, size, rows["stored"], False))
            continue
        for k, v in rows.pop("timings", {}).items():
            timings[k] = timings.get(k, 0.0) + v
        did = rows["documents"][0]["doc_id"]
        outcomes.append((source, None, size, did, did in seen))
        if did not in seen:
            seen.add(did)
            good.append(rows)
    return outcomes, to_arrow(good, built_at), timings


DOCUMENTS_INSERT_BYTES = 128 << 20
#: a build's documents are inserted in about this many pieces at least (see insert_scale)
INSERT_PIECES = 4


def insert_scale(input_bytes: int) -> float:
    """The fraction of the writer's full insert sizes for a build that reads ``input_bytes``.

    With full-size inserts, a build of less than 128 MB keeps every row in memory until the last
    file and inserts it all then, while the workers sit idle: at 1,000 documents (44 MB) the last
    0.8 s of the build. Scaled so that the documents go in about four pieces (the other tables
    alike), the inserts overlap the analysis: that build takes 10.4 instead of 10.9 s with two
    workers, 18.2 instead of 18.3 s with one (medians of 3 alternating builds), into a 70
    instead of 67 MB file (documents in 4 row groups instead of 1). From 512 MB of input on,
    the full sizes.

    >>> insert_scale(44_000_000), insert_scale(10**9)
    (0.08, 1.0)
    """
    return round(min(1.0, input_bytes / (INSERT_PIECES * DOCUMENTS_INSERT_BYTES)), 2)


class _Writer:
    """Collects Arrow tables and appends them to DuckDB in bulk (never row by row).

    Each table is inserted on its own once ``batch_bytes`` of its rows have arrived
    (``table_bytes`` overrides it per table: 128 MB for ``documents``), and at the end. Large
    inserts fill whole row groups, which DuckDB writes straight to the database file; small ones
    go through the write-ahead log and are written again at each checkpoint. Against
    inserting every table every 256 documents: 2,048 documents' rows insert in 2.7 instead of 4.6
    CPU-seconds; with a full build's targets sorted once (see ``build_database``), the
    1,000-document benchmark corpus builds with 3.9 instead of 4.75 s of the main process's CPU
    into 67 instead of 99 MB. At most ``max_bytes`` in all wait in memory (beyond it the largest
    table goes first). 64/160 MB saved a little more CPU but, at 20,000 documents, left a larger
    file (1,515 MB against 1,299 MB) for the same peak memory. ``into`` sends a table's rows to
    another table (a full build's temporary targets).

    ``scale`` (0–1) shrinks every threshold (to at least 1 MB) for a build of a small corpus (see
    :func:`insert_scale`), so that its rows are inserted while the workers still analyse, not all
    after the last file.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, batch_bytes: int = 32 << 20, max_bytes: int = 224 << 20,
                 into: dict[str, str] | None = None, table_bytes: dict[str, int] | None = None, scale: float = 1.0):
        self.con, self.max_bytes = con, max_bytes
        # documents carry their full text: 128 MB (~2,900 texts) an insert, so that the table has
        # few row groups (the builder does not merge them, see connect_for_writing): with 32 MB,
        # 24 at 20,000 documents and `docs_missing` 10.5 instead of 8.3 ms (7.3 with one)
        table_bytes = {"documents": DOCUMENTS_INSERT_BYTES} if table_bytes is None else table_bytes
        self.batch = {t: max(min(1 << 20, b), int(b * scale)) for t in TABLE_COLUMNS
                      for b in [table_bytes.get(t, batch_bytes)]}
        self.into = into or {}  # table -> the table its rows go to instead
        self.buf: dict[str, list[pa.Table]] = {t: [] for t in TABLE_COLUMNS}
        self.size = dict.fromkeys(TABLE_COLUMNS, 0)

    def add(self, tables: dict[str, pa.Table]) -> None:
        for table, arrow in tables.items():
            if arrow.num_rows:
                self.buf[table].append(arrow)
                self.size[table] += arrow.nbytes
                if self.size[table] >= self.batch[table]:
                    self._insert(table)
        while sum(self.size.values()) > self.max_bytes:
            self._insert(max(self.size, key=self.size.get))

    def flush(self) -> None:
        for table in self.buf:
            self._insert(table)

    def _insert(self, table: str) -> None:
        parts = self.buf[table]
        if not parts:
            return
        arrow = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        quoted = ", ".join(f'"{c}"' for c in TABLE_COLUMNS[table])
        self.con.register("_batch", arrow)
        self.con.execute(f"INSERT INTO {self.into.get(table, table)} ({quoted}) SELECT {quoted} FROM _batch")
        self.con.unregister("_batch")
        parts.clear()
        self.size[table] = 0


# Rollups that the dashboard reads instead of the fact rows (see schema.sql): each sums one fact
# table per group of documents. table -> (fact table and alias, group keys as name: expression,
# summed values, which rows)
_DOC_GROUP = {"year": "d.year", "doc_type": "d.doc_type", "level": "d.level", "province": "d.province",
              "city": "d.city", "district": "d.district", "town": "d.town", "region": REGION_SQL}
ROLLUPS: dict[str, tuple[str, dict[str, str], str, str]] = {
    "phrase_stats": (
        "slogans s",
        {"text": "s.text", "kind": "s.kind", "year": "d.year", "doc_type": "d.doc_type"},
        f"count(*) AS n_docs, sum(s.count)::BIGINT AS hits, list_sort(list(DISTINCT {REGION_SQL})) AS regions",
        f"s.kind IN ({DISCOVERED_SQL})",
    ),
    "slogan_stats": (
        "slogans s",
        {"text": "s.text", **_DOC_GROUP},
        "sum(s.count)::BIGINT AS count, count(*) AS n_docs",
        "s.kind = 'dictionary'",
    ),
    "target_stats": (
        "targets t",
        {"canonical": "t.canonical", **_DOC_GROUP},
        "count(*) AS n, count(DISTINCT t.doc_id) AS n_docs, "
        "count(DISTINCT t.doc_id) FILTER (WHERE t.kind = 'target') AS n_target_docs, "
        + ", ".join(f"count(*) FILTER (WHERE t.kind = '{k}') AS n_{k}" for k in TARGET_KINDS),
        "TRUE",
    ),
    "keyword_stats": (
        "keywords k",
        {"word": "k.word", **_DOC_GROUP},
        "sum(k.weight) AS weight, count(*) AS n_docs",
        "TRUE",
    ),
    "keyword_docs": (
        "keywords k",
        dict(_DOC_GROUP),
        "count(DISTINCT k.doc_id) AS n_docs",
        "TRUE",
    ),
}


#: a document's block for the near-duplicate comparison (metrics/dedup.py): its year and region
_BLOCK_SQL = "coalesce(year, 0) AS _year, coalesce(region_code, region, '') AS _region"


def mark_near_duplicates(con: duckdb.DuckDBPyConnection, added: set[str] | None = None) -> set[str]:
    """Set ``documents.duplicate_of``/``dup_similarity`` (metrics/dedup.py): in every block of
    documents (``added`` None: a full build), else in the blocks of the ``added`` documents only.
    Returns the documents whose mark changed (their rollup groups need refreshing)."""
    scope = ""
    if added is not None:
        if not added:
            return set()
        con.register("_added", pa.table({"doc_id": sorted(added)}))
        scope = "AND (_year, _region) IN (SELECT _year, _region FROM b WHERE doc_id IN (SELECT doc_id FROM _added))"
    try:
        rows = con.sql(f"""
            WITH b AS (SELECT doc_id, {_BLOCK_SQL}, file_format, source, sketch, duplicate_of, dup_similarity
                       FROM documents WHERE len(sketch) > 0)
            SELECT * FROM b WHERE (_year, _region) IN (SELECT _year, _region FROM b GROUP BY ALL HAVING count(*) > 1)
            {scope}""").to_arrow_table()
    finally:
        if added is not None:
            con.unregister("_added")
    if not rows.num_rows:
        return set()
    sketches = rows["sketch"].combine_chunks()
    flat = sketches.values.to_numpy(zero_copy_only=False).view(np.uint64)
    offsets = sketches.offsets.to_numpy()
    cols = {name: rows[name].to_pylist() for name in ("doc_id", "_year", "_region", "file_format", "source",
                                                       "duplicate_of", "dup_similarity")}
    twins = {t.doc_id: t for t in find_twins(
        Candidate(did, (y, r), fmt, src, flat[offsets[i]:offsets[i + 1]])
        for i, (did, y, r, fmt, src) in enumerate(zip(cols["doc_id"], cols["_year"], cols["_region"],
                                                      cols["file_format"], cols["source"])))}
    changed = {}
    for did, old_of, old_sim in zip(cols["doc_id"], cols["duplicate_of"], cols["dup_similarity"]):
        t = twins.get(did)
        new = (t.duplicate_of, t.similarity) if t else (None, None)
        if new != (old_of, old_sim):
            changed[did] = new
    if changed:
        marks = pa.table({"doc_id": list(changed), "duplicate_of": [v[0] for v in changed.values()],
                          "dup_similarity": pa.array([v[1] for v in changed.values()], pa.float64())})
        con.register("_marks", marks)
        try:
            con.execute("UPDATE documents SET duplicate_of = m.duplicate_of, dup_similarity = m.dup_similarity "
                        "FROM _marks m WHERE documents.doc_id = m.doc_id")
        finally:
            con.unregister("_marks")
    return set(changed)


def refresh_rollups(con: duckdb.DuckDBPyConnection, added: set[str] | None = None) -> None:
    """Bring the rollup tables up to date: rebuilt from all rows (``added`` None: a full build, or
    a database built before a rollup existed), else only the groups that the ``added`` documents
    touch are recomputed, so an add stays quick at any database size. Near-duplicates
    (``documents.duplicate_of``) are left out, as the dashboard's default filter leaves them."""
    done = {k for (k,) in con.execute("SELECT key FROM build_info").fetchall()}
    for table, (source, keys, values, which) in ROLLUPS.items():
        alias = source.split()[-1]
        cols = ", ".join(f"{expr} AS {name}" for name, expr in keys.items())
        joined = f"FROM {source} JOIN documents d ON d.doc_id = {alias}.doc_id"
        touched = f"{joined} WHERE {which}"
        rows = f"{joined} {{semi}} WHERE {which} AND d.duplicate_of IS NULL"
        if added is None or table not in done:
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT {cols}, {values} {rows.format(semi='')} GROUP BY ALL")
            continue
        if not added:
            continue
        con.register("_added", pa.table({"doc_id": sorted(added)}))
        try:
            # the groups of the added (and re-marked) documents, near-duplicates among them: a document
            # that has just become one leaves its group
            con.execute(f"CREATE OR REPLACE TEMP TABLE _keys AS SELECT DISTINCT {cols} {touched} "
                        f"AND {alias}.doc_id IN (SELECT doc_id FROM _added)")
            match = " AND ".join(f"k.{name} IS NOT DISTINCT FROM {{t}}{name}" for name in keys)
            con.execute(f"DELETE FROM {table} p WHERE EXISTS (SELECT 1 FROM _keys k WHERE {match.format(t='p.')})")
            semi = "SEMI JOIN _keys _k ON " + " AND ".join(f"_k.{name} IS NOT DISTINCT FROM {expr}" for name, expr in keys.items())
            con.execute(f"INSERT INTO {table} SELECT {cols}, {values} {rows.format(semi=semi)} GROUP BY ALL")
            con.execute("DROP TABLE _keys")
        finally:
            con.unregister("_added")


#: DuckDB threads of the builder's connection (fewer while worker processes analyse, see build_database)
WRITER_THREADS = 2


def connect_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    """The builder's connection: bounded memory, two threads, and no vacuum at checkpoints.

    Vacuum would merge the small row groups each insert of ``documents`` leaves (a few hundred
    rows of full text) back into one, rewriting all the text inserted so far whenever their number
    doubles: 32 inserts of 47 MB of text took 34 CPU-s with it and 5.2 without, and left a file of
    2,919 instead of 1,513 MB. The 20,000-document benchmark corpus builds with 58.5 instead of
    70.9 s of the main process's CPU, into 1,238 instead of 1,457 MB (dashboard queries alike).
    Adding files must not vacuum either: adding 9 files to that database took 2.9 s without and
    13.1 s with it, which merged the row groups and left a 2,206 MB file.
    """
    return duckdb.connect(str(path), config={"memory_limit": "512MB", "threads": WRITER_THREADS, "max_vacuum_tasks": 0})


@contextlib.contextmanager
def build_lock(db_path: Path, timeout: float):
    lock_path = db_path.with_name(db_path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(lock_path, "a+")
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildError(f"another build holds {lock_path} (waited {timeout:.0f} s); try again when it ends",
                                     reason="locked") from None
                time.sleep(0.2)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def _jobs(paths: Iterable[Path], report: BuildReport, manifest: dict, limits: Limits, max_files: int | None,
          source_of: Callable[[Path], str] | None = None):
    count = 0
    for path, source, skip in iter_files(list(paths)):
        if source_of is not None:
            source = source_of(path)
        if skip:
            report.failures.append((source, skip))
            continue
        if max_files is not None and count >= max_files:
            report.failures.append((source, f"not read: over the limit of {max_files} files per build"))
            continue
        try:
            overrides = sidecar_overrides(path, manifest)
        except ReadError as exc:
            report.failures.append((source, str(exc)))
            continue
        count += 1
        yield (str(path), source, overrides, limits)


def _warm_caches() -> None:
    analyze("镇党委书记张三在全镇大会上的讲话\n同志们:\n我代表北京市通州区张家湾镇,力争地区生产总值增长5%。")


# Files per worker task, and at most this many bytes of them (a larger file alone). Sixteen
# rather than eight: the 1,000-document benchmark corpus builds in 11.0 instead of 11.5 s with two
# workers, 18.7 instead of 19.2 s with one (medians of 4 to 8 builds): fewer, larger Arrow
# tables and pool messages, and each stage runs over more documents in a row. The byte cap
# bounds what a worker reads at once when files are large.
CHUNK_FILES = 16
CHUNK_BYTES = 8 << 20


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the worker reports the file


def _in_workers(tasks: list[list], workers: int) -> bool:
    """Whether :func:`_run` runs the tasks in worker processes (else in this process)."""
    return workers > 1 and len(tasks) >= 2


def _run(tasks: list[list], workers: int, built_at: dt.datetime):
    """Results of :func:`process_chunk` for each task (a list of jobs), in order."""
    chunks = [(c, built_at) for c in tasks]
    # Load dictionaries once (in the parent: forked workers share the pages), then freeze them
    # out of the garbage collector: it would otherwise rescan these large tables on every
    # collection (20 % of analysis time) and, in a worker, copy the shared pages by touching them.
    _warm_caches()
    gc.freeze()
    try:
        if not _in_workers(tasks, workers):
            for c in chunks:
                yield process_chunk(c)
            return
        # Workers live for the whole build (their memory stays flat, ~270 MB): a replacement would
        # be forked from this process later, when DuckDB's buffers have grown, and share them.
        # Not multiprocessing.Pool: its worker-handler thread waits on the result pipe too, and
        # spins while a large result is being read (its two threads used 0.74 CPU-s per 1,000
        # documents, holding the GIL against this process's inserts; the executor's one, 0.47);
        # and a worker killed (out of memory) hangs a Pool but breaks an executor, which raises.
        pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"))
        try:
            yield from pool.map(process_chunk, chunks)
        except BrokenProcessPool:
            raise BuildError("a worker process died (killed, or out of memory?); nothing was written — "
                             "try again with fewer workers (-j)") from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        gc.unfreeze()


#: a DuckDB file holds these bytes at offset 8 (after the header's checksum)
_DUCKDB_MAGIC = b"DUCK"


def is_duckdb_file(path: Path) -> bool:
    """Whether ``path`` is a DuckDB database file (by its header), or an empty file."""
    with open(path, "rb") as fh:
        head = fh.read(12)
    return not head or head[8:12] == _DUCKDB_MAGIC


def check_target(db_path: Path) -> None:
    """Refuse, before any file is read, a database path that cannot be one: a folder, a path
    under a file, or a file that is not a DuckDB database (a mistyped ``--db notes.txt`` must not
    replace the user's file).

    >>> import tempfile; d = Path(tempfile.mkdtemp()); (d / "notes.txt").write_text("my notes")
    8
    >>> check_target(d / "notes.txt")
    Traceback (most recent call last):
    ...
    metrics.build.BuildError: ... exists and is not a DuckDB database; it was not changed (remove it or choose another --db)
    """
    if db_path.is_dir():
        raise BuildError(f"{db_path} is a folder, not a database file", reason="not_database")
    blocker = next((p for p in db_path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise BuildError(f"{blocker} is a file, not a folder: {db_path} cannot be written", reason="not_database")
    if db_path.exists() and not is_duckdb_file(db_path):
        raise BuildError(f"{db_path} exists and is not a DuckDB database; it was not changed "
                         "(remove it or choose another --db)", reason="not_database")


def build_database(paths: list[Path], db_path: Path, *, workers: int | None = None, progress: Progress | None = None,
                   manifest: Path | None = None, limits: Limits = Limits(), lock_timeout: float = 600.0,
                   max_files: int | None = None, incremental: bool = False,
                   source_of: Callable[[Path], str] | None = None) -> BuildReport:
    """Build (or, with incremental=True, extend) the database at db_path from files under paths.

    Each document records where it came from (``documents.source``): the path as found, or
    ``source_of(path)`` (the dashboard's uploads: ``upload/<file name>``, not a temporary path)."""
    db_path = Path(db_path)
    check_target(db_path)
    report = BuildReport(db_path=db_path)
    start = time.perf_counter()
    man = load_manifest(manifest) if manifest else {}
    jobs = list(_jobs(paths, report, man, limits, max_files, source_of))
    if man:
        named = {key for job in jobs for key in manifest_keys(Path(job[0]))}
        report.warnings += [f"{manifest}: the row for {key!r} matches no file read" for key in man if key not in named]
    if not jobs and not incremental:
        # a mistyped or empty folder must not replace a database with an empty one
        problems = "; ".join(f"{s}: {r}" for s, r in report.failures[:3])
        raise NoInput(f"no readable .txt/.docx/.pdf/.html file under {', '.join(map(str, paths))}"
                      f"{' (' + problems + ')' if problems else ''}; {db_path} was not changed")
    workers = workers if workers is not None else max(1, min(os.cpu_count() or 1, 8))
    built_at = dt.datetime.now().replace(microsecond=0)
    with build_lock(db_path, lock_timeout):
        tmp = db_path.with_name(f".{db_path.name}.tmp-{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        in_place = False
        try:
            if incremental and db_path.exists():
                try:  # add in place, in one transaction: seconds, whatever the database's size
                    con = connect_for_writing(db_path)
                    in_place = True
                except (duckdb.IOException, duckdb.ConnectionException) as exc:
                    # another process holds DuckDB's file lock (IOException), or this one has the file
                    # open read-only (ConnectionException: the dashboard's upload page)
                    if "lock" not in str(exc).lower() and "same database file" not in str(exc):
                        raise
                    # a reader (the dashboard) has the file open: extend a copy, then swap it in
                    report.warnings.append("the database is open elsewhere (the dashboard?): added to a copy "
                                           "that replaced it, which takes longer than adding in place")
                    shutil.copyfile(db_path, tmp)
            if not in_place:
                con = connect_for_writing(tmp)
            try:
                con.execute("SET enable_progress_bar = false")  # DuckDB's own bar on stdout (the CLI draws one)
                problem = schema_problem(con)
                if problem:
                    raise BuildError(f"{db_path}: {problem}", reason="schema")
                con.execute(schema_sql())
                if in_place:
                    con.execute("BEGIN TRANSACTION")  # all or nothing: a failed add leaves the database as it was
                stored_at: dict[str, set[str]] = {}  # doc_id → the sources it was read from
                for did, src in con.execute("SELECT doc_id, source FROM documents").fetchall():
                    stored_at.setdefault(did, set()).add(src)
                known = set(stored_at)
                before = set(known)
                stored_sources = {src for sources in stored_at.values() for src in sources}
                changed: list[str] = []  # files read before whose text has changed since
                global _STORED
                _STORED = frozenset(known) if incremental else frozenset()
                next_no = con.execute("SELECT coalesce(max(doc_no), 0) + 1 FROM documents").fetchall()[0][0]
                if incremental and known:
                    older = con.execute("SELECT count(*) FROM documents WHERE rules_version <> ?",
                                        [rules_version()]).fetchall()[0][0]
                    if older:
                        report.warnings.append(
                            f"{older} documents already in the database were analysed with other rules "
                            f"(an older version); the added ones use {rules_version()}. Rebuild to compare "
                            "them on the same rules")
                sizes = [_size(job[0]) for job in jobs]
                scale = insert_scale(sum(sizes))
                tasks = _groups(jobs, sizes, CHUNK_BYTES, CHUNK_FILES)
                if incremental:
                    writer = _Writer(con, scale=scale)
                else:
                    # A full build collects targets in a temporary table and writes them to the
                    # database file once, sorted by indicator (the dashboard's per-indicator queries
                    # then skip row groups). Sorting rows already in the file left their old blocks
                    # free inside it: 1,050 MB instead of 624 MB at 10,000 documents.
                    con.execute("CREATE TEMP TABLE _targets_unsorted AS SELECT * FROM targets LIMIT 0")
                    # and sketch values sorted by value: 25 instead of ~110 MB at 100,000 documents
                    con.execute("CREATE TEMP TABLE _sketch_values_unsorted AS SELECT * FROM sketch_values LIMIT 0")
                    writer = _Writer(con, into={"targets": "_targets_unsorted", "sketch_values": "_sketch_values_unsorted"},
                                     scale=scale)
                # While worker processes analyse, they have the cores: DuckDB inserts with the
                # ones left (at least one). On 2 cores with 2 workers, one thread: the 1,000-document
                # corpus builds in 10.4 instead of 10.6 s (medians of 8 alternating builds), the
                # main process using 0.2 CPU-s less. The end (final inserts, sort, rollups,
                # indexes) has the machine to itself again.
                parallel = _in_workers(tasks, workers)
                if parallel:
                    con.execute(f"SET threads = {min(WRITER_THREADS, max(1, (os.cpu_count() or 1) - workers))}")
                done = 0
                for outcomes, tables, timings in _run(tasks, workers, built_at):
                    for k, v in timings.items():
                        report.stage_seconds[k] = report.stage_seconds.get(k, 0.0) + v
                    drop = set()
                    for source, error, size, did, dup_in_chunk in outcomes:
                        done += 1
                        report.bytes_read += size
                        if error:
                            report.failures.append((source, error))
                        elif dup_in_chunk:
                            report.duplicates.append((did, source))
                        elif source in stored_at.get(did, ()):
                            report.unchanged.append((did, source))  # the very file, added before
                        elif did in known:
                            report.duplicates.append((did, source))
                            drop.add(did)
                        else:
                            known.add(did)
                            report.added += 1
                            report.added_docs.append((did, source))
                            if source in stored_sources:
                                changed.append(source)
                    if drop:  # the same text was already added from an earlier chunk
                        ids = pa.array(sorted(drop))
                        tables = {t: a.filter(pc.invert(pc.is_in(a["doc_id"], value_set=ids))) for t, a in tables.items()}
                    tables = number_documents(tables, next_no)
                    next_no += tables["documents"].num_rows if "documents" in tables else 0
                    writer.add(tables)
                    if progress:
                        progress(done, len(jobs), outcomes[-1][0])
                _STORED = frozenset()
                if changed:  # (QA pass 17: the older text was counted, the edited one left out as its twin)
                    report.warnings.append(
                        f"{len(changed)} file(s) changed since they were added ({', '.join(changed[:3])}"
                        f"{' …' if len(changed) > 3 else ''}): the database now holds both texts, the older one "
                        "kept when they are near-duplicates; rebuild the database to hold only the current ones")
                if parallel:
                    con.execute(f"SET threads = {WRITER_THREADS}")
                writer.flush()
                t_ins = time.perf_counter()
                con.execute("SET memory_limit = '1GB'")  # the workers are gone: sort and index with more
                if not incremental:
                    con.execute("INSERT INTO targets SELECT * FROM _targets_unsorted ORDER BY canonical, kind, doc_id, idx")
                    con.execute("DROP TABLE _targets_unsorted")
                    con.execute("INSERT INTO sketch_values SELECT * FROM _sketch_values_unsorted ORDER BY v, doc_no")
                    con.execute("DROP TABLE _sketch_values_unsorted")
                if incremental:  # a file tried again replaces what its last try recorded
                    seen = [src for src, _ in report.failures] + [src for _, src in report.duplicates + report.added_docs
                                                                      + report.unchanged]
                    for table in ("failures", "duplicates"):
                        con.execute(f"DELETE FROM {table} WHERE source IN (SELECT unnest(?::VARCHAR[]))", [seen])
                if report.failures:
                    con.executemany("INSERT INTO failures VALUES (?, ?, ?)", [(s, r, built_at) for s, r in report.failures])
                if report.duplicates:
                    con.executemany("INSERT INTO duplicates VALUES (?, ?)", report.duplicates)
                t_dup = time.perf_counter()
                remarked = mark_near_duplicates(con, None if not incremental else known - before)
                report.stage_seconds["near_duplicates"] = time.perf_counter() - t_dup
                # on this connection, not queries.count_near_duplicates (a cursor of its own would not
                # see the add's open transaction)
                report.near_duplicates = con.execute(
                    "SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL").fetchall()[0][0]
                refresh_rollups(con, None if not incremental else (known - before) | remarked)
                n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
                info = {"schema_version": str(DB_SCHEMA_VERSION), "rules_version": rules_version(), "package_version": __version__,
                        "built_at": built_at.isoformat(), "n_documents": str(n_docs), **{table: "1" for table in ROLLUPS}}
                con.executemany("INSERT OR REPLACE INTO build_info VALUES (?, ?)", list(info.items()))
                if in_place:
                    # commit the rows before the index step: a failed statement (an index that does not
                    # fit in memory) aborts a DuckDB transaction, and COMMIT would then drop the add
                    con.execute("COMMIT")
                for table in ("targets", "outline", "declared_counts", "slogans", "slogan_mentions", "keywords", "pdf_pages"):
                    try:  # an ART index must fit in memory; without it one-document lookups scan
                        con.execute(f"CREATE INDEX IF NOT EXISTS {table}_doc ON {table} (doc_id)")
                    except duckdb.OutOfMemoryException:
                        report.warnings.append(f"index on {table}.doc_id skipped: not enough memory")
                con.execute("CHECKPOINT")
                report.stage_seconds["insert_final"] = time.perf_counter() - t_ins - report.stage_seconds["near_duplicates"]
            finally:
                con.close()  # closing an open transaction rolls it back
            if not in_place:
                os.replace(tmp, db_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
    report.seconds = time.perf_counter() - start
    return report


def add_documents(db_path: Path, paths: list[Path], progress: Progress | None = None, **kwargs) -> BuildReport:
    """Add files to an existing database, atomically: in one transaction on the file itself, or —
    when another process (the dashboard) has it open — on a copy that then replaces it."""
    return build_database(paths, db_path, progress=progress, incremental=True, **kwargs)
