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

FILTERS = [Filters(), Filters(year_from=2016, year_to=2024), Filters(doc_type=("work_report",), province=("内蒙古自治区",))]


@pytest.fixture(scope="module")
def con(built_db):
    c = duckdb.connect(str(built_db), read_only=True)
    yield c
    c.close()


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert not a.empty
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("f", FILTERS, ids=["all", "years", "province"])
@pytest.mark.parametrize("metric, group", [("per_10k", "region"), ("count", "province")])
def test_heatmap(con, f, metric, group):
    docs = Q.documents(con, f)
    rows, groups = Q.slogans(con, f, ("dictionary",)), Q.slogan_groups(con, f)
    assert len(groups) <= len(rows)
    _same(C.slogan_heatmap(rows, docs, metric, 20, group, 40)[0], C.slogan_heatmap(groups, docs, metric, 20, group, 40)[0])


@pytest.mark.parametrize("f", FILTERS, ids=["all", "years", "province"])
def test_trend_and_flags(con, f):
    docs = Q.documents(con, f)
    rows, groups = Q.slogans(con, f, ("dictionary",)), Q.slogan_groups(con, f)
    chosen = ["高质量发展", "乡村振兴", "新质生产力"]
    _same(C.slogan_trend(rows, docs, chosen, "per_10k")[0], C.slogan_trend(groups, docs, chosen, "per_10k")[0])
    _same(C.slogan_flags(rows, docs), C.slogan_flags(groups, docs))


@pytest.mark.parametrize("f", FILTERS, ids=["all", "years", "province"])
@pytest.mark.parametrize("kinds", [["formula", "quoted"], ["formula"], ["quoted"]])
def test_discovered(con, f, kinds):
    rows, top = Q.slogans(con, f, ("formula", "quoted")), Q.discovered(con, f)
    assert top.groupby("kind").size().max() <= 100
    a = C.discovered_phrases(rows[rows["kind"].isin(kinds)], 25)[0]
    b = C.discovered_phrases(top[top["kind"].isin(kinds)], 25)[0]
    _same(a, b)


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
