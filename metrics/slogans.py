"""Slogans (提法): dictionary phrases counted by exact longest match, plus discovery.

Counting rule: the dictionary (metrics/data/slogans.csv) and its variants are matched on the
folded text with one Aho-Corasick automaton, leftmost-longest: where phrases nest
("习近平新时代中国特色社会主义思想" contains "中国特色社会主义"), only the longest phrase
at that place counts; phrases that merely overlap (文明[城市]创建) both count. Variants fold to the canonical form: the separators
of a phrase written with "、" may also be ",", a space, or nothing. An ASCII phrase (12345)
counts only between non-alphanumeric neighbours.

Discovery (kept apart as candidates, never mixed into dictionary counts): numbered
formulas (四个意识, 1+3, 9+N, 五心工程) and quoted phrases (“…”, "…", 「…」).

>>> r = count_slogans("坚持不忘初心,牢记使命,增强“四个意识”,推动高质量发展和“9+N”")
>>> [(s.text, s.count, s.kind) for s in r if s.kind == "dictionary"]
[('不忘初心、牢记使命', 1, 'dictionary'), ('四个意识', 1, 'dictionary'), ('高质量发展', 1, 'dictionary')]
>>> sorted(s.text for s in r if s.kind == "formula")
['9+N', '四个意识']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import ahocorasick

from . import fastre
from .lexicon import slogans


@dataclass(frozen=True)
class SloganCount:
    text: str
    kind: str          # dictionary | formula | quoted
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
NUMERIC_FORMULA_RE = re.compile(r"(?<![\w.+])\d{1,2}\+[\dNnXx](?:\+[\dNnXx])?(?![\w.])")
QUOTED_RE = re.compile(r"“([^”\n]{2,16})”|\"([^\"\n]{2,16})\"|「([^」\n]{2,16})」")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_STOP = re.compile(r"[。;；!?]")


def discovered_mentions(text: str) -> list[Mention]:
    """Numbered formulas and quoted phrases (candidates for the dictionary).

    >>> [(m.text, m.kind) for m in discovered_mentions("坚持“1+3”,落实“四个意识”,推进 五心工程")]
    [('1+3', 'formula'), ('四个意识', 'formula'), ('五心工程', 'formula'), ('四个意识', 'quoted')]
    """
    out = [Mention(m.group(m.lastgroup), "formula", m.start(m.lastgroup), m.end(m.lastgroup))
           for m in FORMULA_RE.finditer(text)]
    if "+" in text:
        out += [Mention(m.group(), "formula", m.start(), m.end()) for m in NUMERIC_FORMULA_RE.finditer(text)]
        out.sort(key=lambda m: m.start)
    for m in QUOTED_RE.finditer(text):
        idx = m.lastindex
        phrase = m.group(idx)
        if _HAN.search(phrase) and not _STOP.search(phrase):
            out.append(Mention(phrase, "quoted", m.start(idx), m.end(idx)))
    return out


def count_slogans(text: str, mentions: list[Mention] | None = None) -> list[SloganCount]:
    """Counts and per-10,000-character rates, dictionary first then discovered candidates."""
    if mentions is None:
        mentions = dictionary_mentions(text) + discovered_mentions(text)
    n_chars = max(len(text), 1)
    cats = categories()
    counts = Counter((m.text, m.kind) for m in mentions)
    order = {"dictionary": 0, "formula": 1, "quoted": 2}
    first = {}
    for m in mentions:
        first.setdefault((m.text, m.kind), m.start)
    out = [
        SloganCount(text, kind, cats.get(text, "") if kind == "dictionary" else "", c, round(c * 10_000 / n_chars, 3))
        for (text, kind), c in counts.items()
    ]
    out.sort(key=lambda s: (order[s.kind], first[(s.text, s.kind)]))
    return out
