"""数字目标 — one indicator across regions, years, tiers, and target vs achievement."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import charts
from metrics.filters import UNKNOWN_REGION, level_label
from metrics.ui import data
from metrics.ui.widgets import (chart_card, indicator_label, indicator_labels, link_value, md_escape, page_context,
                               open_link, set_link, table_card, url_write)

KINDS = {"target": "目标", "achievement": "完成值", "long_term_target": "远期目标"}
#: rows of the evidence table shown on the page (the download has all of them)
EVIDENCE_ROWS = 1000


@st.cache_data(max_entries=64, show_spinner=False)
def _escalation_pairs(key: str, _targets: pd.DataFrame, unit: str | None,
                      lower_is_stricter: bool) -> tuple[pd.DataFrame, str | None]:
    """:func:`charts.escalation_pairs` of the page's targets, cached per database, filters and
    indicator (``key``) and unit: 0.2 s at 100,000 documents."""
    return charts.escalation_pairs(_targets, unit, lower_is_stricter)


def render() -> None:
    st.title("数字目标")
    ctx = page_context(keep=("ind", "kind", "unit", "yr"))
    if ctx is None:
        return
    f = ctx.filters
    counts = data.query("indicator_counts", f)  # classified only; unclassified numbers: see the document view
    if counts.empty:
        st.info("当前筛选下的文档中没有识别出可归类的数字目标（未归类的数字见「单篇文档」页）。")
        return
    labels = indicator_labels()
    by_target = counts[counts["n_target"] > 0].sort_values(["n_target_docs", "n_target", "canonical"],
                                                           ascending=[False, False, True])
    ranked = by_target["canonical"].tolist()
    options = ranked + [c for c in counts["canonical"] if c not in ranked]
    n_docs = dict(zip(counts["canonical"], counts["n_docs"]))
    # indicator bound to the URL (?ind=...)
    wanted = link_value("ind", "tg_ind")
    if wanted and wanted not in options:
        st.warning(f"链接中的指标「{md_escape(wanted)}」在当前筛选下没有可归类的数字，改为显示排在第一的指标。")
    if wanted in options:
        st.session_state["tg_ind"] = wanted
    elif st.session_state.get("tg_ind") not in options:
        st.session_state["tg_ind"] = options[0]
    c1, c2, c3 = st.columns([3, 2, 2])
    ind = c1.selectbox("指标", options, key="tg_ind",
                       format_func=lambda c: f"{indicator_label(c, labels)}（{n_docs.get(c, 0)} 篇）")
    set_link("ind", "tg_ind", ind, omit=options[0])  # the first indicator is the page's default: no URL write
    kind = _url_choice(c2.radio, "kind", "tg_kind", list(KINDS), "类型", format_func=KINDS.get, horizontal=True)
    label = indicator_label(ind, labels)
    all_rows = data.query("target_points", f, ind)
    units = all_rows["unit"].fillna("").astype(str).value_counts().index.tolist()
    unit = _url_choice(c3.selectbox, "unit", "tg_unit", units, "单位",
                       format_func=lambda u: u or "（无单位）") if units else None
    rows = all_rows[all_rows["kind"] == kind]
    tgt = all_rows[all_rows["kind"] == "target"]
    ach = all_rows[all_rows["kind"] == "achievement"]
    st.caption("区间为原文的下限–上限；标记形状表示限定词：● 确数 ◆ 左右/约 ▲ 以上/不低于 ▼ 以内/不超过。")

    deps = (f, ind, kind, unit)

    def in_unit(df) -> pd.Series:  # the rows a chart in the chosen unit draws
        return df["unit"].fillna("").astype(str) == (unit or "")

    def n_in_unit(df) -> int:
        return int(in_unit(df).sum())

    n_points = n_in_unit(rows)

    def rank_controls(key: str, n: int, default: int = 30):
        def controls() -> dict:
            if n <= 25:
                return {"top": None, "order": "desc"}
            c1, c2 = st.columns([2, 3])
            order = c1.radio("显示", list(charts.RANGE_ORDERS), horizontal=True, key=f"{key}_order",
                             format_func=lambda o: {"desc": "最高", "asc": "最低", "both": "两端"}[o])
            hi = min(n, 150)  # the end is all of them (up to 150), not a multiple of 5 past them
            top = c2.slider(f"条数（共 {n} 个）", 10, hi, min(default, hi), step=5 if (hi - 10) % 5 == 0 else 1,
                            key=f"{key}_top")
            return {"top": top, "order": order}
        return controls

    chart_card("tg_regions", f"各地区对比 · {label} · {KINDS[kind]}", ctx,
               lambda p: charts.target_ranges(rows, label, unit, p["top"], p["order"]),
               controls=rank_controls("tg_regions", len(charts.distinct_points(rows[in_unit(rows)]))), deps=deps,
               caption="按数值从高到低排列；同一篇写了两次的相同数值只画一个点。虚线为中位数：每篇文档计一次，取它第一次写出的数值（通常在主要预期目标中）。",
               empty_msg=f"当前筛选下没有「{label}」的{KINDS[kind]}（单位 {unit or '无'}）。")

    def year_controls() -> dict:
        # regions with values in the chosen unit (the chart draws only those)
        yrs = rows[in_unit(rows)].dropna(subset=["year"]).groupby("region")["year"].nunique().sort_values(ascending=False)
        yrs = yrs.drop(UNKNOWN_REGION, errors="ignore")  # no one region's series (charts.target_years)
        regions = yrs.index.tolist()
        default = [r for r in regions if yrs[r] > 1][:3] or regions[:3]
        # one selection per indicator and unit: switching to another indicator and back keeps it;
        # regions the filters drop are dropped from it, and an emptied choice starts from the
        # default again (as a fresh page with the same URL does)
        k = f"tg_year_regions_{ind}_{unit}"
        ss = st.session_state
        linked = st.query_params.get_all("yr")
        from_url = [r for r in linked if r in regions][:8]
        current = ss.get(k)
        if (lost := [r for r in linked[:8] if r not in regions]) and linked != ss.get("_tg_yr_url"):
            st.warning("链接中的地区" + "、".join(f"「{md_escape(r)}」" for r in lost) + "在当前筛选下没有该指标的年份数据，未显示。")
        if from_url and from_url != ss.get("_tg_yr_url"):  # a shared link (or an edited address)
            ss[k] = from_url
        elif current is not None and current != ss.get(f"_{k}_last"):  # the user's own change this run
            ss[k] = [r for r in current if r in regions] or default
        elif ss.get(f"_{k}_auto", True):
            # a choice that was the default follows the filters (QA pass 14: after 清除筛选 the three
            # 四川 cities, the default under 四川省, stayed and went into the URL)
            ss[k] = default
        else:
            ss[k] = [r for r in current or [] if r in regions] or default
        chosen = st.multiselect("地区", regions, key=k, max_selections=8, placeholder="选择地区", select_all=False)
        ss[f"_{k}_last"], ss[f"_{k}_auto"] = chosen, chosen == default
        # the choice is part of the URL (left out while it is the default), so a link shows the same lines
        if chosen and chosen != default:
            url_write("yr", chosen)
        else:
            url_write("yr", None)
        ss["_tg_yr_url"] = chosen
        return {"regions": chosen}

    chart_card("tg_years", f"历年变化 · {label} · {KINDS[kind]}", ctx,
               lambda p: charts.target_years(rows, label, p["regions"], unit) if p["regions"]
               else charts.target_years(rows.iloc[0:0], label, None, unit),
               controls=year_controls, deps=deps, empty_msg="请选择至少一个有年份的地区。")

    left, right = st.columns(2)
    with left:
        def level_controls() -> dict:
            yrs = sorted(int(y) for y in tgt["year"].dropna().unique())
            if not yrs:
                return {"year": None}
            return {"year": st.selectbox("年份", yrs, index=len(yrs) - 1, key="tg_level_year")}

        chart_card("tg_levels", f"逐级对比 · {label} · 年度目标（同一年，按层级）", ctx,
                   lambda p: charts.escalation_by_level(tgt[tgt["year"] == p["year"]], label, unit)
                   if p["year"] is not None else charts.escalation_by_level(tgt.iloc[0:0], label, unit),
                   controls=level_controls, deps=(f, ind, unit),
                   caption="每个点是一篇文档的目标（中值）；箱体为同层级的四分位范围。",
                   empty_msg="没有带年份的目标。")
    with right:
        # paired once: the slider counts the pairs (the chart's rows), the chart draws some of them
        ceiling = charts.lower_is_stricter(ind)
        pairs, pairs_unit = _escalation_pairs(repr((data.db_key(), f, ind)), tgt, unit, ceiling)
        chart_card("tg_escalation", f"逐级加码 · {label} · 年度目标", ctx,
                   lambda p: charts.escalation_figure(pairs, pairs_unit, label, p["top"], p["order"], ceiling),
                   controls=rank_controls("tg_escalation", len(pairs), 20), deps=(f, ind, unit),
                   caption="上级 = 同一年提出该目标的最近一级上级（如 江苏省 南京市 → 江苏省；"
                           "没有省级文档时为全国）。"
                           + ("这是控制上限类指标，越低越严：红 = 下级更低（加码），蓝 = 下级更高（更宽）。" if ceiling
                              else "红 = 下级更高（加码），蓝 = 更低。"),
                   empty_msg=("没有同年份、上下级都提出该目标的地区。放宽筛选以同时包含上下级（或全国报告）。"
                              if (pairs_unit or "") in charts.RATE_UNITS else
                              f"「{label}」在单位 {pairs_unit or '无'} 下是总量，各地规模不同，上下级数值不可比；"
                              "逐级加码只比较增速、比率等（%、个百分点、‰）。"))

    chart_card("tg_attain", f"目标与完成 · {label}（Y 年目标 vs Y+1 年报告的 Y 年完成值）", ctx,
               lambda p: charts.attainment(tgt, ach, label, unit), deps=(f, ind, unit),
               caption="完成值取同一地区下一年文档中的「完成」数字；绿色 = 达到目标下限（降低类指标为不超过上限）。",
               empty_msg="没有相邻年份的目标与完成值（需要同一地区连续两年的文档）。")

    def evidence_table(rows: pd.DataFrame) -> pd.DataFrame:
        out = rows[["region", "year", "level", "indicator", "low", "high", "unit", "qualifier", "kind",
                    "stretch", "sentence", "doc_id"]].copy()
        items = [f"target:{i}" for i in rows["idx"]]
        out.insert(3, "指标", label)
        # as on the charts: a result is for the year before its report (报告年份)
        out.insert(2, "报告年份", out["year"].astype("Int64"))
        out["year"] = charts.year_for(out["报告年份"], out["kind"])
        out["level"] = out["level"].map(level_label)
        out["qualifier"] = out["qualifier"].map(lambda v: charts.QUALIFIER_LABELS.get(v, v))
        out["kind"] = out["kind"].map(lambda v: charts.KIND_LABELS.get(v, v))
        # set for few rows (保8争9, 力争…): blank elsewhere rather than a column of "None"
        out["stretch"] = out["stretch"].map(lambda v: "" if pd.isna(v) else f"{v:g}")
        return out.rename(columns={
            "region": "地区", "year": "年份", "level": "层级", "indicator": "原文指标", "low": "下限",
            "high": "上限", "unit": "单位", "qualifier": "限定", "kind": "类型", "stretch": "力争值",
            "sentence": "原句", "doc_id": "文档ID"}).assign(
            原文=lambda t: [charts.doc_link(d, v, i) for d, v, i in zip(t["文档ID"], t["原句"], items)]).pipe(
            lambda t: t[["地区", "年份", "原文", *[c for c in t.columns if c not in ("地区", "年份", "原文")]]])

    def evidence_controls() -> dict:
        # default set in the session state, not value=True: keep_page_choices also assigns it, and
        # Streamlit warns about a widget given both
        st.session_state.setdefault("tg_table_shown", True)
        return {"shown": st.toggle(f"只看图中所示：{KINDS[kind]}、单位 {unit or '无'}", key="tg_table_shown")}

    def evidence_scope(p: dict) -> tuple:
        return (kind, unit or "") if p["shown"] else (None, None)

    table_card("tg_table", f"原文证据 · {label}", ctx,
               lambda p: evidence_table(data.query("target_evidence", f, ind, EVIDENCE_ROWS, *evidence_scope(p))),
               controls=evidence_controls,
               total=lambda p: n_points if p["shown"] else len(all_rows),
               full=lambda p: evidence_table(data.query("targets", f, ind, *evidence_scope(p))),
               column_config={"原文": open_link("原文"),
                              "原句": st.column_config.TextColumn(width="large")},
               caption="“打开”在单篇文档页标出该句。")


def _url_choice(widget, param: str, key: str, options: list, label: str, **kw):
    """A choice bound to the URL parameter ``param`` (left out while it is the first option):
    a shared link restores it; a value the options lack is named in a warning and the first
    option shown."""
    ss = st.session_state
    wanted = link_value(param, key)
    if wanted in options:
        ss[key] = wanted
    else:
        if wanted is not None:  # a link with a value this page cannot show says so, as for ind=
            shown = kw.get("format_func", str)(options[0])
            st.warning(f"链接中的{label}「{md_escape(wanted)}」在当前筛选下不可用，改为显示「{md_escape(shown)}」。")
        if ss.get(key) not in options:
            ss[key] = options[0]
    value = widget(label, options, key=key, **kw)
    set_link(param, key, value, omit=options[0])
    return value


if __name__ == "__main__":
    render()
