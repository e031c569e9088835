"""Pure HTML rendering of a document with highlighted spans.

The document text is untrusted: every character goes through
``html.escape`` before it is wrapped in our own ``<span>`` elements, so
``<script>``, HTML, Markdown and ``javascript:`` links show as plain text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

# kind -> (label, background, border)
STYLES: dict[str, tuple[str, str, str]] = {
    "target": ("数字目标（句）", "#fdebd0", "#e59866"),
    "value": ("数值", "#f5b7b1", "#c0392b"),
    "task": ("任务提纲", "#d6eaf8", "#2874a6"),
    "declared": ("声明数量", "#e8daef", "#7d3c98"),
    "slogan": ("提法", "#d5f5e3", "#229954"),
    "phrase": ("检索短语", "#fff59d", "#b7950b"),
    "shared": ("共同段落", "#e5e8e8", "#5d6d7e"),
}
#: the selected item's ground and underline
SELECTED = ("#fcf3cf", "#f1c40f")
# later kinds are drawn on top (class order in CSS)
PRIORITY = ["shared", "target", "task", "declared", "slogan", "value", "phrase"]
#: kinds in the legend only while the page shows some (a searched phrase, a compared document)
OPTIONAL = ("phrase", "shared")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    item: str  # stable id, e.g. "target:3"
    note: str = ""


def css() -> str:
    rules = [
        ".sm-doc{white-space:pre-wrap;line-height:1.9;font-size:15px;max-height:70vh;overflow-y:auto;"
        "padding:12px 16px;border:1px solid #ddd;border-radius:8px;background:#fff;"
        "font-family:'Noto Serif CJK SC','Noto Sans CJK SC','Microsoft YaHei','PingFang SC',serif;"
        "overflow-wrap:anywhere}",
        ".sm-doc span{border-radius:3px}",
        ".sm-legend span{display:inline-block;padding:1px 8px;margin:0 6px 4px 0;border-radius:4px;font-size:13px}",
    ]
    for kind in PRIORITY:
        _, bg, border = STYLES[kind]
        rules.append(f".sm-doc .hl-{kind}{{background:{bg};box-shadow:inset 0 -2px 0 {border}}}")
    # The selected item: a yellow ground and a thick yellow underline, no outline. Its text is many
    # spans side by side (one per stretch of overlapping highlights), and an outline boxes each one:
    # the box edges between two stretches fell on the figure, and on a phone "6%左右" read "5%左右"
    # (QA pass 16), or boxes overlapped across a line wrap (凉山's 保8争9, QA pass 15).
    rules.append(f".sm-doc .hl-sel{{background:{SELECTED[0]};box-shadow:inset 0 -3px 0 {SELECTED[1]}}}")
    # in a selected sentence the other figures keep their colour, and the selected one is inverted
    _, value_bg, value_border = STYLES["value"]
    rules.append(f".sm-doc .hl-sel.hl-value{{background:{value_bg}}}")
    rules.append(f".sm-doc .hl-selv,.sm-doc .hl-sel.hl-selv{{background:{value_border};color:#fff;font-weight:700;"
                 "box-shadow:none}")
    return "<style>" + "".join(rules) + "</style>"


def legend_html(counts: dict[str, int] | None = None) -> str:
    parts = []
    for kind in ["target", "value", "task", "declared", "slogan", "phrase", "shared"]:
        if kind in OPTIONAL and not (counts or {}).get(kind):
            continue
        label, bg, border = STYLES[kind]
        n = "" if counts is None else f" {counts.get(kind, 0)}"
        parts.append(f'<span style="background:{bg};border-bottom:2px solid {border}">{html.escape(label)}{n}</span>')
    parts.append(f'<span style="background:{SELECTED[0]};border-bottom:3px solid {SELECTED[1]}">已选条目</span>')
    return '<div class="sm-legend">' + "".join(parts) + "</div>"


def highlight_html(text: str, spans: list[Span], selected: str | None = None) -> str:
    """Escaped text with every span wrapped; the selected item gets ``hl-sel``
    and its first segment ``id="sm-sel"``."""
    n = len(text)
    clean = [s for s in spans if 0 <= s.start < s.end <= n and s.kind in STYLES]
    bounds = sorted({0, n, *(s.start for s in clean), *(s.end for s in clean)})
    out = ['<div class="sm-doc">']
    sel_anchor_done = False
    # sweep: for each elementary segment, the covering spans
    starts: dict[int, list[Span]] = {}
    for s in clean:
        starts.setdefault(s.start, []).append(s)
    active: list[Span] = []
    for a, b in zip(bounds, bounds[1:]):
        active = [s for s in active if s.end > a] + starts.get(a, [])
        seg = html.escape(text[a:b], quote=True)
        if not active:
            out.append(seg)
            continue
        kinds = sorted({s.kind for s in active}, key=PRIORITY.index)
        classes = [f"hl-{k}" for k in kinds]
        is_sel = selected is not None and any(s.item == selected for s in active)
        if is_sel:
            classes.append("hl-sel")
            if any(s.item == selected and s.kind == "value" for s in active):
                classes.append("hl-selv")  # the figure itself, when its sentence holds several
        notes = "；".join(dict.fromkeys(s.note for s in active if s.note))
        attrs = f' class="{" ".join(classes)}"'
        if notes:
            attrs += f' title="{html.escape(notes, quote=True)}"'
        if is_sel and not sel_anchor_done:
            attrs += ' id="sm-sel"'
            sel_anchor_done = True
        items = " ".join(sorted({s.item for s in active}))
        attrs += f' data-items="{html.escape(items, quote=True)}"'
        out.append(f"<span{attrs}>{seg}</span>")
    out.append("</div>")
    return "".join(out)


# "n++<30" was dropped whole by Streamlit's HTML sanitiser ("<3" read as markup): a spaced "<" is kept
SCROLL_SCRIPT = (
    "<script>(function(){var n=0;function go(){var el=document.getElementById('sm-sel');"
    "var box=el&&el.closest('.sm-doc');"
    "if(el&&box){box.scrollTop+=el.getBoundingClientRect().top-box.getBoundingClientRect().top-box.clientHeight/3;"
    "box.setAttribute('data-scrolled','1');}else if(n < 30){n+=1;setTimeout(go,100);}}setTimeout(go,50);})();</script>"
)
