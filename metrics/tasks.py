"""Tasks: the outline of a speech (headings and enumerations) and declared counts.

The outline is built from line-initial headings (一、 (一) 1. (1)) and in-sentence
enumerations (一是/二是, 一要/二要, 第一/第二, 首先/其次). Levels follow the usual
hierarchy of Chinese official documents, compressed to the styles that occur. A
declared count ("讲四点意见", "做到了“五个坚持”") is checked against the run of items
that follows it.

>>> t = "我讲三点意见。\\n一、统一思想\\n要落实。\\n二、突出重点\\n一是抓项目,二是抓招商。\\n三、强化保障\\n"
>>> o = build_outline(t)
>>> [(i.level, i.marker) for i in o]
[(1, '一、'), (1, '二、'), (2, '一是'), (2, '二是'), (1, '三、')]
>>> d = find_declared(t, o)
>>> (d[0].n, d[0].found, d[0].mismatch)
(3, 3, False)

A table of contents before the title, and a list quoted from a superior meeting, are not
the speaker's own tasks:

>>> toc = "目录\\n一、总体要求\\n二、重点任务\\n在全县大会上的讲话\\n一、总体要求\\n会议强调,一是稳增长,二是促改革。\\n二、重点任务\\n"
>>> [(i.marker, i.heading) for i in build_outline(toc)]
[('一、', '总体要求'), ('二、', '重点任务')]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from . import fastre
from .lexicon import fixed_formulas
from .quantities import cn_to_number

CN = "一二三四五六七八九十"
_CN_NUM = rf"[{CN}]{{1,3}}"

# style -> (rank in the usual hierarchy, regex). Line-initial styles first.
LINE_STYLES = [
    ("cn_comma", 1, re.compile(rf"^[^\S\n]*(?P<m>(?P<n>{_CN_NUM})[、.．])")),
    ("cn_paren", 2, re.compile(rf"^[^\S\n]*(?P<m>\((?P<n>{_CN_NUM})\))")),
    ("arabic_dot", 3, re.compile(r"^[^\S\n]*(?P<m>(?P<n>\d{1,2})[、.．](?!\d))")),
    ("arabic_paren", 4, re.compile(r"^[^\S\n]*(?P<m>\((?P<n>\d{1,2})\))")),
]
_AFTER_STOP = r"(?:^|(?<=[。!！?？;；:：—]))\s*"
FLAT_STYLES = [
    ("cn_comma", 1, fastre.compile(rf"{_AFTER_STOP}(?P<m>(?P<n>{_CN_NUM})、)")),
    ("cn_paren", 2, fastre.compile(rf"{_AFTER_STOP}(?P<m>\((?P<n>{_CN_NUM})\))")),
]
_CLAUSE_START = r"(?:^|(?<=[。;；:：,，!！?？\n\s”\"]))"
INLINE_STYLES = [
    # 一是/二是 (style yishi) and 一要/二要 (yiyao) in one pass: the style is the matched 是/要
    ("yishi|yiyao", 5, fastre.compile(rf"{_CLAUSE_START}(?P<m>(?P<n>{_CN_NUM})(?P<k>是|要))(?=[^,，。;；]{{2}})")),
    ("diyi", 6, fastre.compile(rf"{_CLAUSE_START}(?P<m>第(?P<n>{_CN_NUM})(?:[,，、:：]|是|要|个方面|方面|点)?)(?=[^,，。;；\d]{{1}})")),
    ("shouxian", 7, fastre.compile(rf"{_CLAUSE_START}(?P<m>(?P<n>首先|其次|再次|最后)[,，:：])")),
    ("circled", 8, re.compile(r"(?P<m>(?P<n>[①-⑳]))")),
]
_SHOUXIAN_ORD = {"首先": 1, "其次": 2, "再次": 3, "最后": 4}


@dataclass(frozen=True)
class OutlineItem:
    idx: int
    level: int
    style: str
    marker: str
    ordinal: int
    heading: str
    start: int
    end: int
    parent_idx: int | None


#: a declared count's form (Declared.form), as shown and exported
FORM_LABELS = {"follows": "其后列举", "inline": "前文并列"}


@dataclass(frozen=True)
class Declared:
    """A declared count: ``found`` the items counted (None: not checkable); ``form`` "follows" when
    the items come after it ("讲四点意见" → 一、二、三、四、), "inline" when they are listed just
    before it ("推进臭氧污染、柴油货车污染防治和重污染天气消除三大攻坚")."""
    phrase: str
    n: int
    found: int | None
    mismatch: bool
    start: int
    end: int
    form: str = "follows"


def _ordinal(style: str, raw: str) -> int | None:
    if style == "shouxian":
        return _SHOUXIAN_ORD[raw]
    if "①" <= raw <= "⑳":
        return ord(raw) - ord("①") + 1
    if raw.isascii() and raw.isdigit():
        return int(raw)
    v = cn_to_number(raw)
    return int(v) if v else None


def _heading(text: str, start: int) -> tuple[str, int]:
    m = re.compile(r"[。;；!！?？\n]").search(text, start, min(len(text), start + 120))
    end = m.start() if m else min(len(text), start + 60)
    return text[start:end].strip()[:60], end


def _raw_items(text: str) -> list[tuple[int, str, int, str, int, int]]:
    """(start, style, rank, marker, ordinal, heading_end) for every candidate item."""
    items = []
    pos = 0
    heading_lines = set()  # starts of "(四)…" / "四、…" headings at a line start
    for line in text.split("\n"):
        for style, rank, rx in LINE_STYLES:
            m = rx.match(line)
            if m:
                ordinal = _ordinal(style, m.group("n"))
                if ordinal:
                    items.append((pos + m.start("m"), style, rank, m.group("m"), ordinal))
                    if style in ("cn_comma", "cn_paren"):
                        heading_lines.add(pos + m.start("m"))
                break
        pos += len(line) + 1
    if text.count("\n") * 3000 < len(text):
        # line breaks lost in scraping: headings sit after a full stop instead of at a line start
        for style, rank, rx in FLAT_STYLES:
            for m in rx.finditer(text):
                ordinal = _ordinal(style, m.group("n"))
                if ordinal:
                    items.append((m.start("m"), style, rank, m.group("m"), ordinal))
    else:
        items += _glued_headings(text, items)
    for styles, rank, rx in INLINE_STYLES:
        for m in rx.finditer(text):
            style = styles if "|" not in styles else "yishi" if m.group("k") == "是" else "yiyao"
            ordinal = _ordinal(style, m.group("n"))
            if ordinal:
                items.append((m.start("m"), style, rank, m.group("m"), ordinal))
    items.sort()
    # Keep only items that belong to a run: ordinal 1 starts a run; n continues a run of n-1. A
    # heading line may skip a few numbers ("(二)" then "(四)": a scraped text that lost a part).
    kept = []
    last: dict[str, int] = {}
    for start, style, rank, marker, ordinal in items:
        prev = last.get(style)
        # a scraped report that lost its first part heading ("一、2023年工作回顾"): its "二、" line opens the run
        lost_first = ordinal == 2 and prev is None and style == "cn_comma" and start in heading_lines
        if ordinal == 1 or lost_first or (prev is not None and (ordinal == prev + 1 or
                                                                 start in heading_lines and prev < ordinal <= prev + 4)):
            kept.append((start, style, rank, marker, ordinal))
            last[style] = ordinal
    # Group into runs (1, 2, 3 … of one style); a lone "第一" or "一是" is not an enumeration.
    runs: list[list[tuple]] = []
    open_run: dict[str, list] = {}
    for item in kept:
        style, ordinal = item[1], item[4]
        if ordinal == 1 or style not in open_run:
            open_run[style] = [item]
            runs.append(open_run[style])
        else:
            open_run[style].append(item)
    runs = [r for r in runs if len(r) >= 2]
    runs = _drop_table_of_contents(text, runs)
    runs = [r for r in runs if not _quoted_from_superior(text, r)]
    return sorted(item for r in _nest_inline_runs(text, runs) for item in r)


def _nest_inline_runs(text: str, runs: list[list[tuple]]) -> list[list[tuple]]:
    """A 一是 run inside one item of a 一要 run (or the reverse) is one level below it.

    Both styles have the same rank, so without this "一要提高认识…要把握好“三个关系”:一是…三是…
    二要坚定有序" would put the three relations beside the requirements. A run is inside an item
    when it starts after the item and ends before the next item of the item's run (for a last
    item: before the end of its paragraph).
    """
    same_rank = ("yishi", "yiyao")
    out = []
    for run in runs:
        style, first, last = run[0][1], run[0][0], run[-1][0]
        nested = style in same_rank and any(
            outer[0][1] in same_rank and outer[0][1] != style and any(
                item[0] < first and last < (outer[k + 1][0] if k + 1 < len(outer) else _paragraph_end(text, item[0]))
                for k, item in enumerate(outer))
            for outer in runs)
        out.append([(s, st, rank + 0.5, m, o) for s, st, rank, m, o in run] if nested else run)
    return out


#: how far on from a formula its items are looked for, at most: a text with no line breaks (a
#: scraped page run together) is one paragraph, and scanning it to its end from every formula
#: took time in the square of its length (a 10-million-character line: minutes)
PARAGRAPH_SCAN = 3000


def _paragraph_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _scan_end(text: str, pos: int) -> int:
    """Where the paragraph at ``pos`` ends, or ``PARAGRAPH_SCAN`` characters on, whichever is first."""
    end = text.find("\n", pos, pos + PARAGRAPH_SCAN)
    return min(len(text), pos + PARAGRAPH_SCAN) if end < 0 else end


def _glued_headings(text: str, line_items: list[tuple]) -> list[tuple]:
    """Headings glued to the end of the previous paragraph ("…提升2.4个百分点。(三)坚持改革开放",
    马鞍山 2024), kept only where one fills the gap between line headings of its style: (二) on a
    line, then (三) after a full stop, then (四) on a line."""
    out = []
    for style, rank, rx in FLAT_STYLES:
        mine = sorted((it[0], it[4]) for it in line_items if it[1] == style)
        if not any(b[1] == a[1] + 2 for a, b in zip(mine, mine[1:])):
            continue  # no gap to fill: the text is not scanned (most documents)
        starts = [pos for pos, _ in mine]
        for m in rx.finditer(text):
            pos, ordinal = m.start("m"), _ordinal(style, m.group("n"))
            k = bisect.bisect_left(starts, pos)
            if ordinal and 0 < k < len(mine) and starts[k] != pos and mine[k - 1][1] == ordinal - 1 and mine[k][1] == ordinal + 1:
                out.append((pos, style, rank, m.group("m"), ordinal))
    return out


_SUPERIOR_CUE = re.compile(r"(?:会议|大会|中央|国务院|省委|省政府|市委|市政府|总书记|上级|文件|通知|讲话)[^。\n]{0,24}(?:提出|指出|强调|要求|明确|部署|概括)")


def _quoted_from_superior(text: str, run: list[tuple]) -> bool:
    """An in-sentence list that reports what a superior body said ("会议强调,一是…二是…")."""
    if run[0][1] not in ("yishi", "yiyao", "diyi"):
        return False
    start = run[0][0]
    lo = max(text.rfind("。", 0, start), text.rfind("\n", 0, start), start - 40)
    return any(start - m.end() <= 3 for m in _SUPERIOR_CUE.finditer(text, lo + 1, start))


def _drop_table_of_contents(text: str, runs: list[list[tuple]]) -> list[list[tuple]]:
    """A run of short consecutive heading lines repeated later with the same headings is a TOC."""
    def headings(run):
        return [_heading(text, item[0] + len(item[3]))[0] for item in run]

    out = []
    for i, run in enumerate(runs):
        if run[0][1] in ("cn_comma", "cn_paren", "arabic_dot") and run[-1][0] - run[0][0] < 60 * len(run):
            mine = headings(run)
            if any(r[0][1] == run[0][1] and r[0][0] > run[-1][0] and headings(r)[:len(mine)] == mine for r in runs[i + 1:]):
                continue
        out.append(run)
    return out


def build_outline(text: str) -> list[OutlineItem]:
    raw = _raw_items(text)
    if not raw:
        return []
    ranks = sorted({r[2] for r in raw})
    level_of = {rank: i + 1 for i, rank in enumerate(ranks)}
    out: list[OutlineItem] = []
    stack: list[OutlineItem] = []
    for start, style, rank, marker, ordinal in raw:
        level = level_of[rank]
        heading, hend = _heading(text, start + len(marker))
        while stack and stack[-1].level >= level:
            stack.pop()
        parent = stack[-1].idx if stack else None
        item = OutlineItem(idx=len(out), level=level, style=style, marker=marker, ordinal=ordinal,
                           heading=heading, start=start, end=hend, parent_idx=parent)
        out.append(item)
        stack.append(item)
    return out


def top_level_sections(outline: list[OutlineItem]) -> int:
    return sum(1 for i in outline if i.level == 1)


_DECL_NUM = r"(?P<n>[一二两三四五六七八九十]{1,3}|\d{1,2})"
_OBJ = r"的?(?:具体|主要|重点)?(?:意见|工作|要求|特点|任务|重点工作|建议|体会|问题|措施|关系|方面|事情|大事|行动|工程|要义)"
# Strong verbs declare a list by themselves ("我讲四点意见"); weak verbs need 以下/如下 or
# an object noun ("抓好以下八方面工作"), so "实施20条以上" or "推进五项" are not declarations.
DECLARED_RE = fastre.compile(
    r"(?:(?P<strong>(?<![恳座会商洽访面交畅漫演宣开主听])(?:讲|谈)|提出|强调|概括为|归纳为|列出了?)(?:以下|如下|这么|了)?" + _DECL_NUM + r"(?P<cls>点|个方面|方面|大项|项|条|件)(?P<obj>" + _OBJ + r")?"
    r"|(?P<weak>抓好|做好|把握好|突出抓好|着重抓了|抓了|做了|开展了|部署|明确|落实好?|做到)(?P<below>以下|如下)?" + _DECL_NUM.replace("<n>", "<n2>") + r"(?P<cls2>点|个方面|方面|大项|大|项|条|件)(?P<obj2>" + _OBJ + r")?)"
)
QUOTED_FORMULA_RE = re.compile(r"(?P<qverb>做到了?|把握好?|坚持|突出|抓好|做好|落实|实现|强化|推进)(?P<listed>[^。;；“\"\n]{0,40}?)[“\"「]" + _DECL_NUM + r"(?P<cls>个|项|大|条|篇)(?P<obj>[^”\"」\n]{1,8})[”\"」]")
QUOTED_RUN_RE = re.compile(r"[“\"](?P<n>[两二三四五六七八九十]{1,2})[\u4e00-\u9fff]{1,8}[”\"]")
# "强力推进四大行动": named programmes; declared only when that many items follow
ACTIONS_RE = re.compile(r"(?:推进|实施|开展)[“\"]?" + _DECL_NUM + r"(?P<cls>大)(?P<obj>行动|工程)[”\"]?")
# "十方面民生实事", "十件民生实事": a count of livelihood projects, usually listed ①②③ after it
PROJECTS_RE = re.compile(_DECL_NUM + r"(?P<cls>个方面|方面|件|项)的?(?:重点)?(?:民生实事|为民办实事|民生项目)")
_PROJECT_WORDS = ("民生实事", "为民办实事", "民生项目")
# "在A、B、C等十个方面提质增效": a count that sums up the items just listed
SUMMARY_RE = re.compile(r"等" + _DECL_NUM + r"(?P<cls>个方面|大领域|个领域)")


# "推进臭氧污染、柴油货车污染防治和重污染天气消除三大攻坚", "提升“产业、城市、民生”三个能级": a count
# of things listed inline just before it
INLINE_COUNT_RE = fastre.compile(r"(?P<deng>等)?(?P<q>[“\"]?)(?:(?<!第)(?P<n>[两二三四五六七八九十]{1,2})(?P<cls>个方面|个|大|项|支|篇|条|种|类|张|件|级|场|块|处|重)?"
                                 r"|(?<![0-9.])(?P<d>[0-9]{1,2})(?P<dcls>个|大|项|支|篇|条|种|类|张|件|级|块|处))[“\"]?(?P<obj>[\u4e00-\u9fff]{1,6})")
# items holding a figure ("提前40天、6个月和4个月") or a numbered formula ("拥护“两个确立”、做到“两个维护”")
# are not the things counted
_NOT_AN_ITEM = re.compile(r"\d|[“\"][一二两三四五六七八九十双]")
_INLINE_ITEM_MAX = 20
#: what a count of listed things is not: a time, a multiple, a share ("提前两个月", "二次开发", "2个百分点")
_NOT_A_THING = set("年月天日周季倍次")


@cache
def _national_formulas() -> frozenset[str]:
    """The dictionary's formulas (四个意识, 两个确立, 两山 …): their items are fixed, so the two
    things joined before a pair of them are not its items ("深刻领悟“两个确立”", "树立和践行“两山”")."""
    from .slogans import dictionary_forms
    return frozenset(dictionary_forms())


_AND = re.compile(r"(?<=.)(?:和|及|与)(?=.)")


def _inline_items(prefix: str) -> tuple[int, int] | None:
    """(items split at 、 only, items also split at a last 和/及/与) of the list that ends a clause's
    text, or None when it is not a list: quoted items when it ends with a quote."""
    if prefix.endswith(("”", '"')):
        q = max(prefix.rfind("“"), prefix.rfind('"', 0, len(prefix) - 1))
        if q < 0:
            return None
        prefix = prefix[q + 1:-1]
    if _NOT_AN_ITEM.search(prefix):
        return None
    parts = prefix.split("、")
    if any(not p or len(p) > _INLINE_ITEM_MAX for p in parts[1:]) or len(parts[0]) > _INLINE_ITEM_MAX + 4:
        return None
    joined = len(parts) + (1 if _AND.search(parts[-1]) else 0)
    return (len(parts), joined) if joined >= 2 else None


_PAREN = re.compile(r"\([^()]*\)")
#: grades, not levels of government: 三级医院, 二级公路, 国家二级标准, 二级市场
_GRADE = ("医院", "甲", "乙", "公路", "航道", "标准", "市场")


def _levels(prefix: str, obj: str) -> bool:
    """"市、县、乡三级": a count of levels lists short names of them, with 、."""
    parts = _PAREN.sub("", prefix).split("、")
    return len(parts) >= 2 and all(len(p) <= 4 for p in parts[1:]) and not obj.startswith(_GRADE)


def _inline_lists(text: str, taken: list[Declared]) -> list[Declared]:
    """Counts whose items are written just before them, checked against those items; an abbreviated
    list (…等“十个新优势”) is kept unchecked."""
    out = []
    within = _Within(taken, out)
    for m in INLINE_COUNT_RE.finditer(text):
        raw = m.group("n") or m.group("d")
        n = _ordinal("x", raw)
        if not n or n < 2 or n > 15 or (m.group("n") and not (m.group("cls") or m.group("q"))):
            continue  # "三城联创" only in quotes
        begin = m.start("deng") if m.group("deng") else m.start("q") if m.group("q") else m.start("n") if m.group("n") else m.start("d")
        near = text[max(0, begin - 24):begin]
        if "、" not in near and not _AND.search(near) and not near.endswith(("”", '"')):
            continue  # no list ends here (most numerals): skip the clause's scan
        start = _clause_start(text, begin, max_back=90)
        items = _inline_items(text[start:begin])
        if items is None or within.overlaps(begin, m.end()):
            continue
        joined = items[1]
        if "级" in (m.group("cls"), m.group("dcls")) and not _levels(text[start:begin], m.group("obj")):
            continue
        if m.group("deng"):
            found = n if n in items else None
            if found is None and (joined >= n or not (m.group("q") or m.group("cls") == "大")):
                continue  # not an abbreviation of a named formula ("等十大领域", "等“十个新优势”"): a tally
        elif n in items:
            found = n
        else:
            continue
        obj = m.group("obj")
        if m.group("q"):
            if not text.startswith(("”", '"'), m.end()):
                continue  # "“两区三地一粮仓一门户”": a longer formula, not a count of the items
            if n == 2 and not (m.group("cls") or m.group("dcls")):
                continue  # "入选省级“两业”", "妇女“两癌”", "中华“二安”": a pair of its own, not the two words before it
            if _NUMERAL.search(obj) and not (obj.startswith("一") or obj.endswith(("一体", "合一")) or _YEARS.search(obj)):
                continue  # "“三升二”", "“两化三害”": a formula of several numbers, not a count of the items
        elif m.group("d") and (re.search(r"分别|各", text[start:begin]) or text.startswith("以上", m.end())):
            continue  # "各县分别引进2个规模以上…项目", "…示范项目2个以上": a target, not a count of the list
        formula = text[m.start("n") if m.group("n") else m.start("d"):m.end()]
        if (obj[0] in _NOT_A_THING or obj.startswith("百分") or formula in fixed_formulas()
                or n == 2 and formula in _national_formulas()):
            continue  # "提前两个月", "兜牢“三保”", "领悟“两个确立”": a time, or a formula with fixed items
        # the evidence is the whole clause: from its start to its end (not a cut word: "三大不锈钢下游产】业集群")
        shown = _clause_start(text, start, max_back=start - max(0, begin - 200))
        hi = min(len(text), m.end() + 30)
        end = min([i for c in _CLAUSE_BREAKS if (i := text.find(c, m.end(), hi)) >= 0] or [hi])
        shown += len(text[shown:end]) - len(text[shown:end].lstrip())
        end -= len(text[shown:end]) - len(text[shown:end].rstrip())
        out.append(Declared(text[shown:end], n, found, False, shown, end, "inline"))
    return out


_NUMERAL = re.compile(r"[一二两三四五六七八九十]")
_YEARS = re.compile(r"[一二两三四五六七八九十]年")  # "“3个三年行动”": a duration in the noun


_CLAUSE_BREAKS = "。;；:：,，!！?？\n"


def _clause_start(text: str, pos: int, max_back: int = 20) -> int:
    """Where the clause holding ``pos`` starts: after the last clause break before it, at most
    ``max_back`` characters back (none: ``pos`` itself)."""
    if max_back <= 0:
        return pos
    lo = max(0, pos - max_back)
    return max(lo, max(text.rfind(c, lo, pos) for c in _CLAUSE_BREAKS) + 1)


def _count_run_after(outline: list[OutlineItem], pos: int, window: int = 400, text: str | None = None) -> int | None:
    """Items in the first enumeration run that starts after pos (within window chars); with
    ``text``, a declaration that ends with a colon may also list its items in its own paragraph,
    numbered (1)(2)…: "持续办好十件民生实事：（1）改善…。（2）建成…"."""
    run = _run_after(outline, pos, window)
    if run is None and text is not None:
        return _numbered_in_paragraph(text, pos) or _dash_paragraphs(text, pos)
    return None if run is None else run[1]


def _dash_paragraphs(text: str, pos: int) -> int | None:
    r"""How many paragraphs in a row open with a dash ("——聚焦空间布局合理。…"), the first of them
    the paragraph right after the one holding ``pos`` (吉林: 聚焦七个要义 → seven "——聚焦…").

    >>> _dash_paragraphs("聚焦三个要义。\n——聚焦甲。\n\n——聚焦乙。\n——聚焦丙。\n其他。", 0)
    3
    >>> _dash_paragraphs("聚焦三个要义。\n其他。\n——聚焦甲。", 0) is None
    True
    """
    count = 0
    para = text.find("\n", pos)
    while para >= 0:
        nxt = text.find("\n", para + 1)
        line = text[para + 1:len(text) if nxt < 0 else nxt].strip()
        if line:
            if not line.startswith("—"):
                break
            count += 1
        para = nxt
    return count if count >= 2 else None


_IN_PARAGRAPH_NO = re.compile(r"\((\d{1,2})\)|(?<=[。；;：:])(\d{1,2})[.．](?!\d)")


def _numbered_in_paragraph(text: str, pos: int) -> int | None:
    """How many items numbered (1), (2) … or 1. 2. … in a row follow a colon at ``pos`` in one
    paragraph, or its full stop when the first item opens right after it (安顺: 扎实办好“十件民生实事”。
    1.促进农民增收…。2.新建…).

    >>> _numbered_in_paragraph("办好三件实事：(1)建学校。(2)建医院。(3)修道路。\\n(4)另起一段", 6)
    3
    >>> _numbered_in_paragraph("办好三件实事。1.建学校。2.建医院2.5万平方米。3.修道路。", 6)
    3
    >>> _numbered_in_paragraph("办好三件实事。(1)建学校。(2)建医院。", 6) is None
    True
    """
    pos += text[pos:pos + 1] in ("”", '"')  # “十件民生实事”。1.…
    stop = text[pos:pos + 1]
    if stop not in ("：", ":", "。"):
        return None
    count = 0
    for m in _IN_PARAGRAPH_NO.finditer(text, pos + 1, _scan_end(text, pos)):
        if stop == "。" and count == 0 and (m.start() != pos + 1 or not m.group(2)):
            return None
        if int(m.group(1) or m.group(2)) != count + 1:
            break
        count += 1
    return count if count >= 2 else None


def _run_after(outline: list[OutlineItem], pos: int, window: int) -> tuple[OutlineItem, int] | None:
    """The first item of the first enumeration run that starts after pos (within window chars),
    and how many items the run has."""
    first = None
    for item in outline[bisect.bisect_left(outline, pos, key=_item_start):]:  # (outline: in text order)
        if item.start - pos > window:
            return None
        if item.ordinal == 1:
            first = item
            break
    if first is None:
        return None
    count, last = 0, 0
    for item in outline[first.idx:]:
        if item.level < first.level:
            break
        if item.level == first.level and item.style == first.style:
            # numbering that skips ("(一)(二)(四)(七)", a scraped text that lost parts) still
            # counts the items present; numbering that starts again ends the run
            if last < item.ordinal <= last + 4:
                count, last = count + 1, item.ordinal
            else:
                break
    return first, count


def _item_start(item: OutlineItem) -> int:
    return item.start


class _Within:
    """Whether a position lies in one of the declared counts of these lists (or up to ``pad``
    characters after one). The counts are indexed by the positions they cover as the lists grow,
    so each of a long text's thousands of formulas is checked at once, not against every count
    found before it (a 10-million-character text took minutes).

    >>> found = [Declared("讲三点意见", 3, 3, False, 10, 15)]
    >>> within = _Within(found)
    >>> within(12), within(15), within(16, pad=2), within(17, pad=2)
    (True, False, True, False)
    >>> found.append(Declared("做好四项工作", 4, 4, False, 40, 46)); within(41)
    True
    >>> within.overlaps(14, 20), within.overlaps(15, 20)
    (True, False)
    """

    def __init__(self, *lists: list[Declared]):
        self.lists, self.indexed, self.covered = lists, [0] * len(lists), set()

    def _update(self) -> None:
        for k, found in enumerate(self.lists):
            for d in found[self.indexed[k]:]:
                self.covered.update(range(d.start, d.end))
            self.indexed[k] = len(found)

    def __call__(self, pos: int, pad: int = 0) -> bool:
        self._update()
        return any(pos - k in self.covered for k in range(pad + 1))

    def overlaps(self, start: int, end: int) -> bool:
        self._update()
        return any(p in self.covered for p in range(start, end))


def find_declared(text: str, outline: list[OutlineItem]) -> list[Declared]:
    """Declared counts, each checked against the enumeration run that follows it."""
    out: list[Declared] = []
    within = _Within(out)
    for m in DECLARED_RE.finditer(text):
        if m.group("weak") and not (m.group("below") or m.group("obj2") or m.group("cls2") in ("个方面", "方面")):
            continue  # ("把握好五个方面": 方面 is the object)
        raw = m.group("n") or m.group("n2")
        n = _ordinal("x", raw)
        if not n or n < 2 or n > 30:
            continue
        start, end = _clause_start(text, m.start()), m.end()
        # "列出了十大项重点工作" reports a list made elsewhere: nothing to check here ("主要做了八方面
        # 工作：(一)…" lists its own)
        found = None if (m.group("strong") or "").startswith("列出") else _count_run_after(outline, end, text=text)
        out.append(Declared(text[start:end], n, found, found is not None and found != n, start, end))
    for m in QUOTED_FORMULA_RE.finditer(text):
        n = _ordinal("x", m.group("n"))
        if not n or n < 2 or n > 30:
            continue
        start, end = _clause_start(text, m.start()), m.end()
        listed = m.group("listed")
        if listed.count("、") >= 1:
            # "统筹做好资源能源、特色农业、文化旅游“三篇大文章”": the items come first; a list that
            # does not add up is some other enumeration, not this formula's items
            found = listed.count("、") + 1
            if found != n or m.group("qverb") not in ("做好", "抓好"):
                continue
        else:
            # a quoted formula declares items only when an enumeration of that many follows at
            # once; a run of another length belongs to something else (no mismatch is claimed)
            found = _count_run_after(outline, end, window=60)
            if found != n:
                continue
        out.append(Declared(text[start:end], n, found, found != n, start, end, "inline" if listed.count("、") else "follows"))
    for m in ACTIONS_RE.finditer(text) if "大行动" in text or "大工程" in text else ():
        n = _ordinal("x", m.group("n"))
        start, end = _clause_start(text, m.start()), m.end()
        if n and 2 <= n <= 30 and not within(m.start()) and _count_run_after(outline, end, window=60) == n:
            out.append(Declared(text[start:end], n, n, False, start, end))
    # each pattern runs only over a text with its fixed part (a numeral-led pattern tries every numeral)
    for rx in (PROJECTS_RE, SUMMARY_RE) if any(w in text for w in _PROJECT_WORDS) else (SUMMARY_RE,):
        for m in rx.finditer(text):
            n = _ordinal("x", m.group("n"))
            if not n or n < 2 or n > 30 or within(m.start(), pad=2):
                continue
            start, end = _clause_start(text, m.start()), m.end()
            end += text[end:end + 1] in ("”", '"') and "“" in text[start:end]  # “十件民生实事”
            found = _count_run_after(outline, end, window=12, text=text) if rx is PROJECTS_RE else None
            if rx is PROJECTS_RE and found is None:
                continue  # "省下达25件民生实事" mentions projects without listing them
            out.append(Declared(text[start:end], n, found, found is not None and found != n, start, end,
                                "follows" if rx is PROJECTS_RE else "inline"))
    out += _inline_lists(text, out)
    # "加快“三化进程”。(一)新型工业化…(二)新型城镇化…(三)…": any quoted numbered formula whose items
    # follow at once as a run of exactly that many (not a dictionary formula with fixed items)
    by_run: dict[int, Declared] = {}  # one run, one formula: the nearest before it ("聚焦“十件大事”，打好“十大战役”")
    for m in QUOTED_RUN_RE.finditer(text) if "“" in text or '"' in text else ():
        n = _ordinal("x", m.group("n"))
        formula = m.group(0)[1:-1]
        if (not n or n < 2 or within(m.start()) or formula in fixed_formulas()
                or _NUMERAL.search(formula, 1)  # "“四减四增”": a formula of several numbers
                or formula in _national_formulas() or (run := _run_after(outline, m.end(), 60)) is None or run[1] != n):
            continue
        start = _clause_start(text, m.start())
        by_run[run[0].start] = Declared(text[start:m.end()], n, n, False, start, m.end(), "follows")
    out += by_run.values()
    out += _formula_groups(text, outline, out)
    out += _dash_declared(text, out) if "\n——" in text else []
    out += _sentence_declared(text, out)
    out += _paragraph_end_declared(text, outline, out)
    out.sort(key=lambda d: d.start)
    return _nearest_of_a_run(text, out)


def _nearest_of_a_run(text: str, declared: list[Declared]) -> list[Declared]:
    """Two counts of the same number whose items follow, in two clauses of one sentence, share one
    run: it is the nearer one's (阳泉: 务必深刻领会“五个必须”的规律性认识，…努力做到
    “五个更加”：一是…五是…; the first is only named).

    >>> a = Declared("领会“五个必须”", 5, 5, False, 0, 8, "follows")
    >>> b = Declared("做到“五个更加”", 5, 5, False, 12, 20, "follows")
    >>> [d.phrase for d in _nearest_of_a_run("领会“五个必须”的认识，做到“五个更加”：一是…", [a, b])]
    ['做到“五个更加”']
    """
    out = []
    for d, nxt in zip(declared, declared[1:] + [None]):
        if (nxt is not None and d.form == nxt.form == "follows" and d.n == nxt.n and d.found == nxt.found
                and d.end <= nxt.start and not _SENTENCE_SPLIT.search(text, d.end, nxt.start)
                and "\n" not in text[d.end:nxt.start] and ("，" in text[d.end:nxt.start] or "," in text[d.end:nxt.start])):
            # (formulas listed together, 加快“三化进程”、抓好“三大行动”, share a run in order: kept)
            continue
        out.append(d)
    return out


# a formula of three or more that ends its sentence: 全力打造“五个区域中心”。 必须立足五个“基点”：
_SENTENCE_COUNT = re.compile(r"(?:[“\"](?P<n>[三四五六七八九十]{1,2})[\u4e00-\u9fff]{1,8}[”\"]"
                             r"|(?P<n2>[三四五六七八九十]{1,2})(?:个|项|大|条|方面)[“\"]?[\u4e00-\u9fff]{1,6}[”\"]?)"
                             r"(?:行动|工程|建设|战略)?(?=[。：:；;，,])")
_ITEM_BREAK = re.compile(r"[。；;：:]")
# what may follow the formula in its sentence: a short clause with no figure or other formula
# ("全力打造“五个区域中心”，首府都市圈辐射能力进一步放大。"; not "聚焦“四大定位”，创造“四敢”环境，…")
_SHORT_TAIL = re.compile(r"(?:[，,][^。；;：:\d“\"\n]{0,24})?[。；;：:]")
_SENTENCE_SPLIT = re.compile(r"[。；;]")


def _alike_sentences(text: str, pos: int, width: int = 2) -> int | None:
    r"""How many sentences, from the first after ``pos`` in its paragraph (after its colon or full
    stop) to the paragraph's end, open with the first one's two (``width``) characters: 呼和浩特's 全力打造“五个区域中心”。立足打造…。
    立足打造…; 吉安's 必须立足五个“基点”：必须恪守…；必须聚焦….

    >>> _alike_sentences("推进“两项改革”。狠抓甲项。说明一下。狠抓乙项。", 7), _alike_sentences("推进“两项改革”。狠抓甲项。抓好乙项。", 7)
    (2, None)
    """
    end = _scan_end(text, pos)
    brk = _ITEM_BREAK.search(text, pos, end)
    if brk is None:
        return None
    sentences = [x.strip() for x in _SENTENCE_SPLIT.split(text[brk.end():end]) if len(x.strip()) >= 4]
    # (each item may be followed by sentences that explain it: 必须恪守根本遵循。深刻领悟…。必须聚焦…)
    if not sentences or sentences[0][:2] in _NO_ITEM_OPENING:
        return None
    count = sum(1 for x in sentences if x[:width] == sentences[0][:width])
    return count if count >= 2 else None


def _named_sentences(text: str, pos: int, noun: str, formula: str) -> int | None:
    """How many sentences of the paragraph after ``pos`` (after its colon or full stop) open with a
    name of the formula's kind: 呼和浩特's 全力培育“六大产业集群”，…。绿色农畜产品加工产业集群迈上…。
    电子信息技术产业集群… (a sentence that restates the formula, "“六大产业集群”产值实现…", is none).

    >>> _named_sentences("打造“三大集群”。甲乙集群很好。丙丁集群也好；说明。戊己集群更好。“三大集群”产值增长。", 8, "集群", "三大集群")
    3
    """
    end = _scan_end(text, pos)
    brk = _ITEM_BREAK.search(text, pos, end)
    if brk is None or len(noun) < 2:
        return None
    count = 0
    for x in _SENTENCE_SPLIT.split(text[brk.end():end]):
        x = x.strip()
        if 2 <= x.find(noun) <= 14 and formula not in x and not _NAME_NOT_ITEM.match(x):
            count += 1
    return count if count >= 2 else None


#: a sentence that opens so is about the items together, not one of them
_NAME_NOT_ITEM = re.compile(r"[“\"]|其中|全市|我市|各|这些|以上|上述|所有|全部")
#: the numeral and measure word of a formula, before its noun ("六大产业集群" → 产业集群)
_FORMULA_HEAD = re.compile(r"^[两二三四五六七八九十]{1,2}(?:个|项|大|条|方面)?")


#: sentence openings that begin no item ("这是…的一年。这是…", "我们…。我们…")
_NO_ITEM_OPENING = frozenset(("我们", "这是", "其中", "同时", "全市", "今年", "去年", "我市", "一年", "过去"))


def _sentence_declared(text: str, taken: list[Declared]) -> list[Declared]:
    """A formula of three or more that ends its sentence, whose items follow in its own paragraph
    as that many sentences opening alike (:func:`_alike_sentences`) or opening with a name of its
    kind (:func:`_named_sentences`), where no other declaration is (heldout7: 呼和浩特's review lists
    its 五个区域中心, 五宜城市 and 五个大起底 so, and its 六大产业集群 by name).

    >>> t = "全力打造“三个中心”。立足打造甲中心。立足打造乙中心。立足打造丙中心。另外。"
    >>> [(d.phrase, d.n) for d in _sentence_declared(t, [])]
    [('全力打造“三个中心”', 3)]
    """
    out: list[Declared] = []
    within = _Within(taken, out)
    for m in _SENTENCE_COUNT.finditer(text):
        n = _ordinal("x", m.group("n") or m.group("n2"))
        formula = m.group(0).strip("“\"”")
        if (not n or within(m.start(), pad=2) or formula in fixed_formulas()
                or formula in _national_formulas() or not _SHORT_TAIL.match(text, m.end())):
            continue
        # (openings of two characters, or of four where two say too many: 宜宾's 加快建成… ×4 among 加快推进…)
        if (all(_alike_sentences(text, m.end(), width) != n for width in (2, 4))
                and _named_sentences(text, m.end(), _FORMULA_HEAD.sub("", formula), formula) != n):
            continue
        start = _clause_start(text, m.start())
        out.append(Declared(text[start:m.end()], n, n, False, start, m.end(), "follows"))
    return out


# a count that ends its paragraph: "我们还共同亲历了足以影响河池发展历史的八件大事。"
_PARAGRAPH_END_COUNT = re.compile(r"(?<!第)(?P<n>[两二三四五六七八九十]{1,2})(?:个方面|个|项|大|条|方面|件|类|种)"
                                  r"[“\"]?[\u4e00-\u9fff]{1,6}[”\"]?[。：:]?(?=[ \t\u3000]*\n)")


def _paragraph_end_declared(text: str, outline: list[OutlineItem], taken: list[Declared]) -> list[Declared]:
    r"""A count of three or more that ends its paragraph, followed at once by a run of exactly that many items
    (heldout2: 河池's "…亲历了足以影响河池发展历史的八件大事。" and then 一是…八是…). A run of another
    length belongs to something else: no mismatch is claimed.

    >>> t = "我们亲历了三件大事。\n一是甲项工作。\n二是乙项工作。\n三是丙项工作。\n"
    >>> from metrics.tasks import build_outline
    >>> [(d.phrase, d.n, d.found) for d in _paragraph_end_declared(t, build_outline(t), [])]
    [('我们亲历了三件大事', 3, 3)]
    """
    out: list[Declared] = []
    within = _Within(taken)
    for m in _PARAGRAPH_END_COUNT.finditer(text):
        n = _ordinal("x", m.group("n"))
        if not n or n < 3 or within(m.start(), pad=2):
            continue  # (of three or more, as a formula that ends its sentence)
        run = _run_after(outline, m.end(), 8)
        if run is None or run[1] != n:
            continue
        end = m.end() - (text[m.end() - 1] in "。：:")
        start = _clause_start(text, m.start())
        out.append(Declared(text[start:end], n, n, False, start, end, "follows"))
    return out


_DASH_RUN = re.compile(r"(?:\n[ \t\u3000\n]*——[^\n]*){2,}")
_DASH_NEAR = 36  # characters before the end of the paragraph
_COUNTED = re.compile(r"(?P<n>[两二三四五六七八九十]{1,2})(?:个方面|个|项|大|条|方面)(?P<obj>[\u4e00-\u9fff]{1,6})")


def _dash_declared(text: str, taken: list[Declared]) -> list[Declared]:
    r"""A count in the paragraph just before a run of paragraphs that open with "——", when the run
    has exactly that many: 吉林's "具体要聚焦七个要义，…。" and then "——聚焦空间布局合理。…" ×7.

    >>> t = "具体要聚焦三个要义，抓落实。\n——聚焦甲。\n——聚焦乙。\n——聚焦丙。\n今年，两大引擎。\n——甲。\n——乙。\n——丙。"
    >>> [(d.phrase, d.n, d.found) for d in _dash_declared(t, [])]
    [('具体要聚焦三个要义', 3, 3)]
    """
    out: list[Declared] = []
    within = _Within(taken)
    for run in _DASH_RUN.finditer(text):
        n_items = _dash_paragraphs(text, run.start())
        para = text.rfind("\n", 0, run.start()) + 1
        end = len(text[para:run.start()].rstrip()) + para
        # near the paragraph's end (the run follows from it), not a formula mid-way through a review's
        # opening ("紧紧围绕“四个走在前”“四个新”重大任务，顶住外部压力…" then four results)
        counts = [m for m in _COUNTED.finditer(text, max(para, end - _DASH_NEAR), run.start())
                  if _ordinal("x", m.group("n")) == n_items]
        if not counts or within(counts[-1].start()):
            continue
        m = counts[-1]
        start, stop = _clause_start(text, m.start()), m.end() + (text[m.end():m.end() + 1] in "”\"」")
        out.append(Declared(text[start:stop], n_items, n_items, False, start, stop, "follows"))
    return out


# "加快“三化进程”、抓好“三大行动”、提升“四项指数”": quoted numbered formulas, each after a short verb
# phrase, joined by 、 (the verb is kept: 守住, 促进, 强化 open the items' paragraphs)
# (the quote first, then a look-behind for the verb: re then skips from quote to quote)
FORMULA_GROUP_RE = re.compile(r"[“\"](?<=[\u4e00-\u9fff]{2}[“\"])(?P<n>[两二三四五六七八九十]{1,2})[\u4e00-\u9fff]{1,8}[”\"]")
_GROUP_GAP = re.compile(r"、[\u4e00-\u9fff]{0,4}")


def _formula_groups(text: str, outline: list[OutlineItem], taken: list[Declared]) -> list[Declared]:
    """Formulas listed together whose items follow, in their order:

    * as one run of headings that adds up (亳州: 加快“三化进程”、抓好“三大行动”、提升“四项指数” →
      (一)…(十): three, three and four);
    * as paragraphs that open with the formula's verb (河池: 守住“两条底线”、促进“三个提升”、强化“两个
      驱动” → 守住…。守住…。促进…×3, 强化…×2), also for a formula on its own.

    >>> t = "制定守住“两条底线”、促进“三个提升”的计划。\\n守住耕地底线。\\n守住返贫底线。\\n促进产业提升。\\n促进建设提升。\\n促进治理提升。\\n"
    >>> [(d.phrase, d.n, d.found) for d in _formula_groups(t, build_outline(t), [])]
    [('制定守住“两条底线”', 2, 2), ('促进“三个提升”', 3, 3)]
    """
    if "“" not in text and '"' not in text:
        return []
    formulas = []
    within = _Within(taken)
    for m in FORMULA_GROUP_RE.finditer(text):
        n, formula = _ordinal("x", m.group("n")), m.group(0)[1:-1]
        if (n and n >= 2 and formula not in fixed_formulas() and formula not in _national_formulas()
                and not _NUMERAL.search(formula, 1) and not within(m.start())):
            formulas.append((m, n))
    out: list[Declared] = []
    # groups: formulas joined by "、" and a short verb phrase
    groups: list[list[tuple[re.Match, int]]] = []
    for m, n in formulas:
        if groups and _GROUP_GAP.fullmatch(text, groups[-1][-1][0].end(), m.start()) is not None:
            groups[-1].append((m, n))
        else:
            groups.append([(m, n)])
    for group in groups:
        run = _run_after(outline, group[-1][0].end(), 120) if len(group) >= 2 else None
        if run is not None and run[1] == sum(n for _, n in group):
            out += [_formula_declared(text, m, n) for m, n in group]
            continue
        for m, n in group:
            if _verb_paragraphs(text, text[m.start() - 2:m.start()], m.end()) == n:
                out.append(_formula_declared(text, m, n))
    return out


def _formula_declared(text: str, m: re.Match, n: int) -> Declared:
    """The formula with its verb phrase (from the clause start or the 、 before it), its n items
    found after it."""
    start = max(_clause_start(text, m.start()), text.rfind("、", 0, m.start()) + 1)
    return Declared(text[start:m.end()], n, n, False, start, m.end(), "follows")


def _verb_paragraphs(text: str, verb: str, pos: int, within: int = 12) -> int | None:
    """How many paragraphs in a row open with ``verb``, the first of them among the ``within``
    paragraphs after the one holding ``pos`` (None: none does).

    >>> _verb_paragraphs("计划。\\n\\n守住甲。\\n 守住乙。\\n促进丙。", "守住", 0), _verb_paragraphs("计划。\\n促进丙。", "守住", 0)
    (2, None)
    >>> _verb_paragraphs("聚焦七个要义。\\n——聚焦甲。\\n——聚焦乙。", "聚焦", 0)
    2
    """
    seen = count = 0
    para = text.find("\n", pos)
    while para >= 0:
        start, nxt = para + 1, text.find("\n", para + 1)
        end = len(text) if nxt < 0 else nxt
        while start < end and (text[start].isspace() or text[start] == "—"):  # "——聚焦…": a dash opens it
            start += 1
        if start < end:  # a paragraph with text
            if text.startswith(verb, start):
                count += 1
            elif count:
                return count
            else:
                seen += 1
                if seen >= within:
                    return None
        para = nxt
    return count or None
