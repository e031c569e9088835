"""Chart builders: pure functions ``(inputs) -> (tidy DataFrame, plotly Figure)``.

The DataFrame returned is exactly what is plotted, so the dashboard offers it
as the chart's download. Builders never raise on empty input: they return an
empty frame (same columns) and a figure carrying a "无数据" note; the UI shows
an ``st.info`` instead of the figure in that case.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from metrics.lexicon import indicators
from metrics.codebook import DISCOVERED_KINDS, SLOGAN_KINDS
from metrics.export import DOC_LINK_PREFIX
from metrics.filters import LEVEL_ORDER, REGION_FIELDS, UNKNOWN_REGION, doc_type_label, level_label
from metrics.phrases import per_10k
from metrics.slogans import dictionary_forms

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"

#: the chart toolbar's and messages' words in Chinese (plotly.js's own zh-CN dictionary, given with
#: each chart as ``config.locales``: its locale files are not in Streamlit's bundle)
PLOTLY_ZH = {
    "Autoscale": "自动缩放", "Box Select": "矩形框选择", "Compare data on hover": "悬停时比较数据",
    "Double-click to zoom back out": "双击还原", "Download plot as a PNG": "下载图表为 PNG 图片",
    "Download plot": "下载图表", "Image download succeeded": "图片已下载", "Lasso Select": "套索选择", "Pan": "平移",
    "Preparing image - this may take a few seconds": "正在生成图片，可能需要几秒钟", "Reset": "重置",
    "Reset axes": "重置坐标轴", "Reset view": "重置视图", "Reset views": "重置视图",
    "Show closest data on hover": "悬停时显示最近的数据",
    "Sorry, there was a problem downloading your image!": "抱歉，图片下载出错！",
    "Toggle Spike Lines": "显示/隐藏参考线", "Toggle show closest data on hover": "切换悬停时显示最近的数据",
    "Zoom": "缩放", "Zoom in": "放大", "Zoom out": "缩小",
}
#: ``config`` for st.plotly_chart: PNG export keeps the CJK font and a sane size; the toolbar in Chinese.
PLOT_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "speech-metrics", "height": 640, "width": 1100, "scale": 2},
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "locale": "zh-CN",
    "locales": {"zh-CN": {"dictionary": PLOTLY_ZH}},
}

QUALIFIER_LABELS = {"exact": "确数", "about": "左右/约", "at_least": "以上/不低于", "at_most": "以内/不超过"}
QUALIFIER_SYMBOLS = {"exact": "circle", "about": "diamond", "at_least": "triangle-up", "at_most": "triangle-down"}
KIND_LABELS = {"target": "目标", "achievement": "完成", "long_term_target": "远期目标"}
METRIC_LABELS = {"count": "出现次数", "per_10k": "每万字次数"}

_PALETTE = ["#c0392b", "#2874a6", "#229954", "#b9770e", "#7d3c98", "#148f77", "#884ea0", "#ca6f1e",
            "#1f618d", "#943126"]


#: pixels above a chart's title, where plotly's toolbar (about 24 px high) appears on hover
MODEBAR_STRIP = 18


# ---------------------------------------------------------------- helpers
def base_layout(fig: go.Figure, title: str = "", *, height: int = 420, legend_title: str | None = None,
                legend: bool = True) -> go.Figure:
    """Shared look. The title sits at the top of the figure and the legend (if
    any) just under it, above the plot area, so neither collides with long or rotated tick labels
    and a tall chart does not push its legend off screen. The legend hangs from a fixed height of
    the figure and pushes the plot down as it wraps: on a phone a legend of three entries takes
    three lines, which grew up into the title when it stood on the plot (QA pass 16). Plotly's
    toolbar, shown on hover at the top right, has a strip of its own above the title
    (MODEBAR_STRIP), so it covers no part of a long title."""
    head = 36 + MODEBAR_STRIP if title else 12
    top = head + (30 if legend else 0)
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 15},
               "yref": "container", "y": 1.0, "yanchor": "top", "pad": {"t": 10 + (MODEBAR_STRIP if title else 0)}},
        font={"family": FONT_FAMILY, "size": 13},
        height=height,
        margin={"l": 60, "r": 20, "t": top, "b": 40},
        legend={"title": {"text": f"{legend_title}：" if legend_title else "", "side": "left"}, "orientation": "h",
                "yref": "container", "yanchor": "top", "y": 1 - head / height, "xanchor": "left", "x": 0,
                "traceorder": "normal"},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        colorway=_PALETTE,
        xaxis={"automargin": True},
        yaxis={"automargin": True},
        **({} if legend else {"showlegend": False}),
    )
    return fig


def empty_figure(message: str = "无数据") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": 16})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, height=240, legend=False)


def short_labels(regions: Iterable[str]) -> dict[str, str]:
    """Map full region labels ("江苏省 南京市") to their last component ("南京市"),
    keeping the full label where the short one would be ambiguous."""
    if isinstance(regions, pd.Series):
        regions = regions.unique()  # the distinct values, in order of first appearance
    regions = list(dict.fromkeys(str(r) for r in regions))
    short = {r: r.split()[-1] if r.split() else r for r in regions}
    counts: dict[str, int] = {}
    for s in short.values():
        counts[s] = counts.get(s, 0) + 1
    return {r: (s if counts[s] == 1 else r) for r, s in short.items()}


def _num(v) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def value_bounds(low, high) -> tuple[float | None, float | None, float | None]:
    """(lo, hi, mid) with a missing bound replaced by the other one."""
    lo, hi = _num(low), _num(high)
    if lo is None and hi is None:
        return None, None, None
    if lo is None:
        lo = hi
    if hi is None:
        hi = lo
    if lo > hi:
        lo, hi = hi, lo
    return lo, hi, (lo + hi) / 2


def with_bounds(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with ``lo``, ``hi`` and ``mid``: :func:`value_bounds` of every row, column-wise.

    >>> with_bounds(pd.DataFrame({"low": [5.0, None, 8.5, None], "high": [6.0, 3.0, 8.2, None]}))[["lo", "hi", "mid"]].values.tolist()
    [[5.0, 6.0, 5.5], [3.0, 3.0, 3.0], [8.2, 8.5, 8.35], [nan, nan, nan]]
    """
    out = df.copy()
    low = pd.to_numeric(out["low"], errors="coerce").astype("float64")
    high = pd.to_numeric(out["high"], errors="coerce").astype("float64")
    low, high = low.fillna(high), high.fillna(low)
    out["lo"], out["hi"] = np.fmin(low, high), np.fmax(low, high)
    out["mid"] = (out["lo"] + out["hi"]) / 2
    return out


def dominant_unit(df: pd.DataFrame) -> str | None:
    if df.empty or "unit" not in df:
        return None
    units = df["unit"].fillna("").astype(str)
    vc = units.value_counts()
    return None if vc.empty else str(vc.index[0])


def _short_text(t: str, n: int = 9) -> str:
    """Tick label: long phrases are cut (the full text stays in hover and data)."""
    t = str(t)
    return t if len(t) <= n else t[: n - 1] + "…"


def _range_text(lo, hi) -> str:
    lo, hi = _num(lo), _num(hi)
    if lo is None:
        return ""
    return f"{lo:g}" if hi is None or lo == hi else f"{lo:g}–{hi:g}"


def _year_str(y) -> str:
    n = _num(y)
    return "年份未知" if n is None else str(int(n))


def map_distinct(s: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``s.map(fn)`` with one call of ``fn`` per distinct value (missing ones included): the
    columns mapped here hold a few distinct values in up to 200,000 rows.

    >>> map_distinct(pd.Series(["a", None, "a"]), lambda v: v if isinstance(v, str) else "?").tolist()
    ['a', '?', 'a']
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    mapped = [fn(u) for u in uniques]
    return pd.Series([mapped[c] for c in codes], index=s.index, name=s.name)


def region_paths(df: pd.DataFrame) -> list[tuple[str, ...]]:
    """Each row's region path: its province, city, district and town, blanks left out
    (column-wise: ``iterrows`` took seconds at 100,000 rows).

    >>> region_paths(pd.DataFrame({"province": ["江苏省", None], "city": ["南京市", None], "district": [None, None]}))
    [('江苏省', '南京市'), ()]
    """
    cols = [[v if isinstance(v, str) else None for v in df[c].tolist()] if c in df else [None] * len(df)
            for c in REGION_FIELDS]
    return [tuple(v for v in parts if v) for parts in zip(*cols)]


# ---------------------------------------------------------------- overview
_BY_LABELS = {"region": "地区", "province": "省份", "year": "年份", "level": "层级", "doc_type": "类型"}


def unique_labels(labels: Iterable[str]) -> list[str]:
    """Repeated labels numbered from the second one on, so every category stays its own bar.

    >>> unique_labels(["南京 2024", "苏州 2024", "南京 2024"])
    ['南京 2024', '苏州 2024', '南京 2024 (2)']
    """
    s = pd.Series(labels.tolist() if isinstance(labels, pd.Series) else list(labels), dtype=object)
    nth = s.groupby(s, sort=False, dropna=False).cumcount() + 1
    return [lab if n == 1 else f"{lab} ({n})" for lab, n in zip(s.tolist(), nth.tolist())]


def _ends(tidy: pd.DataFrame, top_n: int | None, order: str) -> pd.DataFrame:
    """The first ``top_n`` rows of a sorted frame (``desc``), the last (``asc``) or both ends
    (``both``: the larger half first); all of them when ``top_n`` is None or not smaller."""
    if top_n is None or len(tidy) <= top_n:
        return tidy
    if order == "desc":
        part = tidy.head(top_n)
    elif order == "asc":
        part = tidy.tail(top_n)
    else:
        part = pd.concat([tidy.head((top_n + 1) // 2), tidy.tail(top_n // 2)])
    return part.reset_index(drop=True)


def n_docs(docs: pd.DataFrame) -> pd.Series:
    """Documents each row stands for: 1 per row of ``queries.documents``, ``n_docs`` for the
    groups of ``queries.doc_groups`` (documents summed per region, year, level and type in SQL).

    >>> int(n_docs(pd.DataFrame({"region": ["甲", "乙"], "n_docs": [3, 4]})).sum())
    7
    """
    if "n_docs" in docs.columns:
        return docs["n_docs"].astype("int64")
    return pd.Series(1, index=docs.index, dtype="int64")


def docs_by(docs: pd.DataFrame, by: str, stack: str | None = None,
            top_n: int | None = None) -> tuple[pd.DataFrame, go.Figure]:
    """Number of documents per ``by`` (region/province/year/level/doc_type),
    optionally stacked by ``stack``. With ``top_n`` (region/province only), the
    remaining categories are summed into one "其余 N 个" bar. ``docs``: one row per
    document, or per group with an ``n_docs`` column (:func:`n_docs`)."""
    if by not in _BY_LABELS or (stack is not None and stack not in _BY_LABELS):
        raise ValueError(f"unsupported grouping: {by!r}/{stack!r}")
    label = _BY_LABELS[by]
    cols = [label] + ([_BY_LABELS[stack]] if stack else []) + ["文档数"]
    if docs.empty:
        return pd.DataFrame(columns=cols), empty_figure()

    def labelled(col: str) -> pd.Series:
        s = docs[col]
        if col == "year":
            return s.map(_year_str)
        if col == "level":
            return s.map(level_label)
        if col == "doc_type":
            return s.map(doc_type_label)
        return _group_values(docs, col)

    frame = pd.DataFrame({label: labelled(by)})
    keys = [label]
    if stack:
        frame[_BY_LABELS[stack]] = labelled(stack)
        keys.append(_BY_LABELS[stack])
    frame["文档数"] = n_docs(docs)
    tidy = frame.groupby(keys, dropna=False)["文档数"].sum().reset_index()
    if by == "year":
        tidy = tidy.sort_values(keys, key=lambda s: s.map(lambda v: (v == "年份未知", v)))
    elif by == "level":
        order = {level_label(v): i for i, v in enumerate(LEVEL_ORDER)}
        tidy = tidy.sort_values(keys, key=lambda s: s.map(lambda v: (order.get(v, 99), v)))
    else:
        totals = tidy.groupby(label)["文档数"].transform("sum")
        tidy = tidy.assign(_t=totals).sort_values(["_t", label], ascending=[False, True]).drop(columns="_t")
        cats = list(dict.fromkeys(tidy[label]))
        if top_n is not None and len(cats) > top_n + 1:
            rest = cats[top_n:]
            other = f"其余 {len(rest)} 个"
            tidy[label] = tidy[label].where(~tidy[label].isin(rest), other)
            tidy = tidy.groupby(keys, sort=False)["文档数"].sum().reset_index()
    tidy = tidy.reset_index(drop=True)

    fig = go.Figure()
    horizontal = by in ("region", "province")
    if stack:
        for i, (sv, part) in enumerate(tidy.groupby(_BY_LABELS[stack], sort=True)):
            _add_bar(fig, part[label], part["文档数"], str(sv), horizontal, _PALETTE[i % len(_PALETTE)])
        fig.update_layout(barmode="stack")
    else:
        _add_bar(fig, tidy[label], tidy["文档数"], "文档数", horizontal, _PALETTE[0])
        fig.update_traces(text=list(tidy["文档数"]), textposition="outside", cliponaxis=False)
    n_cats = tidy[label].nunique()
    height = max(320, min(1400, 26 * n_cats + 120)) if horizontal else 380
    base_layout(fig, f"按{label}统计的文档数", height=height, legend_title=_BY_LABELS.get(stack or "", ""),
                legend=bool(stack))
    order = list(dict.fromkeys(tidy[label]))  # traces must not reorder the categories
    if stack:  # the total on top of each stack: small categories stay readable next to a tall one
        totals = tidy.groupby(label, sort=False)["文档数"].sum()
        notes = []
        index = {cat: i for i, cat in enumerate(order)}
        for cat, total in totals.items():
            # placed by the category's index: on a category axis Plotly reads a number-like
            # name ("2012") as a position, which stretched the year axis to 0…2024
            at = index[cat]
            pos = {"y": at, "x": total, "xanchor": "left", "xshift": 3} if horizontal else {
                "x": at, "y": total, "yanchor": "bottom"}
            notes.append({**pos, "text": str(int(total)), "showarrow": False, "font": {"size": 11}})
        fig.update_layout(annotations=notes)  # one call: add_annotation re-validates all earlier ones
    if horizontal:
        fig.update_yaxes(autorange="reversed", type="category", title=None, categoryorder="array",
                         categoryarray=order)
        fig.update_xaxes(title="文档数")
    else:
        fig.update_xaxes(type="category", title=label, categoryorder="array", categoryarray=order)
        fig.update_yaxes(title="文档数")
    return tidy, fig


def _add_bar(fig, cats, values, name, horizontal, color):
    if horizontal:
        fig.add_bar(y=list(cats), x=list(values), orientation="h", name=name, marker_color=color)
    else:
        fig.add_bar(x=list(cats), y=list(values), name=name, marker_color=color)


# ---------------------------------------------------------------- targets
_TARGET_COLS = ["地区", "年份", "报告年份", "层级", "指标", "原文指标", "下限", "上限", "中值", "力争值", "单位", "限定",
                "类型", "原句", "文档ID", "文件"]


def year_for(report_year: pd.Series, kind: pd.Series) -> pd.Series:
    """The year each number is for: its document's year, the year before for a result (a 2024
    report gives 2023's results).

    >>> year_for(pd.Series([2024, 2024], dtype="Int64"), pd.Series(["target", "achievement"])).tolist()
    [2024, 2023]
    """
    return report_year.where(kind.ne("achievement").to_numpy(), report_year - 1)


def _legend_right(fig: go.Figure, title: str) -> None:
    """The legend beside the plot, one entry a line (a long legend on top took half the chart at
    1024 px)."""
    fig.update_layout(legend={"orientation": "v", "x": 1.01, "xanchor": "left", "yref": "paper", "y": 1.0, "yanchor": "top",
                              "title": {"text": title, "side": "top"}}, margin={"t": 46})


def _target_tidy(df: pd.DataFrame, indicator_label: str) -> pd.DataFrame:
    """One row per number with the columns the 数字目标 charts draw and download. ``年份`` is the
    year the number is for: a document's year for its targets, the year before for the results
    it reports (a 2024 report gives 2023's results); ``报告年份`` is the document's year."""
    b = with_bounds(df)
    report_year = b["year"].astype("Int64")
    return pd.DataFrame({
        "地区": b["region"].astype(str),
        "年份": year_for(report_year, b["kind"]),
        "报告年份": report_year,
        "层级": map_distinct(b["level"], level_label),
        "指标": indicator_label,
        "原文指标": b["indicator"].astype(str),
        "下限": b["lo"],
        "上限": b["hi"],
        "中值": b["mid"],
        # a two-level target's 力争 value ("确保增长6.5%、力争7%以上"; QA pass 15: the downloads had none)
        "力争值": (pd.to_numeric(b["stretch"], errors="coerce").astype("float64") if "stretch" in b
                  else pd.Series(np.nan, index=b.index)),
        "单位": b["unit"].fillna("").astype(str),
        "限定": map_distinct(b["qualifier"], lambda v: QUALIFIER_LABELS.get(v, "未注明") if isinstance(v, str) else "未注明"),
        "类型": map_distinct(b["kind"], lambda v: KIND_LABELS.get(v, v)),
        "原句": b["sentence"].astype(str),
        "文档ID": b["doc_id"].astype(str),
        "文件": b["file_name"].astype(str) if "file_name" in b else "",
    })


def _select_unit(df: pd.DataFrame, unit: str | None) -> tuple[pd.DataFrame, str | None]:
    if df.empty:
        return df, unit
    u = unit if unit is not None else dominant_unit(df)
    return df[df["unit"].fillna("").astype(str) == (u or "")], u


def _interval_traces(fig: go.Figure, tidy: pd.DataFrame, x_col: str, *, group_col: str | None = None,
                     mode: str = "markers", horizontal: bool = False) -> None:
    """Points at the mid value with low–high error bars; marker symbol = qualifier.
    ``horizontal``: categories on the y axis, values along x."""
    groups = [(None, tidy)] if group_col is None else list(tidy.groupby(group_col, sort=True))
    lines = "lines" in mode
    for gi, (gname, gpart) in enumerate(groups):
        color = _PALETTE[gi % len(_PALETTE)]
        if lines:  # one line through a group's points, whatever their qualifiers (the markers say which)
            ordered = gpart.sort_values(x_col)
            xy = (list(ordered["中值"]), list(ordered[x_col]))
            fig.add_scatter(**({"x": xy[0], "y": xy[1]} if horizontal else {"x": xy[1], "y": xy[0]}),
                            mode="lines", name=str(gname), legendgroup=str(gname), line={"color": color},
                            hoverinfo="skip", showlegend=gname is not None)
        for qual, part in gpart.groupby("限定", sort=False):
            symbol = {QUALIFIER_LABELS[k]: v for k, v in QUALIFIER_SYMBOLS.items()}.get(qual, "circle-open")
            name = f"{gname} · {qual}" if gname is not None else str(qual)
            err = {"type": "data", "symmetric": False, "array": list(part["上限"] - part["中值"]),
                   "arrayminus": list(part["中值"] - part["下限"]), "thickness": 2, "width": 5, "color": color}
            cats, vals = list(part[x_col]), list(part["中值"])
            values = [value_text(lo, hi, u) + ("" if pd.isna(st) else f"，力争 {value_text(st, st, u)}")
                      for lo, hi, st, u in zip(part["下限"], part["上限"], part["力争值"], part["单位"])]
            fig.add_scatter(
                **({"y": cats, "x": vals, "error_x": err} if horizontal else {"x": cats, "y": vals, "error_y": err}),
                mode="markers" if lines else mode, name=name,
                **({"legendgroup": str(gname), "showlegend": gname is None} if lines else {}),
                marker={"symbol": symbol, "size": 9 if horizontal else 11, "color": color,
                        "line": {"width": 1, "color": "#333"}},
                customdata=np.stack([part["地区"], part["年份"].astype(str), values,
                                     part["原句"].str.slice(0, 80)], axis=-1),
                hovertemplate=("%{customdata[0]} %{customdata[1]}<br>%{customdata[2]}"
                               "<br>%{customdata[3]}<extra>" + str(qual) + "</extra>"),
            )


#: ``target_ranges`` shows at most this many points as vertical columns; more go horizontal
RANGES_VERTICAL_MAX = 20
RANGE_ORDERS = {"desc": "最高", "asc": "最低", "both": "两端"}
#: ``target_ranges`` draws a log axis when the highest value is this many times the median or more
#: (``target_years`` and ``escalation_by_level``, amounts only: this many times the lowest)
LOG_AXIS_RATIO = 20


def distinct_points(df: pd.DataFrame) -> pd.DataFrame:
    """The rows :func:`target_ranges` draws: a figure a report states twice ("新增城镇就业1万人以上" in
    its targets and again in a task) is one point."""
    return df.drop_duplicates(subset=[c for c in ("doc_id", "low", "high", "unit", "qualifier", "kind") if c in df])


def target_ranges(df: pd.DataFrame, indicator_label: str, unit: str | None = None, top_n: int | None = None,
                  order: str = "desc") -> tuple[pd.DataFrame, go.Figure]:
    """Regions side by side: one interval (low–high) per document for one indicator,
    sorted by value (highest first). With ``top_n``, only the ``top_n`` highest
    (``order="desc"``), lowest (``"asc"``) or both ends (``"both"``) are drawn;
    a dotted line marks the median of all of them. Beyond
    ``RANGES_VERTICAL_MAX`` points the chart turns horizontal (one row per
    region, labels readable) and grows in height."""
    if order not in RANGE_ORDERS:
        raise ValueError(order)
    df, unit = _select_unit(df, unit)
    if df.empty:
        return pd.DataFrame(columns=["标签", *_TARGET_COLS]), empty_figure()
    df = distinct_points(df)
    tidy = _target_tidy(df, indicator_label).dropna(subset=["中值"])
    if tidy.empty:
        return pd.DataFrame(columns=["标签", *_TARGET_COLS]), empty_figure()
    # the median counts each document once, with the figure it states first (its list of targets)
    firsts = tidy.assign(_at=df["idx"] if "idx" in df else pd.Series(range(len(df)), index=df.index))
    firsts = firsts.sort_values("_at", kind="stable").drop_duplicates("文档ID")
    n_docs, median = len(firsts), float(firsts["中值"].median())
    short = short_labels(tidy["地区"])
    multi_year = tidy["年份"].nunique(dropna=False) > 1
    tidy = tidy.sort_values(["中值", "地区"], ascending=[False, True]).reset_index(drop=True)
    x = tidy["地区"].map(short)
    if multi_year:
        x = x + " " + map_distinct(tidy["年份"], _year_str)
    # one region-year in two documents (深圳.txt and 深圳.docx): the file names tell them apart
    docs_per_label = tidy.groupby(x)["文档ID"].transform("nunique")
    x = x.where(docs_per_label < 2, x + " · " + tidy["文件"])
    tidy.insert(0, "标签", unique_labels(x))  # several targets of one document and year: one point each
    n_all = len(tidy)
    shown = ""
    tidy = _ends(tidy, top_n, order)
    if len(tidy) < n_all:
        shown = f"，{RANGE_ORDERS[order]} {len(tidy)} / {n_all} 个"
    horizontal = len(tidy) > RANGES_VERTICAL_MAX
    # one value far above the rest (全国's 1200万人 new jobs beside cities' few 万人) would squeeze them
    # into a sliver of the axis: a log axis keeps every one readable
    log = bool((tidy["中值"] > 0).all() and tidy["中值"].max() >= LOG_AXIS_RATIO * median > 0)
    if log:
        shown += LOG_NOTE
    fig = go.Figure()
    _interval_traces(fig, tidy, "标签", horizontal=horizontal)
    height = max(360, 20 * len(tidy) + 140) if horizontal else 460
    base_layout(fig, f"{indicator_label}：各地区对比（{unit or '无单位'}{shown}）", height=height, legend_title="限定")
    if log:  # (the median line in view too)
        _log_axis(fig, tidy, horizontal, also=median)
    cat_axis = {"type": "category", "title": None, "categoryorder": "array", "categoryarray": tidy["标签"].tolist()}
    if horizontal:
        fig.update_yaxes(**cat_axis, autorange="reversed", tickfont={"size": 12})
        fig.update_xaxes(title=unit or "")
    else:
        fig.update_xaxes(**cat_axis, tickangle=-40 if len(tidy) > 8 else 0)
        fig.update_yaxes(title=unit or "")
    if n_docs >= 5:
        # the note reads away from the nearer edge: right of a median in the left half, else left of it
        # (on a phone "中位数 6.5（30 篇…" ran off the chart's right edge, QA pass 16)
        values = [v for tr in fig.data for v in (tr.x if horizontal else tr.y) or () if isinstance(v, (int, float))]
        side = "left" if values and median > (min(values) + max(values)) / 2 else "right"
        line = {"line_dash": "dot", "line_color": "#7f8c8d", "line_width": 1,
                "annotation_text": f"中位数 {median:g}（{n_docs} 篇，每篇计一次）", "annotation_font_size": 11,
                "annotation_font_color": "#555"}
        if log:  # plotly places an annotation on a log axis by the log of the value, a line by the value
            text = line.pop("annotation_text")
            font = {"size": line.pop("annotation_font_size"), "color": line.pop("annotation_font_color")}
            (fig.add_vline(x=median, **line) if horizontal else fig.add_hline(y=median, **line))
            at = float(np.log10(median))
            fig.add_annotation(text=text, font=font, showarrow=False,
                               **({"x": at, "xref": "x", "y": 0, "yref": "paper", "xanchor": "right" if side == "left" else "left",
                                     "yanchor": "bottom"}
                                  if horizontal else
                                  {"y": at, "yref": "y", "x": 1, "xref": "paper", "xanchor": "right", "yanchor": "bottom"}))
        elif horizontal:
            fig.add_vline(x=median, annotation_position=f"bottom {side}", **line)
        else:
            fig.add_hline(y=median, annotation_position="top right", **line)
    return tidy, fig


#: what a chart's title adds when its value axis is logarithmic
LOG_NOTE = "，对数坐标"


def _wants_log(tidy: pd.DataFrame, unit: str | None) -> bool:
    """Amounts (not rates) all above 0 whose highest is :data:`LOG_AXIS_RATIO` times the lowest or
    more (全国's 1244万人 of new jobs beside a city's 1.1万人): on a linear axis the small ones lie on 0."""
    v = tidy["中值"]
    return bool(len(v) and (unit or "") not in RATE_UNITS and (v > 0).all() and v.max() >= LOG_AXIS_RATIO * v.min())


def _log_axis(fig: go.Figure, tidy: pd.DataFrame, horizontal: bool = False, also: float | None = None) -> None:
    """A log value axis over the intervals of ``tidy`` (and ``also``), ticked 1-2-5 in full ("20",
    not a lone "2"); the range in log units, as plotly wants it (its autorange counts a line such
    as the median wrongly)."""
    lows = tidy["下限"].where(tidy["下限"] > 0, tidy["中值"])
    low = lows.min() if also is None else min(lows.min(), also)
    span = [float(np.log10(low)) - 0.1, float(np.log10(tidy["上限"].fillna(tidy["中值"]).max())) + 0.1]
    ticks = [v * 10 ** k for k in range(int(np.floor(span[0])), int(np.ceil(span[1])) + 1) for v in (1, 2, 5)
             if span[0] <= np.log10(v * 10 ** k) <= span[1]]
    (fig.update_xaxes if horizontal else fig.update_yaxes)(
        type="log", range=span, tickmode="array", tickvals=ticks, ticktext=[f"{v:g}" for v in ticks])


def target_years(df: pd.DataFrame, indicator_label: str, regions: Sequence[str] | None = None,
                 unit: str | None = None) -> tuple[pd.DataFrame, go.Figure]:
    """The indicator over the years for chosen regions (intervals, one colour per region).
    Documents of no known region are no region's series (a 镇 of 2021 and a 县 of 2023 are not one
    line), even when a link names 未知地区."""
    if not df.empty:
        df = df[df["region"] != UNKNOWN_REGION]
    if regions:
        df = df[df["region"].isin(list(regions))]
    df = df[df["year"].notna()] if not df.empty else df
    df, unit = _select_unit(df, unit)
    if df.empty:
        return pd.DataFrame(columns=_TARGET_COLS), empty_figure()
    tidy = _target_tidy(df, indicator_label).dropna(subset=["中值"])
    tidy = tidy.sort_values(["地区", "年份"]).reset_index(drop=True)
    if tidy.empty:
        return pd.DataFrame(columns=_TARGET_COLS), empty_figure()
    fig = go.Figure()
    # the legend names regions by their last part ("海拉尔区", not the whole path): at 1024 px
    # the full paths took half the chart's width
    short = short_labels(tidy["地区"])
    _interval_traces(fig, tidy.assign(_legend=tidy["地区"].map(short)), "年份", group_col="_legend", mode="lines+markers")
    log = _wants_log(tidy, unit)  # (QA pass 14: 全国 beside two cities hid one of them on 0)
    base_layout(fig, f"{indicator_label}：历年变化（{unit or '无单位'}{LOG_NOTE if log else ''}）", height=440,
                legend_title="地区")
    _legend_right(fig, "地区")  # one entry per region (the marker shape gives the qualifier)
    fig.update_xaxes(title="年份", tickmode="linear", dtick=1, tickformat="d")
    fig.update_yaxes(title=unit or "")
    if log:
        _log_axis(fig, tidy)
    return tidy, fig


def escalation_by_level(df: pd.DataFrame, indicator_label: str, unit: str | None = None) -> tuple[pd.DataFrame, go.Figure]:
    """Same indicator and year, values grouped by administrative level."""
    df, unit = _select_unit(df, unit)
    if df.empty:
        return pd.DataFrame(columns=_TARGET_COLS), empty_figure()
    tidy = _target_tidy(df, indicator_label).dropna(subset=["中值"])
    if tidy.empty:
        return pd.DataFrame(columns=_TARGET_COLS), empty_figure()
    order = {level_label(v): i for i, v in enumerate(LEVEL_ORDER)}
    tidy = tidy.sort_values(["层级", "年份", "地区"], key=lambda s: s.map(lambda v: order.get(v, 99)) if s.name == "层级" else s)
    tidy = tidy.reset_index(drop=True)
    fig = go.Figure()
    for i, (year, part) in enumerate(tidy.groupby("年份", sort=True, dropna=False)):
        color = _PALETTE[i % len(_PALETTE)]
        fig.add_box(x=list(part["层级"]), y=list(part["中值"]), name=_year_str(year), boxpoints="all",
                    jitter=0.4, pointpos=0, marker={"color": color, "size": 8}, line={"color": color},
                    customdata=np.stack([part["地区"], part["限定"], part["原句"].str.slice(0, 60)], axis=-1),
                    hovertemplate="%{customdata[0]}<br>%{y} (%{customdata[1]})<br>%{customdata[2]}<extra></extra>")
    log = _wants_log(tidy, unit)  # (QA pass 14: 全国's total squeezed the provinces' and cities' boxes onto 0)
    base_layout(fig, f"{indicator_label}：按层级（{unit or '无单位'}{LOG_NOTE if log else ''}）", height=420,
                legend_title="年份")
    fig.update_layout(boxmode="group")
    cats = [level_label(v) for v in LEVEL_ORDER if level_label(v) in set(tidy["层级"])]
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=cats, title="层级")
    fig.update_yaxes(title=unit or "")
    if log:
        _log_axis(fig, tidy)
    return tidy, fig


#: units in which the values of different regions are comparable as such (growth, shares, rates)
RATE_UNITS = ("%", "个百分点", "‰")
_ESC_COLS = ["下级地区", "下级层级", "上级地区", "上级层级", "年份", "下级中值", "上级中值", "单位", "加码幅度",
             "幅度单位", "下级原句", "上级原句"]


def lower_is_stricter(indicator_id: str) -> bool:
    """Whether a lower target is the stricter one: a ceiling (the registry's direction
    ``at_most``: 城镇调查失业率控制在5.5%以内, CPI涨幅3%左右), not a figure to reach.

    >>> lower_is_stricter("urban_unemployment_rate"), lower_is_stricter("gdp_growth"), lower_is_stricter("nope")
    (True, False, False)
    """
    ind = indicators().get(indicator_id)
    return bool(ind and ind.direction == "at_most")


def escalation_child_parent(df: pd.DataFrame, indicator_label: str, unit: str | None = None,
                            top_n: int | None = None, order: str = "desc",
                            lower_is_stricter: bool = False) -> tuple[pd.DataFrame, go.Figure]:
    """How much stricter the child's target is than its parent's, for the same indicator and year
    where both are present: :func:`escalation_figure` of :func:`escalation_pairs`."""
    pairs, unit = escalation_pairs(df, unit, lower_is_stricter)
    return escalation_figure(pairs, unit, indicator_label, top_n, order, lower_is_stricter)


def escalation_pairs(df: pd.DataFrame, unit: str | None = None,
                     lower_is_stricter: bool = False) -> tuple[pd.DataFrame, str | None]:
    """Every child–parent pair of one indicator (columns ``_ESC_COLS``, largest 加码 first), and the
    unit they are in (the most common one when ``unit`` is None).

    加码幅度 is how much stricter the child's target is: child − parent for a figure to reach
    (growth), parent − child when ``lower_is_stricter`` (a ceiling: 失业率控制在5.5%以内, CPI; a
    city's 6%以内 under the nation's 5.5% is 0.5 looser, −0.5).

    The parent of a document is the nearest ancestor with a target of the same
    year: its region path (province, city, district, town without blanks) is the
    longest proper prefix of the child's path that has one — e.g. 江苏省 →
    江苏省 南京市; 北京市 → 北京市 怀柔区 — and a national document (level
    ``national``) is the ancestor of every region.

    Only rates are paired (units in :data:`RATE_UNITS`): a city's 35万人 of new jobs against the
    nation's 1200万人 says nothing about escalation, so an absolute unit gives no pairs."""
    df, unit = _select_unit(df, unit)
    if df.empty or (unit or "") not in RATE_UNITS:
        return pd.DataFrame(columns=_ESC_COLS), unit
    b = with_bounds(df).dropna(subset=["mid"])
    b = b[b["year"].notna()]
    if b.empty:
        return pd.DataFrame(columns=_ESC_COLS), unit
    b = b.assign(_path=region_paths(b))
    national = b["level"].astype(str).eq("national") if "level" in b else pd.Series(False, index=b.index)
    b = b[(b["_path"].map(len) > 0) | national]
    # one value per (path, year): first target of the document
    first = b.sort_values(["doc_id", "idx"]).groupby(["_path", "year"], sort=False).head(1)
    by_key = {(p, int(y)): r for p, y, r in zip(first["_path"], first["year"], first.to_dict("records"))}
    rows = []
    for (path, year), child in by_key.items():
        if not path:
            continue
        parent = next((by_key[(path[:k], year)] for k in range(len(path) - 1, -1, -1)
                       if (path[:k], year) in by_key), None)
        if parent is None:
            continue
        rows.append({
            "下级地区": child["region"], "下级层级": level_label(child["level"]),
            "上级地区": parent["region"] if parent["_path"] else "全国", "上级层级": level_label(parent["level"]),
            "年份": year, "下级中值": child["mid"], "上级中值": parent["mid"],
            "加码幅度": round((parent["mid"] - child["mid"]) if lower_is_stricter else (child["mid"] - parent["mid"]), 6),
            "单位": unit or "",
            "幅度单位": "个百分点" if unit == "%" else (unit or ""),  # the difference of two rates (QA pass 13)
            "下级原句": child["sentence"], "上级原句": parent["sentence"],
        })
    tidy = pd.DataFrame(rows, columns=_ESC_COLS).sort_values(["加码幅度", "下级地区"], ascending=[False, True])
    return tidy.reset_index(drop=True), unit


def escalation_figure(pairs: pd.DataFrame, unit: str | None, indicator_label: str, top_n: int | None = None,
                      order: str = "desc", lower_is_stricter: bool = False) -> tuple[pd.DataFrame, go.Figure]:
    """The bars of :func:`escalation_pairs`: with ``top_n``, only the largest (``desc``),
    smallest (``asc``) or both ends of the differences are drawn; many pairs turn the chart
    horizontal. Red is stricter than the parent (加码), blue looser."""
    if order not in RANGE_ORDERS:
        raise ValueError(order)
    if pairs.empty:
        return pairs, empty_figure("没有同年份的上下级配对")
    tidy, n_all = pairs, len(pairs)
    shown = ""
    tidy = _ends(tidy, top_n, order)
    if len(tidy) < n_all:
        shown = f"，{RANGE_ORDERS[order]} {len(tidy)} / {n_all} 对"
    short = short_labels(tidy["下级地区"])
    multi_year = tidy["年份"].nunique() > 1
    cats = [f"{short[r]}" + (f" {y}" if multi_year else "") for r, y in zip(tidy["下级地区"], tidy["年份"])]
    labels = unique_labels(cats)
    diff_name = "上级−下级" if lower_is_stricter else "下级−上级"
    colors = ["#c0392b" if v > 0 else ("#2874a6" if v < 0 else "#7f8c8d") for v in tidy["加码幅度"]]
    horizontal = len(tidy) > 12
    vals = list(tidy["加码幅度"])
    fig = go.Figure()
    fig.add_bar(**({"y": labels, "x": vals, "orientation": "h"} if horizontal else {"x": labels, "y": vals}),
                marker_color=colors, name=diff_name,
                text=[f"{v:+g}" for v in tidy["加码幅度"]], textposition="outside", cliponaxis=False,
                customdata=np.stack([tidy["上级地区"], tidy["下级中值"], tidy["上级中值"], tidy["年份"]], axis=-1),
                hovertemplate=("%{" + ("y" if horizontal else "x") + "} %{customdata[3]}<br>"
                               + ("上级(%{customdata[0]}) %{customdata[2]} − 下级 %{customdata[1]}" if lower_is_stricter
                                  else "下级 %{customdata[1]} − 上级(%{customdata[0]}) %{customdata[2]}")
                               + " = %{" + ("x" if horizontal else "y") + "}<extra></extra>"))
    height = max(360, 20 * len(tidy) + 140) if horizontal else 400
    # short: the card names the chart and the indicator, and a plotly title does not wrap (1024 px)
    # the difference of two rates is in percentage points, not per cent
    diff_unit = "个百分点" if unit == "%" else unit
    base_layout(fig, f"{' − '.join(diff_name.split('−'))}（{diff_unit or '无单位'}{shown}）", height=height,
                legend=False)
    diff_title = f"差值（{diff_unit}）" if diff_unit else "差值"
    # room on both sides for the value labels outside the bars: a negative bar's label would
    # otherwise run over the region names on the axis
    lo, hi = min(0.0, *vals), max(0.0, *vals)
    pad = 0.2 * ((hi - lo) or 1.0)
    value_range = [lo - pad if lo < 0 else lo, hi + pad]
    if horizontal:
        fig.add_vline(x=0, line_color="#555", line_width=1)
        fig.update_yaxes(type="category", title=None, autorange="reversed", categoryorder="array",
                         categoryarray=labels, tickfont={"size": 12})
        fig.update_xaxes(title=diff_title, range=value_range)
    else:
        fig.add_hline(y=0, line_color="#555", line_width=1)
        fig.update_xaxes(type="category", title=None, categoryorder="array", categoryarray=labels)
        fig.update_yaxes(title=diff_title, range=value_range)
    return tidy, fig


_ATT_COLS = ["地区", "年份", "目标下限", "目标上限", "目标限定", "完成值", "完成值来源年份", "差距", "达成", "单位",
             "目标原句", "完成原句"]


def attainment(targets_df: pd.DataFrame, achievements_df: pd.DataFrame, indicator_label: str,
               unit: str | None = None) -> tuple[pd.DataFrame, go.Figure]:
    """Target for year Y (document of year Y) beside the achievement for year Y
    reported in the Y+1 document of the same region."""
    t, unit = _select_unit(targets_df, unit)
    a, _ = _select_unit(achievements_df, unit if unit is not None else "")
    if t.empty or a.empty:
        return pd.DataFrame(columns=_ATT_COLS), empty_figure("缺少相邻年份的目标与完成值")
    t = with_bounds(t).dropna(subset=["mid"])
    a = with_bounds(a).dropna(subset=["mid"])
    t = t[t["year"].notna()].sort_values(["doc_id", "idx"]).groupby(["region", "year"]).head(1)
    a = a[a["year"].notna()].sort_values(["doc_id", "idx"]).groupby(["region", "year"]).head(1)
    a = a.assign(target_year=a["year"].astype(int) - 1)
    m = t.merge(a, left_on=["region", t["year"].astype(int)], right_on=["region", "target_year"],
                suffixes=("_t", "_a"))
    if m.empty:
        return pd.DataFrame(columns=_ATT_COLS), empty_figure("缺少相邻年份的目标与完成值")

    # met: a reduce/at-most target when the result is at most its upper bound, any other (growth
    # by default) when the result reaches its lower bound
    at_most = m["direction_t"].isin(["reduce", "at_most"]) if "direction_t" in m else pd.Series(False, index=m.index)
    met = np.where(at_most, m["mid_a"] <= m["hi_t"], m["mid_a"] >= m["lo_t"]).tolist()

    tidy = pd.DataFrame({
        "地区": m["region"].astype(str),
        "年份": m["year_t"].astype(int),
        "目标下限": m["lo_t"], "目标上限": m["hi_t"],
        "目标限定": m["qualifier_t"].map(lambda v: QUALIFIER_LABELS.get(v, "未注明") if isinstance(v, str) else "未注明"),
        "完成值": m["mid_a"],
        "完成值来源年份": m["year_a"].astype(int),
        "差距": (m["mid_a"] - m["mid_t"]).round(6),
        "达成": met,
        "单位": unit or "",
        "目标原句": m["sentence_t"].astype(str), "完成原句": m["sentence_a"].astype(str),
    }).sort_values(["地区", "年份"]).reset_index(drop=True)
    fig = go.Figure()
    multi = tidy["地区"].nunique() > 1
    short = short_labels(tidy["地区"])
    x = [f"{short[r]} {y}" if multi else str(y) for r, y in zip(tidy["地区"], tidy["年份"])]
    mid_t = (tidy["目标下限"] + tidy["目标上限"]) / 2
    fig.add_bar(x=x, y=list(mid_t), name="目标（当年报告）", marker_color="#d5dbdb",
                marker_line={"color": "#7f8c8d", "width": 1},
                error_y={"type": "data", "symmetric": False, "array": list(tidy["目标上限"] - mid_t),
                         "arrayminus": list(mid_t - tidy["目标下限"]), "color": "#555"},
                text=[_range_text(lo, hi) for lo, hi in zip(tidy["目标下限"], tidy["目标上限"])],
                textposition="outside", cliponaxis=False,
                customdata=np.stack([tidy["地区"], tidy["目标原句"].str.slice(0, 60)], axis=-1),
                hovertemplate="%{customdata[0]} %{x} 目标<br>%{customdata[1]}<extra></extra>")
    fig.add_bar(x=x, y=list(tidy["完成值"]), name="完成（次年报告）",
                marker_color=["#229954" if v else "#c0392b" for v in tidy["达成"]],
                text=[f"{v:g}" + (" ✓" if ok else " ✗") for v, ok in zip(tidy["完成值"], tidy["达成"])],
                textposition="outside", cliponaxis=False,
                customdata=np.stack([tidy["地区"], tidy["完成值来源年份"].astype(str),
                                     tidy["完成原句"].str.slice(0, 60)], axis=-1),
                hovertemplate=("%{customdata[0]} %{x} 完成（%{customdata[1]} 年报告）<br>%{customdata[2]}"
                               "<extra></extra>"))
    base_layout(fig, f"{indicator_label}：目标与完成（{unit or '无单位'}；完成柱 绿=达到目标 红=未达到）",
                height=420)
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(title=unit or "")
    return tidy, fig


# ---------------------------------------------------------------- tasks
_TASK_BY = {"document": "文档", "region": "地区", "year": "年份"}


def _cut(text: str, n: int = 14) -> str:
    """At most ``n`` characters, an ellipsis marking a cut.

    >>> _cut("牢记初心使命,加快建设幸福美丽新张家湾"), _cut("政府工作报告")
    ('牢记初心使命,加快建设幸福…', '政府工作报告')
    """
    return text if len(text) <= n else text[:n - 1] + "…"


def doc_labels(docs: pd.DataFrame) -> pd.Series:
    """"南京市 2024 · 政府工作报告" style labels, unique per doc_id: documents that would share a
    label are told apart by their file names ("深圳市 2024 · 深圳.txt" / "· 深圳.docx")."""
    short = short_labels(docs["region"].astype(str)) if len(docs) else {}
    labs = [f"{short.get(str(r), r)} {_year_str(y)}" + (f" · {_cut(str(t).strip())}" if str(t or "").strip() else "")
            for r, y, t in zip(docs["region"], docs["year"], docs["title"].fillna(""))]
    if "file_name" in docs.columns:
        repeated = pd.Series(labs).duplicated(keep=False).tolist()
        labs = [f"{lab} · {f}" if rep and isinstance(f, str) and f else lab
                for lab, rep, f in zip(labs, repeated, docs["file_name"].tolist())]
    return pd.Series(unique_labels(labs), index=docs.index)


def _with_task_label(docs: pd.DataFrame, by: str, label: str) -> pd.DataFrame:
    """A copy of docs with a column ``label`` naming each row's document, region or year."""
    d = docs.copy()
    if by == "document":
        d[label] = doc_labels(d)
    elif by == "region":
        d[label] = d["region"].astype(str)
    else:
        d[label] = d["year"].map(_year_str)
    return d


def task_counts(docs: pd.DataFrame, by: str = "document", top_n: int | None = None) -> tuple[pd.DataFrame, go.Figure]:
    """Top-level sections and enumerated items (and declared mismatches) per document/region/year.
    Region and year rows are means per document. ``top_n`` keeps the documents/regions
    with the most enumerated items."""
    if by not in _TASK_BY:
        raise ValueError(by)
    label = _TASK_BY[by]
    cols = [label, "文档数", "一级部分", "列举事项", "声明不符"]
    if docs.empty:
        return pd.DataFrame(columns=cols), empty_figure()
    d = _with_task_label(docs, by, label)
    d["_n"] = n_docs(d)
    g = d.groupby(label, sort=False)
    n = g["_n"].sum()
    tidy = pd.DataFrame({
        "文档数": n,
        "一级部分": (g["top_level_sections"].sum() / n).round(2),
        "列举事项": (g["enumerated_items"].sum() / n).round(2),
        "声明不符": g["declared_mismatches"].sum(),
    }).reset_index()
    tidy = tidy[cols]
    if by == "document":  # counts of one document, not means: 2, not 2.0, in every download
        tidy = tidy.astype({"一级部分": "int64", "列举事项": "int64"})
    tidy = tidy.sort_values(label if by == "year" else ["列举事项", label], ascending=by == "year")
    n_all = len(tidy)
    if top_n is not None and by != "year":
        tidy = tidy.head(top_n)
    tidy = tidy.reset_index(drop=True)
    fig = go.Figure()
    horizontal = by != "year"
    cats = tidy[label].tolist()
    for i, col in enumerate(["一级部分", "列举事项"]):
        _add_bar(fig, cats, tidy[col], col, horizontal, _PALETTE[i + 1])
    fig.update_layout(barmode="group")
    suffix = "" if by == "document" else "（每篇平均）"
    height = max(320, min(1600, 34 * len(cats) + 140)) if horizontal else 380
    shown = f"（列举事项最多的 {len(tidy)} / {n_all} 个）" if len(tidy) < n_all else ""
    base_layout(fig, f"按{label}的任务结构{suffix}{shown}", height=height)
    if horizontal:
        fig.update_yaxes(autorange="reversed", type="category", title=None)
        fig.update_xaxes(title="数量")
    else:
        fig.update_xaxes(type="category", title=label)
        fig.update_yaxes(title="数量")
    return tidy, fig


def outline_levels(outline_df: pd.DataFrame, docs: pd.DataFrame, by: str = "document",
                   top_n: int | None = None) -> tuple[pd.DataFrame, go.Figure]:
    """Outline items per outline level (1 = top), per document/region/year (mean per document).
    ``top_n`` keeps the documents/regions with the most items."""
    label = _TASK_BY[by]
    cols = [label, "提纲层级", "条目数"]
    if outline_df.empty or docs.empty:
        return pd.DataFrame(columns=cols), empty_figure()
    d = _with_task_label(docs, by, label)
    if "n" in outline_df.columns:  # already counted per document and level (queries.outline_counts)
        per_doc = outline_df[["doc_id", "outline_level", "n"]]
    else:
        per_doc = outline_df.groupby(["doc_id", "outline_level"]).size().rename("n").reset_index()
    per_doc = per_doc.merge(d[["doc_id", label]], on="doc_id")
    docs_per = d.assign(_n=n_docs(d)).groupby(label)["_n"].sum()
    agg = per_doc.groupby([label, "outline_level"])["n"].sum().reset_index()
    agg["条目数"] = (agg["n"] / agg[label].map(docs_per)).round(2)
    agg["提纲层级"] = agg["outline_level"].map(lambda v: f"第{int(v)}级")
    tidy = agg[[label, "提纲层级", "条目数"]].sort_values([label, "提纲层级"]).reset_index(drop=True)
    if tidy.empty:
        return pd.DataFrame(columns=cols), empty_figure()
    n_all = tidy[label].nunique()
    if top_n is not None and by != "year" and n_all > top_n:
        keep = tidy.groupby(label)["条目数"].sum().sort_values(ascending=False).head(top_n).index
        tidy = tidy[tidy[label].isin(keep)].reset_index(drop=True)
    fig = go.Figure()
    horizontal = by != "year"
    for i, (lv, part) in enumerate(tidy.groupby("提纲层级", sort=True)):
        _add_bar(fig, part[label], part["条目数"], str(lv), horizontal, _PALETTE[i % len(_PALETTE)])
    fig.update_layout(barmode="stack")
    n = tidy[label].nunique()
    height = max(320, min(1600, 28 * n + 140)) if horizontal else 380
    shown = f"（条目最多的 {n} / {n_all} 个）" if n < n_all else ""
    base_layout(fig, "提纲条目按层级" + ("" if by == "document" else "（每篇平均）") + shown, height=height,
                legend_title="提纲层级")
    if horizontal:  # most items first, as the title says (ties by name)
        totals = tidy.groupby(label)["条目数"].sum()
        order = sorted(totals.index, key=lambda k: (-totals[k], k))
        rank = {k: i for i, k in enumerate(order)}
        tidy = tidy.sort_values([label, "提纲层级"], key=lambda s: s.map(rank) if s.name == label else s)
        tidy = tidy.reset_index(drop=True)
        fig.update_yaxes(autorange="reversed", type="category", title=None, categoryorder="array",
                         categoryarray=order)
    else:
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=sorted(tidy[label].unique()))
    return tidy, fig


# ---------------------------------------------------------------- slogans
def _region_chars(docs: pd.DataFrame, key: str = "region") -> pd.Series:
    return docs.groupby(key)["n_chars"].sum()


def _group_values(docs: pd.DataFrame, group: str) -> pd.Series:
    """A region or province column for grouping: the national report is 全国, not 未知.

    >>> d = pd.DataFrame({"province": ["四川省", None, None], "level": ["city", "national", "town"]})
    >>> _group_values(d, "province").tolist()
    ['四川省', '全国', '未知']
    """
    values = docs[group].astype("object")
    if "level" in docs.columns:
        national = docs["level"] == "national"
    elif "region" in docs.columns:  # rows already summed per region (queries.slogan_groups)
        national = docs["region"] == "全国"
    else:
        national = pd.Series(False, index=docs.index)
    values = values.where(values.notna() | ~national, "全国")
    return values.fillna("未知").astype(str).replace("", "未知")


def slogan_matrix(slogans_df: pd.DataFrame, docs: pd.DataFrame, group: str = "region") -> pd.DataFrame:
    """Long table group × slogan with count and per-10k (sum of counts over the
    group's characters, documents without hits included). ``group`` is a
    documents column: ``region`` or ``province``."""
    if slogans_df.empty or docs.empty:
        return pd.DataFrame(columns=["地区", "提法", "出现次数", "每万字次数"])
    d = docs.assign(_g=_group_values(docs, group))
    chars = d.groupby("_g")["n_chars"].sum()
    if "doc_id" in slogans_df.columns:
        s = slogans_df.merge(d[["doc_id", "_g"]], on="doc_id")
    else:  # already summed per group (queries.slogan_groups)
        s = slogans_df.assign(_g=_group_values(slogans_df, group))
    g = s.groupby(["_g", "text"])["count"].sum().reset_index()
    g["每万字次数"] = (g["count"] / g["_g"].map(chars) * 10000).round(3)
    return g.rename(columns={"_g": "地区", "text": "提法", "count": "出现次数"})


def _capped_colorbar(title: str, zmax: float, top: float) -> dict:
    """A colour bar whose top says when it is capped: "≥ 5.3" when some cells are higher (those
    cells share the darkest colour; the hover and the download give their values).

    >>> _capped_colorbar("每万字次数", 5.3, 79.9)["ticktext"][-1]
    '≥ 5.3'
    >>> "ticktext" in _capped_colorbar("出现次数", 12, 12)
    False
    """
    bar: dict = {"title": {"text": title}}
    if top > zmax:
        bar.update(tickmode="array", tickvals=[0, zmax / 2, zmax], ticktext=["0", f"{zmax / 2:.3g}", f"≥ {zmax:.3g}"])
    return bar


def slogan_heatmap(slogans_df: pd.DataFrame, docs: pd.DataFrame, metric: str = "per_10k",
                   top_n: int = 20, group: str = "region", max_rows: int = 60,
                   only_hits: bool = False) -> tuple[pd.DataFrame, go.Figure]:
    """Heatmap of the ``top_n`` slogans over regions (or provinces). At most
    ``max_rows`` rows, those with the most hits (``only_hits``: no row without one); colours are
    capped at the 95th percentile so one outlier does not wash out the rest."""
    if metric not in METRIC_LABELS:
        raise ValueError(metric)
    if group not in ("region", "province"):
        raise ValueError(group)
    m = slogan_matrix(slogans_df, docs, group)
    if m.empty:
        return m, empty_figure()
    value_col = METRIC_LABELS[metric]
    top = m.groupby("提法")["出现次数"].sum().sort_values(ascending=False).head(top_n).index.tolist()
    all_rows = sorted(_group_values(docs, group).unique().tolist())
    m = m[m["提法"].isin(top)]
    hits = m.groupby("地区")["出现次数"].sum().reindex(all_rows).fillna(0)
    # rows ranked by what the colours show (每万字: a long report does not win by length), highest first
    rank = m.groupby("地区")[value_col].sum().reindex(all_rows).fillna(0)
    rows = [r for r in sorted(all_rows, key=lambda r: (-rank[r], r)) if hits[r] > 0 or not only_hits][:max_rows]
    grid = m.pivot_table(index="地区", columns="提法", values=value_col, aggfunc="sum").reindex(
        index=rows, columns=top).fillna(0)
    tidy = grid.stack().rename(value_col).reset_index()
    tidy.columns = ["地区" if group == "region" else "省份", "提法", value_col]
    short = short_labels(rows) if group == "region" else {r: r for r in rows}
    nz = grid.values[grid.values > 0]
    zmax = float(np.percentile(nz, 95)) if nz.size else 1.0
    what = "地区" if group == "region" else "省份"
    if len(top) == 1:  # one phrase: a ranked bar per row reads better than a one-column heatmap
        fig = go.Figure(go.Bar(x=grid[top[0]].values, y=[short[r] for r in rows], orientation="h",
                               marker_color="#c0392b", hovertemplate="%{y}<br>" + value_col + " %{x}<extra></extra>"))
        base_layout(fig, f"各{what}「{_short_text(top[0], 16)}」（{value_col}）", height=max(240, min(2000, 24 * len(rows) + 160)))
        fig.update_yaxes(autorange="reversed", title=None, type="category")
        fig.update_xaxes(title=value_col)
        return tidy, fig
    fig = go.Figure(go.Heatmap(
        z=grid.values, x=top, y=[short[r] for r in rows], colorscale="Reds", zmin=0, zmax=max(zmax, 1e-9),
        colorbar=_capped_colorbar(value_col, zmax, float(nz.max()) if nz.size else 0.0),
        hovertemplate="%{y} · %{x}<br>" + value_col + " %{z}<extra></extra>", xgap=1, ygap=1,
    ))
    height = max(360, min(2000, 20 * len(rows) + 220))
    suffix = ""
    if len(rows) < len(all_rows):
        suffix = f"，最高的 {len(rows)} 个" if len(rows) == max_rows else f"，有命中的 {len(rows)} 个"
    base_layout(fig, f"{what} × 提法（{value_col}{suffix}）", height=height)
    fig.update_xaxes(tickangle=-45, side="top", title=None, tickmode="array", tickvals=top,
                     ticktext=[_short_text(t) for t in top])
    fig.update_yaxes(autorange="reversed", title=None, type="category")
    fig.update_layout(margin={"t": 170, "l": 110})
    return tidy, fig


def slogan_trend(slogans_df: pd.DataFrame, docs: pd.DataFrame, chosen: Sequence[str],
                 metric: str = "per_10k") -> tuple[pd.DataFrame, go.Figure]:
    value_col = METRIC_LABELS[metric]
    cols = ["年份", "提法", "出现次数", "每万字次数", "文档数"]
    if slogans_df.empty or docs.empty or not chosen:
        return pd.DataFrame(columns=cols), empty_figure()
    d = docs[docs["year"].notna()]
    s = slogans_df[slogans_df["year"].notna() & slogans_df["text"].isin(list(chosen))]
    if d.empty or s.empty:
        return pd.DataFrame(columns=cols), empty_figure()
    chars = d.groupby("year")["n_chars"].sum()
    ndocs = d.assign(_n=n_docs(d)).groupby("year")["_n"].sum()
    years = sorted(int(y) for y in chars.index)
    rows = []
    for text in chosen:
        part = s[s["text"] == text].groupby("year")["count"].sum()
        for y in years:
            c = int(part.get(y, 0))
            rows.append({"年份": y, "提法": text, "出现次数": c,
                         "每万字次数": round(c / chars[y] * 10000, 3) if chars[y] else 0.0,
                         "文档数": int(ndocs[y])})
    tidy = pd.DataFrame(rows, columns=cols)
    fig = go.Figure()
    # a year without documents breaks the line (nothing was measured there) instead of bridging it
    span = pd.DataFrame({"年份": range(years[0], years[-1] + 1)})
    for i, (text, part) in enumerate(tidy.groupby("提法", sort=False)):
        full = span.merge(part, on="年份", how="left")
        fig.add_scatter(x=full["年份"], y=full[value_col], mode="lines+markers", name=str(text),
                        line={"color": _PALETTE[i % len(_PALETTE)]}, connectgaps=False,
                        customdata=np.stack([full["出现次数"], full["文档数"]], axis=-1),
                        hovertemplate="%{x} · " + str(text).replace("%", "%%") + "<br>" + value_col
                        + " %{y}<br>出现次数 %{customdata[0]} · 文档数 %{customdata[1]}<extra></extra>")
    base_layout(fig, f"提法历年变化（{value_col}）", height=400, legend_title="提法")
    _legend_right(fig, "提法")
    fig.update_xaxes(title="年份", tickmode="linear", dtick=1, tickformat="d")
    fig.update_yaxes(title=value_col, rangemode="tozero")
    return tidy, fig


FLAG_LABELS = {"debut": "首次出现", "spike": "激增", "omission": "消失"}


def slogan_flags(slogans_df: pd.DataFrame, docs: pd.DataFrame, spike_ratio: float = 2.0,
                 min_count: int = 3) -> pd.DataFrame:
    """Per region, consecutive documents by year:

    * debut — a slogan appears in a region for the first time after at least one earlier document without it;
    * spike — per-10k rate ≥ ``spike_ratio`` × the region's earlier mean rate and count ≥ ``min_count``;
    * omission — present in the region's previous document year, absent now.
    """
    cols = ["地区", "年份", "提法", "标记", "出现次数", "每万字次数", "说明"]
    if docs.empty or slogans_df.empty:
        return pd.DataFrame(columns=cols)
    # characters per region and year; only regions with documents in two years or more
    d = docs[docs["year"].notna()]
    chars = d.groupby(["region", "year"], as_index=False)["n_chars"].sum()
    chars["year"] = chars["year"].astype(int)
    chars = chars[chars.groupby("region")["year"].transform("size") >= 2]
    # every (region, slogan) over all of the region's years, absent years counting 0
    sl = slogans_df[slogans_df["year"].notna()]
    sl = sl.assign(year=sl["year"].astype(int)).groupby(["region", "text", "year"], as_index=False)["count"].sum()
    grid = sl[["region", "text"]].drop_duplicates().merge(chars, on="region")
    if grid.empty:
        return pd.DataFrame(columns=cols)
    grid = grid.merge(sl, on=["region", "text", "year"], how="left").sort_values(["region", "text", "year"])
    grid["count"] = grid["count"].fillna(0).astype("int64")
    grid["rate"] = np.where(grid["n_chars"] > 0, grid["count"] / grid["n_chars"].where(grid["n_chars"] > 0, 1) * 10000, 0.0)
    keys = [grid["region"], grid["text"]]
    by = grid.groupby(keys, sort=False)
    i = by.cumcount()
    before = by["count"].cumsum().groupby(keys, sort=False).shift(1, fill_value=0)  # counts in earlier years
    base = by["rate"].cumsum().groupby(keys, sort=False).shift(1) / i  # the earlier years' mean rate
    prev_count, prev_year = by["count"].shift(1), by["year"].shift(1)
    c, r = grid["count"], grid["rate"]
    debut = (i > 0) & (c > 0) & (before == 0)
    spike = ~debut & (i > 0) & (c >= min_count) & (base > 0) & (r >= spike_ratio * base)
    omission = (i > 0) & (c == 0) & (prev_count > 0)
    grid = grid.assign(r3=r.round(3), i=i, base=base, prev_year=prev_year, prev_count=prev_count)
    rows = []
    for region, y, text, n, r3, k in grid.loc[debut, ["region", "year", "text", "count", "r3", "i"]].itertuples(index=False):
        rows.append([region, y, text, FLAG_LABELS["debut"], n, r3, f"此前 {k} 年未出现"])
    for region, y, text, n, r3, rate, b in grid.loc[spike, ["region", "year", "text", "count", "r3", "rate", "base"]].itertuples(index=False):
        rows.append([region, y, text, FLAG_LABELS["spike"], n, r3, f"每万字 {rate:.2f}，此前均值 {b:.2f}"])
    for region, y, text, py, pc in grid.loc[omission, ["region", "year", "text", "prev_year", "prev_count"]].itertuples(index=False):
        rows.append([region, y, text, FLAG_LABELS["omission"], 0, 0.0, f"{int(py)} 年出现 {int(pc)} 次"])
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["地区", "年份", "标记", "提法"]).reset_index(drop=True)


def discovered_phrases(slogans_df: pd.DataFrame, top_n: int = 25) -> tuple[pd.DataFrame, go.Figure]:
    """Formulas (e.g. 三个聚焦) and quoted phrases found outside the dictionary (phrases in it are
    left out: 两个维护 is not new)."""
    cols = ["提法", "类别", "文档数", "出现次数", "地区数", "地区"]
    if not slogans_df.empty:
        slogans_df = slogans_df[~slogans_df["text"].isin(set(dictionary_forms()))]
    if slogans_df.empty:
        return pd.DataFrame(columns=cols), empty_figure()
    kind_label = {k: SLOGAN_KINDS[k] for k in (*DISCOVERED_KINDS, "dictionary")}
    if "n_docs" in slogans_df.columns:  # already aggregated (queries.discovered)
        g = slogans_df.rename(columns={"n_docs": "文档数", "count": "出现次数", "n_regions": "地区数",
                                       "regions": "地区"})
    else:
        g = slogans_df.groupby(["text", "kind"]).agg(
            文档数=("doc_id", "nunique"), 出现次数=("count", "sum"), 地区数=("region", "nunique"),
            地区=("region", lambda s: "、".join(sorted(set(map(str, s)))[:8])),
        ).reset_index()
    g["类别"] = g["kind"].map(lambda k: kind_label.get(k, k))
    g = g.rename(columns={"text": "提法"}).sort_values(["文档数", "出现次数", "提法", "类别"],
                                                      ascending=[False, False, True, True])
    # “两个确立” is both a numbered formula and a quoted phrase: one row, its widest count, both kinds
    order = list(kind_label.values())
    kinds = g.groupby("提法", sort=False)["类别"].agg(lambda k: "·".join(sorted(set(k), key=order.index)))
    g = g.drop_duplicates("提法").assign(类别=lambda d: d["提法"].map(kinds))
    tidy = g[cols].head(top_n).reset_index(drop=True)
    fig = go.Figure()
    for i, (k, part) in enumerate(tidy.groupby("类别", sort=True)):
        fig.add_bar(y=part["提法"], x=part["文档数"], orientation="h", name=str(k),
                    marker_color=_PALETTE[(i + 1) % len(_PALETTE)],
                    customdata=np.stack([part["出现次数"], part["地区"]], axis=-1),
                    hovertemplate="%{y}<br>%{x} 篇 · %{customdata[0]} 次<br>%{customdata[1]}<extra></extra>")
    base_layout(fig, "词典外的提法（按文档数）", height=max(360, 24 * len(tidy) + 140),
                legend_title="类别")
    fig.update_yaxes(autorange="reversed", type="category", categoryorder="array",
                     categoryarray=tidy["提法"].tolist(), title=None)
    fig.update_xaxes(title="文档数", tickformat="d", rangemode="tozero")  # whole documents, no 0.5 ticks
    if len(tidy) and tidy["文档数"].max() < 5:
        fig.update_xaxes(dtick=1)
    return tidy, fig


def phrase_groups(per_doc: pd.DataFrame) -> pd.DataFrame:
    """Custom phrase counts per document (:func:`metrics.ui.queries.phrase_docs`) summed per phrase,
    year, region and province, in the shape of ``queries.slogan_groups``: the 提法 charts take either.

    >>> per_doc = pd.DataFrame({"text": ["强首府", "强首府"], "doc_id": ["a", "b"], "year": [2024, 2024],
    ...                         "region": ["银川市", "银川市"], "province": ["宁夏", "宁夏"], "count": [14, 1]})
    >>> phrase_groups(per_doc).to_dict("records")
    [{'text': '强首府', 'year': 2024, 'region': '银川市', 'province': '宁夏', 'count': 15, 'n_docs': 2}]
    """
    cols = ["text", "year", "region", "province", "count", "n_docs"]
    if per_doc.empty:
        return pd.DataFrame(columns=cols)
    g = per_doc.groupby(["text", "year", "region", "province"], dropna=False, sort=True).agg(
        count=("count", "sum"), n_docs=("doc_id", "nunique")).reset_index()
    return g[cols].astype({"count": "int64", "n_docs": "int64"})


def value_text(low, high, unit) -> str:
    """A number or range with its unit, as a reader writes it.

    >>> value_text(8.2, 8.5, "%"), value_text(25.0, 25.0, "万人"), value_text(None, None, None)
    ('8.2–8.5%', '25万人', '')
    """
    def num(v):
        return f"{float(v):.10g}" if v is not None and v == v else ""

    lo, hi = num(low), num(high)
    if not lo and not hi:
        return ""
    return (lo if lo == hi or not hi else f"{lo}–{hi}") + (unit if isinstance(unit, str) else "")


#: a qualifier as a report writes it after the number ("1200万人以上": a cell stays narrow)
QUALIFIER_AFTER = {"exact": "", "about": "左右", "at_least": "以上", "at_most": "以内"}


def written_value(low, high, unit, qualifier) -> str:
    """A figure as a report writes it, its qualifier after the number.

    >>> written_value(1200.0, 1200.0, "万人", "at_least"), written_value(8.2, 8.5, "%", "exact")
    ('1200万人以上', '8.2–8.5%')
    >>> written_value(None, None, "%", "about")
    ''
    """
    text = value_text(low, high, unit)
    return text + QUALIFIER_AFTER.get(qualifier, "") if text and isinstance(qualifier, str) else text


def short_path(path: str | None) -> str:
    """A source path's folder and file name, for a narrow table.

    >>> short_path("/home/u/data/city-reports-2024/成都.txt"), short_path("成都.txt"), short_path(None)
    ('city-reports-2024/成都.txt', '成都.txt', '')
    >>> short_path(r"D:\\语料\\2024\\成都.docx")
    '2024/成都.docx'
    """
    if not path:
        return ""
    return "/".join([p for p in re.split(r"[\\/]", str(path)) if p][-2:])


def doc_link(doc_id: str, phrase: str | None = None, item: str | None = None) -> str:
    """The 单篇文档 page of a document (relative to the dashboard), with a phrase to mark and the
    item to select and scroll to (``target:3``, ``declared:0``): a sentence a document writes twice
    is then shown at the place the figure came from, not at its first occurrence.

    >>> doc_link("ab12"), doc_link("ab12", "强首府")
    ('document?doc=ab12', 'document?doc=ab12&hl=%E5%BC%BA%E9%A6%96%E5%BA%9C')
    >>> doc_link("ab12", "增长6%", "target:7")
    'document?doc=ab12&hl=%E5%A2%9E%E9%95%BF6%25&item=target%3A7'
    """
    from urllib.parse import quote

    link = f"{DOC_LINK_PREFIX}{quote(str(doc_id))}"
    if phrase is not None:
        link += f"&hl={quote(str(phrase))}"
    return link if item is None else f"{link}&item={quote(item)}"


def positioning_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Positionings (发展定位) per document as shown and downloaded: region, year, document, the
    phrase, how often the document writes it, and a link that marks it in the document.

    >>> rows = pd.DataFrame({"region": ["湖北省 宜昌市"], "year": [2024], "title": [None], "text": ["世界级宜昌"],
    ...                      "count": [4], "per_10k": [1.25], "doc_id": ["ab"]})
    >>> positioning_table(rows).iloc[0].to_dict()["原文"]
    'document?doc=ab&hl=%E4%B8%96%E7%95%8C%E7%BA%A7%E5%AE%9C%E6%98%8C'
    """
    # the link beside the phrase: in view at 1024 px, before the long title
    cols = ["地区", "年份", "发展定位", "出现次数", "原文", "每万字次数", "文档", "文档ID"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame({
        "地区": rows["region"], "年份": rows["year"].astype("Int64"), "文档": rows["title"].fillna("—"),
        "发展定位": rows["text"], "出现次数": rows["count"].astype("int64"), "每万字次数": rows["per_10k"],
        "原文": [doc_link(d, p) for d, p in zip(rows["doc_id"], rows["text"])], "文档ID": rows["doc_id"],
    })[cols].reset_index(drop=True)


def phrase_doc_table(per_doc: pd.DataFrame) -> pd.DataFrame:
    """One row per phrase and document, most frequent (per 10,000 characters) first, with the first
    occurrence in context and a link to the document with the phrase highlighted."""
    cols = ["提法", "地区", "年份", "文档", "原文", "出现次数", "每万字次数", "例句", "文档ID"]
    if per_doc.empty:
        return pd.DataFrame(columns=cols)
    t = per_doc.assign(per_10k=per_10k(per_doc["count"], per_doc["n_chars"]))
    t = t.sort_values(["text", "per_10k", "count", "doc_id"], ascending=[True, False, False, True])
    out = pd.DataFrame({
        # a year or title not found is an empty cell, not "None"
        "提法": t["text"], "地区": t["region"], "年份": t["year"].astype("Int64"), "文档": t["title"].fillna("—"),
        "原文": [doc_link(d, p) for d, p in zip(t["doc_id"], t["text"])],
        "出现次数": t["count"].astype("int64"), "每万字次数": t["per_10k"], "例句": "…" + t["example"] + "…",
        "文档ID": t["doc_id"],
    })
    return out.reset_index(drop=True)


def distinctive_keywords(kw: pd.DataFrame, region: str, top_n: int = 20) -> tuple[pd.DataFrame, go.Figure]:
    """Keywords over-represented in one region's documents versus the rest (score above 0).

    score = log2((w_region + ε) / (w_rest + ε)), where w is the mean keyword
    weight per document (documents lacking the word count as 0) and ε is 5 % of the mean
    weight of all the keywords shown (a sum, so SQL rollups give it exactly)."""
    cols = ["关键词", "本地区平均权重", "其他地区平均权重", "区分度", "本地区文档数"]
    if kw.empty or region not in set(kw["region"]):
        return pd.DataFrame(columns=cols), empty_figure()
    if "region_docs" in kw.columns:  # already summed per word and region (queries.keyword_groups)
        docs_per_region = kw.groupby("region")["region_docs"].first()
        n_in = int(docs_per_region[region])
        n_out = int(docs_per_region.sum()) - n_in
        inside = kw[kw["region"] == region].groupby("word").agg(w=("weight", "sum"), n=("n_docs", "sum"))
        mean = float(kw["mean_weight"].iloc[0])
    else:
        n_in = kw.loc[kw["region"] == region, "doc_id"].nunique()
        n_out = kw.loc[kw["region"] != region, "doc_id"].nunique()
        inside = kw[kw["region"] == region].groupby("word").agg(w=("weight", "sum"), n=("doc_id", "nunique"))
        mean = float(kw["weight"].mean())
    outside = kw[kw["region"] != region].groupby("word")["weight"].sum()
    w_in = inside["w"] / max(n_in, 1)
    w_out = outside.reindex(inside.index).fillna(0) / max(n_out, 1)
    eps = max(mean * 0.05, 1e-6)
    score = np.log2((w_in + eps) / (w_out + eps))
    tidy = pd.DataFrame({
        "关键词": inside.index, "本地区平均权重": w_in.round(4).values,
        "其他地区平均权重": w_out.round(4).values, "区分度": score.round(3).values,
        "本地区文档数": inside["n"].values,
    })
    # only words the region uses more than the rest: a negative score is not "区别于其他地区" (QA pass 7)
    tidy = tidy[tidy["区分度"] > 0].sort_values(["区分度", "关键词"], ascending=[False, True]).head(top_n).reset_index(drop=True)
    fig = go.Figure()
    fig.add_bar(y=tidy["关键词"], x=tidy["区分度"], orientation="h", marker_color=_PALETTE[1],
                hovertemplate="%{y}<br>log2 比值 %{x}<extra></extra>")
    base_layout(fig, f"{region.split()[-1] if region.split() else region}：区别于其他地区的关键词",
                height=max(360, 24 * len(tidy) + 120))
    fig.update_layout(showlegend=False)
    fig.update_yaxes(autorange="reversed", type="category", title=None)
    fig.update_xaxes(title="区分度（log2 本地区/其他）")
    return tidy, fig


# ---------------------------------------------------------------- compare
COMPARE_METRICS = [
    ("文档数", "n_docs"), ("总字数", "n_chars"), ("一级部分（平均）", "top_level_sections"),
    ("列举事项（平均）", "enumerated_items"), ("声明不符", "declared_mismatches"),
    ("数字目标（已归类，条）", "n_targets"), ("提法命中（每万字）", "slogans_per_10k"),
]
#: short column labels of the 指标对齐表 on screen (the full label is the column's tooltip and the
#: download's header)
COMPARE_SHORT = {"一级部分（平均）": "一级部分", "列举事项（平均）": "列举事项", "数字目标（已归类，条）": "数字目标",
                 "提法命中（每万字）": "提法/万字"}
#: the metrics of :data:`COMPARE_METRICS` that are means or rates (the others are counts)
COMPARE_MEANS = frozenset({"top_level_sections", "enumerated_items", "slogans_per_10k"})


def compare_table(entities: dict[str, pd.DataFrame], slogans_by_entity: dict[str, pd.DataFrame],
                  targets_by_entity: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per compared entity (``对象``) and one typed column per metric of
    :data:`COMPARE_METRICS`: counts are whole numbers, means and rates floats (a table of metric
    rows × entity columns mixed the two, and its downloads wrote a count as 1.0). ``entities`` maps
    a label to the documents it covers. With ``targets_by_entity`` (target rows with a
    ``canonical`` column), the target count is the classified targets only; otherwise the
    documents' ``n_targets`` (every number found)."""
    records = []
    for name, docs in entities.items():
        n_chars = int(docs["n_chars"].sum()) if len(docs) else 0
        hits = int(slogans_by_entity.get(name, pd.DataFrame(columns=["count"]))["count"].sum())
        vals = {
            "n_docs": len(docs), "n_chars": n_chars,
            "top_level_sections": round(float(docs["top_level_sections"].mean()), 2) if len(docs) else None,
            "enumerated_items": round(float(docs["enumerated_items"].mean()), 2) if len(docs) else None,
            "declared_mismatches": int(docs["declared_mismatches"].sum()) if len(docs) else 0,
            "n_targets": (int((targets_by_entity[name]["canonical"] != "other").sum())
                          if targets_by_entity is not None and name in targets_by_entity
                          else int(docs["n_targets"].sum()) if len(docs) else 0),
            "slogans_per_10k": round(hits / n_chars * 10000, 2) if n_chars else None,
        }
        records.append({"对象": name, **{label: vals[key] for label, key in COMPARE_METRICS}})
    out = pd.DataFrame(records, columns=["对象", *(label for label, _ in COMPARE_METRICS)])
    for label, key in COMPARE_METRICS:
        out[label] = out[label].astype("Float64" if key in COMPARE_MEANS else "Int64")
    return out


def compare_slogans(slogans_by_entity: dict[str, pd.DataFrame], chars_by_entity: dict[str, int],
                    top_n: int = 12) -> tuple[pd.DataFrame, go.Figure]:
    """Grouped bars: per-10k rate of the most frequent slogans across the entities."""
    cols = ["对象", "提法", "出现次数", "每万字次数"]
    frames = []
    for name, s in slogans_by_entity.items():
        if s.empty:
            continue
        g = s.groupby("text")["count"].sum().reset_index()
        g["对象"] = name
        chars = chars_by_entity.get(name) or 0
        g["每万字次数"] = (g["count"] / chars * 10000).round(3) if chars else 0.0
        frames.append(g)
    if not frames:
        return pd.DataFrame(columns=cols), empty_figure()
    allg = pd.concat(frames, ignore_index=True).rename(columns={"text": "提法", "count": "出现次数"})
    top = allg.groupby("提法")["出现次数"].sum().sort_values(ascending=False).head(top_n).index.tolist()
    names = list(slogans_by_entity)
    grid = [(n, t) for n in names for t in top]
    tidy = pd.DataFrame(grid, columns=["对象", "提法"]).merge(allg, on=["对象", "提法"], how="left")
    tidy["出现次数"] = tidy["出现次数"].fillna(0).astype(int)
    tidy["每万字次数"] = tidy["每万字次数"].fillna(0.0)
    tidy = tidy[cols]
    fig = go.Figure()
    for i, n in enumerate(names):
        part = tidy[tidy["对象"] == n]
        fig.add_bar(x=part["提法"], y=part["每万字次数"], name=n, marker_color=_PALETTE[i % len(_PALETTE)])
    base_layout(fig, "主要提法对比（每万字次数）", height=440, legend_title="对象")
    fig.update_layout(barmode="group", legend={"xanchor": "right", "x": 1})
    fig.update_xaxes(type="category", tickangle=-35, title=None, tickmode="array", tickvals=top,
                     ticktext=[_short_text(t) for t in top])
    fig.update_yaxes(title="每万字次数")
    return tidy, fig



# ---------------------------------------------------------------- display safety
_ANGLE = str.maketrans({"<": "‹", ">": "›"})


def _plain(v):
    if isinstance(v, str):
        return v.translate(_ANGLE)
    if isinstance(v, (list, tuple)):
        return type(v)(_plain(x) for x in v)
    if isinstance(v, np.ndarray) and v.dtype == object:
        return np.vectorize(_plain, otypes=[object])(v) if v.size else v
    return v


def display_safe(fig: go.Figure, inplace: bool = False) -> go.Figure:
    """A copy of ``fig`` whose text (categories, names, hover data, titles) cannot
    carry markup: Plotly renders a subset of HTML (``<a href>``, ``<b>``…) in
    labels, and document text is untrusted. ``<``/``>`` become ``‹``/``›``.
    ``inplace``: sanitise ``fig`` itself (no copy) — for a figure nobody else holds."""
    out = fig if inplace else go.Figure(fig)
    for tr in out.data:
        for attr in ("x", "y", "text", "customdata", "name", "hovertext", "labels"):
            if attr in tr and tr[attr] is not None:
                try:
                    tr[attr] = _plain(tr[attr] if not isinstance(tr[attr], tuple) else list(tr[attr]))
                except ValueError:
                    pass
    for ax in ("xaxis", "yaxis"):
        axis = out.layout[ax]
        if axis.categoryarray is not None:
            axis.categoryarray = [_plain(c) for c in axis.categoryarray]
        if axis.tickvals is not None:
            axis.tickvals = [_plain(c) for c in axis.tickvals]
        if axis.ticktext is not None:
            axis.ticktext = [_plain(c) for c in axis.ticktext]
    if out.layout.title and out.layout.title.text:
        out.layout.title.text = _plain(out.layout.title.text)
    return out
