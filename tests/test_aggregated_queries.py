"""The dashboard's SQL-aggregated queries give exactly the charts of the row-level ones.

The slogans and tasks pages sum in DuckDB (queries.slogan_groups, discovered, keyword_groups,
outline_counts) so that pandas receives a few thousand rows, not one per document and fact;
each chart must come out the same as from the row-level data, on the real sample corpus.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from metrics import charts as C
from metrics.filters import Filters
from metrics.ui import queries as Q

FILTERS = [Filters(), Filters(year_from=2016, year_to=2024), Filters(doc_type=("work_report",), province=("内蒙古自治区",)),
           Filters(province=("全国", "四川省"))]
IDS = ["all", "years", "province", "national"]


@pytest.fixture(scope="module")
def con(built_db):
    c = duckdb.connect(str(built_db), read_only=True)
    yield c
    c.close()


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert not a.empty
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("f", FILTERS, ids=IDS)
@pytest.mark.parametrize("metric, group", [("per_10k", "region"), ("count", "province")])
def test_heatmap(con, f, metric, group):
    docs = Q.documents(con, f)
    rows, groups = Q.slogans(con, f, ("dictionary",)), Q.slogan_groups(con, f)
    assert len(groups) <= len(rows)
    _same(C.slogan_heatmap(rows, docs, metric, 20, group, 40)[0], C.slogan_heatmap(groups, docs, metric, 20, group, 40)[0])


@pytest.mark.parametrize("f", FILTERS[:3], ids=IDS[:3])  # (四川 and 全国: one year, no trend)
def test_trend_and_flags(con, f):
    docs = Q.documents(con, f)
    rows, groups = Q.slogans(con, f, ("dictionary",)), Q.slogan_groups(con, f)
    chosen = ["高质量发展", "乡村振兴", "新质生产力"]
    _same(C.slogan_trend(rows, docs, chosen, "per_10k")[0], C.slogan_trend(groups, docs, chosen, "per_10k")[0])
    _same(C.slogan_flags(rows, docs), C.slogan_flags(groups, docs))


@pytest.mark.parametrize("f", FILTERS, ids=IDS)
@pytest.mark.parametrize("kinds", [["formula", "quoted"], ["formula"], ["quoted"]])
def test_discovered(con, f, kinds):
    rows, top = Q.slogans(con, f, ("formula", "quoted")), Q.discovered(con, f)
    assert top.groupby("kind").size().max() <= 100
    a = C.discovered_phrases(rows[rows["kind"].isin(kinds)], 25)[0]
    b = C.discovered_phrases(top[top["kind"].isin(kinds)], 25)[0]
    _same(a, b)
    # new means not in the dictionary (两个维护 is), and a phrase found both ways is one row
    from metrics.slogans import dictionary_forms
    assert not set(b["提法"]) & set(dictionary_forms()) and b["提法"].is_unique
    if kinds == ["formula", "quoted"]:
        assert "数字提法·引号短语" in set(b["类别"])


@pytest.mark.parametrize("region", ["内蒙古自治区 呼伦贝尔市 海拉尔区", "北京市"])
def test_distinctive_keywords(con, region):
    rows, groups = Q.keywords(con, Filters()), Q.keyword_groups(con, Filters())
    assert len(groups) < len(rows)
    a, b = C.distinctive_keywords(rows, region)[0], C.distinctive_keywords(groups, region)[0]
    pd.testing.assert_frame_equal(a, b, check_dtype=False, atol=1e-9)
    assert not a.empty


@pytest.mark.parametrize("by", ["document", "region", "year"])
def test_outline_levels(con, by):
    docs = Q.documents(con, Filters())
    rows, counts = Q.outline(con, Filters()), Q.outline_counts(con, Filters())
    assert len(counts) < len(rows)
    _same(C.outline_levels(rows, docs, by, 30)[0], C.outline_levels(counts, docs, by, 30)[0])
    # outline_counts comes in no particular order: the chart must not depend on it
    shuffled = counts.sample(frac=1, random_state=7)
    _same(C.outline_levels(counts, docs, by, 30)[0], C.outline_levels(shuffled, docs, by, 30)[0])


# ---------------------------------------------------------------- documents summed in SQL
@pytest.mark.parametrize("f", FILTERS, ids=IDS)
@pytest.mark.parametrize("by, stack, top", [("region", None, 5), ("province", None, None), ("doc_type", None, None),
                                            ("year", "doc_type", None), ("level", "doc_type", None)])
def test_docs_by_from_groups(con, f, by, stack, top):
    docs, groups = Q.documents(con, f), Q.doc_groups(con, f)
    assert len(groups) <= len(docs) and groups["n_docs"].sum() == len(docs)
    _same(C.docs_by(docs, by, stack, top)[0], C.docs_by(groups, by, stack, top)[0])


@pytest.mark.parametrize("f", FILTERS, ids=IDS)
def test_slogan_charts_from_doc_groups(con, f):
    docs, groups, sl = Q.documents(con, f), Q.doc_groups(con, f), Q.slogan_groups(con, f)
    for metric, group in [("per_10k", "region"), ("count", "province")]:
        _same(C.slogan_heatmap(sl, docs, metric, 20, group, 40)[0], C.slogan_heatmap(sl, groups, metric, 20, group, 40)[0])
    chosen = ["高质量发展", "乡村振兴"]
    _same(C.slogan_trend(sl, docs, chosen)[0], C.slogan_trend(sl, groups, chosen)[0])
    a, b = C.slogan_flags(sl, docs), C.slogan_flags(sl, groups)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("f", FILTERS, ids=IDS)
@pytest.mark.parametrize("by", ["region", "year"])
def test_task_counts_from_groups(con, f, by):
    docs, groups = Q.documents(con, f), Q.doc_groups(con, f)
    _same(C.task_counts(docs, by, 10)[0], C.task_counts(groups, by, 10)[0])


@pytest.mark.parametrize("f", FILTERS, ids=IDS)
@pytest.mark.parametrize("by", ["document", "region", "year"])
def test_task_docs_is_a_slice_of_documents(con, f, by):
    docs, slim = Q.documents(con, f), Q.task_docs(con, f)
    pd.testing.assert_frame_equal(docs[slim.columns.tolist()], slim)
    outline = Q.outline_counts(con, f)
    _same(C.outline_levels(outline, docs, by, 20)[0], C.outline_levels(outline, slim, by, 20)[0])


@pytest.mark.parametrize("f", FILTERS, ids=IDS)
def test_declared_stats_and_missing(con, f):
    rows = Q.declared(con, f)
    assert Q.declared_stats(con, f) == {"n": len(rows), "mismatch": int(rows["mismatch"].sum())}
    docs = Q.documents(con, f)
    missing = Q.docs_missing(con, f)
    no_year = docs[docs["year"].isna()]
    no_region = docs[docs["province"].isna() & docs["city"].isna() & docs["district"].isna()
                     & docs["level"].ne("national")]
    if f == FILTERS[0]:  # the sample's national report (台州.txt) has a known region: 全国
        assert (docs["level"] == "national").sum() >= 1
        assert not (docs["level"] == "national").loc[no_region.index].any()
    assert sorted(missing.loc[missing["missing"] == "year", "doc_id"]) == sorted(no_year["doc_id"])
    assert sorted(missing.loc[missing["missing"] == "region", "doc_id"]) == sorted(no_region["doc_id"])
    groups = Q.doc_groups(con, f)
    assert groups.loc[groups["unknown_region"], "n_docs"].sum() == len(no_region)
    assert groups.loc[groups["year"].isna(), "n_docs"].sum() == len(no_year)


def test_unfiltered_counts_skip_the_join_and_agree(con):
    everything = Filters(doc_type=("speech", "work_report", "other"))  # filters nothing, but joins the documents
    assert Q.count_docs(con, everything) == Q.count_docs(con, Filters())
    assert Q.target_kinds(con, Filters()) == Q.target_kinds(con, everything)
    _same(Q.indicator_counts(con, Filters()), Q.indicator_counts(con, everything))
    _same(Q.discovered(con, Filters()), Q.discovered(con, everything))


def test_query_frames_have_duckdb_dtypes(con):
    """queries.q reads Arrow; its frames match DuckDB's own .df() conversion."""
    for sql in ("SELECT * EXCLUDE (text, sketch) FROM documents ORDER BY doc_id",
                "SELECT * FROM targets ORDER BY doc_id, idx LIMIT 5000",
                "SELECT * FROM declared_counts ORDER BY doc_id, idx"):
        got, want = Q.q(con, sql), con.execute(sql).df()
        for c in want.columns[want.dtypes == object]:  # .df() gives all-empty text columns as None objects
            assert want[c].isna().all()
            want[c] = want[c].astype(got[c].dtype)
        pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("f", FILTERS, ids=IDS)
def test_indicator_counts_match_the_rows(con, f):
    rows = Q.targets(con, f)
    rows = rows[rows["canonical"] != "other"]
    counts = Q.indicator_counts(con, f).set_index("canonical")
    assert len(counts) == rows["canonical"].nunique() > 0
    for canonical, part in rows.groupby("canonical"):
        tgt = part[part["kind"] == "target"]
        assert counts.loc[canonical].tolist() == [len(part), part["doc_id"].nunique(), len(tgt), tgt["doc_id"].nunique()]


ROLLUP_FILTERS = [Filters(), Filters(year_from=2016, year_to=2024), Filters(year_from=2024),
                  Filters(doc_type=("speech",)), Filters(doc_type=("work_report",), year_to=2023)]


@pytest.mark.parametrize("f", ROLLUP_FILTERS, ids=["all", "years", "from", "speech", "reports-to"])
def test_discovered_from_the_rollup_equals_the_rows(con, f, monkeypatch):
    """Filtered on years / document types, the 提法 ranking comes from phrase_stats; it must be
    the answer of the slogans rows exactly: documents, hits, region counts and names."""
    _rollup_equals_rows(con, monkeypatch, Q.discovered, f, "phrase_stats", min_rows=11)


def _both_paths(con, monkeypatch, query, f, *tables):
    """The query's answer from the rollup ``tables``, then from the fact rows."""
    assert all(Q._has_rollup(con, t) for t in tables)
    fast = query(con, f)
    monkeypatch.setattr(Q, "_has_rollup", lambda _con, _table: False)
    return fast, query(con, f)


def _rollup_equals_rows(con, monkeypatch, query, f, table, min_rows):
    """The query's answer from the rollup ``table`` equals its answer from the fact rows."""
    fast, slow = _both_paths(con, monkeypatch, query, f, table)
    assert len(fast) >= min_rows
    pd.testing.assert_frame_equal(fast, slow)


SLOGAN_FILTERS = ROLLUP_FILTERS + [Filters(province=("内蒙古自治区",), year_from=2020), Filters(level=("city",)),
                                   Filters(city=("北京市", "上海市", "深圳市"))]
SLOGAN_IDS = ["all", "years", "from", "speech", "reports-to", "province", "level", "cities"]


@pytest.mark.parametrize("f", SLOGAN_FILTERS, ids=SLOGAN_IDS)
def test_slogan_groups_from_the_rollup_equal_the_rows(con, f, monkeypatch):
    _rollup_equals_rows(con, monkeypatch, Q.slogan_groups, f, "slogan_stats", min_rows=4)


def test_a_speaker_search_reads_the_rows(con, monkeypatch):
    """The rollups have no speaker or text: such filters must not use them."""
    monkeypatch.setattr(Q, "_has_rollup", lambda _con, _table: pytest.fail("rollup used"))
    assert not Q.slogan_groups(con, Filters(text="乡村振兴")).empty
    assert not Q.discovered(con, Filters(text="高质量发展", year_from=2000)).empty
    assert not Q.indicator_counts(con, Filters(text="乡村振兴")).empty
    assert Q.target_kinds(con, Filters(text="乡村振兴"))["target"] > 0
    assert not Q.keyword_groups(con, Filters(text="乡村振兴")).empty


@pytest.mark.parametrize("f", SLOGAN_FILTERS, ids=SLOGAN_IDS)
def test_indicator_counts_from_the_rollup_equal_the_rows(con, f, monkeypatch):
    _rollup_equals_rows(con, monkeypatch, Q.indicator_counts, f, "target_stats", min_rows=3)


@pytest.mark.parametrize("f", SLOGAN_FILTERS, ids=SLOGAN_IDS)
def test_target_kinds_from_the_rollup_equal_the_rows(con, f, monkeypatch):
    fast, slow = _both_paths(con, monkeypatch, Q.target_kinds, f, "target_stats")
    assert fast == slow and fast["target"] > 0 and fast["achievement_all"] > fast["achievement"]


@pytest.mark.parametrize("f", SLOGAN_FILTERS, ids=SLOGAN_IDS)
def test_keyword_groups_from_the_rollups_equal_the_rows(con, f, monkeypatch):
    """Sums of floats: equal up to rounding (the rollup adds per group first)."""
    fast, slow = _both_paths(con, monkeypatch, Q.keyword_groups, f, "keyword_stats", "keyword_docs")
    assert len(fast) >= 20
    pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("f", FILTERS, ids=IDS)
def test_target_points_and_evidence_are_the_indicator_rows(con, f):
    """The 数字目标 page reads lean rows for its charts and the first rows for its evidence table;
    both must be the rows of ``targets`` (which the downloads read)."""
    canonical = Q.indicator_counts(con, f)["canonical"].iloc[0]
    full = Q.targets(con, f, canonical)
    points = Q.target_points(con, f, canonical)
    assert len(points) == len(full) > 0
    by_doc = full.sort_values(["doc_id", "idx"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(points.sort_values(["doc_id", "idx"]).reset_index(drop=True),
                                  by_doc[points.columns.tolist()])
    # storage order, without a sort: the same on every call, and after a full build each kind's
    # rows in document order (what the charts' per-kind subsets relied on with ORDER BY)
    pd.testing.assert_frame_equal(points, Q.target_points(con, f, canonical))
    for _kind, part in points.groupby("kind"):
        keys = list(zip(part["doc_id"], part["idx"]))
        assert keys == sorted(keys)
    head = Q.target_evidence(con, f, canonical, 7)
    pd.testing.assert_frame_equal(head, full[head.columns.tolist()].head(7))


def _rollups(db) -> list[pd.DataFrame]:
    c = duckdb.connect(str(db), read_only=True)
    try:
        return [c.sql("SELECT * FROM phrase_stats ORDER BY text, kind, year NULLS FIRST, doc_type").df(),
                c.sql("SELECT * FROM slogan_stats ORDER BY ALL NULLS FIRST").df(),
                c.sql("SELECT * FROM target_stats ORDER BY ALL NULLS FIRST").df(),
                c.sql("SELECT * EXCLUDE (weight), round(weight, 9) AS weight FROM keyword_stats ORDER BY ALL NULLS FIRST").df(),
                c.sql("SELECT * FROM keyword_docs ORDER BY ALL NULLS FIRST").df()]
    finally:
        c.close()


def test_rollups_after_adds_equal_a_full_build(tmp_path, data_dir):
    """An add recomputes only the rollup rows its documents touch; the result must be the rollup
    of a full build. Two batches of city reports (same year and type) share many phrases."""
    from metrics.build import add_documents, build_database

    reports = sorted((data_dir / "city-reports-2024").glob("*.txt"))[:24]
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for d, files in ((a, reports[:12]), (b, reports[12:20]), (c, reports[20:])):
        d.mkdir()
        for p in files:
            (d / p.name).write_bytes(p.read_bytes())
    added = tmp_path / "added.duckdb"
    build_database([a], added, workers=1)
    assert add_documents(added, [b], workers=1).added == 8
    assert add_documents(added, [c, b], workers=1).added == 4  # b again: duplicates, nothing touched
    whole = tmp_path / "whole.duckdb"
    build_database([a, b, c], whole, workers=1)
    (x, *xs), (y, *ys) = _rollups(added), _rollups(whole)
    assert len(y) > 100 and (y["n_docs"] > 1).sum() > 20  # phrases shared across the batches
    pd.testing.assert_frame_equal(x, y)
    for a, b in zip(xs, ys):
        assert len(b) > 10
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("f", FILTERS, ids=IDS)
def test_dataset_rows_counts_what_the_full_download_holds(con, f):
    tables = Q.full_dataset(con, f)
    assert Q.dataset_rows(con, f) == sum(len(df) for name, df in tables.items() if name != "codebook") > 0


def test_national_is_a_province_choice(con):
    """全国 is listed among the provinces, first, and chooses the national documents (which have
    no province) beside the provinces chosen with it; the rollups answer it as the rows do."""
    from metrics.ui.widgets import _opts

    options = Q.region_options(con)
    assert _opts(options, "province", {})[0] == "全国"
    national = Q.documents(con, Filters(province=("全国",)))
    assert len(national) >= 1 and set(national["level"]) == {"national"} and national["province"].isna().all()
    sichuan = Q.documents(con, Filters(province=("四川省",)))
    both = Q.documents(con, Filters(province=("全国", "四川省")))
    assert sorted(both["doc_id"]) == sorted([*national["doc_id"], *sichuan["doc_id"]])
    f = Filters(province=("全国", "四川省"))
    counts = Q.indicator_counts(con, f)  # from the target_stats rollup
    rows = Q.targets(con, f)
    n = rows[rows["canonical"] == "gdp_growth"].shape[0]
    assert counts.set_index("canonical").loc["gdp_growth", "n"] == n
    assert "全国" in set(Q.target_points(con, f, "gdp_growth")["region"])
