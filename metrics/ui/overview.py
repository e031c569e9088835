"""总览 — documents by region, year, level and type; data quality."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import charts
from metrics.dedup import KEEP_ZH, RULE_ZH
from metrics.filters import doc_type_label, failure_label, level_label, year_source_label
from metrics.ui import data
from metrics.ui.widgets import PageContext, chart_card, dataset_download, open_link, page_context, table_card

_REGION_GROUPS = {"地区（完整）": "region", "省份": "province"}


def render() -> None:
    st.title("讲话指标看板 · 总览")
    ctx = page_context()
    if ctx is None:
        return
    docs = data.query("doc_groups", ctx.filters)  # documents summed per region, year, tier and type

    m = st.columns(5)
    m[0].metric("文档", int(docs["n_docs"].sum()))
    m[1].metric("地区", docs["region"].nunique())
    years = docs["year"].dropna()
    m[2].metric("年份", charts.value_text(years.min(), years.max(), "") if len(years) else "—")  # 2024, 2013–2024
    kinds = data.query("target_kinds", ctx.filters)
    m[3].metric("已归类目标", int(kinds.get("target", 0)),
                help=f"归入指标库的预期目标条数。全文共识别 {int(docs['n_targets'].sum())} 个数字"
                     f"（含完成值 {int(kinds.get('achievement_all', 0))} 个、未归类的数字），见「单篇文档」页。")
    m[4].metric("总字数（万）", round(float(docs["n_chars"].sum()) / 10000, 1))

    many = docs["region"].nunique() > 25

    def region_controls() -> dict:
        c1, c2 = st.columns([2, 3])
        label = c1.radio("分组", list(_REGION_GROUPS), horizontal=True, key="ov_region_by",
                         index=1 if many else 0)
        top = c2.slider("显示前 N 个（其余合并）", 10, 80, 30, step=5, key="ov_region_top")
        return {"by": _REGION_GROUPS[label], "top": top}

    top_left, top_right = st.columns([3, 2])
    with top_left:
        chart_card("ov_region", "按地区", ctx, lambda p: charts.docs_by(docs, p["by"], top_n=p["top"]),
                   controls=region_controls, caption="按文档数排序；超出前 N 个的地区合并为「其余」。",
                   deps=ctx.filters)
    with top_right:
        chart_card("ov_type", "按类型", ctx, lambda p: charts.docs_by(docs, "doc_type"), deps=ctx.filters)
    c1, c2 = st.columns(2)
    with c1:
        chart_card("ov_year", "按年份", ctx, lambda p: charts.docs_by(docs, "year", stack="doc_type"),
                   deps=ctx.filters)
    with c2:
        chart_card("ov_level", "按层级", ctx, lambda p: charts.docs_by(docs, "level", stack="doc_type"),
                   deps=ctx.filters)

    quality(ctx, docs)
    dataset_download(ctx)


def quality(ctx: PageContext, docs) -> None:
    st.subheader("数据质量")
    failures = data.query("failures")
    dups = data.query("duplicates")
    mism = data.query("declared", ctx.filters, True)
    c = st.columns(5)
    c[0].metric("年份未知", int(docs.loc[docs["year"].isna(), "n_docs"].sum()))
    c[1].metric("地区未知", int(docs.loc[docs["unknown_region"], "n_docs"].sum()))
    c[2].metric("读取失败", len(failures), help="全库：不受左侧筛选影响")
    n_near = ctx.near_duplicates
    c[3].metric("重复文件", len(dups) + n_near,
                help=f"内容完全相同、未入库的文件 {len(dups):,} 个（全库），加上筛选范围内的近似重复 {n_near:,} 篇"
                     "（同一文档的另一份文件，入库但默认不计入）")
    c[4].metric("声明数量不符", len(mism))

    cols = ["title", "source", "region", "year", "level", "doc_type", "year_source"]

    def missing(_p: dict):
        both = data.query("docs_missing", ctx.filters)  # at most 1,000 documents of each problem
        both = both.assign(问题=both["missing"].map({"year": "年份未知", "region": "地区未知"}))
        both = both.assign(title=both["title"].fillna("—"), level=both["level"].map(level_label),
                           doc_type=both["doc_type"].map(doc_type_label),
                           year_source=both["year_source"].map(year_source_label),
                           year=both["year"].map(lambda y: "未知" if pd.isna(y) else str(int(y))))
        return both[["问题", *cols]].rename(columns={"title": "标题", "source": "文件", "region": "地区",
                                                   "year": "年份", "level": "层级", "doc_type": "类型",
                                                   "year_source": "年份来源"})

    table_card("dq_missing", "元数据缺失的文档", ctx, missing, empty_msg="所有文档的年份和地区均已识别。")
    table_card("dq_failures", "读取失败的文件（全库）", ctx,
               lambda p: failures.assign(reason=failures["reason"].map(failure_label)).rename(
                   columns={"source": "文件", "reason": "原因", "built_at": "时间"}),
               empty_msg="没有读取失败的文件。")
    table_card("dq_dups", "内容重复的文件（全库）", ctx,
               lambda p: dups.rename(columns={"duplicate_source": "重复文件", "kept_source": "保留文件", "doc_id": "文档ID"}),
               empty_msg="没有内容重复的文件。")
    def near(_p: dict, limit: int | None = 1000):
        rows = data.query("near_duplicates", ctx.filters, limit)
        # on screen a file's folder and name, so that both links are in view at 1024 px; the whole
        # path in the download
        short = (lambda col: rows[col].map(charts.short_path)) if limit is not None else (lambda col: rows[col])
        return pd.DataFrame({  # each file's link beside it
            "地区": rows["region"], "年份": rows["year"], "相似度": rows["dup_similarity"].round(2),
            "近似重复": short("duplicate_source"), "重复文件": rows["doc_id"].map(charts.doc_link),
            "保留": short("kept_source"), "保留文件": rows["kept_doc_id"].map(charts.doc_link)})

    counted = ("当前已勾选「包括近似重复的文档」：两份都计入。" if ctx.filters.duplicates
               else "默认只计保留的一份；左侧勾选「包括近似重复的文档」可全部计入。")
    table_card("dq_near", "近似重复的文档", ctx, near, total=n_near, full=lambda p: near(p, None),
               caption=f"{RULE_ZH}的文档视为同一文档（如 .docx 原件和网上抓取的 .txt），"
                       f"保留一份：先原始格式（{KEEP_ZH}），再文件路径。" + counted,
               column_config={"重复文件": open_link("重复文件"), "保留文件": open_link("保留文件"),
                              "相似度": st.column_config.NumberColumn(format="%.2f")},
               empty_msg="筛选范围内没有近似重复的文档。")
    table_card("dq_mismatch", "声明数量与实际列举不符", ctx,
               lambda p: mism[["region", "year", "title", "phrase", "n", "found"]].assign(
                   title=mism["title"].fillna("—")).rename(
                   columns={"region": "地区", "year": "年份", "title": "标题", "phrase": "原文", "n": "声明",
                            "found": "实际"}),
               caption="如「讲四点意见」后实际只列出三点。详见「任务结构」页。",
               empty_msg="声明数量与列举一致。")


if __name__ == "__main__":
    render()
