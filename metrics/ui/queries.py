"""Read-only SQL for the dashboard. Pure functions of (connection, arguments).

Every function takes a DuckDB connection, opens its own ``cursor()`` and
passes user-controlled values as ``?`` parameters only. Filter SQL comes from
:meth:`metrics.filters.Filters.where_sql`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, fields
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics import DB_SCHEMA_ADDS, DB_SCHEMA_VERSION
from metrics import phrases as phrases_mod
from metrics.codebook import DISCOVERED_SQL, SLOGAN_KINDS, codebook, readable_sql, table_label
from metrics.dedup import SIMILAR_MIN as _SIMILAR_MIN, similarity as dedup_similarity
from metrics.passages import Passage, compare as compare_passages
from metrics.filters import NATIONAL, REGION_SQL, UNKNOWN_REGION, Filters
from metrics.slogans import dictionary_forms
from metrics.targets import KINDS as TARGET_KINDS

#: SQL over ``documents d``: no province, city or district was recognised
#: no region recognised (a national document, level national, has none below the country and is known)
NO_REGION_SQL = "(d.province IS NULL AND d.city IS NULL AND d.district IS NULL AND d.level IS DISTINCT FROM 'national')"

DOC_COLUMNS = f"""
    d.doc_id, d.source, d.file_name, d.file_format, d.title, d.doc_type, d.speaker,
    d.speaker_role, d.date, d.year, d.year_source, d.level, d.province, d.city,
    d.district, d.town, d.region_code,
    {REGION_SQL} AS region,
    d.n_chars, d.top_level_sections, d.enumerated_items, d.declared_mismatches,
    d.n_targets, d.n_slogans, d.rules_version, d.duplicate_of, d.dup_similarity
"""


def q(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """Run one parameterised query on a fresh cursor and return a DataFrame.

    The rows travel as Arrow (3x faster than ``.df()`` for 100,000 documents with text
    columns) and are given ``.df()``'s types: nullable integers where a value is missing,
    dates as ``datetime64``, decimals (DuckDB's ``sum`` of integers) as floats.

    >>> con = duckdb.connect()
    >>> q(con, "SELECT ? AS s, NULL::INT AS n, DATE '2024-03-01' AS d, sum(x) AS t FROM range(4) r(x)", ["两会"]).dtypes.astype(str).tolist()
    ['str', 'Int32', 'datetime64[us]', 'float64']
    """
    return arrow_frame(_arrow(con, sql, params))


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pa.Table:
    """One parameterised query on a fresh cursor, as an Arrow table."""
    cur = con.cursor()
    try:
        return cur.sql(sql, params=params or None).to_arrow_table()
    finally:
        cur.close()


_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sm-query")


def _together(con: duckdb.DuckDBPyConnection, *queries: tuple[str, list[Any]]) -> list[pa.Table]:
    """Several queries at once, each on its own cursor (DuckDB releases the GIL while it runs one):
    target_points' two scans at 100,000 documents take p50 45 ms / p95 63 this way, 53 / 82 in turn."""
    futures = [_POOL.submit(_arrow, con, sql, params) for sql, params in queries]
    return [fut.result() for fut in futures]


def arrow_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a pandas DataFrame with the dtypes DuckDB's ``.df()`` gives."""
    df = table.to_pandas(date_as_object=False)
    for name, col in zip(table.column_names, table.columns):
        t = col.type
        if pa.types.is_integer(t) and col.null_count:
            df[name] = df[name].astype(f"{'U' if pa.types.is_unsigned_integer(t) else ''}Int{t.bit_width}")
        elif pa.types.is_date(t):
            df[name] = df[name].astype("datetime64[us]")
        elif pa.types.is_decimal(t):
            df[name] = df[name].astype("float64")
    return df


def _where(f: Filters) -> tuple[str, list[Any]]:
    return f.where_sql("d")


def _rollup_where(f: Filters) -> tuple[str, list[Any]]:
    """The filter over a rollup aliased ``r``: the rollups hold no near-duplicates (the builder
    leaves them out, as the default filter does), and ``_use_rollups`` is False when they are asked for."""
    return f.replace(duplicates=True).where_sql("r")


def _docs_join(f: Filters, alias: str) -> str:
    """``JOIN documents d`` for a fact table aliased ``alias`` — left out when nothing is filtered
    and the query reads no document column (counting 19 M targets: 190 ms with it, 50 ms without)."""
    return "" if f.keeps_all else f"JOIN documents d ON d.doc_id = {alias}.doc_id"


# ---------------------------------------------------------------- metadata
def _has_table(con, name: str) -> bool:
    """The database holds this table (one built by an older version may lack it)."""
    return bool(con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = ?", [name]).fetchall())


def schema_problem(con) -> str | None:
    """Why this version cannot read or extend the database (None: it can, or it is new and empty)."""
    if not _has_table(con, "build_info"):
        return None
    rows = con.execute("SELECT value FROM build_info WHERE key = 'schema_version'").fetchall()
    if not rows or rows[0][0] == str(DB_SCHEMA_VERSION):
        return None
    return (f"built by an older version of Speech Metrics (database schema {rows[0][0]}, this version reads "
            f"{DB_SCHEMA_VERSION}, which adds {DB_SCHEMA_ADDS[0]}); build it again from its files")


def build_info(con) -> dict[str, str]:
    df = q(con, "SELECT key, value FROM build_info")
    return dict(zip(df["key"].astype(str), df["value"].astype(str)))


def region_options(con) -> pd.DataFrame:
    """Distinct region paths for cascading selectors (all documents); the national documents'
    province is 全国 (:data:`metrics.filters.NATIONAL`), the filter's name for them."""
    return q(
        con,
        """SELECT DISTINCT CASE WHEN level = 'national' THEN ? ELSE province END AS province, city, district, town
           FROM documents
           ORDER BY province NULLS LAST, city NULLS LAST, district NULLS LAST, town NULLS LAST""",
        [NATIONAL],
    )


def facet_values(con) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for col in ("level", "doc_type"):
        df = q(con, f"SELECT DISTINCT {col} AS v FROM documents WHERE {col} IS NOT NULL ORDER BY 1")
        out[col] = df["v"].tolist()
    yr = q(con, "SELECT min(year) AS lo, max(year) AS hi FROM documents")
    lo, hi = yr.iloc[0]["lo"], yr.iloc[0]["hi"]
    out["years"] = [] if pd.isna(lo) else [int(lo), int(hi)]
    return out


def count_near_duplicates(con) -> int:
    """Documents marked as a near-duplicate of another (all, whatever the filter)."""
    return int(q(con, "SELECT count(*) AS n FROM documents WHERE duplicate_of IS NOT NULL")["n"].iloc[0])


def count_docs(con, f: Filters) -> int:
    w, p = _where(f)
    return int(q(con, f"SELECT count(*) AS n FROM documents d WHERE {w}", p).iloc[0]["n"])


def _documents_sql(f: Filters) -> tuple[str, list[Any]]:
    w, p = _where(f)
    # a kept document before its near-duplicates (the 单篇文档 picker opens the first)
    return (f"SELECT {DOC_COLUMNS} FROM documents d WHERE {w} "
            "ORDER BY region, year NULLS LAST, d.duplicate_of IS NOT NULL, d.title", p)


def documents(con, f: Filters) -> pd.DataFrame:
    return q(con, *_documents_sql(f))


def document(con, doc_id: str) -> dict[str, Any] | None:
    df = q(con, "SELECT d.* EXCLUDE (sketch), coalesce(nullif(d.region, ''), ?) AS region_label "
                "FROM documents d WHERE d.doc_id = ?", [UNKNOWN_REGION, doc_id])
    if df.empty:
        return None
    # a NULL comes out of a DataFrame row as NaN/NaT, which is truthy and prints as "nan"
    return {k: None if pd.isna(v) else v for k, v in df.iloc[0].items()}


#: filters that the rollups of document groups (slogan_stats, target_stats, keyword_stats,
#: keyword_docs) can answer: all but speaker and text search
ROLLUP_FILTERS = ("province", "city", "district", "town", "level", "doc_type", "year_from", "year_to")


# ---------------------------------------------------------------- facts
def _target_conditions(canonical: str | None, kind: str | None, unit: str | None) -> tuple[str, list[Any]]:
    """SQL (``AND …``) and parameters restricting ``targets t`` to an indicator, kind and unit
    (``unit=""``: no unit)."""
    extra, extra_p = "", []
    for col, value in (("canonical", canonical), ("kind", kind)):
        if value is not None:
            extra += f" AND t.{col} = ?"
            extra_p.append(value)
    if unit is not None:
        extra += " AND coalesce(t.unit, '') = ?"
        extra_p.append(unit)
    return extra, extra_p


def targets(con, f: Filters, canonical: str | None = None, kind: str | None = None,
            unit: str | None = None) -> pd.DataFrame:
    return q(con, *_targets_sql(f, canonical, kind, unit))


def _targets_sql(f: Filters, canonical: str | None = None, kind: str | None = None,
                 unit: str | None = None) -> tuple[str, list[Any]]:
    w, p = _where(f)
    extra, extra_p = _target_conditions(canonical, kind, unit)
    return (
        f"""SELECT t.doc_id, t.idx, t.indicator, t.canonical, t.low, t.high, t.unit, t.qualifier,
                   t.direction, t.kind, t.stretch, t.sentence, t.start, t."end", t.value_start,
                   t.value_end, d.title, d.year, d.level, d.doc_type, d.province, d.city, d.district,
                   d.town, {REGION_SQL} AS region, d.file_name
            FROM targets t JOIN documents d ON d.doc_id = t.doc_id
            WHERE {w}{extra}
            ORDER BY region, d.year NULLS LAST, t.doc_id, t.idx""",
        p + extra_p,
    )


def target_points(con, f: Filters, canonical: str) -> pd.DataFrame:
    """One indicator's numbers with what the 数字目标 charts draw and cite (value, qualifier, kind,
    sentence, the document's year and region). Leaner than :func:`targets` (no title or offsets):
    the top indicator has ~200,000 rows at 100,000 documents.

    Rows come in storage order, which a full build makes indicator, kind, document, position (a
    later add appends its rows); DuckDB keeps that order for a one-table scan, so no sort is
    needed and the order is the same on every call. Two scans instead of a join: the indicator's
    rows, and the filtered documents' group columns, attached (and filtered) by position in
    Arrow. For the 207,250 GDP-growth rows at 100,000 documents: p50 77 ms (fastest 65 ms) instead
    of ~100 ms for a join, whose hash probe and sort carry every row's sentence."""
    w, p = _where(f)
    points, docs = _together(
        con,
        ("""SELECT t.doc_id, t.idx, t.indicator, t.low, t.high, t.unit, t.qualifier, t.direction, t.kind,
                   t.stretch, t.sentence
            FROM targets t WHERE t.canonical = ?""", [canonical]),
        (f"""SELECT d.doc_id, d.year, d.level, d.province, d.city, d.district, d.town, {REGION_SQL} AS region,
                    d.file_name
             FROM documents d WHERE {w}""", p),
    )
    at = pc.index_in(points["doc_id"], value_set=docs["doc_id"])
    if not f.keeps_all:  # the rows of the documents the filter keeps
        keep = pc.is_valid(at)
        points, at = points.filter(keep), at.filter(keep)
    for name in docs.column_names[1:]:
        points = points.append_column(name, docs[name].take(at))
    return arrow_frame(points)


def target_evidence(con, f: Filters, canonical: str, limit: int, kind: str | None = None,
                    unit: str | None = None) -> pd.DataFrame:
    """The first ``limit`` rows of :func:`targets` for one indicator (and kind and unit, as the
    charts show them), by region, year and document, for the evidence table; the download reads
    them all."""
    w, p = _where(f)
    extra, extra_p = _target_conditions(canonical, kind, unit)
    return q(
        con,
        f"""SELECT t.doc_id, t.idx, t.indicator, t.low, t.high, t.unit, t.qualifier, t.kind, t.stretch,
                   t.sentence, d.year, d.level, {REGION_SQL} AS region
            FROM targets t JOIN documents d ON d.doc_id = t.doc_id
            WHERE {w}{extra}
            ORDER BY region, d.year NULLS LAST, t.doc_id, t.idx LIMIT ?""",
        p + extra_p + [limit],
    )


def indicator_counts(con, f: Filters) -> pd.DataFrame:
    """Classified numbers per registry indicator: ``n`` numbers in ``n_docs`` documents, and of
    them ``n_target`` targets in ``n_target_docs`` documents (the unclassified ones, 92 % of all
    numbers, are skipped). From the ``target_stats`` rollup unless a speaker or text search is set."""
    if _use_rollups(con, f, "target_stats"):
        w, p = _rollup_where(f)
        return q(
            con,
            f"""SELECT canonical, sum(n)::BIGINT AS n, sum(n_docs)::BIGINT AS n_docs,
                       sum(n_target)::BIGINT AS n_target, sum(n_target_docs)::BIGINT AS n_target_docs
                FROM target_stats r WHERE {w} AND r.canonical <> 'other'
                GROUP BY canonical ORDER BY n_docs DESC, n DESC, canonical""",
            p,
        )
    w, p = _where(f)
    return q(
        con,
        f"""SELECT canonical, sum(n)::BIGINT AS n, count(*) AS n_docs, sum(nt)::BIGINT AS n_target,
                   count(*) FILTER (WHERE nt > 0) AS n_target_docs
            FROM (SELECT t.canonical, t.doc_id, count(*) AS n, count(*) FILTER (WHERE t.kind = 'target') AS nt
                  FROM targets t {_docs_join(f, 't')}
                  WHERE {w} AND t.canonical <> 'other' GROUP BY t.canonical, t.doc_id)
            GROUP BY canonical ORDER BY n_docs DESC, n DESC, canonical""",
        p,
    )


def target_kinds(con, f: Filters) -> dict[str, int]:
    """Classified (indicator known) numbers per kind, plus ``<kind>_all`` counts
    including the unclassified ones (kinds without numbers are left out)."""
    if _use_rollups(con, f, "target_stats"):
        w, p = _rollup_where(f)
        sums = ", ".join(f"sum(n_{k}) FILTER (WHERE r.canonical <> 'other') AS {k}, sum(n_{k}) AS {k}_all"
                         for k in TARGET_KINDS)
        row = q(con, f"SELECT {sums} FROM target_stats r WHERE {w}", p).iloc[0]
        counts = [(k, row[k], row[f"{k}_all"]) for k in TARGET_KINDS if pd.notna(row[f"{k}_all"]) and row[f"{k}_all"] > 0]
    else:
        w, p = _where(f)
        counts = q(
            con,
            f"""SELECT t.kind, count(*) FILTER (WHERE t.canonical <> 'other') AS n, count(*) AS n_all
                FROM targets t {_docs_join(f, 't')} WHERE {w} GROUP BY t.kind""",
            p,
        ).itertuples(index=False)
    out: dict[str, int] = {}
    for kind, n, n_all in counts:
        out[str(kind)] = int(n) if pd.notna(n) else 0
        out[f"{kind}_all"] = int(n_all)
    return out


def outline(con, f: Filters) -> pd.DataFrame:
    return q(con, *_outline_sql(f))


def _outline_sql(f: Filters) -> tuple[str, list[Any]]:
    w, p = _where(f)
    return (
        f"""SELECT o.doc_id, o.idx, o.level AS outline_level, o.style, o.marker, o.ordinal,
                   o.heading, o.start, o."end", o.parent_idx, d.title, d.year, d.level,
                   {REGION_SQL} AS region
            FROM outline o JOIN documents d ON d.doc_id = o.doc_id
            WHERE {w} ORDER BY o.doc_id, o.idx""",
        p,
    )


def declared(con, f: Filters, only_mismatch: bool = False) -> pd.DataFrame:
    return q(con, *_declared_sql(f, only_mismatch))


def _declared_sql(f: Filters, only_mismatch: bool = False) -> tuple[str, list[Any]]:
    w, p = _where(f)
    extra = " AND c.mismatch" if only_mismatch else ""
    return (
        f"""SELECT c.doc_id, c.idx, c.phrase, c.n, c.found, c.mismatch, c.form, c.start, c."end",
                   d.title, d.year, d.level, {REGION_SQL} AS region
            FROM declared_counts c JOIN documents d ON d.doc_id = c.doc_id
            WHERE {w}{extra} ORDER BY region, d.year NULLS LAST, c.doc_id, c.idx""",
        p,
    )


def slogans(con, f: Filters, kinds: tuple[str, ...] = ("dictionary",)) -> pd.DataFrame:
    return q(con, *_slogans_sql(f, kinds))


def _slogans_sql(f: Filters, kinds: tuple[str, ...]) -> tuple[str, list[Any]]:
    w, p = _where(f)
    marks = ", ".join("?" for _ in kinds)
    return (
        f"""SELECT s.doc_id, s.text, s.kind, s.category, s.count, s.per_10k, d.title, d.year,
                   d.level, d.n_chars, {REGION_SQL} AS region
            FROM slogans s JOIN documents d ON d.doc_id = s.doc_id
            WHERE {w} AND s.kind IN ({marks})
            ORDER BY region, d.year NULLS LAST, s.text""",
        p + list(kinds),
    )


# ---------------------------------------------------------------- aggregated in SQL
# The pages below chart sums over groups; summing in DuckDB sends a few thousand rows to
# pandas instead of one row per document and fact (millions at 100,000 documents).
def outline_counts(con, f: Filters) -> pd.DataFrame:
    """Outline items per document and outline level, in no particular order (the chart groups
    them; sorting 230,000 rows at 100,000 documents cost a third of the query)."""
    w, p = _where(f)
    return q(
        con,
        f"""SELECT o.doc_id, o.level AS outline_level, count(*) AS n
            FROM outline o {_docs_join(f, 'o')}
            WHERE {w} GROUP BY o.doc_id, o.level""",
        p,
    )


def slogan_groups(con, f: Filters) -> pd.DataFrame:
    """Dictionary slogan hits summed per slogan, region, province and year (``n_docs``: documents with a hit).

    Read from the ``slogan_stats`` rollup unless a speaker or text search is set."""
    if _use_rollups(con, f, "slogan_stats"):
        w, p = _rollup_where(f)
        # sorted in pandas: DuckDB sorts these ~110,000 rows of Chinese region names, which share
        # long prefixes ("四川省 成都市 …"), in 50 ms; pandas in 25 (the same order: code points)
        df = q(con, f"""SELECT r.text, r.year, r.region, r.province, sum(r.count)::BIGINT AS count,
                               sum(r.n_docs)::BIGINT AS n_docs
                        FROM slogan_stats r WHERE {w} GROUP BY ALL""", p)
        return df.sort_values(["region", "year", "text"], na_position="last", kind="stable", ignore_index=True)
    w, p = _where(f)
    return q(
        con,
        f"""SELECT s.text, d.year, {REGION_SQL} AS region, d.province,
                   sum(s.count)::BIGINT AS count, count(*) AS n_docs
            FROM slogans s JOIN documents d ON d.doc_id = s.doc_id
            WHERE {w} AND s.kind = 'dictionary'
            GROUP BY ALL ORDER BY region, d.year NULLS LAST, s.text""",
        p,
    )


def discovered(con, f: Filters, per_kind: int = 100) -> pd.DataFrame:
    """The ``per_kind`` formulas and quoted phrases found in the most documents, per kind, with
    hits, region count and up to eight region names; phrases in the dictionary are left out.

    Filtered on years and document types only (or not at all), the answer comes from the
    ``phrase_stats`` rollup that the builder keeps; otherwise from the slogans rows, in two steps:
    rank every phrase by documents and hits, then gather regions for the winners only."""
    known = list(dictionary_forms())  # phrases already in the dictionary are not new
    if _use_rollups(con, f, "phrase_stats", filters=("year_from", "year_to", "doc_type")):
        w, p = _rollup_where(f)
        return q(
            con,
            f"""WITH g AS (
                    SELECT * FROM (
                        SELECT r.text, r.kind, sum(r.n_docs)::BIGINT AS n_docs, sum(r.hits)::BIGINT AS hits
                        FROM phrase_stats r WHERE {w} AND r.text NOT IN (SELECT unnest(?::VARCHAR[]))
                        GROUP BY r.text, r.kind)
                    QUALIFY row_number() OVER (PARTITION BY kind ORDER BY n_docs DESC, hits DESC, text) <= ?),
                regs AS (
                    SELECT r.text, r.kind, list_sort(list_distinct(flatten(list(r.regions)))) AS regions
                    FROM phrase_stats r SEMI JOIN g ON g.text = r.text AND g.kind = r.kind
                    WHERE {w} GROUP BY r.text, r.kind)
                SELECT g.text, g.kind, g.n_docs, g.hits AS count, len(regs.regions) AS n_regions,
                       array_to_string(list_slice(regs.regions, 1, 8), '、') AS regions
                FROM g JOIN regs ON regs.text = g.text AND regs.kind = g.kind
                ORDER BY g.n_docs DESC, g.hits DESC, g.text, g.kind""",
            p + [known, per_kind] + p,
        )
    w, p = _where(f)
    return q(
        con,
        f"""WITH g AS (
                SELECT * FROM (
                    SELECT s.text, s.kind, count(*) AS n_docs, sum(s.count)::BIGINT AS hits
                    FROM slogans s {_docs_join(f, 's')}
                    WHERE {w} AND s.kind IN ({DISCOVERED_SQL}) AND s.text NOT IN (SELECT unnest(?::VARCHAR[]))
                    GROUP BY s.text, s.kind)
                QUALIFY row_number() OVER (PARTITION BY kind ORDER BY n_docs DESC, hits DESC, text) <= ?),
            r AS (
                SELECT s.text, s.kind, count(DISTINCT {REGION_SQL}) AS n_regions,
                       array_to_string(list_slice(list_sort(list(DISTINCT {REGION_SQL})), 1, 8), '、') AS regions
                FROM slogans s JOIN documents d ON d.doc_id = s.doc_id
                SEMI JOIN g ON g.text = s.text AND g.kind = s.kind
                WHERE {w} GROUP BY s.text, s.kind)
            SELECT g.text, g.kind, g.n_docs, g.hits AS count, r.n_regions, r.regions
            FROM g JOIN r ON r.text = g.text AND r.kind = g.kind
            ORDER BY g.n_docs DESC, g.hits DESC, g.text, g.kind""",
        p + [known, per_kind] + p,
    )


def phrase_docs(con, f: Filters, phrases: tuple[str, ...]) -> pd.DataFrame:
    """Custom phrases (:mod:`metrics.phrases`) counted in the full text of every filtered document:
    one row per phrase and document with at least one occurrence (``title``: the file name where no
    title was found), and ``example``: the first occurrence with up to 12 characters of its
    sentence before it and 30 after.

    Not answered from any stored fact: each phrase is a scan of the filtered texts (20,000
    documents, 0.95 GB of text: 0.3–0.6 s for a rare phrase, 0.8 s for one in every document),
    which is why the page runs it only when asked. The scan counts every form of the phrase with
    patterns that start with a literal character (RE2 skips to it); only documents with a hit then
    get the boundary check of a phrase that starts or ends with a letter or digit, and their
    example."""
    if not phrases:
        return pd.DataFrame(columns=["text", "doc_id", "title", "year", "region", "province", "n_chars", "count",
                                     "example"])
    w, p = _where(f)
    parts, params = [], []
    for phrase in phrases:
        pat = phrases_mod.pattern(phrase)
        scans = phrases_mod.scan_patterns(phrase)
        bounded = phrases_mod.needs_boundary(phrase)
        count = phrases_mod.sql_count("t") if bounded else "n"
        n_sql = " + ".join("len(regexp_extract_all(d.text, ?))" for _ in scans)
        parts.append(f"""SELECT ?::VARCHAR AS text, doc_id, title, year, region, province, n_chars, {count} AS count,
                                ltrim(regexp_extract(t, ?), '，,、：: ') AS example
                         FROM (SELECT d.doc_id, coalesce(d.title, d.file_name) AS title, d.year, {REGION_SQL} AS region,
                                      d.province, d.n_chars, d.text AS t, {n_sql} AS n
                               FROM documents d WHERE {w})
                         WHERE n > 0""")
        params += [phrase, *([phrases_mod.sql_pattern(phrase), pat] if bounded else []),
                   f"[^\\n。；！？]{{0,12}}{pat}[^\\n。；！？]{{0,30}}", *scans, *p]
    union = "\nUNION ALL\n".join(parts)
    return q(con, f"SELECT * FROM ({union}) WHERE count > 0 ORDER BY text, region, year NULLS LAST, doc_id", params)


def _has_rollup(con, table: str) -> bool:
    """The builder filled this rollup (databases built before it existed did not)."""
    try:
        return bool(con.execute("SELECT 1 FROM build_info WHERE key = ? AND value = '1'", [table]).fetchall())
    except duckdb.Error:
        return False


def _use_rollups(con, f: Filters, *tables: str, filters: tuple[str, ...] = ROLLUP_FILTERS) -> bool:
    """Answer from these rollups: the filter sets nothing they lack and the builder filled them."""
    return f.uses_only(*filters) and all(_has_rollup(con, t) for t in tables)


def keyword_groups(con, f: Filters) -> pd.DataFrame:
    """Keyword weights summed per word and region; ``region_docs``: the region's documents with
    keywords; ``mean_weight``: the mean weight over all the filtered keywords. From the
    ``keyword_stats`` and ``keyword_docs`` rollups unless a speaker or text search is set."""
    if _use_rollups(con, f, "keyword_stats", "keyword_docs"):
        w, p = _rollup_where(f)
        return q(
            con,
            f"""WITH k AS (SELECT r.word, r.region, sum(r.weight) AS weight, sum(r.n_docs)::BIGINT AS n_docs
                           FROM keyword_stats r WHERE {w} GROUP BY r.word, r.region),
                    n AS (SELECT r.region, sum(r.n_docs)::BIGINT AS region_docs FROM keyword_docs r
                          WHERE {w} GROUP BY r.region)
                SELECT k.word, k.region, k.weight, k.n_docs, n.region_docs,
                       (SELECT sum(weight) / sum(n_docs) FROM k) AS mean_weight
                FROM k JOIN n USING (region) ORDER BY k.region, k.word""",
            p + p,
        )
    w, p = _where(f)
    return q(
        con,
        f"""WITH k AS (
                SELECT k.doc_id, k.word, k.weight, {REGION_SQL} AS region
                FROM keywords k JOIN documents d ON d.doc_id = k.doc_id WHERE {w}),
            r AS (SELECT region, count(DISTINCT doc_id) AS region_docs FROM k GROUP BY region)
            SELECT k.word, k.region, sum(k.weight) AS weight, count(*) AS n_docs, r.region_docs,
                   (SELECT avg(weight) FROM k) AS mean_weight
            FROM k JOIN r USING (region)
            GROUP BY k.word, k.region, r.region_docs ORDER BY k.region, k.word""",
        p,
    )


def keywords(con, f: Filters) -> pd.DataFrame:
    return q(con, *_keywords_sql(f))


def _keywords_sql(f: Filters) -> tuple[str, list[Any]]:
    w, p = _where(f)
    return (
        f"""SELECT k.doc_id, k.rank, k.word, k.weight, d.year,
                   {REGION_SQL} AS region
            FROM keywords k JOIN documents d ON d.doc_id = k.doc_id
            WHERE {w} ORDER BY k.doc_id, k.rank""",
        p,
    )


def failures(con) -> pd.DataFrame:
    return q(con, "SELECT source, reason, built_at FROM failures ORDER BY built_at DESC, source")


def duplicates(con) -> pd.DataFrame:
    return q(
        con,
        """SELECT u.source AS duplicate_source, u.doc_id, d.source AS kept_source
           FROM duplicates u LEFT JOIN documents d ON d.doc_id = u.doc_id ORDER BY u.source""",
    )


def positionings(con, f: Filters, limit: int | None = 1000) -> pd.DataFrame:
    """Each filtered document's positionings (发展定位, :func:`metrics.slogans.positionings`) with
    their counts, by region, year and count; at most ``limit`` rows (None: all)."""
    w, p = _where(f)
    return q(
        con,
        f"""SELECT {REGION_SQL} AS region, d.year, coalesce(d.title, d.file_name) AS title, s.text, s.count,
                   s.per_10k, s.doc_id
            FROM slogans s JOIN documents d ON d.doc_id = s.doc_id
            WHERE {w} AND s.kind = 'positioning'
            ORDER BY region, d.year NULLS LAST, s.count DESC, s.text, s.doc_id {'' if limit is None else 'LIMIT ?'}""",
        [*p, *([] if limit is None else [limit])],
    )


def positioning_rows(con, f: Filters) -> int:
    """How many rows :func:`positionings` has without a limit."""
    w, p = _where(f)
    return q(con, f"""SELECT count(*) AS n FROM slogans s JOIN documents d ON d.doc_id = s.doc_id
                      WHERE {w} AND s.kind = 'positioning'""", p)["n"].iloc[0].item()


def near_duplicates(con, f: Filters, limit: int | None = 1000) -> pd.DataFrame:
    """Near-duplicates among the filtered documents (``f.duplicates`` aside), each with its kept
    twin, by region, year and file; at most ``limit`` rows (None: all)."""
    w, p = f.replace(duplicates=True).where_sql("d")
    return q(
        con,
        f"""SELECT {REGION_SQL} AS region, d.year, d.source AS duplicate_source, k.source AS kept_source,
                   d.dup_similarity, d.doc_id, k.doc_id AS kept_doc_id
            FROM documents d JOIN documents k ON k.doc_id = d.duplicate_of
            WHERE {w} ORDER BY region, d.year NULLS LAST, d.source {'' if limit is None else 'LIMIT ?'}""",
        [*p, *([] if limit is None else [limit])],
    )


def doc_groups(con, f: Filters) -> pd.DataFrame:
    """The filtered documents summed per region, year, tier and type: ``n_docs`` documents and
    the sums of their characters, numbers and outline counts. The overview and 提法 pages chart
    from this (a few thousand rows at 100,000 documents, instead of one row per document).

    ``unknown_region``: no province, city or district was recognised."""
    w, p = _where(f)
    return q(
        con,
        f"""SELECT {REGION_SQL} AS region, d.province, d.city, d.district,
                   d.year, d.level, d.doc_type,
                   {NO_REGION_SQL} AS unknown_region,
                   count(*) AS n_docs, sum(d.n_chars)::BIGINT AS n_chars, sum(d.n_targets)::BIGINT AS n_targets,
                   sum(d.top_level_sections)::BIGINT AS top_level_sections,
                   sum(d.enumerated_items)::BIGINT AS enumerated_items,
                   sum(d.declared_mismatches)::BIGINT AS declared_mismatches
            FROM documents d WHERE {w}
            GROUP BY ALL ORDER BY region, d.year NULLS LAST, d.level, d.doc_type""",
        p,
    )


def docs_missing(con, f: Filters, limit: int = 1000) -> pd.DataFrame:
    """Filtered documents whose year or region is unknown (at most ``limit`` of each)."""
    w, p = _where(f)
    return q(
        con,
        f"""SELECT * FROM (
                SELECT 'year' AS missing, {DOC_COLUMNS} FROM documents d
                WHERE {w} AND d.year IS NULL ORDER BY d.source LIMIT ?)
            UNION ALL
            SELECT * FROM (
                SELECT 'region' AS missing, {DOC_COLUMNS} FROM documents d
                WHERE {w} AND {NO_REGION_SQL}
                ORDER BY d.source LIMIT ?)""",
        p + [limit] + p + [limit],
    )


def task_docs(con, f: Filters) -> pd.DataFrame:
    """The columns of :func:`documents` that the 任务结构 page uses, in the same order."""
    w, p = _where(f)
    return q(
        con,
        f"""SELECT d.doc_id, d.file_name, d.title, {REGION_SQL} AS region, d.year,
                   d.top_level_sections, d.enumerated_items, d.declared_mismatches
            FROM documents d WHERE {w} ORDER BY region, d.year NULLS LAST, d.title""",
        p,
    )


def declared_stats(con, f: Filters) -> dict[str, int]:
    """Declared counts ("讲四点意见") in the filtered documents: ``n`` and ``mismatch``."""
    w, p = _where(f)
    n, bad = q(con, f"""SELECT count(*) AS n, count(*) FILTER (WHERE c.mismatch) AS bad
                        FROM declared_counts c {_docs_join(f, 'c')} WHERE {w}""", p).iloc[0]
    return {"n": int(n), "mismatch": int(bad)}


# ---------------------------------------------------------------- one document
def doc_twins(con, doc_id: str) -> pd.DataFrame:
    """The document's near-duplicates (metrics/dedup.py): the other members of its group, the kept
    one first (``kept``), with each one's similarity to the kept document."""
    return q(
        con,
        """WITH me AS (SELECT coalesce(duplicate_of, doc_id) AS kept FROM documents WHERE doc_id = ?)
           SELECT d.doc_id, d.file_name, d.source, d.title, d.n_chars, d.doc_id = me.kept AS kept, d.dup_similarity
           FROM documents d, me
           WHERE (d.doc_id = me.kept OR d.duplicate_of = me.kept) AND d.doc_id <> ?
           ORDER BY kept DESC, d.source""",
        [doc_id, doc_id],
    )


#: 相似文档: candidates fetched by shared sketch values, then ranked by the similarity estimate
SIMILAR_CANDIDATES = 30
#: 相似文档 lists documents from this similarity on (below it, shared boilerplate phrases; the
#: rule file metrics/data/near_duplicates.toml)
SIMILAR_MIN = _SIMILAR_MIN
#: a shared passage's columns, in order
PASSAGE_COLUMNS = [f.name for f in fields(Passage)]


def similar_docs(con, doc_id: str, limit: int = 10, min_similarity: float = SIMILAR_MIN) -> pd.DataFrame:
    """The documents whose text is most like this one's, in any region or year (its near-duplicates
    among them): ``similarity`` is :func:`metrics.dedup.similarity`, the estimated share of 5-character
    shingles the two texts have in common; those below ``min_similarity`` are left out.

    A region's report reuses much of the previous year's; a copied or templated speech shows up
    here from another region. One join on ``sketch_values`` (128 rows a document)."""
    # the documents holding most of this one's hashes: a join of its values on sketch_values
    # (30 ms at 100,000 documents; intersecting the lists row by row took 4.7 s)
    rows = _arrow(
        con,
        f"""WITH me AS (SELECT doc_no, sketch FROM documents WHERE doc_id = ?),
                 c AS (SELECT s.doc_no, count(*) AS shared
                       FROM sketch_values s JOIN (SELECT unnest(sketch) AS v FROM me) USING (v)
                       WHERE s.doc_no <> (SELECT doc_no FROM me)
                       GROUP BY s.doc_no ORDER BY shared DESC, s.doc_no LIMIT ?)
            SELECT o.doc_id, coalesce(o.title, o.file_name) AS title, o.file_name,
                   {REGION_SQL.replace('d.', 'o.')} AS region, o.year, o.doc_type, o.duplicate_of, o.sketch,
                   (SELECT sketch FROM me) AS mine, c.shared
            FROM c JOIN documents o ON o.doc_no = c.doc_no
            ORDER BY c.shared DESC, o.doc_id""",
        [doc_id, SIMILAR_CANDIDATES],
    )
    df = arrow_frame(rows.drop_columns(["sketch", "mine"]))
    if not len(df):
        return df.drop(columns=["shared"]).assign(similarity=pd.Series(dtype="float64"))
    mine = np.asarray(rows["mine"][0].as_py(), dtype=np.int64).view(np.uint64)
    df["similarity"] = [round(dedup_similarity(np.asarray(s, dtype=np.int64).view(np.uint64), mine), 3)
                        for s in rows["sketch"].to_pylist()]
    df = df[(df["similarity"] > 0) & (df["similarity"] >= min_similarity)]
    df = df.sort_values(["similarity", "doc_id"], ascending=[False, True])
    return df.drop(columns=["shared"]).head(limit).reset_index(drop=True)


def shared_passages(con, doc_id: str, other_id: str) -> dict[str, Any] | None:
    """Where two documents have the same wording (:func:`metrics.passages.compare`): ``passages``
    (start, end, text in this document; other_start, other_end, other_text in the other; chars
    shared), ``share``/``other_share`` (of each text found in the other) and the counts behind
    them. None when either document is missing."""
    rows = con.execute("SELECT doc_id, text FROM documents WHERE doc_id IN (?, ?)", [doc_id, other_id]).fetchall()
    texts = dict(rows)
    if doc_id not in texts or other_id not in texts:
        return None
    c = compare_passages(texts[doc_id] or "", texts[other_id] or "")
    df = pd.DataFrame([asdict(x) for x in c.passages], columns=PASSAGE_COLUMNS)
    return {"passages": df.astype({k: "int64" for k in PASSAGE_COLUMNS if k not in ("text", "other_text")}),
            "share": c.share, "other_share": c.other_share, "counted": c.counted, "shared": c.shared,
            "other_counted": c.other_counted, "other_shared": c.other_shared}


def doc_pages(con, doc_id: str) -> tuple[int, ...]:
    """Where each printed page of a PDF starts in its text (``pdf_pages``): empty for other formats,
    and in a database built before the table existed."""
    if not _has_table(con, "pdf_pages"):
        return ()
    return tuple(r[0] for r in con.execute("SELECT start FROM pdf_pages WHERE doc_id = ? ORDER BY page",
                                           [doc_id]).fetchall())


def doc_targets(con, doc_id: str) -> pd.DataFrame:
    return q(
        con,
        """SELECT idx, indicator, canonical, low, high, unit, qualifier, direction, kind, stretch,
                  sentence, start, "end", value_start, value_end
           FROM targets WHERE doc_id = ? ORDER BY start, idx""",
        [doc_id],
    )


def doc_outline(con, doc_id: str) -> pd.DataFrame:
    return q(
        con,
        """SELECT idx, level AS outline_level, style, marker, ordinal, heading, start, "end", parent_idx
           FROM outline WHERE doc_id = ? ORDER BY start, idx""",
        [doc_id],
    )


def doc_mentions(con, doc_id: str) -> pd.DataFrame:
    return q(
        con,
        """SELECT text, kind, start, "end" FROM slogan_mentions WHERE doc_id = ? ORDER BY start""",
        [doc_id],
    )


def doc_declared(con, doc_id: str) -> pd.DataFrame:
    return q(
        con,
        """SELECT idx, phrase, n, found, mismatch, start, "end" FROM declared_counts
           WHERE doc_id = ? ORDER BY start""",
        [doc_id],
    )


def doc_slogans(con, doc_id: str) -> pd.DataFrame:
    return q(
        con,
        """SELECT text, kind, category, count, per_10k FROM slogans WHERE doc_id = ?
           ORDER BY count DESC, text""",
        [doc_id],
    )


def doc_keywords(con, doc_id: str) -> pd.DataFrame:
    return q(con, "SELECT rank, word, weight FROM keywords WHERE doc_id = ? ORDER BY rank", [doc_id])


#: the fact tables of :func:`full_dataset`, with their aliases
DATASET_TABLES = {"targets": "t", "outline": "o", "declared_counts": "c", "slogans": "s", "keywords": "k"}


def dataset_rows(con, f: Filters) -> int:
    """Rows the full filtered dataset holds (documents and every fact table): what a download of
    it would have to build, counted without reading them."""
    w, p = _where(f)
    parts, params = [f"(SELECT count(*) FROM documents d WHERE {w})"], list(p)
    for table, a in DATASET_TABLES.items():
        parts.append(f"(SELECT count(*) FROM {table} {a} {_docs_join(f, a)} WHERE {w})")
        params += p
    return int(con.execute("SELECT " + " + ".join(parts), params).fetchall()[0][0])


def dataset_sql(f: Filters) -> dict[str, tuple[str, list[Any]]]:
    """The SQL and parameters of every table of the full filtered dataset: read into pandas by
    :func:`full_dataset`, streamed to files by ``python -m metrics export`` (the same rows)."""
    return {
        "documents": _documents_sql(f),
        "targets": _targets_sql(f),
        "outline": _outline_sql(f),
        "declared_counts": _declared_sql(f),
        "slogans": _slogans_sql(f, tuple(SLOGAN_KINDS)),
        "keywords": _keywords_sql(f),
    }


def dataset_columns(con, sqls: dict[str, tuple[str, list[Any]]]) -> dict[str, pd.DataFrame]:
    """Each table of :func:`dataset_sql` with its columns and no rows (for the codebook and the
    中文 export's headers), read without running the queries."""
    return {name: q(con, f"SELECT * FROM ({sql}) LIMIT 0", p) for name, (sql, p) in sqls.items()}


def full_dataset(con, f: Filters, readable: bool = False) -> dict[str, pd.DataFrame]:
    """Every fact table restricted to the filtered documents (no full text), and a ``codebook``
    of their columns and codes (:mod:`metrics.codebook`). ``readable``: the 中文 export, the same
    rows with Chinese table names, headers and code labels (:func:`metrics.codebook.readable_sql`)."""
    sqls = dataset_sql(f)
    if not readable:
        tables = {name: q(con, sql, p) for name, (sql, p) in sqls.items()}
        return {**tables, "codebook": codebook(tables)}
    empty = dataset_columns(con, sqls)
    out = {table_label(name): q(con, *readable_sql(name, list(empty[name].columns), sql, p))
           for name, (sql, p) in sqls.items()}
    return {**out, table_label("codebook"): codebook(empty)}
