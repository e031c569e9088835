"""Read-only SQL for the dashboard. Pure functions of (connection, arguments).

Every function takes a DuckDB connection, opens its own ``cursor()`` and
passes user-controlled values as ``?`` parameters only. Filter SQL comes from
:meth:`metrics.filters.Filters.where_sql`.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from metrics.filters import Filters

UNKNOWN_REGION = "未知地区"

DOC_COLUMNS = """
    d.doc_id, d.source, d.file_name, d.file_format, d.title, d.doc_type, d.speaker,
    d.speaker_role, d.date, d.year, d.year_source, d.level, d.province, d.city,
    d.district, d.town, d.region_code,
    coalesce(nullif(d.region, ''), {unknown}) AS region,
    d.n_chars, d.top_level_sections, d.enumerated_items, d.declared_mismatches,
    d.n_targets, d.n_slogans, d.rules_version
""".replace("{unknown}", "'" + UNKNOWN_REGION + "'")


def q(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """Run one parameterised query on a fresh cursor and return a DataFrame."""
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.close()


def _where(f: Filters) -> tuple[str, list[Any]]:
    return f.where_sql("d")


# ---------------------------------------------------------------- metadata
def build_info(con) -> dict[str, str]:
    df = q(con, "SELECT key, value FROM build_info")
    return dict(zip(df["key"].astype(str), df["value"].astype(str)))


def region_options(con) -> pd.DataFrame:
    """Distinct region paths for cascading selectors (all documents)."""
    return q(
        con,
        """SELECT DISTINCT province, city, district, town FROM documents
           ORDER BY province NULLS LAST, city NULLS LAST, district NULLS LAST, town NULLS LAST""",
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


def count_docs(con, f: Filters) -> int:
    w, p = _where(f)
    return int(q(con, f"SELECT count(*) AS n FROM documents d WHERE {w}", p).iloc[0]["n"])


def documents(con, f: Filters) -> pd.DataFrame:
    w, p = _where(f)
    return q(
        con,
        f"SELECT {DOC_COLUMNS} FROM documents d WHERE {w} ORDER BY region, year NULLS LAST, d.title",
        p,
    )


def document(con, doc_id: str) -> dict[str, Any] | None:
    df = q(con, "SELECT d.*, coalesce(nullif(d.region, ''), ?) AS region_label FROM documents d WHERE d.doc_id = ?",
           [UNKNOWN_REGION, doc_id])
    if df.empty:
        return None
    return df.iloc[0].to_dict()


# ---------------------------------------------------------------- facts
def targets(con, f: Filters, canonical: str | None = None, kind: str | None = None) -> pd.DataFrame:
    w, p = _where(f)
    extra, extra_p = "", []
    if canonical is not None:
        extra += " AND t.canonical = ?"
        extra_p.append(canonical)
    if kind is not None:
        extra += " AND t.kind = ?"
        extra_p.append(kind)
    return q(
        con,
        f"""SELECT t.doc_id, t.idx, t.indicator, t.canonical, t.low, t.high, t.unit, t.qualifier,
                   t.direction, t.kind, t.stretch, t.sentence, t.start, t."end", t.value_start,
                   t.value_end, d.title, d.year, d.level, d.doc_type, d.province, d.city, d.district,
                   d.town, coalesce(nullif(d.region, ''), '{UNKNOWN_REGION}') AS region
            FROM targets t JOIN documents d ON d.doc_id = t.doc_id
            WHERE {w}{extra}
            ORDER BY region, d.year NULLS LAST, t.doc_id, t.idx""",
        p + extra_p,
    )


def indicator_counts(con, f: Filters, kind: str | None = None) -> pd.DataFrame:
    w, p = _where(f)
    extra, extra_p = "", []
    if kind is not None:
        extra = " AND t.kind = ?"
        extra_p = [kind]
    return q(
        con,
        f"""SELECT t.canonical, count(*) AS n, count(DISTINCT t.doc_id) AS n_docs
            FROM targets t JOIN documents d ON d.doc_id = t.doc_id
            WHERE {w}{extra} GROUP BY t.canonical ORDER BY n_docs DESC, n DESC, t.canonical""",
        p + extra_p,
    )


def target_kinds(con, f: Filters) -> dict[str, int]:
    """Classified (indicator known) numbers per kind, plus ``<kind>_all`` counts
    including the unclassified ones."""
    w, p = _where(f)
    df = q(
        con,
        f"""SELECT t.kind, count(*) FILTER (WHERE t.canonical <> 'other') AS n, count(*) AS n_all
            FROM targets t JOIN documents d ON d.doc_id = t.doc_id WHERE {w} GROUP BY t.kind""",
        p,
    )
    out: dict[str, int] = {}
    for kind, n, n_all in df.itertuples(index=False):
        out[str(kind)] = int(n)
        out[f"{kind}_all"] = int(n_all)
    return out


def outline(con, f: Filters) -> pd.DataFrame:
    w, p = _where(f)
    return q(
        con,
        f"""SELECT o.doc_id, o.idx, o.level AS outline_level, o.style, o.marker, o.ordinal,
                   o.heading, o.start, o."end", o.parent_idx, d.title, d.year, d.level,
                   coalesce(nullif(d.region, ''), '{UNKNOWN_REGION}') AS region
            FROM outline o JOIN documents d ON d.doc_id = o.doc_id
            WHERE {w} ORDER BY o.doc_id, o.idx""",
        p,
    )


def declared(con, f: Filters, only_mismatch: bool = False) -> pd.DataFrame:
    w, p = _where(f)
    extra = " AND c.mismatch" if only_mismatch else ""
    return q(
        con,
        f"""SELECT c.doc_id, c.idx, c.phrase, c.n, c.found, c.mismatch, c.start, c."end",
                   d.title, d.year, d.level, coalesce(nullif(d.region, ''), '{UNKNOWN_REGION}') AS region
            FROM declared_counts c JOIN documents d ON d.doc_id = c.doc_id
            WHERE {w}{extra} ORDER BY region, d.year NULLS LAST, c.doc_id, c.idx""",
        p,
    )


def slogans(con, f: Filters, kinds: tuple[str, ...] = ("dictionary",)) -> pd.DataFrame:
    w, p = _where(f)
    marks = ", ".join("?" for _ in kinds)
    return q(
        con,
        f"""SELECT s.doc_id, s.text, s.kind, s.category, s.count, s.per_10k, d.title, d.year,
                   d.level, d.n_chars, coalesce(nullif(d.region, ''), '{UNKNOWN_REGION}') AS region
            FROM slogans s JOIN documents d ON d.doc_id = s.doc_id
            WHERE {w} AND s.kind IN ({marks})
            ORDER BY region, d.year NULLS LAST, s.text""",
        p + list(kinds),
    )


# ---------------------------------------------------------------- aggregated in SQL
# The pages below chart sums over groups; summing in DuckDB sends a few thousand rows to
# pandas instead of one row per document and fact (millions at 100,000 documents).
def outline_counts(con, f: Filters) -> pd.DataFrame:
    """Outline items per document and outline level."""
    w, p = _where(f)
    return q(
        con,
        f"""SELECT o.doc_id, o.level AS outline_level, count(*) AS n
            FROM outline o JOIN documents d ON d.doc_id = o.doc_id
            WHERE {w} GROUP BY o.doc_id, o.level ORDER BY o.doc_id, o.level""",
        p,
    )


def slogan_groups(con, f: Filters) -> pd.DataFrame:
    """Dictionary slogan hits summed per slogan, region, province and year (``n_docs``: documents with a hit)."""
    w, p = _where(f)
    return q(
        con,
        f"""SELECT s.text, d.year, coalesce(nullif(d.region, ''), '{UNKNOWN_REGION}') AS region, d.province,
                   sum(s.count)::BIGINT AS count, count(*) AS n_docs
            FROM slogans s JOIN documents d ON d.doc_id = s.doc_id
            WHERE {w} AND s.kind = 'dictionary'
            GROUP BY ALL ORDER BY region, d.year NULLS LAST, s.text""",
        p,
    )


def discovered(con, f: Filters, per_kind: int = 100) -> pd.DataFrame:
    """The ``per_kind`` formulas and quoted phrases found in the most documents, per kind, with
    hits, region count and up to eight region names."""
    w, p = _where(f)
    return q(
        con,
        f"""WITH g AS (
                SELECT s.text, s.kind, count(*) AS n_docs, sum(s.count)::BIGINT AS count,
                       count(DISTINCT coalesce(nullif(d.region, ''), '{UNKNOWN_REGION}')) AS n_regions,
                       array_to_string(list_slice(list_sort(list(DISTINCT coalesce(nullif(d.region, ''),
                           '{UNKNOWN_REGION}'))), 1, 8), '、') AS regions
                FROM slogans s JOIN documents d ON d.doc_id = s.doc_id
                WHERE {w} AND s.kind IN ('formula', 'quoted')
                GROUP BY s.text, s.kind)
            SELECT * FROM g
            QUALIFY row_number() OVER (PARTITION BY kind ORDER BY n_docs DESC, count DESC, text) <= ?
            ORDER BY n_docs DESC, count DESC, text""",
        p + [per_kind],
    )


def keyword_groups(con, f: Filters) -> pd.DataFrame:
    """Keyword weights summed per word and region; ``region_docs``: the region's documents with
    keywords; ``median_weight``: the median weight over all the filtered keywords."""
    w, p = _where(f)
    region = f"coalesce(nullif(d.region, ''), '{UNKNOWN_REGION}')"
    return q(
        con,
        f"""WITH k AS (
                SELECT k.doc_id, k.word, k.weight, {region} AS region
                FROM keywords k JOIN documents d ON d.doc_id = k.doc_id WHERE {w}),
            r AS (SELECT region, count(DISTINCT doc_id) AS region_docs FROM k GROUP BY region)
            SELECT k.word, k.region, sum(k.weight) AS weight, count(*) AS n_docs, r.region_docs,
                   (SELECT median(weight) FROM k) AS median_weight
            FROM k JOIN r USING (region)
            GROUP BY k.word, k.region, r.region_docs ORDER BY k.region, k.word""",
        p,
    )


def keywords(con, f: Filters) -> pd.DataFrame:
    w, p = _where(f)
    return q(
        con,
        f"""SELECT k.doc_id, k.rank, k.word, k.weight, d.year,
                   coalesce(nullif(d.region, ''), '{UNKNOWN_REGION}') AS region
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


# ---------------------------------------------------------------- one document
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


def full_dataset(con, f: Filters) -> dict[str, pd.DataFrame]:
    """Every fact table restricted to the filtered documents (no full text)."""
    return {
        "documents": documents(con, f),
        "targets": targets(con, f),
        "outline": outline(con, f),
        "declared_counts": declared(con, f),
        "slogans": slogans(con, f, ("dictionary", "formula", "quoted")),
        "keywords": keywords(con, f),
    }
