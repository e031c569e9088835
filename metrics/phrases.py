"""Custom phrases: any phrase a user types, counted exactly in every document.

The dictionary (``metrics/data/slogans.csv``) holds national 提法; a researcher of one place also
wants its own (银川's 强首府, 青岛's 奋力争先, 湖南's 三高四新). These are counted on demand, in
the database's texts, by the dictionary's rule for forms:

* a phrase written with 、 also matches ",", "，", a space or nothing between its parts
  (闯新路、进中游 = 闯新路,进中游 = 闯新路进中游);
* ASCII letters and digits also match their full-width forms (1+3 = １＋３), and a phrase that
  starts or ends with one counts only between neighbours that are neither alphanumeric nor "+"
  (8337 is not inside 18337, nor 1+5 inside 1+1+5);
* every occurrence counts, also inside a longer phrase (unlike the dictionary, where the longest
  phrase at a place wins): a custom phrase answers "how often is this written".

>>> parse_phrases("强首府\\n 奋力争先 ;强首府；；")
('强首府', '奋力争先')
>>> count_phrase("建设强首府,强首府战略", "强首府")
2
>>> count_phrase("落实“闯新路，进中游”和闯新路、进中游", "闯新路、进中游")
2
>>> count_phrase("8337发展思路,不是18337", "8337"), count_phrase("“１＋３”", "1+3"), count_phrase("1+5与1+1+5", "1+5")
(1, 1, 1)
>>> [(m.start(), m.end()) for m in finditer("强首府,强首府", "强首府")]
[(0, 3), (4, 7)]
"""

from __future__ import annotations

import re

#: at most this many phrases at a time (each is one scan of the texts)
MAX_PHRASES = 8
#: longest phrase accepted, in characters
MAX_LENGTH = 40

_SPLIT = re.compile(r"[\n;；]+")
_ALNUM = re.compile(r"[0-9A-Za-z]")
#: characters with a meaning in RE2 and Python regexes; everything else stands for itself
_SPECIAL = set("\\.^$|?*+()[]{}")
_SEPARATORS = ("、", ",", " ", "")  # "," also matches "，" (full-width forms)


#: full-width ASCII forms (！…～) to their half-width characters: a phrase typed with a Chinese
#: input method (ＧＤＰ, １＋３) is the phrase GDP, 1+3, which matches both widths in the texts
_NARROW = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def narrow(phrase: str) -> str:
    """The phrase with full-width letters, digits and signs written half-width.

    >>> narrow("ＧＤＰ增长１０％"), narrow("１＋３")
    ('GDP增长10%', '1+3')
    """
    return phrase.translate(_NARROW)


def parse_phrases(raw: str, limit: int = MAX_PHRASES) -> tuple[str, ...]:
    """Phrases typed one per line (or separated by ; or ；): stripped, written half-width
    (:func:`narrow`), without duplicates or empty entries, at most ``limit``, each cut to
    :data:`MAX_LENGTH` characters.

    >>> parse_phrases("ＧＤＰ；GDP；１＋３")
    ('GDP', '1+3')
    """
    out: list[str] = []
    for phrase in _typed(raw):
        phrase = phrase[:MAX_LENGTH]
        if phrase and phrase not in out:
            out.append(phrase)
    return tuple(out[:limit])


def _typed(raw: str) -> list[str]:
    """The typed parts: split at lines and ; ；, written half-width, spaces collapsed."""
    return [" ".join(part.split()) for part in _SPLIT.split(narrow(raw or ""))]


def cut_phrases(raw: str) -> list[str]:
    """The typed phrases longer than :data:`MAX_LENGTH` characters (:func:`parse_phrases` counts
    their first :data:`MAX_LENGTH` only), for a message.

    >>> cut_phrases("强首府；" + "长" * 41)
    ['长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长']
    """
    return [p for p in _typed(raw) if len(p) > MAX_LENGTH]


def _escape(ch: str) -> str:
    return "\\" + ch if ch in _SPECIAL else ch


#: a space in a phrase stands for any run of spaces: a typed or linked phrase has its spaces
#: collapsed to one, and texts hold en spaces, no-break spaces and ideographic spaces ("企业\u2002946家")
_SPACE_RUN = "[ \t\n\u00a0\u2000-\u200b\u3000]+"


def _char_class(ch: str) -> str:
    """A character and its full-width form (ASCII ``!``…``~``), as a pattern; a space, any run of
    spaces.

    >>> [m.group() for m in re.finditer(pattern("企业 946家"), "“四上”企业\u2002946家，企业  946家")]
    ['企业\u2002946家', '企业  946家']
    """
    if ch.isspace():
        return _SPACE_RUN
    if "!" <= ch <= "~":
        narrow = "\\" + ch if ch in "\\]^-[" else ch
        return f"[{narrow}{chr(ord(ch) + 0xFEE0)}]"
    return _escape(ch)


def marked_places(text: str, phrase: str, counted: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], int]:
    """Where to mark ``phrase`` in a document, and how often it is written there.

    ``counted`` holds the places the analysis counted the phrase as one of the document's 提法
    (its stored mentions). When there are any, those are marked, so that the document page shows
    the count of the 提法 tables; a two-character formula or a positioning is not counted inside a
    longer name. Otherwise every written place is marked, as for any typed phrase.

    >>> marked_places("“三公”经费，南三公路", "三公", [(1, 3)])
    ([(1, 3)], 2)
    >>> marked_places("强首府,强首府", "强首府", [])
    ([(0, 3), (4, 7)], 2)
    """
    written = [(m.start(), m.end()) for m in finditer(text, phrase)]
    places = sorted({(int(s), int(e)) for s, e in counted}) if counted else written
    return places, len(written)


def forms(phrase: str) -> list[str]:
    """The written forms a phrase counts in, longest first.

    >>> forms("A、B")
    ['A、B', 'A,B', 'A B', 'AB']
    """
    phrase = narrow(phrase)
    if "、" not in phrase:
        return [phrase]
    out = []
    for sep in _SEPARATORS:
        form = phrase.replace("、", sep)
        if form not in out:
            out.append(form)
    return sorted(out, key=len, reverse=True)


def _widths(ch: str) -> list[str]:
    return [ch, chr(ord(ch) + 0xFEE0)] if "!" <= ch <= "~" else [ch]


def scan_patterns(phrase: str) -> list[str]:
    """Regular expressions (valid in Python and in DuckDB's RE2) that together find every form of
    the phrase, each starting with one literal character: RE2 then skips to that character (a
    class or alternation of different first characters would make it try every position, 12×
    slower on 1 GB of text).

    >>> scan_patterns("1+3")
    ['1(?:[+＋][3３])', '１(?:[+＋][3３])']
    >>> [p.replace(_SPACE_RUN, "<spaces>") for p in scan_patterns("闯新路、进中游")]
    ['闯(?:新路、进中游|新路[,，]进中游|新路<spaces>进中游|新路进中游)']
    """
    groups: dict[str, list[str]] = {}
    for form in forms(phrase):
        rest = "".join(_char_class(c) for c in form[1:])
        for first in _widths(form[0]):
            if rest not in groups.setdefault(first, []):
                groups[first].append(rest)
    return [_escape(first) + (f"(?:{'|'.join(rests)})" if any(rests) else "") for first, rests in groups.items()]


def pattern(phrase: str) -> str:
    """One regular expression for every form of the phrase (slower to scan with than
    :func:`scan_patterns`; used on documents known to contain it)."""
    return "(?:" + "|".join(scan_patterns(phrase)) + ")"


def needs_boundary(phrase: str) -> bool:
    """Whether the phrase starts or ends with an ASCII letter or digit (then its neighbours may not be one)."""
    phrase = narrow(phrase)
    return bool(phrase) and bool(_ALNUM.match(phrase[0]) or _ALNUM.match(phrase[-1]))


#: ASCII letters and digits and their full-width forms, and "+": the neighbours that make a phrase
#: part of a longer one (8337 in 18337; 1+5 in the formula 1+1+5)
_WORD = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ+＋"


def sql_pattern(phrase: str) -> str:
    """The phrase with its alphanumeric neighbours: RE2 has no look-arounds, so :func:`sql_count`
    finds these and keeps only the matches that are exactly a form of the phrase."""
    return f"[{_WORD}]*{pattern(phrase)}[{_WORD}]*"


def sql_count(text_sql: str) -> str:
    """SQL for the number of occurrences of a phrase that :func:`needs_boundary` in ``text_sql``;
    takes two parameters, :func:`sql_pattern` and :func:`pattern` (RE2 runs in linear time: no
    pattern can hang the query). Other phrases are counted with :func:`scan_patterns` alone.

    >>> import duckdb
    >>> p = "8337"
    >>> duckdb.connect().execute(f"SELECT {sql_count('t')} FROM (SELECT '8337、18337、８３３７' AS t)",
    ...                          [sql_pattern(p), pattern(p)]).fetchall()
    [(2,)]
    """
    return f"len(list_filter(regexp_extract_all({text_sql}, ?), lambda m: regexp_full_match(m, ?)))"


def finditer(text: str, phrase: str) -> list[re.Match]:
    """Every occurrence of the phrase in ``text``, in order (for evidence: start and end offsets)."""
    out: list[re.Match] = []
    for p in scan_patterns(phrase):
        if needs_boundary(phrase):
            p = f"(?<![{_WORD}]){p}(?![{_WORD}])"
        out.extend(re.finditer(p, text))
    return sorted(out, key=lambda m: m.start())


def per_10k(counts, n_chars):
    """Occurrences per 10,000 characters of two pandas Series, to 3 decimals (no text counts as
    one character).

    >>> import pandas as pd
    >>> per_10k(pd.Series([14]), pd.Series([13794])).tolist()
    [10.149]
    """
    return (counts / n_chars.clip(lower=1) * 10_000).round(3)


def count_phrase(text: str, phrase: str) -> int:
    """How often the phrase occurs in ``text`` (the same count as the database query)."""
    return sum(1 for _ in finditer(text, phrase))
