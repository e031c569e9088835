"""对比 — 2–4 documents or regions side by side with the same metrics aligned."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import charts
from metrics.ui import data
from metrics.ui.widgets import (chart_card, indicator_label, indicator_labels, link_value, md_escape, page_context,
                               set_link, table_card, url_write)

MODES = {"region": "地区", "document": "文档"}
DEFAULT_MODE = next(iter(MODES))  # left out of the URL


def render() -> None:
    st.title("对比")
    ctx = page_context(keep=("cmp", "pick"))
    if ctx is None:
        return
    f = ctx.filters
    docs = data.query("documents", f)
    sl = data.query("slogans", f, ("dictionary",))
    tg = data.query("targets", f, None, "target")
    ss = st.session_state
    if (linked := link_value("cmp", "cmp_mode")) in MODES:
        ss["cmp_mode"] = linked
    elif linked:
        st.warning(f"链接中的对比对象「{md_escape(linked)}」无效（可选：{'、'.join(MODES.values())}），"
                   f"已按{MODES[ss.get('cmp_mode', DEFAULT_MODE)]}对比。")
    mode = st.radio("对比对象", list(MODES), format_func=MODES.get, horizontal=True, key="cmp_mode")
    if mode == "document":
        labels = charts.doc_labels(docs)
        options = docs["doc_id"].tolist()
        label_of = dict(zip(docs["doc_id"], labels))
    else:
        options = docs["region"].value_counts().index.tolist()
        label_of = {r: r for r in options}
    key = f"cmp_pick_{mode}"
    linked_pick = st.query_params.get_all("pick")
    url_pick = list(dict.fromkeys(v for v in linked_pick if v in label_of))  # each once (pick=全国&pick=全国)
    dropped = [v for v in linked_pick if v not in label_of]
    if dropped and (st.query_params.get("cmp", DEFAULT_MODE), linked_pick) != ss.get("_cmp_url_pick"):
        # a region the sidebar filter leaves out is named, not dropped in silence
        st.warning(f"链接中的 {'、'.join(md_escape(v) for v in dropped[:4])} 不在当前筛选内"
                   f"（{md_escape(f.describe(len(docs)))}），未参与对比。")
    if url_pick and (st.query_params.get("cmp", DEFAULT_MODE), url_pick) != ss.get("_cmp_url_pick"):  # a (new) shared link
        ss[key] = url_pick
    elif key in ss:
        ss[key] = [v for v in ss[key] if v in label_of]  # the filters may have removed some
    else:
        ss[key] = options[:2]
    picked = st.multiselect("选择 2–4 个", options, key=key, format_func=lambda v: label_of.get(v, v), select_all=False)
    if len(picked) > 4:
        st.warning(f"最多对比 4 个，已选 {len(picked)} 个：只对比前 4 个（链接中也只保留这 4 个）。")
        picked = picked[:4]
    # the choice is part of the URL: a reload or a shared link shows the same comparison (the
    # page's defaults, regions and the first two, are left out: opening the page writes nothing)
    set_link("cmp", "cmp_mode", mode, omit=DEFAULT_MODE)
    if picked != options[:2] or st.query_params.get_all("pick") != picked:
        url_write("pick", None if picked == options[:2] else picked)
    ss["_cmp_url_pick"] = (mode, picked)
    if len(picked) < 2:
        st.info("请至少选择两个对象进行对比（当前筛选下可选 %d 个）。" % len(options))
        return

    entities: dict[str, pd.DataFrame] = {}
    slog: dict[str, pd.DataFrame] = {}
    tgts: dict[str, pd.DataFrame] = {}
    col = "doc_id" if mode == "document" else "region"
    for v in picked:
        name = label_of.get(v, v)
        entities[name] = docs[docs[col] == v]
        slog[name] = sl[sl[col] == v]
        tgts[name] = tg[tg[col] == v]

    table = charts.compare_table(entities, slog, tgts)
    cols = st.columns(len(entities))
    for c, (name, edocs), (_, row) in zip(cols, entities.items(), table.iterrows()):
        with c.container(border=True):
            st.markdown(f"**{_esc(name)}**")
            for label, key in charts.COMPARE_METRICS:
                st.metric(label, _metric_value(row[label]), help=METRIC_HELP.get(key))
            top = slog[name].groupby("text")["count"].sum().sort_values(ascending=False).head(5)
            st.caption("高频提法：" + (_esc("、".join(f"{t}×{n}" for t, n in top.items())) if len(top) else "无"))

    short = {label: st.column_config.NumberColumn(charts.COMPARE_SHORT.get(label, label), help=label, width="small",
                                                  format=None if key in charts.COMPARE_MEANS else "localized")
             for label, key in charts.COMPARE_METRICS}
    table_card("cmp_table", "指标对齐表", ctx, lambda p: table, column_config=short,
               caption="一级部分：" + METRIC_HELP["top_level_sections"])
    chars = {name: int(d["n_chars"].sum()) for name, d in entities.items()}
    chart_card("cmp_slogans", "提法对比", ctx, lambda p: charts.compare_slogans(slog, chars),
               deps=(f, mode, tuple(picked)))
    labels = indicator_labels()
    table_card("cmp_targets", "数字目标对齐（同一指标）", ctx, lambda p: _aligned_targets(tgts, labels),
               caption="每格为该对象最近一年的年度目标，写法同原文：以上 = 不低于，以内 = 不超过，左右 = 约；括号内为年份。",
               empty_msg="所选对象没有数字目标。")


#: what a card's figure does not say by itself (QA pass 16: 成都 20 一级部分 against 南宁 3, because
#: 成都's three parts are unnumbered and its (一)(二)… under them are the top level)
METRIC_HELP = {
    "top_level_sections": "最高一级编号的提纲（如「一、」）。有的报告「回顾」「安排」等部分不编号，其下的（一）（二）……"
                          "即为最高一级，一级部分便多于三部分式的报告；比较结构请看任务结构页的「提纲条目按层级」。",
}


def _metric_value(v) -> str:
    """A card's value as the table shows it: 2 (not 2.0), 3.14, 17,231, — when missing.

    >>> _metric_value(2.0), _metric_value(3.14159), _metric_value(float("nan")), _metric_value(17231)
    ('2', '3.14', '—', '17,231')
    >>> _metric_value(pd.NA)
    '—'
    """
    if v is None or pd.isna(v):
        return "—"
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
    return f"{int(v):,}"


def _fmt(row) -> str:
    """A target as a report writes it, with its year: 1200万人以上（2024）.

    >>> _fmt({"low": 1200.0, "high": 1200.0, "unit": "万人", "qualifier": "at_least", "year": 2024})
    '1200万人以上（2024）'
    >>> _fmt({"low": 8.2, "high": 8.5, "unit": "%", "qualifier": "exact", "year": None})
    '8.2–8.5%'
    """
    text = charts.written_value(row["low"], row["high"], row["unit"], row["qualifier"])
    return text + (f"（{int(row['year'])}）" if text and pd.notna(row["year"]) else "")


def _aligned_targets(tgts: dict[str, pd.DataFrame], labels: dict[str, str]) -> pd.DataFrame:
    rows: dict[str, dict[str, str]] = {}
    for name, t in tgts.items():
        t = t[t["canonical"] != "other"].sort_values(["year", "idx"], ascending=[False, True])
        for canonical, part in t.groupby("canonical", sort=False):
            rows.setdefault(indicator_label(canonical, labels), {})[name] = _fmt(part.iloc[0])
    if not rows:
        return pd.DataFrame()
    out = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(tgts), fill_value="").fillna("")
    out = out.reset_index(names="指标")
    out["_n"] = (out[list(tgts)] != "").sum(axis=1)
    return out.sort_values(["_n", "指标"], ascending=[False, True]).drop(columns="_n").reset_index(drop=True)


def _esc(s: str) -> str:
    from metrics.ui.widgets import md_escape

    return md_escape(s)


if __name__ == "__main__":
    render()
