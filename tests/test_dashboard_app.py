"""Streamlit AppTest: every page, the URL-bound filters, untrusted text, and edge states."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from metrics.ui.upload import safe_upload_name
from metrics.ui.widgets import PAGE_PARAMS

from tests.ui_fixtures import build_empty_db, build_fixture_db, fixture_docs

DATA = Path(__file__).resolve().parent.parent / "data"

APP = Path(__file__).resolve().parents[1] / "dashboard.py"
PAGES = {
    "overview": ("metrics/ui/overview.py", "讲话指标看板 · 总览", 4),
    "targets": ("metrics/ui/targets.py", "数字目标", 4),
    "tasks": ("metrics/ui/tasks.py", "任务结构", 2),
    "slogans": ("metrics/ui/slogans.py", "提法", 4),
    "document": ("metrics/ui/document.py", "单篇文档", 0),
    "compare": ("metrics/ui/compare.py", "对比", 1),
    "upload": ("metrics/ui/upload.py", "添加文档", 0),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("app") / "fx.duckdb")


@pytest.fixture
def app(db, monkeypatch):
    monkeypatch.setenv("SPEECH_METRICS_DB", str(db))

    def make(page: str | None = None, query: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        if query:
            at.query_params.update(query)
        at.run()
        if page and page != "overview":
            at.switch_page(PAGES[page][0])
            if query:  # the overview run dropped page-specific params; a shared link carries them
                at.query_params.update({k: v for k, v in query.items() if k in PAGE_PARAMS})
            at.run()
        return at

    return make


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def open_document(db: Path, doc_id: str, monkeypatch) -> AppTest:
    """单篇文档 of ``doc_id`` on database ``db``, run without errors."""
    monkeypatch.setenv("SPEECH_METRICS_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page(PAGES["document"][0])
    at.query_params.update({"doc": doc_id})
    at.run()
    no_errors(at)
    return at


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_loads(app, page):
    at = app(page)
    no_errors(at)
    _, title, min_charts = PAGES[page]
    assert [t.value for t in at.title] == [title]
    assert len(at.get("plotly_chart")) >= min_charts
    # the shared sidebar is on every page
    assert at.multiselect(key="f_province") is not None
    assert at.text_input(key="f_text") is not None
    # no multiselect offers Streamlit's English "Select all" (0: never shown)
    assert [m.key for m in at.multiselect if m.proto.select_all != 0] == []



def test_overview_metrics_and_quality(app):
    at = app("overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["文档"] == "10" and metrics["年份未知"] == "1" and metrics["读取失败"] == "2"
    assert metrics["声明数量不符"] == "1"
    assert len(at.download_button) >= 3 * 4
    assert re.fullmatch(r"\d{4}–\d{4}", metrics["年份"]), metrics["年份"]
    one_year = {m.label: m.value for m in app("overview", {"from": "2024", "to": "2024"}).metric}
    assert one_year["年份"] == "2024"  # not "2024–2024"


def test_a_dataset_too_large_for_the_browser_points_to_the_command_line(app, monkeypatch):
    """Above the row limit the full dataset is not built in the dashboard's memory: the card gives
    the `export` command with the same filters instead of download buttons."""
    from metrics.ui import widgets

    before = len(app("overview", {"province": "内蒙古自治区"}).download_button)
    monkeypatch.setattr(widgets, "DATASET_DOWNLOAD_MAX_ROWS", 10)
    at = app("overview", {"province": "内蒙古自治区"})
    no_errors(at)
    assert len(at.download_button) == before - 3
    [code] = [c.value for c in at.code]
    # in the form the card's 表头与取值 chooses: 中文 by default, as --labels zh
    assert at.radio(key="ds_labels").value == "zh"
    assert code.startswith("python -m metrics export dataset.zip --labels zh --url") and "province=%E5%86%85" in code
    assert any("超过网页下载的上限" in i.value for i in at.info)
    at.radio(key="ds_labels").set_value("codes").run()
    assert at.code[0].value.startswith("python -m metrics export dataset.zip --url")


def test_filter_changes_charts_and_url(app):
    at = app("overview")
    at.multiselect(key="f_province").set_value(["内蒙古自治区"]).run()
    no_errors(at)
    assert at.query_params["province"] == "内蒙古自治区"
    assert {m.label: m.value for m in at.metric}["文档"] == "3"
    assert any("3 篇" in c.value for c in at.caption)
    # cascading: only this province's cities are offered
    assert at.multiselect(key="f_city").options == ["呼伦贝尔市"]
    at.slider(key="f_years").set_value((2015, 2016)).run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2015", "2016")
    assert {m.label: m.value for m in at.metric}["文档"] == "2"


def test_url_restores_filters(app):
    at = app("overview", {"province": ["江苏省"], "level": "city", "q": "新质生产力"})
    no_errors(at)
    assert at.multiselect(key="f_province").value == ["江苏省"]
    assert at.multiselect(key="f_level").value == ["city"]
    assert at.text_input(key="f_text").value == "新质生产力"
    assert {m.label: m.value for m in at.metric}["文档"] == "1"
    assert any("江苏省 · 市级 · 全文含「新质生产力」 · 1 篇" in c.value for c in at.caption)


def test_invalid_url_values_are_ignored(app):
    at = app("overview", {"province": "火星", "from": "abc", "level": "evil"})
    no_errors(at)
    assert at.multiselect(key="f_province").value == []
    assert {m.label: m.value for m in at.metric}["文档"] == "10"


def test_reset_filters(app):
    at = app("overview", {"province": "北京市"})
    at.button(key="f_reset").click().run()
    assert at.multiselect(key="f_province").value == []
    assert "province" not in at.query_params


def test_no_match_shows_info(app):
    at = app("targets", {"q": "根本不存在的词"})
    no_errors(at)
    assert any("没有文档" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_targets_indicator_from_url_and_attainment(app):
    at = app("targets", {"district": "海拉尔区", "ind": "gdp_growth"})
    no_errors(at)
    assert at.selectbox(key="tg_ind").value == "gdp_growth"
    assert at.query_params["ind"] == "gdp_growth"
    headings = " ".join(m.value for m in at.markdown)
    assert "目标与完成" in headings
    # attainment chart drawn (not the info message)
    assert not any("相邻年份" in i.value for i in at.info)


def test_targets_kind_switch(app):
    at = app("targets")
    at.radio(key="tg_kind").set_value("achievement").run()
    no_errors(at)
    assert at.radio(key="tg_kind").value == "achievement"
    assert at.query_params["kind"] == "achievement"  # a reload or a shared link keeps it
    at.radio(key="tg_kind").set_value("target").run()
    assert "kind" not in at.query_params


def test_back_to_a_page_default_shows_the_default(app):
    """QA pass 14: a page's default choice is left out of the URL; Back to such an address (the
    same page without ``kind``) kept 完成值 and wrote it straight back. Removing the parameter on the
    same page, as Back does, shows the default; the other choices stay."""
    at = app("targets", {"ind": "gdp_growth"})
    at.radio(key="tg_kind").set_value("achievement").run()
    assert (at.query_params["ind"], at.query_params["kind"]) == ("gdp_growth", "achievement")
    del at.query_params["kind"]  # Back to the entry before 完成值
    at.run()
    no_errors(at)
    assert at.radio(key="tg_kind").value == "target" and "kind" not in at.query_params
    assert at.selectbox(key="tg_ind").value == "gdp_growth"


def test_a_link_with_an_unknown_kind_says_so(app):
    at = app("targets", {"ind": "gdp_growth", "kind": "near"})
    no_errors(at)
    assert at.radio(key="tg_kind").value == "target"
    assert any("链接中的类型「near」" in w.value for w in at.warning)


def test_targets_kind_and_unit_come_from_the_url(app):
    at = app("targets", {"ind": "gdp_growth", "kind": "achievement", "unit": "%"})
    no_errors(at)
    assert at.radio(key="tg_kind").value == "achievement" and at.selectbox(key="tg_unit").value == "%"
    # the evidence table shows what the charts show (and says so); switched off, everything
    assert any(t.label.startswith("只看图中所示：完成值") for t in at.toggle)
    shown = next(df.value for df in at.dataframe if {"力争值", "原文"} <= set(df.value.columns))
    assert set(shown["类型"]) == {"完成"} and set(shown["单位"]) == {"%"} and set(shown["指标"]) == {"地区生产总值增速"}
    assert all(u.startswith("document?doc=") for u in shown["原文"])
    assert list(shown.columns[:3]) == ["地区", "年份", "原文"]  # the link is in view, not past the sentence
    at.toggle(key="tg_table_shown").set_value(False).run()
    every = next(df.value for df in at.dataframe if {"力争值", "原文"} <= set(df.value.columns))
    assert len(every) > len(shown) and set(every["类型"]) > {"完成"}


def test_a_link_to_a_missing_indicator_or_document_says_so(app):
    at = app("targets", {"ind": "foo"})
    no_errors(at)
    assert any("「foo」" in w.value and "改为显示" in w.value for w in at.warning)
    at = app("document", {"doc": "deadbeef00000000"})
    no_errors(at)
    assert any("deadbeef00000000" in w.value and "不在数据库中" in w.value for w in at.warning)


def test_slogans_metric_toggle(app):
    at = app("slogans")
    at.radio(key="sl_heat_metric").set_value("count").run()
    no_errors(at)
    at.slider(key="sl_heat_top").set_value(5).run()
    no_errors(at)


def test_positionings_are_listed_per_document_with_a_link_that_marks_them(app):
    at = app("slogans")
    no_errors(at)
    assert "#### 各地发展定位" in [m.value for m in at.markdown]
    table = next(df.value for df in at.dataframe if "发展定位" in df.value.columns)
    row = table[table["发展定位"] == "幸福美丽张家湾"].iloc[0]
    assert row["地区"] == "北京市 通州区 张家湾镇" and row["出现次数"] == 1
    assert row["原文"].startswith("document?doc=") and "&hl=" in row["原文"]
    # the discovered-phrases chart offers the kind
    assert "positioning" in at.multiselect(key="sl_found_kinds").value


def test_custom_phrases_are_counted_from_the_url_and_the_input(app):
    at = app("slogans", {"ph": "高质量发展；从未出现的短语"})
    no_errors(at)
    assert at.text_input(key="sl_custom").value == "高质量发展；从未出现的短语"
    assert any("未出现" in c.value and "从未出现的短语" in c.value for c in at.caption)
    titles = [m.value for m in at.markdown]
    assert {"#### 自定义提法：地区 × 提法", "#### 自定义提法：历年变化", "#### 自定义提法：逐篇计数与例句"} <= set(titles)
    table = next(df.value for df in at.dataframe if "例句" in df.value.columns)
    assert set(table["提法"]) == {"高质量发展"} and (table["出现次数"] > 0).all()
    # QA pass 8: the phrase that never occurs gets no line of zeros in 历年变化
    import json
    traces = [tr for ch in at.get("plotly_chart") for tr in json.loads(ch.proto.spec)["data"]]
    assert not any("从未出现的短语" in str(tr.get("name", "")) for tr in traces)
    assert any(tr.get("name") == "高质量发展" for tr in traces)
    # typing other phrases updates the URL; clearing them removes the cards
    at.text_input(key="sl_custom").set_value("营商环境;;营商环境").run()
    no_errors(at)
    assert at.query_params["ph"] == "营商环境"
    at.text_input(key="sl_custom").set_value("").run()
    assert "ph" not in at.query_params
    assert "#### 自定义提法：历年变化" not in [m.value for m in at.markdown]


def test_document_marks_a_searched_phrase_and_escapes_it(app):
    doc = next(d for d in fixture_docs() if "高质量发展" in d.text)
    at = app("document", {"doc": doc.doc_id, "hl": "高质量发展"})
    no_errors(at)
    n = doc.text.count("高质量发展")
    assert n > 0
    body = "".join(e.proto.body for e in at.get("html"))
    assert body.count('hl-phrase') >= n and f"检索短语 {n}" in body
    assert any(f"出现 {n} 次" in c.value for c in at.caption)
    at = app("document", {"doc": evil_id(), "hl": "<script>"})
    no_errors(at)
    body = "".join(e.proto.body for e in at.get("html"))
    # marked, escaped, and (the first place) selected and scrolled to
    assert '<span class="hl-phrase hl-sel" title="检索：&lt;script&gt;" id="sm-sel"' in body
    assert "<script>alert" not in body and "scrollTop" in body


def test_tasks_grouping(app):
    at = app("tasks")
    for by in ("region", "year", "document"):
        at.radio(key="tk_counts_by").set_value(by).run()
        no_errors(at)
    at.toggle(key="tk_only_mismatch").set_value(False).run()
    no_errors(at)
    declared = next(df.value for df in at.dataframe if "实际列举" in df.value.columns)
    assert len(declared) and all(u.startswith("document?doc=") and "&hl=" in u for u in declared["单篇文档"])


def evil_id() -> str:
    return next(d.doc_id for d in fixture_docs() if d.name == "upload/evil.txt")


def test_document_escapes_untrusted_text(app):
    at = app("document", {"doc": evil_id()})
    no_errors(at)
    assert at.selectbox(key="doc_pick").value == evil_id()
    htmls = [e.proto.body for e in at.get("html")]
    body = "".join(htmls)
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body
    assert "<script>alert" not in body and "<b>加粗" not in body
    assert "[点我](javascript:alert(1))" in body  # shown literally, not as a link
    for md in at.markdown:
        assert "<script>" not in md.value and "](javascript:" not in md.value


def test_document_selection_marks_item(app):
    at = app("document", {"doc": fixture_docs()[0].doc_id})
    at.session_state["doc_sel"] = ("doc_t_targets", 1)
    at.run()
    no_errors(at)
    htmls = [e.proto.body for e in at.get("html")]
    assert any('id="sm-sel"' in h for h in htmls)
    assert any("sm-sel" in h and "scrollTop" in h for h in htmls)  # best-effort scroll of the full text
    # the selected item is also shown with its context above the full text
    assert any("已选条目" in h and "sm-excerpt" in h and "hl-sel" in h for h in htmls)


def test_a_link_to_one_figure_selects_it_not_the_first_place_of_its_phrase(app, db):
    """QA pass 10: 巴中's target "地区生产总值增长6%" opened at last year's "…增长6%左右" (the link
    carried only the sentence). ``item`` names the figure; ``hl`` still marks every occurrence."""
    doc = fixture_docs()[0]
    plan = doc.targets[1]  # the 2014 target, after the 2013 result that also says 地区生产总值
    start = doc.text.index(plan.sentence)
    assert doc.text.index("地区生产总值") < start
    at = app("document", {"doc": doc.doc_id, "hl": "地区生产总值", "item": "target:1"})
    no_errors(at)
    htmls = [e.proto.body for e in at.get("html")]
    assert any(f"已选条目（第 {start + 1} 字起" in h for h in htmls)
    # QA pass 16: the figure as written, its qualifier too ("6%左右", not "6%")
    about = fixture_docs()[3]
    t = about.targets[0]
    assert t.qualifier == "about"
    at_about = app("document", {"doc": about.doc_id, "item": "target:0"})
    captions = [e.proto.body for e in at_about.get("html")]
    assert any(f" · {t.indicator} {t.low:g}{t.unit}左右，" in h for h in captions)
    # without the item, the phrase's first place
    at = app("document", {"doc": doc.doc_id, "hl": "地区生产总值"})
    htmls = [e.proto.body for e in at.get("html")]
    assert any(f"已选条目（第 {doc.text.index('地区生产总值') + 1} 字起" in h for h in htmls)
    # QA pass 17: a row picked in the table is the address's item from then on (a copied link opened
    # the item linked before)
    at = app("document", {"doc": doc.doc_id, "item": "target:1"})
    at.session_state["doc_sel"] = ("doc_t_targets", 0)
    at.run()
    no_errors(at)
    con = duckdb.connect(str(db), read_only=True)
    try:
        first = con.execute("SELECT idx FROM targets WHERE doc_id = ? ORDER BY start, idx LIMIT 1", [doc.doc_id]).fetchone()[0]
    finally:
        con.close()
    assert at.query_params["item"] == f"target:{first}" != "target:1"
    # another document picked: the link's item is dropped from the address
    at = app("document", {"doc": doc.doc_id, "item": "target:1"})
    at.selectbox(key="doc_pick").set_value(fixture_docs()[1].doc_id).run()
    no_errors(at)
    assert "item" not in at.query_params


def test_a_link_to_an_item_the_document_does_not_have_says_so(app):
    """QA pass 12: ?item=target:99999 opened the page without a word."""
    doc = fixture_docs()[0]
    at = app("document", {"doc": doc.doc_id, "hl": "地区生产总值", "item": "target:99999"})
    no_errors(at)
    assert any("99999" in w.value and "不在本文中" in w.value for w in at.warning)
    at = app("document", {"doc": doc.doc_id, "item": "target:1"})
    assert not any("不在本文中" in w.value for w in at.warning)


def test_compare_needs_two(app):
    at = app("compare")
    no_errors(at)
    at.multiselect(key="cmp_pick_region").set_value([at.multiselect(key="cmp_pick_region").options[0]]).run()
    assert any("至少选择两个" in i.value for i in at.info)
    at.radio(key="cmp_mode").set_value("document").run()
    no_errors(at)
    assert len(at.get("plotly_chart")) >= 1


def test_compare_says_what_a_count_of_top_level_sections_leaves_out(app):
    """QA pass 16: 对比 set 成都's 20 一级部分 beside 南宁's 3 without the caveat 任务结构 gives (成都's
    three parts are unnumbered: its (一)(二)… are the top level)."""
    at = app("compare")
    no_errors(at)
    sections = [m for m in at.metric if m.label == "一级部分（平均）"]
    assert len(sections) >= 2 and all("不编号" in (m.help or "") for m in sections)
    assert any("一级部分：" in c.value and "提纲条目按层级" in c.value for c in at.caption)


def test_compare_choice_is_kept_in_the_url(app):
    at = app("compare")
    options = at.multiselect(key="cmp_pick_region").options
    assert len(options) >= 5
    chosen = options[1:4]
    at.multiselect(key="cmp_pick_region").set_value(chosen).run()
    no_errors(at)
    # (the default 对比对象, 地区, is left out of the URL: opening the page writes nothing)
    assert at.query_params["pick"] == chosen and "cmp" not in at.query_params
    # a fresh page from that URL shows the same comparison
    again = app("compare", {"cmp": "region", "pick": chosen})
    assert again.multiselect(key="cmp_pick_region").value == chosen
    # more than four: a message in Chinese, the first four compared
    at.multiselect(key="cmp_pick_region").set_value(options[:5]).run()
    no_errors(at)
    assert any("最多对比 4 个" in w.value for w in at.warning)
    assert at.query_params["pick"] == options[:4]


def test_compare_takes_a_region_linked_twice_once(app):
    """QA pass 12: pick=全国 ×5 showed 全国 five times and "已选 5 个"."""
    options = app("compare").multiselect(key="cmp_pick_region").options
    at = app("compare", {"cmp": "region", "pick": [options[0]] * 5 + [options[1]]})
    no_errors(at)
    assert at.multiselect(key="cmp_pick_region").value == options[:2]
    assert not any("最多对比 4 个" in w.value for w in at.warning)


def test_compare_names_what_a_link_asks_for_and_cannot_show(app):
    """QA pass 6: a picked region the sidebar filter leaves out, and an unknown cmp, were dropped in silence."""
    options = app("compare").multiselect(key="cmp_pick_region").options
    at = app("compare", {"cmp": "region", "pick": [options[0], options[1], "火星省 某市"]})
    no_errors(at)
    assert any("火星省 某市 不在当前筛选内" in w.value for w in at.warning)
    assert at.multiselect(key="cmp_pick_region").value == options[:2]
    at = app("compare", {"cmp": "doc"})
    no_errors(at)
    assert any("「doc」无效" in w.value for w in at.warning)


def test_a_link_with_years_it_cannot_apply_says_so(app):
    """QA pass 6: /targets?from=abc&to=1900 showed every year without a word."""
    at = app("overview", {"from": "abc", "to": "1900"})
    no_errors(at)
    assert any("from=abc、to=1900 无效" in w.value for w in at.warning)
    lo = next(sl for sl in at.sidebar.slider if sl.label == "年份").value[0] + 1
    assert not any("无效" in w.value for w in app("overview", {"from": str(lo)}).warning)
    swapped = app("overview", {"from": str(lo + 1), "to": str(lo)})
    assert any("前后颠倒" in w.value for w in swapped.warning)
    # QA pass 12: a year past the data's last is not applied (it gave the last year alone)
    at = app("overview", {"from": "2030", "to": "1900"})
    bounds = next(sl for sl in at.sidebar.slider if sl.label == "年份")
    assert bounds.value == (bounds.min, bounds.max) and any("全部" in w.value or "无效" in w.value for w in at.warning)


def test_a_link_with_a_parameter_nothing_reads_says_so(app):
    """QA pass 13: ?text=经济 (the full-text filter is q) and dups=1 were ignored without a word."""
    at = app("overview", {"text": "经济", "dups": "1", "province": "北京市"})
    no_errors(at)
    assert any("text" in w.value and "dups" in w.value and "无法识别" in w.value for w in at.warning)
    assert not any("无法识别" in w.value for w in app("overview", {"q": "经济", "dup": "1"}).warning)


def test_a_link_with_a_filter_value_the_data_lacks_says_so(app):
    """QA pass 7: /targets?province=四川 (for 四川省) showed the whole corpus without a word."""
    at = app("overview", {"province": "四川"})
    no_errors(at)
    assert any("省份「四川」" in w.value and "未用于筛选" in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_mistyped_level_in_a_link_is_named_and_escaped(app):
    """QA pass 7: ?level=distrct was dropped without a word; the value is untrusted markdown."""
    at = app("overview", {"level": ["distrct", "city"], "type": "[x](javascript:alert(1))"})
    no_errors(at)
    warning = " ".join(w.value for w in at.warning)
    assert "层级「distrct」" in warning and "层级「city」" not in warning
    assert "类型「\\[x\\]\\(javascript\\:alert…」" in warning, warning  # escaped, cut at 20 characters


def test_missing_db_explains_build(monkeypatch, tmp_path):
    monkeypatch.setenv("SPEECH_METRICS_DB", str(tmp_path / "nope.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    assert any("找不到数据库" in e.value for e in at.error)
    # the command builds the file the dashboard reads (QA pass 14: it named speech_metrics.duckdb)
    assert any(f"python -m metrics build data --db {tmp_path / 'nope.duckdb'}" in i.value for i in at.info)
    at.switch_page(PAGES["upload"][0]).run()
    assert not at.exception and [t.value for t in at.title] == ["添加文档"]


def test_empty_db(monkeypatch, tmp_path):
    monkeypatch.setenv("SPEECH_METRICS_DB", str(build_empty_db(tmp_path / "empty.duckdb")))
    for page in PAGES.values():
        at = AppTest.from_file(str(APP), default_timeout=30).run()
        if page[0] != PAGES["overview"][0]:
            at.switch_page(page[0]).run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_db_replacement_is_picked_up(monkeypatch, tmp_path):
    path = build_fixture_db(tmp_path / "swap.duckdb", fixture_docs()[:3])
    monkeypatch.setenv("SPEECH_METRICS_DB", str(path))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert {m.label: m.value for m in at.metric}["文档"] == "3"
    import os

    tmp = build_fixture_db(tmp_path / "swap.tmp", fixture_docs())
    st_ = os.stat(path)
    os.replace(tmp, path)  # atomic rebuild
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 10_000_000))
    at.run()
    assert {m.label: m.value for m in at.metric}["文档"] == "10"


@pytest.mark.parametrize("name, expected", [
    ("报告.TXT", "报告.txt"), ("../../etc/passwd.txt", "passwd.txt"), ("C:\\x\\年报.docx", "年报.docx"),
    ("a<b>:c.html", "a_b__c.html"), ("noext", "noext.txt"), ("", "upload.txt"),
])
def test_safe_upload_name(name, expected):
    assert safe_upload_name(name, set()) == expected


def test_safe_upload_name_unique():
    used: set[str] = set()
    assert [safe_upload_name("a.txt", used) for _ in range(3)] == ["a.txt", "a-2.txt", "a-3.txt"]


def test_a_failed_upload_is_worded_by_why_the_builder_refused(tmp_path, monkeypatch):
    """The upload page words a failure by the builder's reason, not by the error's English text."""
    from metrics.build import add_documents, build_lock
    from metrics.ui import upload

    doc = tmp_path / "a.txt"
    doc.write_text("我讲两点意见。一、统一思想。二、狠抓落实。", encoding="utf-8")

    def failure(db):
        monkeypatch.setenv("SPEECH_METRICS_DB", str(db))
        with pytest.raises(Exception) as info:
            add_documents(db, [doc], lock_timeout=0.2)
        return upload._failure_zh(info.value)

    notes = tmp_path / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    assert failure(notes) == f"数据库文件 {upload.md_escape(str(notes))} 不是有效的 DuckDB 数据库，未作改动。"
    assert notes.read_text(encoding="utf-8") == "my notes"
    assert "不是有效的 DuckDB 数据库" in failure(tmp_path)  # a folder
    db = tmp_path / "s.duckdb"
    with build_lock(db, 1):
        assert failure(db) == "数据库正被另一个程序写入（例如命令行的 build），请稍后再试。"


def test_database_being_written_shows_a_wait_message(tmp_path, monkeypatch):
    """While `build --add` writes in place it holds DuckDB's lock: the page says so (no rebuild advice)."""
    import shutil
    import subprocess
    import sys

    db = tmp_path / "busy.duckdb"
    shutil.copy(build_fixture_db(tmp_path / "src.duckdb"), db)
    writer = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "c.execute('BEGIN'); print('ok', flush=True); time.sleep(60)", str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ok"
        monkeypatch.setenv("SPEECH_METRICS_DB", str(db))
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        assert not at.exception
        assert any("正在更新" in w.value for w in at.warning), [e.value for e in at.error]
        assert not any("重新构建" in e.value for e in at.error)
    finally:
        writer.kill()
        writer.wait()


def _long_table_script():
    import pandas as pd
    import streamlit as st

    from metrics.filters import Filters
    from metrics.ui.widgets import PageContext, table_card

    rows = pd.DataFrame({"地区": [f"第{i}区" for i in range(50)], "原句": ["=1+1"] * 50})
    st.session_state["fetched"] = 0

    def full():
        st.session_state["fetched"] += 1
        return rows

    table_card("t", "原文证据", PageContext(Filters(), 50, "test"), lambda _p: rows.head(10), total=50, full=lambda _p: full())


def test_a_long_table_shows_its_first_rows_and_downloads_all():
    """The 数字目标 evidence table shows its first rows; the page says how many there are, and
    the downloads (built on click) read all of them."""
    at = AppTest.from_function(_long_table_script).run()
    no_errors(at)
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 10
    assert any("显示前 10 条，共 50 条" in c.value for c in at.caption)
    assert at.session_state["fetched"] == 0  # nothing fetched until a button is clicked
    csv = at.get("download_button")
    assert [b.proto.label for b in csv] == ["CSV", "XLSX", "JSON"]


def test_escalation_slider_counts_pairs(built_db, monkeypatch):
    """The 逐级加码 chart ranks child–parent pairs; its slider says how many there are (it used
    to count the indicator's target rows: 143 against 124 pairs on one corpus)."""
    import re

    from metrics import charts
    from metrics.filters import Filters
    from metrics.ui import queries as Q

    monkeypatch.setenv("SPEECH_METRICS_DB", str(built_db))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page(PAGES["targets"][0])
    at.query_params.update({"ind": "gdp_growth"})
    at.run()
    no_errors(at)
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        rows = Q.target_points(con, Filters(), "gdp_growth")
    finally:
        con.close()
    tgt = rows[rows["kind"] == "target"]
    pairs, _ = charts.escalation_child_parent(tgt, "GDP", None)
    assert len(pairs) > 25 and len(pairs) != len(tgt)  # the slider is shown, and the counts differ
    label = at.slider(key="tg_escalation_top").label
    assert int(re.search(r"共 (\d+) 个", label).group(1)) == len(pairs)


def test_a_document_without_a_title_is_headed_by_its_file_name(built_db, monkeypatch):
    """A NULL title came out of the row as NaN and the page was headed "nan" (the national report
    in 台州.txt of the sample corpus has no title line)."""
    from metrics.ui import queries as Q
    from metrics.ui.widgets import md_escape

    con = duckdb.connect(str(built_db), read_only=True)
    try:
        did, name = con.execute("SELECT doc_id, file_name FROM documents WHERE title IS NULL "
                                "ORDER BY doc_id LIMIT 1").fetchall()[0]
        doc = Q.document(con, did)
    finally:
        con.close()
    assert doc["title"] is None and doc["speaker"] is None and doc["file_name"] == name
    at = open_document(built_db, did, monkeypatch)
    headings = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert headings[0] == f"### {md_escape(name)}" and "### nan" not in headings


def test_the_years_chart_keeps_a_choice_of_regions_when_the_filters_change(app):
    at = app("targets", {"ind": "gdp_growth"})

    def picker():
        return next(m for m in at.multiselect if m.key.startswith("tg_year_regions_"))

    assert picker().value
    at.multiselect(key="f_province").set_value(["内蒙古自治区"]).run()
    no_errors(at)
    # the regions the filter drops leave the choice; it is not left empty (a reload would not be)
    assert picker().value and set(picker().value) <= set(picker().options)
    assert not any("请选择至少一个" in i.value for i in at.info)


def test_page_choices_survive_a_visit_to_another_page(app):
    at = app("targets", {"ind": "gdp_growth"})
    at.radio(key="tg_kind").set_value("achievement").run()
    at.switch_page(PAGES["overview"][0]).run()
    no_errors(at)
    at.switch_page(PAGES["targets"][0]).run()
    no_errors(at)
    assert at.radio(key="tg_kind").value == "achievement" and at.selectbox(key="tg_ind").value == "gdp_growth"
    # the evidence table dates results like the charts: the year before the report
    table = next(df.value for df in at.dataframe if {"力争值", "原文"} <= set(df.value.columns))
    assert (table["年份"] == table["报告年份"] - 1).all()
    at.switch_page(PAGES["slogans"][0]).run()
    at.text_input(key="sl_custom").set_value("高质量发展").run()
    at.switch_page(PAGES["tasks"][0]).run()
    at.switch_page(PAGES["slogans"][0]).run()
    assert at.text_input(key="sl_custom").value == "高质量发展"


def test_more_phrases_than_counted_are_named(app):
    raw = "；".join(f"短语{i}" for i in range(10))
    at = app("slogans", {"ph": raw})
    no_errors(at)
    assert any("每次最多 8 个" in c.value and "短语8" in c.value and "短语9" in c.value for c in at.caption)


def test_a_phrase_longer_than_counted_is_named(app):
    """QA pass 14: a phrase of 50 characters was cut to 40 without a word."""
    at = app("slogans", {"ph": "高质量发展" * 10})
    no_errors(at)
    assert any("最长 40 字" in c.value and "高质量发展" * 8 + "…" in c.value for c in at.caption)


def test_a_declaration_with_no_list_after_it_shows_a_dash(built_db, monkeypatch):
    """南京's "稳妥有序实施城中村改造、“平急两用”公共基础设施等“三大工程”" names three and lists two
    (an abbreviation, unchecked): its 实际 reads "—", not Streamlit's grey "None"."""
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        did = con.execute("SELECT doc_id FROM documents WHERE file_name = '南京.txt'").fetchall()[0][0]
        n_missing = con.execute("SELECT count(*) FROM declared_counts WHERE doc_id = ? AND found IS NULL",
                                [did]).fetchall()[0][0]
    finally:
        con.close()
    assert n_missing >= 1
    at = open_document(built_db, did, monkeypatch)
    [declared] = [d.value for d in at.dataframe if "声明" in d.value.columns and "实际" in d.value.columns]
    assert (declared["实际"] == "—").sum() == n_missing and declared["实际"].notna().all()


@pytest.mark.parametrize("page,params,shown", [
    ("compare", {"cmp": "[点此领取补贴](http://evil.example)"}, "「\\[点此领取补贴\\]\\(h\u2060ttp\\://evil\\.example\\)」"),
    ("compare", {"pick": ["[官方数据](http://evil.example/x)", "**不存在地区**"]}, "\\*\\*不存在地区\\*\\*"),
    ("overview", {"from": "[x](http://evil.example)"}, "from=\\[x\\]\\(h\u2060ttp\\://evil\\.example\\)"),
    ("overview", {"province": "www.evil.example"}, "「w\u2060ww\\.evil\\.example」"),
])
def test_link_values_quoted_in_warnings_are_text_not_links(app, page, params, shown):
    """QA pass 9: a link's value became a clickable link (or bold) inside the dashboard's own warning."""
    at = app(page, params)
    no_errors(at)
    warning = " ".join(w.value for w in at.warning)
    assert shown in warning, warning
    assert "](http" not in warning and "**不存在" not in warning.replace("\\*\\*不存在", "")


def test_compare_names_its_choices_in_chinese(app):
    """QA pass 9: 对比 offered "region（地区）、document（文档）"."""
    at = app("compare", {"cmp": "foo"})
    warning = " ".join(w.value for w in at.warning)
    assert "可选：地区、文档" in warning and "region" not in warning


def test_a_phrase_linked_from_the_slogan_tables_shows_their_count(built_db, monkeypatch):
    """QA pass 11: 中山 quotes “三公” once and writes 三公 twice more inside other words; the 提法
    tables count 1 (a two-character phrase counts where quoted), the document page said 出现 3 次.
    The page now marks the counted places and says how often the phrase is written in all."""
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        did, text = con.execute("SELECT doc_id, text FROM documents WHERE file_name = '中山.txt'").fetchone()
        counted = con.execute("SELECT count(*) FROM slogan_mentions WHERE doc_id = ? AND text = '三公'", [did]).fetchone()[0]
        table = con.execute("SELECT count FROM slogans WHERE doc_id = ? AND text = '三公'", [did]).fetchone()[0]
    finally:
        con.close()
    assert counted == table == 1 and text.count("三公") == 3
    at = open_document(built_db, did, monkeypatch)
    at.text_input(key="doc_hl").set_value("三公").run()
    no_errors(at)
    assert any("按提法的计数规则出现 1 次" in c.value and "逐字共写了 3 处" in c.value for c in at.caption)
    full = max((e.proto.body for e in at.get("html")), key=len)  # the full text
    marked = re.findall(r'<span class="([^"]*)"[^>]*>三公', full)
    assert len(marked) == 1 and "hl-phrase" in marked[0]  # the other two 三公 (南三公路 …) are not marked
    # a phrase that is no 提法 of the document: every written place, as before
    at.text_input(key="doc_hl").set_value("公路").run()
    no_errors(at)
    assert any(f"出现 {text.count('公路')} 次" in c.value for c in at.caption)


def test_a_very_long_text_is_drawn_a_part_at_a_time(tmp_path, monkeypatch):
    """QA pass 16: a text of 10 million characters took 45 s to draw. A text over TEXT_PART
    characters is drawn a part at a time; a link to a figure opens the part that holds it."""
    from metrics.build import build_database
    from metrics.ui.document import TEXT_PART

    source = (DATA / "city-reports-2024" / "常州.txt").read_text(encoding="utf-8")
    long_text = "\n".join(source.replace("常州", f"常州{k}号") for k in range(1, 1 + 2 * TEXT_PART // len(source) + 2))
    (tmp_path / "long.txt").write_text(long_text, encoding="utf-8")
    db = tmp_path / "long.duckdb"
    build_database([tmp_path / "long.txt"], db, workers=1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        did, n = con.execute("SELECT doc_id, n_chars FROM documents").fetchone()
        idx, start = con.execute("SELECT idx, start FROM targets WHERE doc_id = ? AND start > ? ORDER BY start LIMIT 1",
                                 [did, TEXT_PART + 1000]).fetchone()
    finally:
        con.close()
    assert n > 2 * TEXT_PART
    at = open_document(db, did, monkeypatch)
    [part] = [s for s in at.selectbox if s.key == f"doc_part_{did}"]
    assert part.value == 0 and len(part.options) == (n + TEXT_PART - 1) // TEXT_PART
    body = max((e.proto.body for e in at.get("html")), key=len)
    assert len(body) < 40 * TEXT_PART  # one part, not the whole text
    at.query_params["item"] = f"target:{idx}"
    at.run()
    no_errors(at)
    [part] = [s for s in at.selectbox if s.key == f"doc_part_{did}"]
    assert part.value == start // TEXT_PART and part.value >= 1
    assert any('id="sm-sel"' in e.proto.body for e in at.get("html"))


def test_a_pdf_gives_each_item_its_page_in_the_original(tmp_path, monkeypatch):
    """A figure of a PDF is cited by its page: the tables' first column 页, the caption 原文第 N 页."""
    from metrics.build import build_database
    from metrics.reader import read_document

    pdf = DATA / "pdf" / "鄂州.pdf"
    db = tmp_path / "pdf.duckdb"
    build_database([pdf], db, workers=1)
    starts = read_document(pdf).pages
    con = duckdb.connect(str(db), read_only=True)
    try:
        did = con.execute("SELECT doc_id FROM documents").fetchone()[0]
        assert [r[0] for r in con.execute("SELECT start FROM pdf_pages ORDER BY page").fetchall()] == list(starts)
        idx, start, sentence = con.execute("""SELECT idx, start, sentence FROM targets WHERE doc_id = ?
                                              AND sentence LIKE '%社会消费品零售总额%' ORDER BY start DESC LIMIT 1""",
                                           [did]).fetchone()
    finally:
        con.close()
    page = max(k for k, s in enumerate(starts, 1) if s <= start)
    assert page > 5  # the plan for 2024, after the review
    at = open_document(db, did, monkeypatch)
    table = next(d.value for d in at.dataframe if "指标" in d.value.columns)
    assert list(table.columns[:2]) == ["页", "类型"] and table["页"].is_monotonic_increasing
    assert table["页"].iloc[0] == 1 and 15 <= table["页"].iloc[-1] <= len(starts)
    assert any("pdf（18 页）" in str(v) for d in at.dataframe for v in d.value.get("值", []))
    at.query_params["item"] = f"target:{idx}"
    at.run()
    no_errors(at)
    assert any(f"原文第 {page} 页 · 第 {start + 1} 字起" in e.proto.body for e in at.get("html"))


def test_wide_charts_scroll_sideways_on_a_phone():
    """QA pass 16: on a 390 px screen a 20-column heat map was 60 px wide and a side legend left a
    50 px plot. Those cards keep 600 px below 640 px and scroll; each key names a chart card."""
    from metrics.ui.widgets import NARROW_SCREEN_CSS, WIDE_CHARTS

    ui = "".join(p.read_text(encoding="utf-8") for p in (Path(__file__).resolve().parent.parent / "metrics" / "ui").glob("*.py"))
    assert all(f'chart_card("{key}"' in ui for key in WIDE_CHARTS)
    rule = NARROW_SCREEN_CSS[NARROW_SCREEN_CSS.index("@media (max-width: 640px)"):]
    assert all(f".st-key-{key}_fig" in rule and f".st-key-card-{key}" in rule for key in WIDE_CHARTS)
    assert "{min-width:600px}" in rule and "{overflow-x:auto}" in rule
