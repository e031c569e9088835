"""提法 — region × slogan heatmap, trends, debut/spike/omission flags,
discovered formulas and quoted phrases, distinctive keywords."""

from __future__ import annotations

import streamlit as st

from metrics import charts
from metrics.ui import data
from metrics.ui.widgets import chart_card, page_context, table_card

METRICS = {"per_10k": "每万字", "count": "次数"}


def render() -> None:
    st.title("提法")
    ctx = page_context()
    if ctx is None:
        return
    f = ctx.filters
    docs = data.query("doc_groups", f)   # characters and documents per region and year
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
               caption="每万字 = 地区内全部文档的命中次数之和 ÷ 总字数 × 10000（未命中的文档也计入字数）。")

    ranking = sl.groupby("text")["count"].sum().sort_values(ascending=False).index.tolist()

    def trend_controls() -> dict:
        c1, c2 = st.columns([3, 1])
        chosen = c1.multiselect("提法", ranking, default=ranking[:5], key="sl_trend_pick", max_selections=10)
        metric = c2.radio("度量", list(METRICS), format_func=METRICS.get, key="sl_trend_metric")
        return {"chosen": chosen, "metric": metric}

    chart_card("sl_trend", "历年变化", ctx,
               lambda p: charts.slogan_trend(sl, docs, p["chosen"], p["metric"]),
               controls=trend_controls, deps=f, empty_msg="请选择提法（且需有年份已知的文档）。")

    table_card("sl_flags", "首次出现 / 激增 / 消失", ctx, lambda p: _flags(sl, docs, p),
               controls=lambda: {"kind": st.multiselect(
                   "标记", list(charts.FLAG_LABELS.values()), default=list(charts.FLAG_LABELS.values()),
                   key="sl_flag_kinds")},
               caption="同一地区按年份比较：首次出现 = 此前各年均未出现；激增 = 每万字 ≥ 此前均值 2 倍且 ≥ 3 次；"
                       "消失 = 上一年出现、本年未出现。",
               empty_msg="没有标记（需要同一地区至少两个年份的文档）。")

    chart_card("sl_found", "新发现的数字提法与引号短语", ctx,
               lambda p: charts.discovered_phrases(found[found["kind"].isin(p["kinds"])], p["top"]),
               controls=lambda: {
                   "kinds": st.multiselect("类别", ["formula", "quoted"], default=["formula", "quoted"],
                                           format_func={"formula": "数字提法（如“三个聚焦”）",
                                                        "quoted": "引号短语"}.get, key="sl_found_kinds"),
                   "top": st.slider("条数", 10, 60, 25, step=5, key="sl_found_top")}, deps=f,
               empty_msg="没有发现词典外的提法。")

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


def _flags(sl, docs, p):
    flags = charts.slogan_flags(sl, docs)
    return flags[flags["标记"].isin(p["kind"])]


if __name__ == "__main__":
    render()
