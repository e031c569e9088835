"""单篇文档 — metadata, outline and the full text with every target, task and
slogan highlighted. Picking a row in a table marks and scrolls to it."""

from __future__ import annotations

import bisect
import html

import pandas as pd
import streamlit as st

from metrics import charts, passages, phrases
from metrics.filters import doc_type_label, level_label, year_source_label
from metrics.ui import data
from metrics.dedup import RULE_ZH
from metrics.ui.queries import SIMILAR_MIN
from metrics.ui.highlight import SCROLL_SCRIPT, Span, css, highlight_html, legend_html
from metrics.codebook import SLOGAN_KINDS, codebook, readable_frame, table_label
from metrics.ui.widgets import download_row, link_value, md_escape, open_link, page_context, set_link, url_write

SEL = "doc_sel"
VALUE_LABELS = {**charts.QUALIFIER_LABELS, **charts.KIND_LABELS, **SLOGAN_KINDS}
COLUMN_NAMES = {
    "indicator": "指标", "value": "数值", "low": "下限", "high": "上限", "unit": "单位", "qualifier": "限定", "kind": "类型",
    "sentence": "原句", "outline_level": "层级", "marker": "序号", "heading": "标题", "text": "提法",
    "start": "位置", "phrase": "原文", "n": "声明", "found": "实际", "mismatch": "不符", "page": "页",
}
#: column widths (px) of 单篇文档's number table: all four before 原句 in view at 1024 px
NARROW = {"页": 36, "类型": 44, "指标": 112, "数值": 100}
TABLES = {  # key -> (tab label, item prefix); short labels: all four tabs in view at 1024 px
    "doc_t_targets": ("数字", "target"),
    "doc_t_outline": ("提纲", "task"),
    "doc_t_slogans": ("提法", "slogan"),
    "doc_t_declared": ("声明", "declared"),
}


def _on_select(widget_key: str, table: str) -> None:
    """A row picked in the table ``table`` (its widget ``widget_key``) becomes the selection."""
    state = st.session_state.get(widget_key)
    rows = list(getattr(getattr(state, "selection", None), "rows", []) or []) if state is not None else []
    if not rows and isinstance(state, dict):
        rows = list(state.get("selection", {}).get("rows", []))
    st.session_state[SEL] = (table, rows[0]) if rows else None


def _table_key(*parts: str) -> str:
    """A table widget's key per document (and compared document): another one starts unticked."""
    return "-".join(parts)


def render() -> None:
    st.title("单篇文档")
    ctx = page_context(keep=("doc", "hl", "item"))
    if ctx is None:
        return
    docs = data.query("documents", ctx.filters)
    labels = charts.doc_labels(docs)
    options = docs["doc_id"].tolist()
    label_of = dict(zip(docs["doc_id"], labels))
    first = options[0]  # the page's default document: not written to the URL
    shown = st.query_params.get("doc")
    if shown and shown not in options and (extra := data.query("document", shown)) is not None:
        # a link to a document outside the current filters: offered as well
        options = [shown, *options]
        twin = " · 近似重复（不计入）" if extra.get("duplicate_of") else ""
        label_of[shown] = (f"{extra.get('region_label')} {extra.get('year') or ''} · "
                           f"{extra.get('title') or extra.get('file_name') or ''}{twin}")
    ss = st.session_state
    wanted = link_value("doc", "doc_pick")
    if wanted and wanted not in options:
        st.warning(f"链接中的文档「{md_escape(wanted)}」不在数据库中（可能已被重新构建或删除），改为显示第一篇。")
    if wanted in options:
        ss["doc_pick"] = wanted
    elif ss.get("doc_pick") not in options:
        ss["doc_pick"] = options[0]
    doc_id = st.selectbox("文档", options, key="doc_pick", format_func=lambda d: label_of.get(d, d))
    set_link("doc", "doc_pick", doc_id, omit=first)
    item = st.query_params.get("item")  # the figure or declaration a link points at
    if st.session_state.get("_doc_last") != doc_id:  # new document → forget the selection
        st.session_state[SEL] = None
        st.session_state["_doc_last"] = doc_id
        if item and wanted != doc_id:  # another document picked: the link's item is not in it
            url_write("item", None)
            item = None
    doc = data.query("document", doc_id)
    if doc is None:
        st.warning("该文档已不在数据库中。")
        return

    n_chars = f"{int(doc['n_chars']):,}" if _s(doc.get("n_chars")) else ""  # "10,854"
    st.markdown(f"### {md_escape(doc.get('title') or doc.get('file_name'))}")
    st.caption(md_escape(" · ".join(dict.fromkeys(x for x in [
        doc.get("region_label"), level_label(doc.get("level")), doc_type_label(doc.get("doc_type")),
        f"{_s(doc.get('year'))}年（{year_source_label(doc.get('year_source'))}）" if doc.get("year") else "年份未知",
        " ".join(x for x in [_s(doc.get("speaker")), _s(doc.get("speaker_role"))] if x),
        f"{n_chars} 字" if n_chars else "", f"文件 {doc.get('file_name') or ''}"] if x))))
    twins = data.query("doc_twins", doc_id)
    twin_note = ""
    if not twins.empty:
        named = [f"[{md_escape(r.file_name)}]({charts.doc_link(r.doc_id)})" for r in twins.itertuples(index=False)]
        ticked = ctx.filters.duplicates
        if doc.get("duplicate_of"):
            twin_note = f"是 {twins['file_name'].iloc[0]} 的近似重复（相似度 {doc.get('dup_similarity'):.2f}）"
            st.info(f"本文是 {named[0]} 的近似重复（文字相似度 {doc.get('dup_similarity'):.2f}，同年同地区），"
                    + ("当前已勾选「包括近似重复的文档」，本文计入统计和图表。" if ticked else
                       "默认不计入统计、图表和下载；在左侧勾选「包括近似重复的文档」可计入。")
                    + (f"同组另有：{'、'.join(named[1:])}。" if len(named) > 1 else ""))
        else:
            twin_note = f"计入；近似重复 {'、'.join(twins['file_name'])} 默认不计入"
            st.info(f"本文有 {len(named)} 份近似重复（同一文档的另一份文件）：{'、'.join(named)}。"
                    + ("当前已勾选「包括近似重复的文档」，它们也计入。" if ticked else
                       "统计和图表只计本篇；在左侧勾选「包括近似重复的文档」可全部计入。"))
    pages = data.query("doc_pages", doc_id)  # a PDF's printed pages (empty for other formats)
    meta = pd.DataFrame([
        ("标题", _s(doc.get("title")) or "—"), ("地区", doc.get("region_label")), ("层级", level_label(doc.get("level"))),
        ("类型", doc_type_label(doc.get("doc_type"))), ("年份", _s(doc.get("year"))),
        ("年份来源", year_source_label(doc.get("year_source"))), ("日期", _s(doc.get("date"))[:10]),
        ("讲话人", " ".join(x for x in [_s(doc.get("speaker")), _s(doc.get("speaker_role"))] if x)),
        ("文件", doc.get("source")), ("格式 / 编码", f"{doc.get('file_format')}{f'（{len(pages)} 页）' if pages else ''} / "
                          f"{_s(doc.get('encoding')) or '—（非纯文本文件）'}"),
        ("字数", n_chars), ("一级部分 / 列举事项",
                                          f"{doc.get('top_level_sections')} / {doc.get('enumerated_items')}"),
        ("声明不符", _s(doc.get("declared_mismatches"))), ("近似重复", twin_note or "无"),
        ("规则版本", doc.get("rules_version")), ("文档ID", doc_id),
    ], columns=["字段", "值"]).astype({"值": "str"})

    tg = data.query("doc_targets", doc_id)
    ol = data.query("doc_outline", doc_id)
    mn = data.query("doc_mentions", doc_id)
    dc = data.query("doc_declared", doc_id)
    frames = {"doc_t_targets": tg, "doc_t_outline": ol, "doc_t_slogans": mn, "doc_t_declared": dc}

    spans: list[Span] = []
    for r in tg.itertuples(index=False):
        note = f"{r.indicator} {charts.written_value(r.low, r.high, r.unit, r.qualifier)}"  # "6%左右", as written
        spans.append(Span(int(r.start), int(r.end), "target", f"target:{r.idx}", note))
        spans.append(Span(int(r.value_start), int(r.value_end), "value", f"target:{r.idx}", note))
    for r in ol.itertuples(index=False):
        spans.append(Span(int(r.start), int(r.end), "task", f"task:{r.idx}", f"第{r.outline_level}级 {r.marker}"))
    for i, r in enumerate(mn.itertuples(index=False)):
        spans.append(Span(int(r.start), int(r.end), "slogan", f"slogan:{i}", f"提法：{r.text}"))
    for r in dc.itertuples(index=False):
        spans.append(Span(int(r.start), int(r.end), "declared", f"declared:{r.idx}",
                          f"声明 {r.n}，实际 {r.found if pd.notna(r.found) else '?'}"))
    text = str(doc.get("text") or "")
    hl = _phrase_input()
    if hl:
        counted = mn.loc[mn["text"] == hl]
        places, written = phrases.marked_places(text, hl, list(zip(counted["start"], counted["end"])))
        found = [Span(s, e, "phrase", f"phrase:{i}", f"检索：{hl}") for i, (s, e) in enumerate(places)]
        spans.extend(found)
        if not counted.empty:
            kind = SLOGAN_KINDS.get(counted["kind"].iloc[0], "提法")
            st.caption(f"「{md_escape(hl)}」是本文的{kind}，按提法的计数规则出现 {len(found)} 次（黄色标出），"
                       "与提法表一致" + (f"；逐字共写了 {written} 处，其余在更长的名称或提法之中，不计。"
                                        if written > len(found) else "。"))
        else:
            st.caption(f"「{md_escape(hl)}」在本文出现 {len(found)} 次（黄色标出）。" if found
                       else f"本文中没有「{md_escape(hl)}」。")

    selected = None
    sel = st.session_state.get(SEL)
    if sel:
        key, row = sel
        frame = frames.get(key)
        if frame is not None and 0 <= row < len(frame):
            prefix = TABLES[key][1]
            ident = row if prefix == "slogan" else frame.iloc[row]["idx"]
            selected = f"{prefix}:{ident}"
            # the address names the row picked (QA pass 17: a copied link opened the item linked
            # before); a 提法 row has no stable id, so it names none
            if (want := None if prefix == "slogan" else selected) != item:
                url_write("item", want)
    if selected is None and item and any(sp.item == item for sp in spans):
        selected = item  # a link to one figure (?item=target:3): its own place, not the sentence's first
    elif item and not any(sp.item == item for sp in spans):
        # (a link made before a rebuild with other rules, or edited by hand)
        st.warning(f"链接所指的条目「{md_escape(item[:40])}」不在本文中（数据库可能已按新规则重建）；"
                   + ("下面标出检索短语的第一处。" if hl else "下面显示全文。"))
    if selected is None and any(sp.kind == "phrase" for sp in spans):
        selected = "phrase:0"  # a link with a phrase to mark (?hl=): show and scroll to its first place

    with st.expander(f"全部元数据（{len(meta)} 项）"):
        st.dataframe(meta, hide_index=True, width="stretch", height=(len(meta) + 1) * 35 + 3,
                     column_config={"字段": st.column_config.TextColumn(width="small")})
    similar = data.query("similar_docs", doc_id)
    with st.expander(f"相似文档（{len(similar)} 篇）"):
        st.caption("全库中与本文文字最相近的文档（任何地区、年份）。相似度：两文 5 字片段的重合比例（Jaccard 估计），"
                   f"只列 {SIMILAR_MIN} 以上的前 10 篇。同一地区历年的报告常有 0.05–0.3 的重合（沿用的段落）；"
                   f"另一地区的高相似度可能是套用模板或抄袭；{RULE_ZH}的视为同一文档的近似重复。")
        if similar.empty:
            st.info(f"没有相似度在 {SIMILAR_MIN} 以上的文档。")
        else:
            view = pd.DataFrame({  # the link third and the title last: in view on a narrow screen
                "地区": similar["region"], "年份": _whole_or_dash(similar["year"]),
                "原文": similar["doc_id"].map(charts.doc_link),
                "相似度": similar["similarity"], "类型": similar["doc_type"].map(doc_type_label),
                "近似重复": similar["duplicate_of"].notna().map({True: "是（不计入）", False: ""}), "标题": similar["title"]})
            st.dataframe(view, hide_index=True, width="stretch", column_config={
                "原文": open_link("原文"), "相似度": st.column_config.NumberColumn(format="%.2f")})
            selected = _shared_passages(ctx, doc_id, similar, spans, selected)
    left, right = st.columns([1, 1], gap="medium")
    with left:
        tabs = st.tabs([f"{TABLES[k][0]} {len(frames[k])}" for k in TABLES])
        show = {
            "doc_t_targets": ["kind", "indicator", "value", "sentence"],
            "doc_t_outline": ["outline_level", "marker", "heading"],
            "doc_t_slogans": ["text", "kind", "start"],
            "doc_t_declared": ["phrase", "n", "found", "mismatch"],
        }
        for tab, key in zip(tabs, TABLES):
            with tab:
                frame = frames[key]
                if frame.empty:
                    st.info("本文档没有此类条目。")
                    continue
                if key == "doc_t_targets":  # one 数值 column, as written ("126万亿元以上"): the sentence stays in view
                    frame = frame.assign(value=[charts.written_value(lo, hi, u, q) for lo, hi, u, q in
                                                zip(frame["low"], frame["high"], frame["unit"], frame["qualifier"])])
                if key == "doc_t_declared":  # no list found after it: "—", not Streamlit's grey "None"
                    frame = frame.assign(found=_whole_or_dash(frame["found"]))
                if pages:  # a PDF: each item's page in the original, first
                    frame = frame.assign(page=page_numbers(pages, frame["start"]))
                view = frame[(["page"] if pages else []) + show[key]].rename(columns=COLUMN_NAMES)
                for col in ("限定", "类型"):
                    if col in view:
                        view[col] = view[col].map(lambda v: VALUE_LABELS.get(v, v))
                st.dataframe(view, hide_index=True, width="stretch", key=_table_key(key, doc_id),
                             on_select=lambda k=key: _on_select(_table_key(k, doc_id), k), selection_mode="single-row",
                             height=320,
                             # narrow code columns: 类型 and 数值 (with its 以上/左右) stay in view beside 指标 at 1024 px
                             column_config={"原文": st.column_config.TextColumn(width="medium"),
                                            **{c: st.column_config.TextColumn(width=w) for c, w in NARROW.items()}})
        st.caption("在表格中选中一行，右侧全文会标出并滚动到该条目。")
        with st.container(key="card-doc-facts"):
            # every column and code explained, as in the full dataset (sheet names as on the tabs)
            facts = {"数字": ("targets", tg), "提纲": ("outline", ol), "提法命中": ("slogan_mentions", mn),
                     "声明数量": ("declared_counts", dc)}
            book = codebook({table: df for table, df in facts.values()})
            book["表"] = book["表"].map({table: name for name, (table, _) in facts.items()})
            # in Chinese, as the full dataset's 中文 download (the codebook gives each column's code name)
            download_row({"元数据": meta, **{name: readable_frame(table, df) for name, (table, df) in facts.items()},
                          table_label("codebook"): book}, ctx, "doc_dl", f"document-{doc_id}")
    with right:
        counts = {"target": len(tg), "value": len(tg), "task": len(ol), "declared": len(dc), "slogan": len(mn),
                  "phrase": sum(sp.kind == "phrase" for sp in spans), "shared": sum(sp.kind == "shared" for sp in spans)}
        if selected:
            st.html(css() + _excerpt_html(text, spans, selected, pages=pages))
        a, b = _text_window(doc_id, text, spans, selected)
        shown = [Span(max(sp.start, a) - a, min(sp.end, b) - a, sp.kind, sp.item, sp.note) for sp in spans
                 if sp.start < b and sp.end > a] if (a, b) != (0, len(text)) else spans
        body = css() + legend_html(counts) + highlight_html(text[a:b], shown, selected)
        if selected:
            # Our own fixed script (the document text is escaped, so it carries no markup). It
            # lives in the same element as the text: it runs whenever that HTML is (re)applied,
            # after the marked span exists, and scrolls it into view.
            st.html(body + SCROLL_SCRIPT, unsafe_allow_javascript=True)
        else:
            st.html(body)


SHARED_TABLE = "doc_shared"

#: the full text is drawn whole up to this many characters, a longer one a part of this length at a
#: time (QA pass 16: a text of 10 million characters, 124,422 figures, took 45 s to draw)
TEXT_PART = 200_000


def part_bounds(text: str, part: int = TEXT_PART) -> list[int]:
    """Where the parts of a long text start, and its end: every ``part`` characters, moved on to the
    next paragraph's start within a tenth of a part, so no sentence is cut in two (QA pass 17: a
    figure at the cut was missing from both parts).

    >>> part_bounds("甲乙丙\\n丁戊己庚\\n辛", 4)
    [0, 4, 9, 10]
    """
    bounds = [0]
    for at in range(part, len(text), part):
        brk = text.find("\n", at - 1, at + max(1, part // 10))
        at = brk + 1 if brk >= 0 else at
        if bounds[-1] < at < len(text):
            bounds.append(at)
    return bounds + [len(text)]


def _text_window(doc_id: str, text: str, spans: list[Span], selected: str | None) -> tuple[int, int]:
    """The stretch of the text to draw: all of it, or the part the reader picks (the selected
    item's part whenever the selection changes)."""
    n = len(text)
    if n <= TEXT_PART:
        return 0, n
    bounds = part_bounds(text)
    key, seen = f"doc_part_{doc_id}", f"_doc_part_sel_{doc_id}"
    at = min((sp.start for sp in spans if sp.item == selected), default=None)
    if at is not None and st.session_state.get(seen) != selected:
        st.session_state[key] = bisect.bisect_right(bounds, at) - 1  # follow a new selection to its part
    st.session_state[seen] = selected
    part = st.selectbox(f"全文共 {n:,} 字，分 {len(bounds) - 1} 段显示", range(len(bounds) - 1), key=key,
                        format_func=lambda k: f"第 {bounds[k] + 1:,}–{bounds[k + 1]:,} 字")
    return bounds[part], bounds[part + 1]


def _shared_passages(ctx, doc_id: str, similar: pd.DataFrame, spans: list[Span], selected: str | None) -> str | None:
    """共同段落: the passages this document shares with one of its similar documents, listed,
    downloadable and marked in the full text (spans added); a picked row is the selected item."""
    st.markdown("**共同段落**")
    labels = {r.doc_id: f"{r.region} {'' if pd.isna(r.year) else int(r.year)} · {r.title}（相似度 {r.similarity:.2f}）"
              for r in similar.itertuples(index=False)}
    other = st.selectbox("与哪一篇比较", list(labels), format_func=labels.get, key=f"doc_shared_with_{doc_id}")
    if st.session_state.get("_shared_last") != other:  # another document → forget the picked passage
        if _picked_shared() is not None:
            st.session_state[SEL] = None
            selected = None
        st.session_state["_shared_last"] = other
    shared = data.query("shared_passages", doc_id, other)
    if shared is None:
        st.warning("所选文档已不在数据库中。")
        return selected
    found = shared["passages"]
    st.caption(f"本文 {shared['share']:.0%} 的文字（{shared['shared']:,} / {shared['counted']:,} 字）见于所选文档，"
               f"所选文档 {shared['other_share']:.0%}（{shared['other_shared']:,} / {shared['other_counted']:,} 字）见于本文"
               f"（只计汉字、数字和字母；连续 {passages.SHINGLE} 字相同算作相同）。下表列出 {len(found)} 段"
               f"共有 {passages.MIN_CHARS} 字以上的段落，段内个别数字或字词可以不同；选中一行，右侧全文标出并滚动到该段。")
    if found.empty:
        st.info(f"两篇没有 {passages.MIN_CHARS} 字以上的共同段落。")
        return selected
    mark = st.toggle("在右侧全文中标出全部共同段落", key="doc_shared_mark")
    for i, r in enumerate(found.itertuples(index=False)):
        if mark or _picked_shared() == i:
            spans.append(Span(int(r.start), int(r.end), "shared", f"shared:{i}", f"共同段落 {i + 1}（{r.chars} 字）"))
    view = pd.DataFrame({"位置": found["start"], "共同字数": found["chars"], "本文": found["text"],
                         "所选文档": found["other_text"]})
    widget = _table_key(SHARED_TABLE, doc_id, other)
    st.dataframe(view, hide_index=True, width="stretch", key=widget, height=min(320, (len(view) + 1) * 35 + 3),
                 on_select=lambda: _on_select(widget, SHARED_TABLE), selection_mode="single-row",
                 column_config={"位置": st.column_config.NumberColumn(width="small"),  # all in view at 1024 px
                                "共同字数": st.column_config.NumberColumn(width="small"),
                                "本文": st.column_config.TextColumn(width=240),
                                "所选文档": st.column_config.TextColumn(width=240)})
    row = _picked_shared()
    if row is not None and row < len(found):
        r = found.iloc[row]
        st.html(css() + f'<div style="font-size:13px;color:#666;margin:0 0 4px">所选文档中的对应段落（第 {int(r.other_start) + 1} 字起，'
                f'<a href="{html.escape(charts.doc_link(other), quote=True)}" target="_self">打开所选文档</a>）</div>'
                + highlight_html(r.other_text, [Span(0, len(r.other_text), "shared", "shared:other")]).replace(
                    '<div class="sm-doc">', '<div class="sm-doc sm-excerpt" style="max-height:12em">', 1))
    # the table as shown, with each passage's end and the other document's places and id
    download_row(pd.DataFrame({
        "位置": found["start"], "结束": found["end"], "共同字数": found["chars"], "本文": found["text"],
        "所选文档位置": found["other_start"], "所选文档结束": found["other_end"], "所选文档": found["other_text"],
        "所选文档ID": other}), ctx, "doc_shared_dl", f"shared-{doc_id}-{other}")
    return f"shared:{row}" if row is not None and row < len(found) else selected


def _picked_shared() -> int | None:
    sel = st.session_state.get(SEL)
    return sel[1] if sel and sel[0] == SHARED_TABLE else None


#: longest phrase to mark: 原文证据's links (数字目标) mark a whole sentence (its start, if longer)
HL_MAX = 200


def _phrase_input() -> str:
    """A phrase to mark in the text, bound to the URL parameter ``hl`` (the 提法 page links here)."""
    if wanted := link_value("hl", "doc_hl", empty=""):
        st.session_state["doc_hl"] = wanted[:HL_MAX]
    # (written half-width: ＧＤＰ typed with a Chinese input method is GDP, which matches both widths)
    hl = phrases.narrow(" ".join(st.text_input("在本文中检索短语", key="doc_hl", max_chars=HL_MAX,
                                               placeholder="如：高质量发展").split()))
    set_link("hl", "doc_hl", hl)
    return hl


def page_numbers(pages: tuple[int, ...], offsets) -> list[int]:
    """The printed page (from 1) of each offset of a PDF's text, ``pages`` being where each starts.

    >>> page_numbers((0, 592, 1237), [0, 591, 592, 5000])
    [1, 1, 2, 3]
    """
    return [max(1, bisect.bisect_right(pages, int(o))) for o in offsets]


def _excerpt_html(text: str, spans: list[Span], selected: str, context: int = 120,
                  pages: tuple[int, ...] = ()) -> str:
    """The selected item with some context, above the full text: visible at once,
    whether or not the browser scrolls the full text to it."""
    mine = [sp for sp in spans if sp.item == selected]
    if not mine:
        return ""
    a = max(0, min(sp.start for sp in mine) - context)
    b = min(len(text), max(sp.end for sp in mine) + context)
    local = [Span(sp.start - a, sp.end - a, sp.kind, sp.item, sp.note) for sp in spans
             if sp.start >= a and sp.end <= b]
    inner = highlight_html(text[a:b], local, selected).replace(' id="sm-sel"', "")
    inner = inner.replace('<div class="sm-doc">', '<div class="sm-doc sm-excerpt" style="max-height:none">', 1)
    first = min(sp.start for sp in mine)
    pos = f"第 {first + 1} 字起"  # counted from 1, as a reader counts
    if pages:  # a PDF: the page to look it up on
        pos = f"原文第 {page_numbers(pages, [first])[0]} 页 · {pos}"
    values = [sp for sp in mine if sp.kind == "value"]
    if values and values[0].note:  # which figure of the sentence ("三次产业增加值分别增长3%、7%、7%")
        pos += f" · {html.escape(values[0].note)}"
    return (f'<div style="font-size:13px;color:#666;margin:0 0 4px">已选条目（{pos}，前后各约 {context} 字）</div>'
            + ("…" if a > 0 else "") + inner)


def _whole_or_dash(values: pd.Series) -> pd.Series:
    """Whole numbers as text, a missing one as "—" (a table would show Streamlit's grey "None")."""
    return values.map(lambda v: "—" if pd.isna(v) else str(int(v)))


def _s(v) -> str:
    if v is None:
        return ""
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


if __name__ == "__main__":
    render()
