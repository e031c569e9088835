"""Shared widgets: page setup, the URL-bound filter sidebar, chart/table cards
with downloads, and escaping helpers for untrusted text."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from metrics import DB_SCHEMA_ADDS, DB_SCHEMA_VERSION, export
from metrics.charts import PLOT_CONFIG, display_safe
from metrics.dedup import RULE_ZH
from metrics.filters import (MAX_SEARCH_LEN, MAX_SPEAKER_LEN, NATIONAL, URL_LIST_PARAMS, Filters, doc_type_label,
                             level_label)
from metrics.ui import data

# ---------------------------------------------------------------- text safety
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


#: where Markdown would make a bare address a link ("http://…", "www.…", "a@b.cn"): an invisible word
#: joiner goes there, and the text stays text
_AUTOLINK = re.compile(r"(?i)(?<=h)(?=ttps?:)|(?<=w)(?=ww\.)|(?=@)")


def md_escape(text: Any) -> str:
    """Escape untrusted text for Streamlit Markdown (no links, autolinks, HTML or emphasis).

    >>> print(md_escape("[官方](http://evil.example) **粗**").replace("\u2060", "<WJ>"))
    \\[官方\\]\\(h<WJ>ttp\\://evil\\.example\\) \\*\\*粗\\*\\*
    >>> md_escape("www.x.cn a@b.cn").replace("\u2060", "<WJ>")
    'w<WJ>ww\\\\.x\\\\.cn a<WJ>@b\\\\.cn'
    """
    s = "" if text is None else str(text)
    s = _AUTOLINK.sub("\u2060", s.replace("\n", " ").replace("\r", " "))
    return _MD_SPECIAL.sub(r"\\\1", s)


def h(text: Any) -> str:
    """HTML-escape untrusted text (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


# ---------------------------------------------------------------- indicators
def indicator_labels() -> dict[str, str]:
    """Chinese labels of the indicator registry (metrics/data/indicators.csv)."""
    from metrics.lexicon import indicator_labels as _labels

    return _labels()


def indicator_label(canonical: str, labels: dict[str, str] | None = None) -> str:
    labels = indicator_labels() if labels is None else labels
    if canonical == "other":
        return "其他（未归类）"
    return labels.get(canonical, canonical)


# ---------------------------------------------------------------- page setup
@dataclass(frozen=True)
class PageContext:
    filters: Filters
    n_docs: int
    rules_version: str
    near_duplicates: int = 0  # among the filtered documents, whether or not the filter counts them

    @property
    def left_out(self) -> int:
        """Near-duplicates the filter leaves out (none when it includes them)."""
        return 0 if self.filters.duplicates else self.near_duplicates

    def meta(self, title: str) -> export.ExportMeta:
        # the page's own choices (indicator, type, unit, phrases, document …) belong to what was
        # downloaded as much as the filters do
        page = {k: v for k, v in url_params().items() if k in PAGE_PARAMS}
        return export.ExportMeta(
            title=title,
            filters=self.filters.describe(self.n_docs, self.left_out),
            rules_version=self.rules_version,
            query={**self.filters.to_query_params(), **{k: v[0] if len(v) == 1 else v for k, v in page.items()}},
        )


def require_db() -> bool:
    """Show a clear message and return False when the database is unusable."""
    path = data.db_path()
    if data.db_key() is None:
        st.error(f"找不到数据库文件：`{path}`")
        st.info(
            "请先在项目根目录构建数据库：\n\n"
            f"```\n{data.build_command()}\n```\n\n"
            f"或用环境变量 `{data.ENV_VAR}` 指向已有的数据库文件。也可以在「添加文档」页上传文件。"
        )
        return False
    try:
        data.query("facet_values")
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():  # `build --add` is writing to the file in place (a few seconds)
            st.warning("数据库正在更新（正在添加文档），请稍候几秒后刷新页面。")
            st.caption(f"DuckDB: {type(exc).__name__}")
            return False
        st.error("数据库无法读取或结构不符（可能来自旧版本）。请重新构建：")
        st.code(data.build_command(), language="bash")
        st.caption(f"DuckDB: {type(exc).__name__}")
        return False
    if data.query("schema_problem"):
        st.error(f"数据库由旧版本构建（结构版本 {data.query('build_info').get('schema_version')}，"
                 f"本版本为 {DB_SCHEMA_VERSION}，新增了{DB_SCHEMA_ADDS[1]}）。请从原文件重新构建：")
        st.code(data.build_command(), language="bash")
        return False
    return True


#: chart cards whose figure needs its width (many columns, a legend beside the plot, a long title or
#: long labels)
WIDE_CHARTS = ("sl_heat", "sl_custom_heat", "sl_trend", "sl_custom_trend", "tg_years", "tg_regions", "tg_attain",
               "tk_counts", "tk_levels")
#: below 1280 px the main column keeps 1.5 rem of padding instead of Streamlit's 5 rem a side
#: (at 1024 px with the sidebar open, 160 px of a 724 px column)
NARROW_SCREEN_CSS = ("<style>@media (max-width: 1280px){[data-testid='stMainBlockContainer']"
                     "{padding-left:1.5rem;padding-right:1.5rem}"
                     # five KPIs in a row at 1024 px: "2012–2024" and their labels whole, not "2012…"
                     "[data-testid='stMetricValue']{font-size:1.6rem}"
                     "[data-testid='stMetricLabel'] *{white-space:normal;overflow:visible;text-overflow:clip}}"
                     # on a phone, charts of many columns or a legend beside them keep a readable width
                     # and scroll sideways (QA pass 16: a 20-column heat map 60 px wide)
                     "@media (max-width: 640px){"
                     + ",".join(f".st-key-{key}_fig" for key in WIDE_CHARTS) + "{min-width:600px}"
                     + ",".join(f".st-key-card-{key}" for key in WIDE_CHARTS) + "{overflow-x:auto}}"
                     "</style>")

#: the choices each page makes (widget keys), kept while the user is on other pages
PAGE_CHOICES = ("tg_ind", "tg_kind", "tg_unit", "tg_table_shown", "doc_pick", "doc_hl", "cmp_mode", "cmp_pick_region",
                "cmp_pick_document", "sl_custom")


def keep_page_choices() -> None:
    """Streamlit forgets a widget's value on a run that does not draw it (another page): assigning
    the value to itself on every run keeps it, so 数字目标 → 总览 → 数字目标 shows the same indicator."""
    ss = st.session_state
    for key in PAGE_CHOICES:
        if key in ss:
            ss[key] = ss[key]


def link_value(param: str, key: str, empty: str | None = None) -> str | None:
    """The URL's ``param`` when it is new to the widget ``key`` — a shared link or an edited
    address, not the value :func:`set_link` put there on an earlier run — else None.

    An address of the same page without ``param``, where this session's last run had written it,
    is Back (or Forward) to the page's default choice, which the URL leaves out: the widget's
    value is dropped, so the page shows its default (QA pass 14: Back after 类型 → 完成值 wrote
    完成值 straight back). A page switch from the menu, whose links carry no page choice, keeps it.
    ``empty``: a text input's empty value, set rather than dropped (a dropped text input kept
    showing its text in the browser, while the page counted nothing: QA pass 15)."""
    ss = st.session_state
    wanted = st.query_params.get(param)
    if (not wanted and ss.get(f"_{key}_in_url") and ss.get("_sm_page") == ss.get("_sm_page_before")
            and param not in ss.get(_PENDING, {})):
        if empty is None:
            ss.pop(key, None)
        else:
            ss[key] = empty
        ss[f"_{key}_in_url"] = False
    return wanted if wanted and wanted != ss.get(f"_{key}_url") else None


def set_link(param: str, key: str, value: str | None, *, omit: str | None = None) -> None:
    """Keep the widget ``key``'s ``value`` in the URL as ``param`` (left out when empty or
    ``omit``, e.g. a choice's first option), so a reload or a shared link shows the same."""
    if value and value == omit and st.query_params.get(param) == value:
        pass  # a link that names the default keeps it (no write, no history entry)
    else:
        url_write(param, None if not value or value == omit else value)
    st.session_state[f"_{key}_url"] = value
    st.session_state[f"_{key}_in_url"] = bool(value) and value != omit


# ---------------------------------------------------------------- the URL, written once a run
_PENDING = "_sm_url_pending"


def url_write(param: str, value: str | list[str] | None) -> None:
    """Set (or, with None or an empty value, remove) a URL parameter at the end of this run: every
    write of st.query_params is a browser history entry, so a run that wrote three parameters made
    Back stay on its page for three presses (QA passes 12, 13). :func:`flush_url` writes them."""
    st.session_state.setdefault(_PENDING, {})[param] = value


def _query() -> dict[str, list[str]]:
    """The URL's parameters as the browser sent them, each with all its values."""
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}


def url_params() -> dict[str, list[str]]:
    """The URL's parameters as this run leaves them (its writes included)."""
    out = _query()
    for k, v in st.session_state.get(_PENDING, {}).items():
        if v in (None, "") or (not isinstance(v, str) and not list(v)):
            out.pop(k, None)
        else:
            out[k] = [v] if isinstance(v, str) else list(v)
    return out


def flush_fragment_url() -> None:
    """:func:`flush_url` in a run of one card's fragment only, which does not reach the
    entrypoint's (a control's choice, 历年变化's regions, goes to the URL at once)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run:
        flush_url()


def flush_url() -> None:
    """Write this run's URL changes in one write (the entrypoint calls it after the page ran)."""
    if not st.session_state.get(_PENDING):
        return
    new = url_params()
    st.session_state.pop(_PENDING, None)
    if new != _query():
        st.query_params.from_dict({k: v if len(v) > 1 else v[0] for k, v in new.items()})


def open_link(label: str):
    """A table column of links to 单篇文档 (:func:`metrics.charts.doc_link`), each shown as 打开."""
    return st.column_config.LinkColumn(label, display_text="打开")


#: page-specific URL parameters (dropped on pages that don't own them)
PAGE_PARAMS = ("ind", "kind", "unit", "yr", "doc", "hl", "item", "ph", "cmp", "pick")


def page_context(keep: tuple[str, ...] = ()) -> PageContext | None:
    """The sidebar (filters bound to the URL) and the page's context.
    ``keep`` lists the page-specific URL parameters this page owns.

    Returns ``None`` (after explaining why) when there is nothing to show."""
    st.html(NARROW_SCREEN_CSS)
    keep_page_choices()
    if not require_db():
        return None
    f = sidebar_filters(keep)
    n = data.query("count_docs", f)
    near = data.query("count_docs", f.replace(duplicates=True)) - data.query("count_docs", f.replace(duplicates=False))
    ctx = PageContext(f, n, data.rules_version(), near)
    st.caption(f"筛选：{md_escape(f.describe(n, ctx.left_out))} · 规则版本 {md_escape(ctx.rules_version)}")
    total = data.query("count_docs", Filters())
    if total == 0:
        st.info(f"数据库中还没有文档。请运行 `{data.build_command()}` 或在「添加文档」页上传。")
        return None
    if n == 0:
        st.info("当前筛选条件下没有文档。请放宽左侧的筛选条件（或点击「清除筛选」）。")
        return None
    return ctx


# ---------------------------------------------------------------- sidebar
_KEYS = {
    "province": "f_province", "city": "f_city", "district": "f_district", "town": "f_town",
    "level": "f_level", "doc_type": "f_doc_type", "years": "f_years", "speaker": "f_speaker", "text": "f_text",
    "duplicates": "f_duplicates",
}
_INIT = "_sm_filters_init"
_LAST = "_sm_filters_last"
_YEAR_BOUNDS = "_sm_year_bounds"
_WRITTEN = "_sm_filters_written"  # the filters this session last put in the URL


def _reset_filters() -> None:
    st.session_state[_LAST] = Filters()
    for name, key in _KEYS.items():
        if name in ("speaker", "text"):
            st.session_state[key] = ""
        elif name == "duplicates":
            st.session_state[key] = False
        elif name == "years":
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = []


def _opts(df: pd.DataFrame, col: str, parents: dict[str, list[str]]) -> list[str]:
    sub = df
    for pcol, selected in parents.items():
        if selected:
            sub = sub[sub[pcol].isin(selected)]
    vals = sub[col].dropna().astype(str)
    return sorted((v for v in vals.unique() if v), key=lambda v: (v != NATIONAL, v))  # 全国 first


def _linked_value(label: str, value: str) -> str:
    """A link's value for a warning: escaped, and cut when long."""
    return f"{label}「{md_escape(value if len(value) <= 20 else value[:20] + '…')}」"


def _stray_params() -> list[str]:
    """The URL's parameters that no filter or page reads (a mistyped or an old link's)."""
    known = set(Filters.param_names()) | set(PAGE_PARAMS) | {"embed", "embed_options"}
    return [k for k in st.query_params.keys() if k not in known]


def _url_filters() -> Filters:
    return Filters.from_query_params(_query())


def sidebar_filters(keep: tuple[str, ...] = ()) -> Filters:
    """Render the shared filter sidebar and keep the URL in sync. Cascading
    province → city → district/county → town options come from the data."""
    ss = st.session_state
    # An address whose filters are not the ones this session last wrote (Back or Forward, an edited
    # address) is read as a new link: the filters it names are applied (QA pass 13: Back after a
    # filter change kept the new filters and wrote them over the older entry).
    if _INIT in ss and _WRITTEN in ss and _url_filters() != ss[_WRITTEN]:
        ss.pop(_INIT)
    # Seed widgets from the URL on the first run of a session; afterwards from
    # the last applied filters whenever a page switch dropped the widget state.
    seed = _url_filters() if _INIT not in ss else ss.get(_LAST, Filters())
    regions = data.query("region_options")
    facets = data.query("facet_values")

    unknown: list[str] = []  # a link's values that match nothing here ("province=四川" for 四川省)

    def seeded_multiselect(name: str, label: str, options: list[str], **kw: Any) -> list[str]:
        key = _KEYS[name]
        if _INIT not in ss or key not in ss:
            ss[key] = [v for v in getattr(seed, name) if v in options]
            if _INIT not in ss:
                # a level or type the link names but no document can have was dropped when parsing it
                linked = (st.query_params.get_all(URL_LIST_PARAMS[name]) if name in ("level", "doc_type")
                          else getattr(seed, name))
                unknown.extend(_linked_value(label, v) for v in linked if v not in options)
        else:
            ss[key] = [v for v in ss[key] if v in options]
        # no "Select all" (English, and all of them is what no choice means)
        return st.multiselect(label, options, key=key, placeholder="全部", select_all=False, **kw)

    with st.sidebar:
        st.markdown("### 筛选")
        prov = seeded_multiselect("province", "省份", _opts(regions, "province", {}))
        city = seeded_multiselect("city", "城市", _opts(regions, "city", {"province": prov}))
        dist = seeded_multiselect("district", "区县", _opts(regions, "district", {"province": prov, "city": city}))
        town = seeded_multiselect(
            "town", "乡镇 / 街道", _opts(regions, "town", {"province": prov, "city": city, "district": dist}))
        level = seeded_multiselect("level", "层级", [str(v) for v in facets["level"]], format_func=level_label)
        dtype = seeded_multiselect("doc_type", "类型", [str(v) for v in facets["doc_type"]],
                                   format_func=doc_type_label)
        if unknown:
            st.warning(f"链接中的{'、'.join(unknown[:4])}在数据中不存在（或不属于所选的上级地区），未用于筛选。")
        if _INIT not in ss and (stray := _stray_params()):  # QA pass 13: ?text=经济 (for q) did nothing, silently
            st.warning(f"链接中的参数 {'、'.join(md_escape(k) for k in stray[:4])} 无法识别，未使用"
                       f"（筛选参数：{'、'.join(Filters.param_names())}）。")
        years = facets["years"]
        year_from = year_to = None
        if years and years[0] < years[1]:
            lo, hi = years
            key = _KEYS["years"]
            if _INIT not in ss or key not in ss:
                # a linked year outside the data's years is not applied (QA pass 12: from=2030 gave 2024–2024)
                a = seed.year_from if seed.year_from is not None and lo <= seed.year_from <= hi else lo
                b = seed.year_to if seed.year_to is not None and lo <= seed.year_to <= hi else hi
                ss[key] = (min(a, b), max(a, b))
                linked = {p: st.query_params.get(p) for p in ("from", "to")}
                bad = [f"{p}={md_escape(v)}" for p, v in linked.items() if v and not (v.isdigit() and lo <= int(v) <= hi)]
                if bad and _INIT not in ss:  # a shared link or an edited address: say what was not applied
                    st.warning(f"链接中的年份 {'、'.join(bad)} 无效或不在数据的年份范围（{lo}–{hi}）内，已按 "
                               f"{ss[key][0]}–{ss[key][1]} 显示。")
                elif _INIT not in ss and all(v and v.isdigit() for v in linked.values()) and int(linked["from"]) > int(linked["to"]):
                    st.warning(f"链接中的年份 from={linked['from']}、to={linked['to']} 前后颠倒，已按 "
                               f"{ss[key][0]}–{ss[key][1]} 显示。")
            else:
                a, b = ss[key]
                # an end left at the data's bound stays "unbounded" when new years arrive
                plo, phi = ss.get(_YEAR_BOUNDS, (lo, hi))
                a = lo if a == plo else a
                b = hi if b == phi else b
                ss[key] = (max(lo, min(hi, a)), max(lo, min(hi, b)))
            ss[_YEAR_BOUNDS] = (lo, hi)
            a, b = st.slider("年份", min_value=lo, max_value=hi, key=key, step=1,
                             help="拖到两端 = 不限年份（含年份未知的文档）")
            year_from = None if a == lo else int(a)
            year_to = None if b == hi else int(b)
        elif years:
            st.caption(f"年份：{years[0]}")
        for name in ("speaker", "text"):
            if _INIT not in ss or _KEYS[name] not in ss:
                ss[_KEYS[name]] = getattr(seed, name)
            else:  # re-assign: after a page switch the new widget instance adopts it
                ss[_KEYS[name]] = ss[_KEYS[name]]
        speaker = st.text_input("讲话人", key=_KEYS["speaker"], placeholder="姓名片段", max_chars=MAX_SPEAKER_LEN)
        text = st.text_input("全文检索", key=_KEYS["text"], placeholder="标题或正文包含…", max_chars=MAX_SEARCH_LEN)
        twins = data.query("count_near_duplicates")
        duplicates = False
        if twins:
            key = _KEYS["duplicates"]
            ss[key] = seed.duplicates if _INIT not in ss or key not in ss else ss[key]
            duplicates = st.checkbox(
                f"包括近似重复的文档（{twins:,} 篇）", key=key,
                help="同一篇文档的另一份文件（如 .docx 原件和网上抓取的 .txt，或两个网站转载的同一篇），"
                     f"默认只计一次：{RULE_ZH}的文档，保留原始格式的一份。勾选后全部计入。")
        st.button("清除筛选", on_click=_reset_filters, width="stretch", key="f_reset")
    ss[_INIT] = True
    f = Filters(province=tuple(prov), city=tuple(city), district=tuple(dist), town=tuple(town),
                level=tuple(level), doc_type=tuple(dtype), year_from=year_from, year_to=year_to,
                speaker=speaker or "", text=text or "", duplicates=duplicates)
    ss[_LAST] = ss[_WRITTEN] = f
    sync_url(f, drop=tuple(k for k in PAGE_PARAMS if k not in keep))
    return f


def page_menu(pages: dict[str, list]) -> None:
    """The sidebar's menu: a link per visible page, under its section's name, each carrying the
    URL's filters (not another page's own parameters), so a page switch is one browser history
    entry and Back returns to the page before."""
    names = set(Filters.param_names())
    query = {k: v if len(v) > 1 else v[0] for k, v in url_params().items() if k in names}
    for section, section_pages in pages.items():
        st.html(f'<div class="sm-menu-section">{html.escape(section)}</div>')
        for p in section_pages:
            if getattr(p, "visibility", "visible") != "hidden":
                st.page_link(p, query_params=query, width="stretch")
    st.divider()


def sync_url(f: Filters, drop: tuple[str, ...] = ()) -> None:
    """Write the filter state to the URL, and drop the parameters ``drop`` (another page's), with
    the run's other writes (:func:`url_write`). Other parameters are kept."""
    desired = f.to_query_params()
    for k in set(Filters.param_names()) | set(drop):
        url_write(k, desired.get(k))


# ---------------------------------------------------------------- cards
def download_row(df: pd.DataFrame | dict[str, pd.DataFrame] | Callable[[], dict[str, pd.DataFrame]],
                 ctx: PageContext, key: str, title: str, *, full: Callable[[], pd.DataFrame] | None = None,
                 file_stem: str | None = None) -> None:
    """CSV / XLSX / JSON buttons; bytes are generated on click. ``df``: one table, several, or a
    function returning several (then they are only fetched when a button is clicked). ``full``:
    the whole table when ``df`` shows only its first rows, fetched on click."""
    stem = export.safe_filename(file_stem or title)
    meta = ctx.meta(title)
    single = full is not None or isinstance(df, pd.DataFrame)
    fetch = full if full is not None else df if callable(df) else (lambda: df)
    base = export.app_base(st.context.url)

    def tables():  # links to 单篇文档 made absolute: relative ones lead nowhere in a file
        return export.absolute_links(fetch(), base)
    # buttons as wide as their labels, side by side, wrapping in a narrow column (three equal
    # columns cut "CSV (zip)" to "C…" at 1024 px)
    row = st.container(horizontal=True, gap="small", wrap=True)
    if single:
        row.download_button("CSV", data=lambda: export.to_csv_bytes(tables()), file_name=f"{stem}.csv",
                            mime="text/csv", key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    else:
        row.download_button("CSV (zip)", data=lambda: export.to_csv_zip_bytes(tables(), meta),
                            file_name=f"{stem}.zip", mime="application/zip", key=f"{key}_csv",
                            on_click="ignore", icon=":material/download:")
    row.download_button(
        "XLSX", data=lambda: export.to_xlsx_bytes(tables(), meta), file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx",
        on_click="ignore", icon=":material/download:")
    row.download_button("JSON", data=lambda: export.to_json_bytes(tables(), meta), file_name=f"{stem}.json",
                        mime="application/json", key=f"{key}_json", on_click="ignore", icon=":material/download:")


Builder = Callable[[dict[str, Any]], tuple[pd.DataFrame, go.Figure]]


@st.cache_resource(max_entries=512, show_spinner=False)
def _built(cache_key: str, _build: Builder, _params: dict[str, Any]) -> tuple[pd.DataFrame, go.Figure | None]:
    """A chart's (table, display-safe figure), shared read-only between reruns
    and sessions. Building Plotly figures is the slowest part of a rerun."""
    df, fig = _build(_params)
    if df is None or df.empty:
        return df, None
    return df, display_safe(fig, inplace=True)


def build_chart(key: str, build: Builder, params: dict[str, Any],
                deps: Any = None) -> tuple[pd.DataFrame, go.Figure | None]:
    """``build(params)``; cached when ``deps`` describes every input of ``build``
    besides ``params`` (e.g. the filters and the page's selections)."""
    if deps is None:
        df, fig = build(params)
        return df, (display_safe(fig, inplace=True) if df is not None and not df.empty else None)
    cache_key = repr((key, data.db_key(), deps, sorted(params.items())))
    return _built(cache_key, build, params)


@st.fragment
def chart_card(key: str, title: str, ctx: PageContext, build: Builder, *,
               controls: Callable[[], dict[str, Any]] | None = None, caption: str | None = None,
               empty_msg: str = "当前筛选下没有可绘制的数据。", show_table: bool = True, deps: Any = None) -> None:
    """One chart card (its own fragment): optional controls, the figure, the
    downloads of exactly the plotted table, and the table itself.

    ``deps``: a repr-stable value naming everything ``build`` depends on apart
    from the controls' values (usually the filters plus page selections). When
    given, the built chart is cached, so a rerun that changes nothing for this
    card costs almost nothing."""
    with st.container(border=True, key=f"card-{key}"):
        st.markdown(f"#### {title}")
        if caption:
            st.caption(caption)
        params = controls() if controls else {}
        flush_fragment_url()
        df, fig = build_chart(key, build, params, deps)
        if df is None or df.empty or fig is None:
            st.info(empty_msg)
            return
        st.plotly_chart(fig, config=PLOT_CONFIG, key=f"{key}_fig", width="stretch")
        download_row(df, ctx, key, title)
        if show_table:
            with st.expander(f"数据表（{len(df)} 行）"):
                st.dataframe(df, hide_index=True, width="stretch")


@st.fragment
def table_card(key: str, title: str, ctx: PageContext, build: Callable[[dict[str, Any]], pd.DataFrame], *,
               controls: Callable[[], dict[str, Any]] | None = None, caption: str | None = None,
               empty_msg: str = "当前筛选下没有记录。", column_config: dict | None = None,
               total: int | Callable[[dict[str, Any]], int] | None = None,
               full: Callable[[dict[str, Any]], pd.DataFrame] | None = None) -> None:
    """A table with downloads. ``total`` and ``full`` (functions of the controls' values, like
    ``build``; ``total`` may also be a number): ``build`` gives only the first rows of ``total``;
    the page says so and the downloads fetch ``full(params)``, all of them."""
    with st.container(border=True, key=f"card-{key}"):
        st.markdown(f"#### {title}")
        if caption:
            st.caption(caption)
        params = controls() if controls else {}
        flush_fragment_url()
        df = build(params)
        if df is None or df.empty:
            st.info(empty_msg)
            return
        if callable(total):
            total = total(params)
        if total is not None and total > len(df):
            st.caption(f"显示前 {len(df):,} 条，共 {total:,} 条；下载包含全部 {total:,} 条。")
        st.dataframe(df, hide_index=True, width="stretch", column_config=column_config)
        more = full is not None and total is not None and total > len(df)
        download_row(df, ctx, key, title, full=(lambda: full(params)) if more else None)


#: rows above which the whole filtered dataset is not built in the dashboard's memory for a
#: download (about 1 GB of tables at ~1 KB a row): the command line writes it instead
DATASET_DOWNLOAD_MAX_ROWS = 1_000_000


#: the full-dataset download's two forms: Chinese headers and labels, or the database's codes
DATASET_LABELS = {"zh": "中文", "codes": "代码（供程序读取）"}


def dataset_download(ctx: PageContext) -> None:
    """Download of the whole filtered dataset (every fact table, no full text), in Chinese or in
    the database's codes (:data:`DATASET_LABELS`)."""
    with st.container(border=True, key="card-dataset"):
        st.markdown("#### 下载筛选后的完整数据")
        st.caption("文档元数据、数字目标、提纲、声明数量、提法、关键词（各一张表，不含全文），以及说明各列含义与代码取值的 codebook（列说明）。")
        readable = st.radio(
            "表头与取值", list(DATASET_LABELS), format_func=DATASET_LABELS.get, horizontal=True, key="ds_labels",
            help="中文：中文表名、列名，代码写作中文（完成、以上/不低于、地区生产总值增速）；"
                 "代码：数据库的列名和代码（achievement、at_least、gdp_growth），供程序读取。"
                 "两种都附 codebook（列说明）；命令行 export 的 --labels zh / codes 与之相同。") == "zh"
        rows = data.query("dataset_rows", ctx.filters)
        if rows > DATASET_DOWNLOAD_MAX_ROWS:
            query = urlencode(ctx.filters.to_query_params(), doseq=True)
            st.info(f"筛选后的数据共 {rows:,} 行，超过网页下载的上限（{DATASET_DOWNLOAD_MAX_ROWS:,} 行）。"
                    "请缩小筛选，或在命令行导出（同样的筛选）：")
            st.code(f'python -m metrics export dataset.zip{" --labels zh" if readable else ""} --url "?{query}"',
                    language="bash")
            return
        # the same 内容 as `python -m metrics export` states; an ASCII file name
        download_row(lambda: data.query("full_dataset", ctx.filters, readable), ctx, "dataset", "筛选后的完整数据",
                     file_stem="speech-metrics-dataset" + ("-zh" if readable else ""))
