"""Chart builders: tidy DataFrame columns/rows and figure traces, on the fixture DB."""

from __future__ import annotations

import json
import math
import re

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from metrics import charts as C
from metrics import export
from metrics.filters import Filters
from metrics.ui import queries as Q
from metrics.ui.highlight import Span, highlight_html, legend_html

from tests.ui_fixtures import EVIL, build_fixture_db

HAILAR = "内蒙古自治区 呼伦贝尔市 海拉尔区"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = duckdb.connect(str(build_fixture_db(tmp_path_factory.mktemp("charts") / "fx.duckdb")), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def docs(con):
    return Q.documents(con, Filters())


def _font_ok(fig: go.Figure) -> None:
    assert "Noto Sans CJK SC" in fig.layout.font.family


# ---------------------------------------------------------------- overview
@pytest.mark.parametrize("by, label", [("region", "地区"), ("province", "省份"), ("year", "年份"),
                                       ("level", "层级"), ("doc_type", "类型")])
def test_docs_by(docs, by, label):
    df, fig = C.docs_by(docs, by)
    assert list(df.columns) == [label, "文档数"]
    assert df["文档数"].sum() == len(docs) == 10
    bar = fig.data[0]
    assert len(fig.data) == 1 and sum(bar.x if bar.orientation == "h" else bar.y) == 10
    _font_ok(fig)


def test_docs_by_values(docs):
    df, _ = C.docs_by(docs, "year")
    assert df.iloc[-1].tolist() == ["年份未知", 1]
    assert df.set_index("年份").loc["2024", "文档数"] == 4
    df, _ = C.docs_by(docs, "level")
    assert df["层级"].tolist() == ["省级", "市级", "区级", "乡镇级", "未知"]
    df, _ = C.docs_by(docs, "region")
    assert df.iloc[0].tolist() == [HAILAR, 3]


def test_docs_by_stacked(docs):
    df, fig = C.docs_by(docs, "year", stack="doc_type")
    assert list(df.columns) == ["年份", "类型", "文档数"]
    assert {t.name for t in fig.data} == {"讲话", "政府工作报告"}
    assert fig.layout.barmode == "stack"


@pytest.mark.parametrize("by", ["year", "region"])
def test_stack_totals_sit_on_their_own_category(docs, by):
    """The total above each stack is placed by category index: Plotly reads a number-like
    category name ("2012") given to an annotation as a position, which stretched the year axis
    to 0…2024 and squeezed every bar to a hairline."""
    df, fig = C.docs_by(docs, by, stack="doc_type")
    label = df.columns[0]
    order = list(fig.layout.xaxis.categoryarray if by == "year" else fig.layout.yaxis.categoryarray)
    totals = df.groupby(label)["文档数"].sum()
    notes = fig.layout.annotations
    assert len(notes) == len(order) >= 2
    for note in notes:
        at = note.x if by == "year" else note.y
        value = note.y if by == "year" else note.x
        assert isinstance(at, int) and 0 <= at < len(order)
        assert note.text == str(value) == str(int(totals[order[at]]))


def test_docs_by_empty_and_invalid(docs):
    df, fig = C.docs_by(docs.iloc[0:0], "year")
    assert df.empty and list(df.columns) == ["年份", "文档数"]
    assert fig.layout.annotations[0].text == "无数据"
    with pytest.raises(ValueError):
        C.docs_by(docs, "text; DROP")


# ---------------------------------------------------------------- targets
def test_target_ranges(con):
    t = Q.targets(con, Filters(), "gdp_growth", "target")
    df, fig = C.target_ranges(t, "地区生产总值增速")
    assert list(df.columns) == ["标签", *C._TARGET_COLS]
    assert len(df) == 7 and df["单位"].eq("%").all()
    nj = df[df["地区"] == "江苏省 南京市"].iloc[0]
    assert (nj["下限"], nj["上限"], nj["限定"]) == (5.0, 5.0, "以上/不低于")
    # one trace per qualifier; markers follow the qualifier
    symbols = {tr.name: tr.marker.symbol for tr in fig.data}
    assert symbols == {"确数": "circle", "左右/约": "diamond", "以上/不低于": "triangle-up"}
    assert sum(len(tr.y) for tr in fig.data) == len(df)
    for tr in fig.data:
        assert tr.error_y.type == "data" and tr.error_y.symmetric is False
    _font_ok(fig)


def test_target_ranges_interval_bars(con):
    t = Q.targets(con, Filters(province=("北京市",)), "unemployment_rate", "target")
    df, fig = C.target_ranges(t, "城镇调查失业率")
    row = df.iloc[0]
    assert (row["下限"], row["上限"], row["中值"], row["限定"]) == (5.0, 5.0, 5.0, "以内/不超过")
    assert fig.data[0].marker.symbol == "triangle-down"


def test_target_ranges_unit_choice(con):
    t = Q.targets(con, Filters(), "gdp_growth", "target")
    df, fig = C.target_ranges(t, "x", unit="亿元")
    assert df.empty and fig.layout.annotations


def test_target_years(con):
    t = Q.targets(con, Filters(), "gdp_growth", "target")
    df, fig = C.target_years(t, "GDP", [HAILAR])
    assert df["年份"].tolist() == [2014, 2015, 2016]
    assert df["中值"].tolist() == [11.0, 8.0, 7.5]
    # one line per region through all its years, whatever the qualifier (确数 2014, 左右 2016 …);
    # the markers say which, under the region's one legend entry
    lines = [tr for tr in fig.data if tr.mode == "lines"]
    assert len(lines) == 1 and lines[0].name == "海拉尔区" and list(lines[0].x) == [2014, 2015, 2016]
    markers = [tr for tr in fig.data if tr.mode == "markers"]
    assert markers and all(tr.legendgroup == "海拉尔区" and tr.showlegend is False for tr in markers)
    assert sum(len(tr.x) for tr in markers) == 3 and all("–" not in v for tr in markers for v in tr.customdata[:, 2]
                                                          if "左右" not in v)
    df, fig = C.target_years(t, "GDP", ["不存在"])
    assert df.empty


def test_escalation_by_level(con):
    t = Q.targets(con, Filters(year_from=2024), "gdp_growth", "target")
    df, fig = C.escalation_by_level(t, "GDP")
    assert df["层级"].tolist() == ["省级", "省级", "市级", "市级"]
    assert [tr.type for tr in fig.data] == ["box"]
    assert list(fig.layout.xaxis.categoryarray) == ["省级", "市级"]


def test_escalation_child_parent(con):
    t = Q.targets(con, Filters(), "gdp_growth", "target")
    df, fig = C.escalation_child_parent(t, "GDP")
    assert df[["下级地区", "上级地区", "年份", "下级中值", "上级中值", "加码幅度"]].values.tolist() == [
        ["江苏省 南京市", "江苏省", 2024, 5.0, 5.0, 0.0]]
    assert list(fig.data[0].y) == [0.0]
    # no parent in the selection → empty, with an explanation
    df, fig = C.escalation_child_parent(t[t["province"] == "四川省"], "GDP")
    assert df.empty and "配对" in fig.layout.annotations[0].text


def test_attainment_hailar(con):
    f = Filters(district=("海拉尔区",))
    tg = Q.targets(con, f, "gdp_growth", "target")
    ach = Q.targets(con, f, "gdp_growth", "achievement")
    df, fig = C.attainment(tg, ach, "GDP")
    # 2014 target 11% vs 2014 result 9.1% (2015 report); 2015 target 8% vs 8.9% (2016 report)
    assert df[["年份", "目标下限", "完成值", "完成值来源年份", "达成"]].values.tolist() == [
        [2014, 11.0, 9.1, 2015, False], [2015, 8.0, 8.9, 2016, True]]
    assert df["差距"].round(2).tolist() == [-1.9, 0.9]
    assert [tr.name for tr in fig.data] == ["目标（当年报告）", "完成（次年报告）"]
    assert list(fig.data[1].y) == [9.1, 8.9]


def test_attainment_empty(con):
    tg = Q.targets(con, Filters(city=("南京市",)), "gdp_growth", "target")
    df, fig = C.attainment(tg, tg.iloc[0:0], "GDP")
    assert df.empty and list(df.columns) == C._ATT_COLS


# ---------------------------------------------------------------- tasks
@pytest.mark.parametrize("by, label, rows", [("document", "文档", 10), ("region", "地区", 8), ("year", "年份", 7)])
def test_task_counts(docs, by, label, rows):
    df, fig = C.task_counts(docs, by)
    assert list(df.columns) == [label, "文档数", "一级部分", "列举事项", "声明不符"]
    assert len(df) == rows and df["文档数"].sum() == 10
    assert [tr.name for tr in fig.data] == ["一级部分", "列举事项"]
    assert df["声明不符"].sum() == 1
    if by == "document":  # one document's counts are whole numbers in every download
        assert str(df["一级部分"].dtype) == "int64" and str(df["列举事项"].dtype) == "int64"


def test_task_counts_region_means(docs):
    df, _ = C.task_counts(docs, "region")
    hailar = df.set_index("地区").loc[HAILAR]
    assert (hailar["文档数"], hailar["一级部分"], hailar["列举事项"]) == (3, 2.0, 5.0)


def test_outline_levels(con, docs):
    df, fig = C.outline_levels(Q.outline(con, Filters()), docs, "region")
    assert list(df.columns) == ["地区", "提纲层级", "条目数"]
    h = df[df["地区"] == HAILAR].set_index("提纲层级")["条目数"].to_dict()
    assert h == {"第1级": 2.0, "第2级": 3.0}
    assert {tr.name for tr in fig.data} == {"第1级", "第2级"}


# ---------------------------------------------------------------- slogans
def test_slogan_heatmap(con, docs):
    sl = Q.slogans(con, Filters())
    df, fig = C.slogan_heatmap(sl, docs, "count", top_n=3)
    assert list(df.columns) == ["地区", "提法", "出现次数"]
    assert df["提法"].nunique() == 3 and df["地区"].nunique() == docs["region"].nunique()
    assert df["出现次数"].sum() == sl[sl["text"].isin(df["提法"].unique())]["count"].sum()
    hm = fig.data[0]
    assert hm.type == "heatmap" and len(hm.z) == docs["region"].nunique() and len(hm.x) == 3


def test_one_phrase_is_a_ranked_bar_chart_not_a_one_column_heatmap(con, docs):
    sl = Q.slogans(con, Filters())
    df, fig = C.slogan_heatmap(sl, docs, "count", top_n=1, only_hits=True)
    assert df["提法"].nunique() == 1 and (df["出现次数"] > 0).all()
    bar = fig.data[0]
    assert bar.type == "bar" and bar.orientation == "h" and list(bar.x) == df["出现次数"].tolist()
    assert list(bar.x) == sorted(bar.x, reverse=True) and len(bar.y) == len(df)
    assert df["提法"].iloc[0] in fig.layout.title.text


def test_slogan_heatmap_per_10k_uses_all_region_chars(con, docs):
    sl = Q.slogans(con, Filters())
    df, _ = C.slogan_heatmap(sl, docs, "per_10k", top_n=50)
    hailar_chars = docs[docs["region"] == HAILAR]["n_chars"].sum()
    v = df[(df["地区"] == HAILAR) & (df["提法"] == "高质量发展")]["每万字次数"].iloc[0]
    assert v == pytest.approx(round(1 / hailar_chars * 10000, 3))
    with pytest.raises(ValueError):
        C.slogan_heatmap(sl, docs, "bogus")


def test_slogan_trend(con, docs):
    sl = Q.slogans(con, Filters())
    df, fig = C.slogan_trend(sl, docs, ["科学发展"], "count")
    assert list(df.columns) == ["年份", "提法", "出现次数", "每万字次数", "文档数"]
    assert df.set_index("年份")["出现次数"].to_dict() == {2014: 2, 2015: 2, 2016: 2, 2018: 0, 2019: 0, 2024: 0}
    # years without documents (2017, 2020–2023) break the line; the hover names the documents
    y = dict(zip(fig.data[0].x, fig.data[0].y))
    assert len(fig.data) == 1 and [y[k] for k in (2014, 2015, 2016, 2018, 2019, 2024)] == [2, 2, 2, 0, 0, 0]
    assert all(math.isnan(y[k]) for k in (2017, 2020, 2021, 2022, 2023)) and fig.data[0].connectgaps is False
    assert "文档数 %{customdata[1]}" in fig.data[0].hovertemplate
    assert C.slogan_trend(sl, docs, [], "count")[0].empty


def test_slogan_flags(con, docs):
    flags = C.slogan_flags(Q.slogans(con, Filters()), docs)
    assert flags[["地区", "年份", "提法", "标记"]].values.tolist() == [
        [HAILAR, 2016, "营商环境", "首次出现"], [HAILAR, 2016, "高质量发展", "首次出现"]]


def test_slogan_flags_spike_and_omission():
    docs = pd.DataFrame({"region": ["甲"] * 3, "year": [2018, 2019, 2020], "n_chars": [10000] * 3})
    sl = pd.DataFrame({"region": ["甲"] * 3, "year": [2018, 2019, 2019], "text": ["A", "A", "B"],
                       "count": [1, 5, 2]})
    flags = C.slogan_flags(sl, docs)
    got = set(map(tuple, flags[["年份", "提法", "标记"]].values.tolist()))
    assert got == {(2019, "A", "激增"), (2019, "B", "首次出现"), (2020, "A", "消失"), (2020, "B", "消失")}


def test_discovered_phrases(con):
    df, fig = C.discovered_phrases(Q.slogans(con, Filters(), ("formula", "quoted")))
    assert list(df.columns) == ["提法", "类别", "文档数", "出现次数", "地区数", "地区"]
    assert df.iloc[0][["提法", "文档数"]].tolist() == ["两个中心", 3]
    assert all(tr.orientation == "h" for tr in fig.data)


def test_distinctive_keywords(con):
    kw = Q.keywords(con, Filters())
    df, fig = C.distinctive_keywords(kw, HAILAR, top_n=5)
    assert list(df.columns) == ["关键词", "本地区平均权重", "其他地区平均权重", "区分度", "本地区文档数"]
    assert df.iloc[0]["关键词"] == "物流园区" and df["区分度"].is_monotonic_decreasing
    assert list(fig.data[0].y) == df["关键词"].tolist()
    assert C.distinctive_keywords(kw, "没有这个地区")[0].empty
    # only words the region uses more than the rest (QA pass 7: a negative bar, "产业")
    assert (C.distinctive_keywords(kw, HAILAR, top_n=500)[0]["区分度"] > 0).all()


# ---------------------------------------------------------------- compare
def test_compare(con, docs):
    sl = Q.slogans(con, Filters())
    ents = {"南京": docs[docs["city"] == "南京市"], "成都": docs[docs["city"] == "成都市"]}
    slog = {k: sl[sl["doc_id"].isin(v["doc_id"])] for k, v in ents.items()}
    table = C.compare_table(ents, slog)
    assert list(table.columns) == ["对象", *(m for m, _ in C.COMPARE_METRICS)]
    assert table["对象"].tolist() == ["南京", "成都"] and table["文档数"].tolist() == [1, 1]
    # QA pass 13: counts and means shared a column, and the downloads wrote a count as 1.0
    assert str(table["文档数"].dtype) == "Int64" and str(table["一级部分（平均）"].dtype) == "Float64"
    assert export.to_csv_bytes(table).decode("utf-8-sig").splitlines()[1].startswith("南京,1,")
    assert json.loads(export.to_json_bytes(table, export.ExportMeta("t", "", "r")))["data"][0]["文档数"] == 1
    df, fig = C.compare_slogans(slog, {k: int(v["n_chars"].sum()) for k, v in ents.items()})
    assert set(df["对象"]) == {"南京", "成都"} and len(fig.data) == 2
    assert len(df) == 2 * df["提法"].nunique()


def test_short_labels():
    m = C.short_labels(["江苏省 南京市", "四川省 成都市", "北京市 朝阳区", "辽宁省 朝阳市", "吉林省 长春市 朝阳区"])
    assert m["江苏省 南京市"] == "南京市"
    assert m["北京市 朝阳区"] == "北京市 朝阳区"  # ambiguous short label keeps the full one


# ---------------------------------------------------------------- document highlight
def test_highlight_escapes_and_marks():
    text = f"{EVIL}<b>x</b> [a](javascript:alert(1)) 增长5%左右"
    i = text.index("增长")
    spans = [Span(i, len(text), "target", "target:0", "GDP <note>"), Span(i + 2, i + 4, "value", "target:0"),
             Span(text.index("[a]"), text.index("[a]") + 3, "slogan", "slogan:0")]
    out = highlight_html(text, spans, selected="target:0")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;x&lt;/b&gt;" in out
    assert "<b>" not in out
    assert out.count('id="sm-sel"') == 1
    assert 'class="hl-target hl-value hl-sel hl-selv"' in out
    assert 'title="GDP &lt;note&gt;"' in out
    # text content is preserved exactly
    import html as _h
    import re

    assert _h.unescape(re.sub(r"<[^>]+>", "", out)) == text


def test_the_selected_figure_stands_out_in_a_sentence_of_several():
    """QA pass 11: 巴中's "三次产业增加值分别增长3%、7%、7%" gives three targets of one sentence; the
    selected one's value is marked apart (hl-selv), the others keep their value colour."""
    text = "三次产业增加值分别增长3%、7%、7%。"
    spans = []
    for k, v in enumerate(("3%", "7%", "7%")):
        at = [i for i in range(len(text)) if text.startswith(v, i)][max(k - 1, 0)]
        spans += [Span(0, len(text) - 1, "target", f"target:{k}"), Span(at, at + 2, "value", f"target:{k}")]
    two = highlight_html(text, spans, selected="target:2")
    assert two != highlight_html(text, spans, selected="target:1")
    assert two.count("hl-selv") == 1 and '<span class="hl-target hl-value hl-sel hl-selv"' in two
    assert two.count('class="hl-target hl-value hl-sel"') == 2  # the other two figures, still values


def test_the_selection_draws_no_box_edges_inside_the_text():
    """QA pass 16: the selected sentence is many spans side by side, and each span's outline drew a
    box; on a phone the edges between 增长 and 6%左右 fell on the 6, which read as a 5. The selected
    item is a ground and an underline (horizontal only), its figure inverted."""
    from metrics.ui.highlight import css

    rules = css()
    assert "outline" not in rules and "border-left" not in rules and "border-right" not in rules
    selected = re.search(r"\.sm-doc \.hl-sel\{([^}]*)\}", rules).group(1)
    assert "inset 0 -3px 0" in selected  # an underline drawn inside the glyphs' box
    assert re.search(r"\.hl-selv[^{]*\{[^}]*color:#fff", rules)


def test_highlight_ignores_bad_spans():
    out = highlight_html("abc", [Span(2, 99, "target", "t"), Span(-1, 1, "task", "x"), Span(0, 1, "bogus", "y")])
    assert out == '<div class="sm-doc">abc</div>'
    assert "数字目标" in legend_html({"target": 2})


def test_docs_by_top_n_folds_the_rest(docs):
    df, fig = C.docs_by(docs, "region", top_n=3)
    assert df["地区"].tolist() == [HAILAR, "北京市", "北京市 怀柔区", "其余 5 个"]
    assert df["文档数"].tolist() == [3, 1, 1, 5]
    assert list(fig.data[0].y) == df["地区"].tolist()


def test_slogan_heatmap_by_province_and_row_cap(con, docs):
    sl = Q.slogans(con, Filters())
    df, fig = C.slogan_heatmap(sl, docs, "count", top_n=50, group="province", max_rows=2)
    assert list(df.columns) == ["省份", "提法", "出现次数"]
    assert df["省份"].nunique() == 2 and len(fig.data[0].y) == 2
    assert "出现次数，最高的 2 个" in fig.layout.title.text
    # the kept rows are those with the most hits, highest first
    full, _ = C.slogan_heatmap(sl, docs, "count", top_n=50, group="province", max_rows=99)
    ranked = full.groupby("省份")["出现次数"].sum().sort_values(ascending=False)
    assert list(dict.fromkeys(df["省份"])) == list(ranked.index[:2])
    # per 10,000 characters the rows are those with the highest rates, not the longest texts
    per, fig = C.slogan_heatmap(sl, docs, "per_10k", top_n=50, group="province", max_rows=2)
    rates, _ = C.slogan_heatmap(sl, docs, "per_10k", top_n=50, group="province", max_rows=99)
    best = rates.groupby("省份")["每万字次数"].sum().sort_values(ascending=False)
    assert list(dict.fromkeys(per["省份"])) == list(best.index[:2]) == list(fig.data[0].y)
    assert "每万字次数，最高的 2 个" in fig.layout.title.text
    with pytest.raises(ValueError):
        C.slogan_heatmap(sl, docs, "count", group="text")


def test_docs_by_axis_order_follows_table(docs):
    df, fig = C.docs_by(docs, "year", stack="doc_type")
    assert list(fig.layout.xaxis.categoryarray) == list(dict.fromkeys(df["年份"]))
    assert fig.layout.xaxis.categoryarray[0] == "2014" and fig.layout.xaxis.categoryarray[-1] == "年份未知"
    df, fig = C.docs_by(docs, "level", stack="doc_type")
    assert list(fig.layout.xaxis.categoryarray) == ["省级", "市级", "区级", "乡镇级", "未知"]


def test_target_ranges_axis_sorted_by_value(con):
    df, fig = C.target_ranges(Q.targets(con, Filters(), "gdp_growth", "target"), "GDP")
    assert list(fig.layout.xaxis.categoryarray) == df["标签"].tolist()
    assert df["中值"].is_monotonic_decreasing


def test_display_safe_strips_markup():
    sl = pd.DataFrame({"doc_id": ["a"], "text": ['<a href="javascript:alert(1)">点我</a>'], "kind": ["quoted"],
                       "count": [2], "region": ["<b>甲</b>"]})
    df, fig = C.discovered_phrases(sl)
    assert df["提法"].iloc[0].startswith("<a href")  # the download keeps the text verbatim
    safe = C.display_safe(fig)
    import json as _json

    dumped = _json.dumps(_json.loads(safe.to_json()), ensure_ascii=False)
    assert "<a href" not in dumped and "<b>" not in dumped
    assert safe.data[0].y[0].startswith("‹a href") and "‹b›甲‹/b›" in safe.data[0].customdata[0][1]
    assert fig.data[0].y[0].startswith("<a href")  # the original figure is untouched


def test_task_charts_top_n(con, docs):
    df, fig = C.task_counts(docs, "document", top_n=4)
    assert len(df) == 4 and df["列举事项"].tolist() == sorted(df["列举事项"], reverse=True)
    assert "4 / 10" in fig.layout.title.text
    df, fig = C.outline_levels(Q.outline(con, Filters()), docs, "region", top_n=2)
    assert df["地区"].nunique() == 2 and HAILAR in set(df["地区"])
    # the bars (and the download) run from the most items to the fewest, as the title says
    df, fig = C.outline_levels(Q.outline(con, Filters()), docs, "document", top_n=6)
    totals = df.groupby("文档", sort=False)["条目数"].sum()
    assert list(totals) == sorted(totals, reverse=True) and len(totals) == 6
    assert list(fig.layout.yaxis.categoryarray) == list(totals.index)
    df, _ = C.task_counts(docs, "year", top_n=2)
    assert len(df) == 7  # years are never cut


# ---------------------------------------------------------------- column-wise helpers
def test_columnwise_helpers_equal_the_per_row_rules(built_db):
    """``with_bounds``, ``region_paths`` and ``map_distinct`` replaced per-row loops (``iterrows``
    took 4 s per chart at 100,000 documents); on every target row of the sample corpus they give
    what the per-row rules give."""
    c = duckdb.connect(str(built_db), read_only=True)
    try:
        rows = Q.targets(c, Filters())
    finally:
        c.close()
    assert len(rows) > 1000
    rows.loc[rows.index[:50], "low"] = None  # one-sided and empty bounds occur in real extractions
    rows.loc[rows.index[25:75], "high"] = None
    b = C.with_bounds(rows)
    expected = pd.DataFrame([C.value_bounds(lo, hi) for lo, hi in zip(rows["low"], rows["high"])],
                            columns=["lo", "hi", "mid"], index=rows.index, dtype="float64")
    pd.testing.assert_frame_equal(b[["lo", "hi", "mid"]], expected)
    assert b["mid"].isna().sum() == 25
    def region_path(row) -> tuple[str, ...]:  # the per-row rule region_paths replaced
        return tuple(str(row[c]) for c in ("province", "city", "district", "town")
                     if c in row and row[c] is not None and not (isinstance(row[c], float) and math.isnan(row[c]))
                     and str(row[c]) != "")

    assert C.region_paths(rows) == [region_path(r) for _, r in rows.iterrows()]
    assert any(len(p) >= 3 for p in C.region_paths(rows))  # 省 市 区
    for col, fn in (("level", C.level_label), ("year", C._year_str), ("qualifier", lambda v: C.QUALIFIER_LABELS.get(v, "?"))):
        pd.testing.assert_series_equal(C.map_distinct(rows[col], fn), rows[col].map(fn), check_dtype=False)
    assert C.unique_labels(rows["region"]) == C.unique_labels(rows["region"].tolist())
    assert len(set(C.unique_labels(rows["region"]))) == len(rows)


def test_results_are_drawn_at_the_year_they_are_for(built_db):
    """A 2024 report's results are 2023's: the 完成值 charts place them at 2023 (报告年份 2024)."""
    con = duckdb.connect(str(built_db), read_only=True)
    rows = Q.target_points(con, Filters(level=("national",)), "new_urban_jobs")
    done = rows[rows["kind"] == "achievement"]
    tidy, _ = C.target_years(done, "城镇新增就业", ["全国"], "万人")
    hit = tidy[tidy["中值"] == 1244]
    assert not hit.empty and set(hit["年份"]) == {2023} and set(hit["报告年份"]) == {2024}
    plans, _ = C.target_years(rows[rows["kind"] == "target"], "城镇新增就业", ["全国"], "万人")
    assert set(plans["年份"]) == set(plans["报告年份"]) == {2024}


def test_a_two_level_target_keeps_its_stretch_in_the_chart_and_its_download(built_db):
    """QA pass 15: 攀枝花's "确保增长6.5%、力争7%以上" was 6.5 in 各地区对比 with no trace of 7."""
    con = duckdb.connect(str(built_db), read_only=True)
    rows = Q.target_points(con, Filters(province=("四川省",)), "gdp_growth")
    tidy, fig = C.target_ranges(rows[rows["kind"] == "target"], "地区生产总值增速")
    pzh = tidy[tidy["文件"] == "攀枝花.txt"].iloc[0]
    assert (pzh["中值"], pzh["力争值"]) == (6.5, 7.0)
    assert tidy[tidy["文件"] == "乐山.txt"]["力争值"].isna().all()
    hover = [row[2] for tr in fig.data for row in tr.customdata]
    assert "6.5%，力争 7%" in hover and "8%，力争 9%" in hover  # 凉山's 保8争9


def test_a_national_total_beside_cities_gets_a_log_axis(built_db):
    """QA pass 14: 城镇新增就业 完成值 for 全国 (1244万人) and two cities (6.1, 1.1) on a linear axis:
    the cities lay on 0, one hidden by the other; the box plot by level was squeezed the same way."""
    con = duckdb.connect(str(built_db), read_only=True)
    rows = Q.target_points(con, Filters(), "new_urban_jobs")
    done = rows[(rows["kind"] == "achievement") & (rows["unit"] == "万人")]
    cities = [r for r in done["region"].unique() if r != "全国"][:2]
    tidy, fig = C.target_years(done, "城镇新增就业", ["全国", *cities], "万人")
    assert tidy["中值"].max() / tidy["中值"].min() >= C.LOG_AXIS_RATIO
    assert fig.layout.yaxis.type == "log" and "对数坐标" in fig.layout.title.text
    tidy, fig = C.escalation_by_level(done, "城镇新增就业", "万人")
    assert fig.layout.yaxis.type == "log"
    # rates keep a linear axis
    gdp = Q.target_points(con, Filters(), "gdp_growth")
    assert C.target_years(gdp, "GDP", None, "%")[1].layout.yaxis.type != "log"


def test_documents_with_the_same_label_are_told_apart_by_file_name():
    docs = pd.DataFrame({"region": ["广东省 深圳市", "广东省 深圳市", "北京市 通州区 张家湾镇"], "year": [2024, 2024, 2019],
                         "title": [None, None, "牢记初心使命,加快建设幸福美丽新张家湾"],
                         "file_name": ["深圳.txt", "深圳.docx", "张家湾.txt"]})
    labels = C.doc_labels(docs).tolist()
    assert labels[0].endswith("2024 · 深圳.txt") and labels[1].endswith("2024 · 深圳.docx")
    assert labels[2].endswith("2019 · 牢记初心使命,加快建设幸福…")


def test_one_region_in_two_files_is_told_apart_by_file_name(built_db):
    """成都's report is in data/ twice (成都.txt and the original 成都.docx): asked to include
    near-duplicates, two points named by their files, not "成都市" and "成都市 (2)"; by default one."""
    import duckdb

    f = Filters(province=("四川省",), year_from=2024, duplicates=True)
    con = duckdb.connect(str(built_db), read_only=True)
    try:  # the page draws target_points; the evidence download reads targets: both name the files
        points = Q.target_points(con, f, "gdp_growth")
        both = [points[points["kind"] == "target"], Q.targets(con, f, "gdp_growth", "target")]
    finally:
        con.close()
    for rows in both:
        labels = C.target_ranges(rows, "GDP")[0]["标签"].tolist()
        assert {"成都市 · 成都.txt", "成都市 · 成都.docx"} <= set(labels)
        assert not any(lab.endswith(")") for lab in labels)
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        points = Q.target_points(con, f.replace(duplicates=False), "gdp_growth")
    finally:
        con.close()
    labels = C.target_ranges(points[points["kind"] == "target"], "GDP")[0]["标签"].tolist()
    assert labels.count("成都市") == 1 and not any("成都." in lab for lab in labels)


def test_a_figure_stated_twice_is_one_point_and_the_median_counts_documents(con):
    """QA pass 8: 锡林郭勒盟 stated 新增城镇就业1万人以上 twice and showed twice; the median counted both."""
    t = Q.targets(con, Filters(), "gdp_growth", "target")
    twice = pd.concat([t, t.iloc[[0]].assign(idx=t["idx"].max() + 1)], ignore_index=True)  # the same figure again
    other = t.iloc[[1]].assign(idx=t["idx"].max() + 2, low=99.0, high=99.0, qualifier="at_least")  # a 力争 value later
    df, fig = C.target_ranges(pd.concat([twice, other], ignore_index=True), "GDP")
    base, _ = C.target_ranges(t, "GDP")
    assert len(df) == len(base) + 1  # the repeat is dropped; the other value of that document stays
    texts = [a.text for a in fig.layout.annotations if "中位数" in a.text]
    median = C.with_bounds(t).sort_values("idx").drop_duplicates("doc_id")["mid"].median()
    assert texts == [f"中位数 {median:g}（{t['doc_id'].nunique()} 篇，每篇计一次）"]


def test_the_median_note_reads_away_from_the_nearer_edge(con):
    """QA pass 16: on a phone "中位数 6.5（30 篇…" ran off the right edge of a horizontal chart: a
    median in the right half has its note to the left of its line."""
    t = Q.targets(con, Filters(), "gdp_growth", "target")
    many = pd.concat([t.assign(doc_id=t["doc_id"] + f"-{k}", low=t["low"] + k, high=t["high"] + k) for k in range(4)],
                     ignore_index=True)
    # values 4-11 % with the median near 7: the note to the right of its line (anchored at its left);
    # a fifth of them 50 points lower: the median in the right half, the note to its left
    for shift, anchor in ((0.0, "left"), (-50.0, "right")):
        skewed = many.assign(low=many["low"].where(many.index % 5 > 0, many["low"] + shift),
                             high=many["high"].where(many.index % 5 > 0, many["high"] + shift))
        _, fig = C.target_ranges(skewed, "GDP")
        assert len(fig.data[0].y or ()) > C.RANGES_VERTICAL_MAX or fig.layout.yaxis.type == "category"
        note = next(a for a in fig.layout.annotations if "中位数" in a.text)
        assert note.xanchor == anchor, (shift, note.xanchor)


def test_the_legend_hangs_under_the_title_and_pushes_the_plot_down():
    """QA pass 16: a legend standing on the plot grew up into the title when it wrapped (a phone)."""
    fig = C.base_layout(go.Figure(go.Scatter(x=[1], y=[1], name="确数")), "地区生产总值增速", height=500,
                        legend_title="限定")
    legend = fig.layout.legend
    assert (legend.yref, legend.yanchor, legend.orientation) == ("container", "top", "h")
    assert legend.y == pytest.approx(1 - (36 + C.MODEBAR_STRIP) / 500)  # right under the title's strip
    assert fig.layout.title.yref == "container" and fig.layout.margin.t == 36 + C.MODEBAR_STRIP + 30


def test_one_value_far_above_the_rest_gives_a_log_axis(con):
    """QA pass 8: 全国's 1200万人 new urban jobs squeezed 114 cities into 3 % of the axis."""
    t = Q.targets(con, Filters(), "gdp_growth", "target")
    _, fig = C.target_ranges(t, "GDP")
    assert fig.layout.yaxis.type != "log" and "对数坐标" not in fig.layout.title.text
    far = pd.concat([t, t.iloc[[0]].assign(doc_id="x", low=1200.0, high=1200.0)], ignore_index=True)
    _, fig = C.target_ranges(far, "GDP")
    assert fig.layout.yaxis.type == "log" and "对数坐标" in fig.layout.title.text
    # QA pass 9: the median's label where the line is (an annotation on a log axis takes the log)
    [label] = [a for a in fig.layout.annotations if "中位数" in a.text]
    median = C.with_bounds(far).sort_values("idx").drop_duplicates("doc_id")["mid"].median()
    assert label.y == pytest.approx(np.log10(median)) and label.yref == "y"
    # ticks in full: 20, 50 … not a lone "2" after "10"
    assert all(t in ("1", "2", "5") or t[0] in "125" and set(t[1:]) <= {"0", "."} for t in fig.layout.yaxis.ticktext)
    assert {"10", "100", "1000"} <= set(fig.layout.yaxis.ticktext)


def test_escalation_of_a_ceiling_counts_a_lower_child_as_stricter():
    """QA pass 12: 防城港 "控制在6%以内" under the nation's "5.5%左右" was drawn as +0.5 加码; for a
    ceiling (失业率, CPI) a higher child is looser."""
    rows = pd.DataFrame({
        "doc_id": ["n", "c"], "idx": [0, 0], "region": ["全国", "广西壮族自治区 防城港市"], "level": ["national", "city"],
        "province": [None, "广西壮族自治区"], "city": [None, "防城港市"], "district": [None, None], "town": [None, None],
        "year": [2024, 2024], "low": [5.5, 6.0], "high": [5.5, 6.0], "unit": ["%", "%"],
        "qualifier": ["about", "at_most"], "sentence": ["城镇调查失业率5.5%左右", "城镇调查失业率控制在6%以内"]})
    pairs, _ = C.escalation_pairs(rows, "%", lower_is_stricter=C.lower_is_stricter("urban_unemployment_rate"))
    assert pairs["加码幅度"].tolist() == [-0.5]
    tidy, fig = C.escalation_figure(pairs, "%", "失业率", lower_is_stricter=True)
    assert fig.data[0].marker.color == ("#2874a6",) and fig.layout.title.text.startswith("上级 − 下级")
    pairs, _ = C.escalation_pairs(rows, "%")  # read as a figure to reach: +0.5
    assert pairs["加码幅度"].tolist() == [0.5]


def test_documents_of_no_known_region_are_no_series_over_the_years():
    """QA pass 12: 历年变化 drew one line through a 镇 of 2021, a 区 of 2022 and a 县 of 2023, all
    未知地区, and chose it by default."""
    rows = pd.DataFrame({
        "doc_id": ["a", "b", "c"], "idx": [0, 0, 0], "region": ["未知地区", "未知地区", "江苏省 南京市"],
        "level": [None, None, "city"], "year": [2021, 2022, 2022], "low": [6.0, 7.0, 5.0], "high": [6.0, 7.0, 5.0],
        "unit": ["%"] * 3, "qualifier": ["exact"] * 3, "kind": ["target"] * 3, "indicator": ["GDP"] * 3,
        "canonical": ["gdp_growth"] * 3, "sentence": ["x"] * 3, "stretch": [None] * 3})
    tidy, _ = C.target_years(rows, "GDP", ["未知地区", "江苏省 南京市"], "%")
    assert tidy["地区"].tolist() == ["江苏省 南京市"]


def test_escalation_downloads_name_the_unit_of_the_difference():
    """QA pass 13: the CSV's 单位 said % beside 加码幅度, a difference in 个百分点."""
    rows = pd.DataFrame({
        "doc_id": ["n", "c"], "idx": [0, 0], "region": ["全国", "江苏省"], "level": ["national", "province"],
        "province": [None, "江苏省"], "city": [None, None], "district": [None, None], "town": [None, None],
        "year": [2024, 2024], "low": [5.0, 5.5], "high": [5.0, 5.5], "unit": ["%", "%"],
        "qualifier": ["about", "about"], "sentence": ["增长5%左右", "增长5.5%左右"]})
    pairs, _ = C.escalation_pairs(rows, "%")
    assert pairs[["单位", "加码幅度", "幅度单位"]].values.tolist() == [["%", 0.5, "个百分点"]]
