"""Undo the line wraps and page numbers of text copied out of a PDF.

A report saved from a PDF keeps the PDF's lines: every line is the page's width, a paragraph
goes on over many lines, and page numbers ("— 12 —") sit between them. Words and figures are
cut in two ("请各位市⏎⏎政协委员", "一 — 1 — 般公共预算收入"), and so are indicator names and
sentences. Some copies turn each line end into a space instead ("发展史上具有里程碑意义的一年，
在全市深 入开展").

:func:`reflow` finds such a text by its lines of equal width and joins a full line to the next
one; a short line, or one that ends a sentence, ends a paragraph. Other texts, one paragraph a
line as scraped from the web, are returned unchanged.

>>> wrapped = "\\n".join(["一、工作回顾", "一年来，全市地区生产总值增长6.4%，一般公共预算收", "入增长7.2%，固定资产投资增长7.2%，规模以上工业增", "加值增长11.8%，社会消费品零售总额增长11.3%，主要", "指标好于预期。", "— 1 —", "二、今年安排"] * 4)
>>> reflow(wrapped).split("\\n")[:3]
['一、工作回顾', '一年来，全市地区生产总值增长6.4%，一般公共预算收入增长7.2%，固定资产投资增长7.2%，规模以上工业增加值增长11.8%，社会消费品零售总额增长11.3%，主要指标好于预期。', '二、今年安排']
>>> reflow("一行一段。\\n第二段。") == "一行一段。\\n第二段。"
True
"""

from __future__ import annotations

import re
from collections import Counter

#: a line holding only a page number: "— 12 —", "- 3 -", "第 4 页", "第4页 共20页"
_PAGE_LINE = re.compile(r"(?m)^[ \t\u3000]*(?:[—－\-–―]{1,2}[ \t\u3000]*\d{1,4}[ \t\u3000]*(?:[—－\-–―]{1,2}|(?=\s*\Z))|第[ \t\u3000]*\d{1,4}[ \t\u3000]*页(?:[ \t\u3000]*[,，/]?[ \t\u3000]*共[ \t\u3000]*\d{1,4}[ \t\u3000]*页)?)[ \t\u3000]*$\n?")
#: a page number left inside a line by a copy that turned line ends into spaces: "一 — 1 — 般"
_PAGE_INLINE = re.compile(r"[ \u3000][—－\-–―][ \u3000]?(\d{1,4})[ \u3000]?[—－\-–―](?=[ \u3000]|$)")
#: a paragraph that opens with a heading: it never continues the line before it
_HEADING = re.compile(r"[ \t\u3000]*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+[，,、部章节]|各位代表|同志们)")
_SENTENCE_END = "。！？!?"
_CJK_OR_DIGIT = re.compile(r"[\u4e00-\u9fff0-9%]")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…·]")
#: a space that a copy put after a figure at a line's start ("2023 年", "139.01 亿元")
_NUMBER_SPACE = re.compile(r"(?<=[\d.%])[ \u3000](?=[\u4e00-\u9fff])")
_CJK_SPACE_CJK = re.compile(r"[\u4e00-\u9fff，、；：“”][ \u3000][\u4e00-\u9fff“”]")

MIN_LINES = 8           # fewer lines: too few to tell a page's width
MIN_FULL_WIDTH = 44     # a page line holds at least 22 Chinese characters
FULL_SHARE = 0.4        # this share of the lines, at least, is of the page's width
PROSE_SHARE = 0.3       # and this share of those holds a comma: running text, not a list
SPACE_WRAPS_PER_1K = 5  # a copy with its line ends turned into spaces: this many per 1,000 characters


def width(line: str) -> int:
    """Display width: a Chinese character or full-width form counts 2, anything else 1.

    >>> width("增长8.1%，")
    10
    """
    return len(line) + len(_CJK.findall(line))


def _page_width(lines: list[str]) -> int | None:
    """The width of a full line when most lines share it and read as running text (a wrapped
    text), else None. A list of items of one length ("推进城东片区老旧小区改造提升工程建设项目" ×22)
    is not: its lines hold no comma."""
    if len(lines) < MIN_LINES:
        return None
    widths = [width(line) for line in lines]
    common = Counter(w // 2 for w in widths if w >= MIN_FULL_WIDTH)
    if not common:
        return None
    full = 2 * common.most_common(1)[0][0]
    near = [line for line, w in zip(lines, widths) if full - 4 <= w <= full + 3]
    prose = sum(1 for line in near if "，" in line or "、" in line or "," in line)
    return full if len(near) >= FULL_SHARE * len(lines) and prose >= PROSE_SHARE * len(near) else None


def _joins(line: str, nxt: str, full: int) -> bool:
    """Whether ``line`` was wrapped into ``nxt``: it fills the page (less a paragraph's indent of two
    characters, and some slack) and ends no sentence."""
    line = line.rstrip(" \t\u3000")
    if width(line) < full - 6 or line[-1:] in _SENTENCE_END or not nxt.strip():
        return False
    # "…增长6.2%，其中⏎一、二、三产业增加值…": a line cut inside a word or a clause goes on, whatever the next
    # line looks like; after a comma or a colon, a heading may start (unless the line is itself one)
    return not _HEADING.match(nxt) or (_CJK_OR_DIGIT.match(line[-1]) is not None and not _HEADING.match(line))


def _reflow_lines(text: str) -> str:
    """Join each wrapped line to the next line of text; everything else is kept as it is."""
    lines = text.split("\n")
    lengths = Counter(len(line) for line in lines if len(line) >= MIN_FULL_WIDTH // 2)
    if not lengths:
        return text
    mode = lengths.most_common(1)[0][0]  # a quick test first: a web text's lines are of any length
    if sum(lengths[n] for n in range(mode - 2, mode + 3)) < FULL_SHARE / 2 * (len(lines) - lines.count("")):
        return text
    body = [i for i, line in enumerate(lines) if line.strip()]
    full = _page_width([lines[i].strip() for i in body])
    if full is None:
        return text
    joined = {prev for prev, cur in zip(body, body[1:]) if _joins(lines[prev].strip(), lines[cur], full)}
    if not joined:
        return text
    out, glue = [], False
    for i, line in enumerate(lines):
        if glue and not line.strip():
            continue  # the blank lines between a wrapped line and its continuation
        out.append(line.lstrip(" \t\u3000") if glue else line)
        if i in joined:
            out[-1] = out[-1].rstrip(" \t\u3000")
        glue = i in joined or (glue and not line.strip())
        out.append("" if glue else "\n")
    return "".join(out[:-1])


def _reflow_spaces(line: str) -> str:
    """A one-line copy whose line ends became spaces: each space joins or breaks a paragraph."""
    if len(_CJK_SPACE_CJK.findall(line)) * 1000 < SPACE_WRAPS_PER_1K * len(line):
        return line
    line = _NUMBER_SPACE.sub("", line)
    parts = [p for p in re.split(r"[ \u3000]+", line) if p]
    full = _page_width(parts)
    if full is None:
        return line
    out = [parts[0]]
    for prev, cur in zip(parts, parts[1:]):
        if _joins(prev, cur, full):
            out[-1] += cur
        else:
            out.append(cur)
    return "\n".join(out)


def _drop_inline_pages(text: str) -> str:
    """Remove page numbers inside lines when there are several, numbered in order."""
    found = list(_PAGE_INLINE.finditer(text))
    numbers = [int(m.group(1)) for m in found]
    if len(found) < 2 or numbers != sorted(numbers):
        return text
    return _PAGE_INLINE.sub("", text)


def reflow(text: str) -> str:
    """Join the lines of a PDF copy into paragraphs and drop its page numbers.

    A text with no page-width lines is returned as it is (the same object).

    >>> spaced = " ".join(["全市上下深入学习贯彻党的二十大精神，奋力推动老工", "业基地转型振兴，新增企业1648家、总数达到53.7", "万户，迈出坚实步伐。"] * 12)
    >>> reflow(spaced).split("\\n")[0]
    '全市上下深入学习贯彻党的二十大精神，奋力推动老工业基地转型振兴，新增企业1648家、总数达到53.7万户，迈出坚实步伐。'
    """
    pages = len(_PAGE_LINE.findall(text))
    lines = text.count("\n") + 1
    if pages < 2 and lines < MIN_LINES and " " not in text and "\u3000" not in text:
        return text
    out = _PAGE_LINE.sub("", text) if pages >= 2 else text
    out = _reflow_lines(out)
    if out.count("\n") * 200 < len(out):  # a few very long lines: line ends may be spaces
        out = "\n".join(_reflow_spaces(_drop_inline_pages(line)) for line in out.split("\n"))
    return text if out == text else out
