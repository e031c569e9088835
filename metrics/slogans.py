"""Slogans (提法): dictionary phrases counted by exact longest match, plus discovery.

Counting rule: the dictionary (metrics/data/slogans.csv) and its variants are matched on the
folded text with one Aho-Corasick automaton, leftmost-longest: where phrases nest
("习近平新时代中国特色社会主义思想" contains "中国特色社会主义"), only the longest phrase
at that place counts; phrases that merely overlap (文明[城市]创建) both count. Variants fold to the canonical form: the separators
of a phrase written with "、" may also be ",", a space, or nothing. An ASCII phrase (12345)
counts only between non-alphanumeric neighbours.

Discovery (kept apart as candidates, never mixed into dictionary counts): numbered
formulas (四个意识, 1+3, 9+N, 五心工程), quoted phrases (“…”, "…", 「…」) and positionings
(发展定位: what a place means to become, 加快建设长江大保护典范城市, written three times or more;
rules in metrics/data/positioning.csv). Each counts wherever the document writes it.

>>> r = count_slogans("坚持不忘初心,牢记使命,增强“四个意识”,推动高质量发展和“9+N”")
>>> [(s.text, s.count, s.kind) for s in r if s.kind == "dictionary"]
[('不忘初心、牢记使命', 1, 'dictionary'), ('四个意识', 1, 'dictionary'), ('高质量发展', 1, 'dictionary')]
>>> sorted(s.text for s in r if s.kind == "formula")
['9+N', '四个意识']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache

import ahocorasick

from . import fastre
from .lexicon import read_rows, service_numbers, slogans


@dataclass(frozen=True)
class SloganCount:
    text: str
    kind: str          # dictionary | formula | quoted | positioning
    category: str
    count: int
    per_10k: float


@dataclass(frozen=True)
class Mention:
    text: str
    kind: str
    start: int
    end: int


_SEPARATORS = ("、", ",", " ", "", "，")
_SEPARATORS_RE = re.compile("[" + "".join(s for s in _SEPARATORS if s) + "]")  # the same, as one class


def _variants(phrase: str) -> set[str]:
    forms = {phrase}
    if "、" in phrase:
        for sep in _SEPARATORS:
            forms.add(phrase.replace("、", sep))
    return forms


@cache
def _automaton():
    auto = ahocorasick.Automaton()
    categories = {}
    for s in slogans():
        categories[s.text] = s.category
        for form in _variants(s.text) | {v for var in s.variants for v in _variants(var)}:
            if form:
                auto.add_word(form, (len(form), s.text))
    auto.make_automaton()
    return auto, categories


@cache
def dictionary_forms() -> tuple[str, ...]:
    """Every form of every dictionary phrase (variants, separators): a discovered formula or quoted
    phrase that is one of these is already in the dictionary, not a new candidate."""
    forms = set()
    for s in slogans():
        forms.update(f for f in _variants(s.text) | {v for var in s.variants for v in _variants(var)} if f)
    return tuple(sorted(forms))


def categories() -> dict[str, str]:
    return _automaton()[1]


def dictionary_mentions(text: str) -> list[Mention]:
    """Leftmost-longest, non-overlapping dictionary matches in text."""
    auto, _ = _automaton()
    candidates = []
    for end_idx, (length, canonical) in auto.iter(text):
        start = end_idx - length + 1
        candidates.append((start, -length, canonical))
    candidates.sort()
    out: list[Mention] = []
    max_end = 0
    for start, neg_len, canonical in candidates:
        end = start - neg_len
        if end <= max_end:
            continue  # nested inside a longer phrase already counted
        if canonical.isascii():
            if (start > 0 and text[start - 1].isascii() and text[start - 1].isalnum()) or (
                end < len(text) and text[end].isascii() and text[end].isalnum()
            ):
                continue
        out.append(Mention(canonical, "dictionary", start, end))
        max_end = end
    return out


_CN_NUM = "一二两三四五六七八九十百千"
# A numbered formula in quotes: “四个意识” “两大赛一基地” “五个一”; or a named programme without
# quotes: 五心工程, 三大行动. (Both open with a Chinese numeral, so a look-ahead skips to one.)
FORMULA_RE = fastre.compile(
    rf"(?<=[“\"「‘])(?P<f>[{_CN_NUM}]{{1,3}}(?:个|项|大|条|张|有|不|到|抓|定|联|心|化|型)[\u4e00-\u9fff{_CN_NUM}]{{1,5}})(?=[”\"」’])"
    rf"|(?<![\u4e00-\u9fff])(?P<h>[{_CN_NUM}]{{1,2}}(?:心|化|大|联|城|区)[\u4e00-\u9fff]?(?:工程|行动|战略))"
)
# Numeric formulas: 1+3, 9+N, 5+5, 1+3+N (never overlap the ones above: digits, not numerals).
# Bounded by ASCII only: a Chinese neighbour is no part of it ("宜就业1+3", "“5+2就业之家”").
NUMERIC_FORMULA_RE = re.compile(r"(?<![0-9A-Za-z.+])\d{1,2}\+[\dNnXx](?:\+[\dNnXx])?(?![0-9A-Za-z.%])")
QUOTED_RE = re.compile(r"“([^”\n]{2,16})”|\"([^\"\n]{2,16})\"|「([^」\n]{2,16})」")
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: a quoted code of digits is a numbered formula: “6543”计划, “141”基层治理 (telephone numbers aside)
_CODE = re.compile(r"\d{3,6}")
_STOP = re.compile(r"[。;；!?]")


def discovered_mentions(text: str, places: tuple[str, ...] = ()) -> list[Mention]:
    """Numbered formulas, quoted phrases and positionings (candidates for the dictionary), each
    counted where it is written as such and, bare, wherever else the document writes it: a report
    quotes its own 提法 once or twice and then uses it bare ("打造“六新河池”" … "建设六新河池").

    A bare place counts in the dictionary's forms (its 、 written as ",", a space or nothing), also
    inside a longer phrase ("一江碧水" in "“守护好一江碧水”"); a phrase of two characters counts only
    where written as such: "三公" is no part of "南三公路", nor "三保" of "“两不愁三保障”".

    >>> [(m.text, m.kind) for m in discovered_mentions("坚持“1+3”,落实“四个意识”,推进 五心工程")]
    [('1+3', 'formula'), ('四个意识', 'formula'), ('四个意识', 'quoted'), ('五心工程', 'formula')]
    >>> [(m.text, m.kind, m.start) for m in discovered_mentions("打造“六新河池”。建设六新河池,推进1+3")]
    [('六新河池', 'quoted', 3), ('六新河池', 'quoted', 11), ('1+3', 'formula', 18)]
    >>> [(m.text, m.start) for m in discovered_mentions("“三公”经费，南三公路，“两不愁三保障”，“三保”，三保障") if m.kind == "quoted"]
    [('三公', 1), ('两不愁三保障', 13), ('三保', 22)]
    >>> [(m.text, m.kind, m.start) for m in discovered_mentions("实施“6543”计划，拨打“12345”。完成投资6543万元")]
    [('6543', 'formula', 3)]
    """
    found = [Mention(m.group(m.lastgroup), "formula", m.start(m.lastgroup), m.end(m.lastgroup))
             for m in FORMULA_RE.finditer(text)]
    found += _numeric_formulas(text)
    for m in QUOTED_RE.finditer(text):
        idx = m.lastindex
        phrase = m.group(idx)
        if _HAN.search(phrase) and not _STOP.search(phrase):
            found.append(Mention(phrase, "quoted", m.start(idx), m.end(idx)))
        elif _CODE.fullmatch(phrase) and phrase not in service_numbers():
            found.append(Mention(phrase, "formula", m.start(idx), m.end(idx)))  # “6543”计划, “1310”具体部署
    # one phrase written in two forms ("全民学条例、文明我践行", "全民学条例 文明我践行") is one phrase,
    # named in its form with 、
    named: dict[str, str] = {}
    for phrase in sorted({m.text for m in found}, key=lambda p: ("、" not in p, p)):
        named.setdefault(_SEPARATORS_RE.sub("", phrase), phrase)
    found = [m if (n := named[_SEPARATORS_RE.sub("", m.text)]) == m.text else replace(m, text=n) for m in found]
    kinds = dict.fromkeys((m.text, m.kind) for m in found)
    # (a code of digits counts where quoted only: bare, "1310" is as likely an amount, 1310亿元)
    bare = _bare_places(text, {p for p, _ in kinds if len(p) >= BARE_MIN and not p.isdigit()})
    out = list(found)
    written = {(m.text, m.kind, m.start) for m in found}
    for phrase, kind in kinds:
        out += [Mention(phrase, kind, s, e) for s, e in bare.get(phrase, ()) if (phrase, kind, s) not in written]
    named = positionings(text, places)
    # (a brand inside a positioning, 美丽张家湾 in 幸福美丽张家湾, is that positioning's)
    named.update((phrase, spans) for phrase, spans in brands(text, places).items()
                 if not any(phrase in other for other in named))
    out += [Mention(phrase, "positioning", s, e) for phrase, spans in named.items() for s, e in spans]
    out.sort(key=lambda m: (m.start, m.kind))
    return out


def _numeric_formulas(text: str) -> list[Mention]:
    """NUMERIC_FORMULA_RE's matches, tried only before each "+" (a scan of the whole text for digits
    cost as much as the rest of discovery).

    >>> [(m.text, m.start) for m in _numeric_formulas("推进1+3，不是11+3或1+3%，落实9+N+X")]
    [('1+3', 2), ('11+3', 8), ('9+N+X', 20)]
    """
    out: list[Mention] = []
    end = 0
    i = text.find("+")
    while i >= 0:
        for start in (i - 2, i - 1):
            if start >= end and start >= 0 and (m := NUMERIC_FORMULA_RE.match(text, start)) is not None:
                out.append(Mention(m.group(), "formula", m.start(), m.end()))
                end = m.end()
                break
        i = text.find("+", max(i + 1, end))
    return out


#: the shortest discovered phrase counted where it is written bare (two characters are too often
#: part of another word: 三公 in 南三公路, 人民 anywhere)
BARE_MIN = 3


def _bare_places(text: str, phrases: set[str]) -> dict[str, list[tuple[int, int]]]:
    """(start, end) of every place a phrase is written, in any of its forms (:func:`_variants`).

    >>> _bare_places("拼经济比发展,拼经济、比发展", {"拼经济、比发展"})
    {'拼经济、比发展': [(0, 6), (7, 14)]}
    """
    forms = {form: phrase for phrase in phrases for form in _variants(phrase) if form}
    out: dict[str, list[tuple[int, int]]] = {}
    for form, starts in _occurrences_many(text, set(forms)).items():
        out.setdefault(forms[form], []).extend((s, s + len(form)) for s in starts)
    return {phrase: sorted(spans) for phrase, spans in out.items()}


def _occurrences_many(text: str, phrases: set[str]) -> dict[str, list[int]]:
    """Where each phrase starts in ``text``, every time (overlaps too: 首府 inside 强首府), in one
    pass of an Aho-Corasick automaton; a phrase that starts or ends with an ASCII letter or digit
    only where NUMERIC_FORMULA_RE would find it (1+3 is not in 11+3, 1+3a or 1+3%).

    >>> _occurrences_many("强首府,强首府战略,1+3与11+3、1+3a、1+3%", {"强首府", "首府", "1+3"})
    {'1+3': [10], '强首府': [0, 4], '首府': [1, 5]}
    """
    if not phrases:
        return {}
    auto = ahocorasick.Automaton()
    for phrase in phrases:
        auto.add_word(phrase, phrase)
    auto.make_automaton()
    out: dict[str, list[int]] = {phrase: [] for phrase in sorted(phrases)}
    n = len(text)
    for end_idx, phrase in auto.iter(text):
        i, end = end_idx - len(phrase) + 1, end_idx + 1
        if phrase[0].isascii() and i > 0 and text[i - 1] in _ASCII_BEFORE and phrase[0].isalnum():
            continue
        if phrase[-1].isascii() and end < n and text[end] in _ASCII_AFTER and phrase[-1].isalnum():
            continue
        out[phrase].append(i)
    return out


#: a positioning written fewer times than this is a passing mention, not the document's 提法
POSITIONING_MIN = 3


@cache
def _positioning_rules() -> tuple[re.Pattern, frozenset[str], re.Pattern, tuple[str, ...], frozenset[str]]:
    words = _positioning_table()
    # overlapping matches (a look-ahead): "实现" must not hide the "建设" right after it
    firsts = "".join(sorted({w[0] for w in words["verb"]}))  # jump to where a verb can start
    verb = re.compile(rf"(?=[{firsts}])(?=(?:{'|'.join(words['verb'])})(?P<o>[\u4e00-\u9fff]{{4,16}})(?:[，,。、；;：:”）)\n]|$))")
    tail = re.compile(rf"(?:{'|'.join(words['tail'])})$")
    return verb, frozenset(words["lead"]), tail, tuple(words["suffix"]), frozenset(words["generic"])


@cache
def _positioning_table() -> dict[str, list[str]]:
    """metrics/data/positioning.csv by role, longest first."""
    rows = read_rows("positioning.csv")
    return {role: sorted({r["text"] for r in rows if r["role"] == role}, key=len, reverse=True)
            for role in ("verb", "lead", "tail", "suffix", "generic", "before", "brand", "vision", "vision_end")}


@cache
def _positioning_words() -> tuple[str, ...]:
    """The verbs, leads and other words a name written right after starts there."""
    table = _positioning_table()
    return tuple(table["verb"] + table["lead"] + table["before"])


def positionings(text: str, places: tuple[str, ...] = ()) -> dict[str, list[tuple[int, int]]]:
    """What a document says its place will become (建设/打造/争创 … + an object that ends like a
    positioning: 城市, 高地, 先行区, 排头兵 …, or with one of ``places``), with the places it is
    written as a whole (:func:`_whole_places`), kept when there are :data:`POSITIONING_MIN` or more.
    "A和B" gives A and B when both end so. Not a dictionary phrase, nor one ending with one
    (宜居宜业和美乡村), nor a phrase the rules list as no place's own (人民城市).

    >>> t = "加快建设长江大保护典范城市、打造世界级宜昌。长江大保护典范城市建设…长江大保护典范城市，世界级宜昌，世界级宜昌"
    >>> list(positionings(t, places=("宜昌",)))
    ['长江大保护典范城市', '世界级宜昌']
    >>> positionings("文明建设示范城市，示范城市，示范城市")  # 建设 inside a noun is no verb
    {}
    >>> positionings("建设中心城市，智算中心城市，新兴中心城市，中心城市")  # twice part of a longer name
    {}
    """
    verb, leads, tail, suffixes, generic = _positioning_rules()
    lead_lengths = {len(lead) for lead in leads}
    ends = suffixes + tuple(p for p in places if len(p) >= 2)
    out: dict[str, list[tuple[int, int]]] = {}
    seen: set[str] = set()
    for m in verb.finditer(text):
        start = m.start()
        if start and text[start - 1] not in _OPENERS and not any(text[start - k:start] in leads for k in lead_lengths):
            continue
        obj = tail.sub("", m.group("o"))
        parts = _AND_SPLIT.split(obj)
        if len(parts) > 1 and all(len(p) >= 3 and p.endswith(ends) for p in parts):
            cands = parts
        else:
            cands = [obj]
        for c in cands:
            if c in seen or len(c) < 3 or not c.endswith(ends) or text.count(c) < POSITIONING_MIN:
                continue
            seen.add(c)
            if c in generic or c.endswith(dictionary_forms()):
                continue
            spans = _whole_places(text, c, places)
            if len(spans) >= POSITIONING_MIN:
                out[c] = spans
    return out


#: a brand or vision written fewer times than this is a passing mention
BRAND_MIN = 2


def brands(text: str, places: tuple[str, ...] = ()) -> dict[str, list[tuple[int, int]]]:
    """A place's brands and its part of a national vision (metrics/data/positioning.csv, roles
    ``brand``, ``vision`` and ``vision_end``): a quality word before the place's own name (美丽阳泉,
    平安广元, 数字济南), and 中国式现代化 up to the first end word after the place's own name
    (中国式现代化宜宾新篇章, 中国式现代化毕节实践; 中国式现代化贵州实践安顺新篇章 in 安顺's report), each
    written :data:`BRAND_MIN` times or more, counted wherever written.

    >>> t = "建设美丽阳泉。美丽阳泉更美。平安阳泉。谱写中国式现代化阳泉新篇章，中国式现代化阳泉新篇章"
    >>> brands(t, places=("阳泉市", "阳泉", "山西省", "山西"))
    {'美丽阳泉': [(2, 6), (7, 11)], '中国式现代化阳泉新篇章': [(21, 32), (33, 44)]}
    >>> list(brands("奋力谱写中国式现代化贵州实践安顺新篇章。中国式现代化贵州实践安顺新篇章", ("安顺市", "安顺")))
    ['中国式现代化贵州实践安顺新篇章']
    """
    own = tuple(p for p in places[:2] if len(p) >= 2)
    brand, vision, ends = _brand_rules(own)
    found: dict[str, list[tuple[int, int]]] = {}
    for m in brand.finditer(text) if brand is not None else ():
        found.setdefault(m.group(), []).append(m.span())
    for m in vision.finditer(text):
        window = text[m.end():m.end() + 16]
        if not _HAN.match(window):  # (中国式现代化，…: no name of a place's part follows)
            continue
        stops = [e.end() for e in ends.finditer(window)]
        pick = next((e for e in stops if not own or any(name in window[:e] for name in own)), None)
        if pick is not None:
            found.setdefault(text[m.start():m.end() + pick], [])
    out: dict[str, list[tuple[int, int]]] = {}
    for phrase, spans in found.items():
        if not spans:  # a vision counts wherever its whole phrase is written
            i = text.find(phrase)
            while i >= 0:
                spans.append((i, i + len(phrase)))
                i = text.find(phrase, i + 1)
        if len(spans) >= BRAND_MIN:
            out[phrase] = spans
    return out


@cache
def _brand_rules(own: tuple[str, ...]) -> tuple[re.Pattern | None, re.Pattern, re.Pattern]:
    """Patterns of the brands of these names (the place's own, full and short), of a vision's
    start, and of its end words."""
    words = _positioning_table()
    vision = re.compile("|".join(words["vision"]))
    ends = re.compile(rf"[\u4e00-\u9fff]*?(?:{'|'.join(words['vision_end'])})")
    if not own:
        return None, vision, ends
    names = "|".join(sorted(own, key=len, reverse=True))
    return re.compile(rf"(?:{'|'.join(words['brand'])})(?:{names})"), vision, ends


def _whole_places(text: str, phrase: str, places: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """Where ``phrase`` is written as a whole name: after a non-Han character, a word of the
    positioning rules (a verb, a lead, 推进, 围绕 …), a function word (的, 为, 和 …) or the place's
    name (桂林世界级旅游城市); not as the end of a longer name ("智算中心城市", "国家级物流战略枢纽"
    hold no 中心城市 or 战略枢纽 of their own)."""
    verb_words = _positioning_words() + tuple(p for p in places if len(p) >= 2)
    out = []
    i = text.find(phrase)
    while i >= 0:
        if i == 0 or not _HAN.match(text[i - 1]) or text[i - 1] in _FUNCTION_CHARS or any(
                text.startswith(w, i - len(w)) for w in verb_words):
            out.append((i, i + len(phrase)))
        i = text.find(phrase, i + 1)
    return out


#: single characters after which a name starts ("打造成…", "作为…的…", "A和B", "对…建设", "建设好…", "致力于…")
_FUNCTION_CHARS = frozenset("的为成是和与及向把将作当在对好于")


_OPENERS = set("，,。；;：:、\n“")
_AND_SPLIT = re.compile(r"(?<=..)(?:和|及|与)(?=..)")


# the neighbours that make an ASCII phrase part of something longer (as NUMERIC_FORMULA_RE's bounds)
_ASCII_BEFORE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.+")
_ASCII_AFTER = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.%+")


def count_slogans(text: str, mentions: list[Mention] | None = None) -> list[SloganCount]:
    """Counts and per-10,000-character rates, dictionary first then discovered candidates."""
    if mentions is None:
        mentions = dictionary_mentions(text) + discovered_mentions(text)
    n_chars = max(len(text), 1)
    cats = categories()
    counts = Counter((m.text, m.kind) for m in mentions)
    order = {"dictionary": 0, "formula": 1, "quoted": 2, "positioning": 3}
    first = {}
    for m in mentions:
        first.setdefault((m.text, m.kind), m.start)
    out = [
        SloganCount(text, kind, cats.get(text, "") if kind == "dictionary" else "", c, round(c * 10_000 / n_chars, 3))
        for (text, kind), c in counts.items()
    ]
    out.sort(key=lambda s: (order[s.kind], first[(s.text, s.kind)]))
    return out
