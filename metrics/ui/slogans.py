"""提法 — custom phrases counted in the full texts, region × slogan heatmap, trends,
debut/spike/omission flags, discovered formulas and quoted phrases, distinctive keywords."""

from __future__ import annotations

import streamlit as st

from metrics import charts
from metrics.codebook import DISCOVERED_KINDS
from metrics.phrases import MAX_LENGTH, MAX_PHRASES, cut_phrases, parse_phrases
from metrics.ui import data
from metrics.ui.widgets import chart_card, link_value, md_escape, open_link, page_context, set_link, table_card

FOUND_KIND_LABELS = {"formula": "数字提法（如“三个聚焦”）", "quoted": "引号短语",
                     "positioning": "发展定位（如“长江大保护典范城市”）"}

METRICS = {"per_10k": "每万字", "count": "次数"}


def render() -> None:
    st.title("提法")
    ctx = page_context(keep=("ph",))
    if ctx is None:
        return
    f = ctx.filters
    docs = data.query("doc_groups", f)   # characters and documents per region and year
    _custom_phrases(ctx, docs)
    sl = data.query("slogan_groups", f)   # summed per slogan, region and year in SQL
    found = data.query("discovered", f)   # the most widespread formulas and quoted phrases
    if sl.empty and found.empty:
        st.info("当前筛选下的文档中没有识别出提法。")
        return

    many = docs["region"].nunique() > 40

    def heat_controls() -> dict:
        c1, c2, c3, c4 = st.columns([2, 2, 3, 3])
        metric = c1.radio("度量", list(METRICS), format_func=METRICS.get, horizontal=True, key="sl_heat_metric")
        group = c2.radio("行", ["region", "province"], format_func={"region": "地区", "province": "省份"}.get,
                         horizontal=True, key="sl_heat_group", index=1 if many else 0)
        top = c3.slider("提法数", 5, 50, 20, step=5, key="sl_heat_top")
        rows = c4.slider("最多行数", 10, 150, 40, step=10, key="sl_heat_rows")
        return {"metric": metric, "top": top, "group": group, "rows": rows}

    chart_card("sl_heat", "地区 × 提法", ctx,
               lambda p: charts.slogan_heatmap(sl, docs, p["metric"], p["top"], p["group"], p["rows"]),
               controls=heat_controls, deps=f,
               caption="每万字 = 地区内全部文档的命中次数之和 ÷ 总字数 × 10000（未命中的文档也计入字数）。"
                       "颜色上限为非零值的第 95 百分位，更高的格子同为最深色（色条标 ≥）；确切数值见悬停提示与下载。")

    ranking = sl.groupby("text")["count"].sum().sort_values(ascending=False).index.tolist()

    def trend_controls() -> dict:
        c1, c2 = st.columns([3, 1])
        chosen = c1.multiselect("提法", ranking, default=ranking[:5], key="sl_trend_pick", max_selections=10,
                                select_all=False)
        metric = c2.radio("度量", list(METRICS), format_func=METRICS.get, key="sl_trend_metric")
        return {"chosen": chosen, "metric": metric}

    chart_card("sl_trend", "历年变化", ctx,
               lambda p: charts.slogan_trend(sl, docs, p["chosen"], p["metric"]),
               controls=trend_controls, deps=f, empty_msg="请选择提法（且需有年份已知的文档）。")

    table_card("sl_flags", "首次出现 / 激增 / 消失", ctx, lambda p: _flags(sl, docs, p),
               controls=lambda: {"kind": st.multiselect(
                   "标记", list(charts.FLAG_LABELS.values()), default=list(charts.FLAG_LABELS.values()),
                   key="sl_flag_kinds", select_all=False)},
               caption="同一地区按年份比较：首次出现 = 此前各年均未出现；激增 = 每万字 ≥ 此前均值 2 倍且 ≥ 3 次；"
                       "消失 = 上一年出现、本年未出现。",
               empty_msg="没有标记（需要同一地区至少两个年份的文档）。")

    chart_card("sl_found", "词典外的提法：数字提法、引号短语、发展定位", ctx,
               lambda p: charts.discovered_phrases(found[found["kind"].isin(p["kinds"])], p["top"]),
               controls=lambda: {
                   "kinds": st.multiselect("类别", list(DISCOVERED_KINDS), default=list(DISCOVERED_KINDS),
                                           format_func=FOUND_KIND_LABELS.get, key="sl_found_kinds", select_all=False),
                   "top": st.slider("条数", 10, 60, 25, step=5, key="sl_found_top")}, deps=f,
               empty_msg="没有发现词典外的提法。")

    table_card("sl_positioning", "各地发展定位", ctx,
               lambda p, limit=1000: charts.positioning_table(data.query("positionings", f, limit)),
               total=lambda p: data.query("positioning_rows", f),
               full=lambda p: charts.positioning_table(data.query("positionings", f, None)),
               caption="发展定位：文中“建设/打造/争创……”的对象，以城市、高地、先行区、排头兵等结尾（或以本地地名结尾），"
                       "作为完整名称出现至少 3 次（更长名称的一部分不计，如“智算中心城市”中的“中心城市”）；"
                       "每次出现都计（包括不在“建设”之后的）。全国通用提法不列入。规则见 metrics/data/positioning.csv。",
               column_config={"原文": open_link("原文")},
               empty_msg="当前筛选下的文档中没有识别出发展定位。")

    kw = data.query("keyword_groups", f)
    regions = sorted(kw["region"].unique().tolist()) if len(kw) else []

    def kw_controls() -> dict:
        if not regions:
            return {"region": None}
        return {"region": st.selectbox("地区", regions, key="sl_kw_region")}

    chart_card("sl_kw", "地区特色关键词（与其他地区相比）", ctx,
               lambda p: charts.distinctive_keywords(kw, p["region"]) if p["region"]
               else charts.distinctive_keywords(kw.iloc[0:0], ""),
               controls=kw_controls, deps=f,
               caption="区分度 = log2（本地区每篇平均权重 ÷ 其他地区每篇平均权重），已平滑。",
               empty_msg="当前筛选下没有关键词，或只有一个地区。")


def _group_controls(prefix: str, many: bool) -> dict:
    c1, c2, c3 = st.columns([2, 2, 3])
    metric = c1.radio("度量", list(METRICS), format_func=METRICS.get, horizontal=True, key=f"{prefix}_metric")
    group = c2.radio("行", ["region", "province"], format_func={"region": "地区", "province": "省份"}.get,
                     horizontal=True, key=f"{prefix}_group", index=1 if many else 0)
    rows = c3.slider("最多行数", 10, 150, 40, step=10, key=f"{prefix}_rows")
    return {"metric": metric, "group": group, "rows": rows}


def _custom_phrases(ctx, docs) -> None:
    """Phrases the user types (URL parameter ``ph``), counted in the full text of every filtered
    document: by region, by year, and per document with the first occurrence and a link."""
    if wanted := link_value("ph", "sl_custom", empty=""):
        st.session_state["sl_custom"] = wanted
    raw = st.text_input(f"自定义提法：在筛选后的全文中精确计数（用“；”分隔，最多 {MAX_PHRASES} 个）",
                        key="sl_custom", placeholder="如：强首府；奋力争先；三高四新", max_chars=400)
    phrases = parse_phrases(raw)
    extra = parse_phrases(raw, limit=10_000)[len(phrases):]
    if extra:
        st.caption(f"每次最多 {MAX_PHRASES} 个，未计数：" + "、".join(f"「{md_escape(p)}」" for p in extra))
    if cut := cut_phrases(raw):
        st.caption(f"短语最长 {MAX_LENGTH} 字，只计前 {MAX_LENGTH} 字：" + "、".join(f"「{md_escape(p[:MAX_LENGTH])}…」" for p in cut))
    value = "；".join(phrases)
    set_link("ph", "sl_custom", value)
    if not phrases:
        return
    f = ctx.filters
    with st.spinner("正在全文计数…"):
        per_doc = data.query("phrase_docs", f, phrases)
    found = set(per_doc["text"])
    absent = [p for p in phrases if p not in found]
    if absent:
        st.caption("在筛选后的文档中未出现：" + "、".join(f"「{md_escape(p)}」" for p in absent))
    if per_doc.empty:
        return
    groups = charts.phrase_groups(per_doc)
    deps = (f, phrases)
    rule = ("计数规则：每次出现都计（包括在更长短语之中）；含“、”的短语也匹配“，”、空格或无分隔；"
            "全角与半角字母数字视为相同。每万字 = 命中次数之和 ÷ 总字数 × 10000（未命中的文档也计入字数）。")
    chart_card("sl_custom_heat", "自定义提法：地区 × 提法", ctx,
               lambda p: charts.slogan_heatmap(groups, docs, p["metric"], len(phrases), p["group"], p["rows"],
                                                only_hits=True),
               controls=lambda: _group_controls("sl_custom_heat", False), deps=deps,
               caption=rule)
    chart_card("sl_custom_trend", "自定义提法：历年变化", ctx,
               lambda p: charts.slogan_trend(groups, docs, [x for x in phrases if x in found], p["metric"]),
               controls=lambda: {"metric": st.radio("度量", list(METRICS), format_func=METRICS.get, horizontal=True,
                                                    key="sl_custom_trend_metric")},
               deps=deps, empty_msg="命中的文档都没有已知年份。")
    table_card("sl_custom_docs", "自定义提法：逐篇计数与例句", ctx, lambda p: charts.phrase_doc_table(per_doc),
               caption="例句为该文中第一次出现处；点击“打开”在单篇文档页标出全部出现位置。",
               column_config={"原文": open_link("原文"),
                              "例句": st.column_config.TextColumn(width="large")})


def _flags(sl, docs, p):
    flags = charts.slogan_flags(sl, docs)
    return flags[flags["标记"].isin(p["kind"])]


if __name__ == "__main__":
    render()
