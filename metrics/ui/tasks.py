"""任务结构 — sections and enumerated items per document/region/year; declared-count mismatches."""

from __future__ import annotations

import streamlit as st

from metrics import charts
from metrics.tasks import FORM_LABELS
from metrics.ui import data
from metrics.ui.widgets import chart_card, open_link, page_context, table_card

GROUPS = {"document": "按文档", "region": "按地区", "year": "按年份"}


def render() -> None:
    st.title("任务结构")
    ctx = page_context()
    if ctx is None:
        return
    docs = data.query("task_docs", ctx.filters)
    outline = data.query("outline_counts", ctx.filters)
    stats = data.query("declared_stats", ctx.filters)

    m = st.columns(4)
    m[0].metric("一级部分（平均）", round(float(docs["top_level_sections"].mean()), 1))
    m[1].metric("列举事项（平均）", round(float(docs["enumerated_items"].mean()), 1))
    m[2].metric("声明数量", stats["n"])
    m[3].metric("声明不符", stats["mismatch"])

    def group_controls(key: str):
        def controls() -> dict:
            c1, c2 = st.columns([3, 2])
            by = c1.radio("分组", list(GROUPS), format_func=GROUPS.get, horizontal=True, key=key,
                          label_visibility="collapsed")
            top = c2.slider("最多显示", 10, 150, 30, step=10, key=f"{key}_top", disabled=by == "year")
            return {"by": by, "top": top}
        return controls

    chart_card("tk_counts", "一级部分与列举事项", ctx, lambda p: charts.task_counts(docs, p["by"], p["top"]),
               controls=group_controls("tk_counts_by"), deps=ctx.filters,
               caption="一级部分 = 最高一级编号的提纲（如「一、」）；列举事项 = 识别出的全部提纲条目。地区/年份为每篇平均。"
                       "注意：有的报告「回顾」「安排」等部分不编号，其下的（一）（二）……即为最高一级，"
                       "一级部分会多于三部分式的报告，比较时请看提纲条目按层级。")
    chart_card("tk_levels", "提纲条目按层级", ctx, lambda p: charts.outline_levels(outline, docs, p["by"], p["top"]),
               controls=group_controls("tk_levels_by"), deps=ctx.filters,
               empty_msg="当前筛选下没有识别出提纲。")

    cols = ["region", "year", "n", "found", "mismatch", "form", "phrase", "title", "doc_id"]  # the counts in view first
    names = {"region": "地区", "year": "年份", "title": "标题", "phrase": "原文", "n": "声明", "found": "实际列举",
             "mismatch": "不符", "form": "列举形式", "doc_id": "文档ID"}

    def declared_controls() -> dict:
        c1, c2 = st.columns([1, 2])
        only = c1.toggle("只看不符", value=True, key="tk_only_mismatch")
        form = c2.radio("列举形式", ["all", *FORM_LABELS], format_func=lambda f: FORM_LABELS.get(f, "全部"),
                        horizontal=True, key="tk_declared_form")
        return {"only": only, "form": form}

    def declared_table(p: dict):
        df = data.query("declared", ctx.filters, p["only"])  # all of them only when asked
        if p["form"] != "all":
            df = df[df["form"] == p["form"]]
        out = df[cols].assign(title=df["title"].fillna("—"), phrase=df["phrase"].str.strip(),
                              form=df["form"].map(FORM_LABELS),
                              # whole numbers in the downloads, also where some are unknown (not 2013.0)
                              year=df["year"].astype("Int64"), found=df["found"].astype("Int64")).rename(columns=names)
        # the document, with the declaration marked, next to the counts (not past the wide columns)
        out.insert(2, "单篇文档", [charts.doc_link(d, ph, f"declared:{i}")
                                  for d, ph, i in zip(out["文档ID"], out["原文"], df["idx"])])
        return out

    table_card("tk_declared", "声明数量核对（如「讲四点意见」）", ctx, declared_table,
               controls=declared_controls,
               column_config={"单篇文档": open_link("单篇文档")},
               caption="其后列举：声明后跟着一、二、三……（如「讲四点意见」）；前文并列：事项写在数字前（如「科技金融、绿色金融……五篇大文章」），只在所列事项与数字相符时才记为声明，因此不会显示不符。"
                       "实际列举为空表示无法核对；“打开”在单篇文档页标出该声明。",
               empty_msg="没有声明数量不符的文档。")


if __name__ == "__main__":
    render()
