"""Regular expressions that skip quickly to where a match can start.

Python's ``re`` scans fast only when a pattern opens with a literal; a pattern that opens with
a group of alternatives or a look-behind ("一是" after a clause break, "讲|谈|提出 …") is tried
at every position of the text, at 25–30 ns a character. :func:`compile` works out the set of
characters a match can start with and puts a look-ahead for that set in front: ``re`` then jumps
from one candidate character to the next, and the matches are exactly the same (the look-ahead
is zero-width, and every match starts with one of those characters). Used for the patterns run
over whole documents; 2–4x faster on the sample corpus (see docs/benchmark.md).

>>> rx = compile(r"(?:^|(?<=[。,]))(?P<n>[一二三])是")
>>> rx.pattern.startswith("(?=[")
True
>>> [m.group("n") for m in rx.finditer("一是稳增长,二是促改革,十二是")]
['一', '二']

A pattern that can match the empty string, or opens with a character class too wide to list
(``\\w``, ``.``), is compiled as it is:

>>> compile(r"x*").pattern, compile(r"\\w+年").pattern
('x*', '\\\\w+年')
"""

from __future__ import annotations

import re
from re import _constants as C  # noqa: PLC2701 — the parser's op codes (stable within a Python version)
from re import _parser as P  # noqa: PLC2701

_Ranges = set[tuple[int, int]]


#: \d and \s in the set of first characters, as marks below every code point: a class of ``re``
#: tests \d in one step, but its 60-odd digit ranges one after another (3x slower on 7 MB of text)
_CATEGORY_MARK = {C.CATEGORY_DIGIT: (-1, -1), C.CATEGORY_SPACE: (-2, -2)}
_CATEGORY_TEXT = {-1: r"\d", -2: r"\s"}


def _first(items) -> tuple[_Ranges, bool] | None:
    """(ranges a match of the sequence can start with, whether it can be empty); None: unknown."""
    acc: _Ranges = set()
    for op, av in items:
        if op is C.LITERAL:
            acc.add((av, av))
            return acc, False
        if op is C.IN:
            for o, a in av:
                if o is C.LITERAL:
                    acc.add((a, a))
                elif o is C.RANGE:
                    acc.add(a)
                elif o is C.CATEGORY and a in (C.CATEGORY_DIGIT, C.CATEGORY_SPACE):
                    acc.add(_CATEGORY_MARK[a])  # written back as \d or \s: one test, not 60 ranges
                else:  # negated sets, \w …
                    return None
            return acc, False
        if op is C.SUBPATTERN:
            r = _first(av[3])
        elif op is C.BRANCH:
            parts = [_first(alt) for alt in av[1]]
            if any(p is None for p in parts):
                return None
            r = (set().union(*(p[0] for p in parts)), any(p[1] for p in parts))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, _hi, sub = av
            r = _first(sub)
            if r is not None and lo == 0:
                r = (r[0], True)
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue  # zero-width: the first character comes after it
        else:
            return None
        if r is None:
            return None
        acc |= r[0]
        if not r[1]:
            return acc, False
    return acc, True


def first_chars(pattern: str, flags: int = 0) -> str | None:
    """A character class holding every character a match can start with, or None.

    >>> first_chars(r"(?:讲|谈)(?P<n>[一二])点")
    '[讲谈]'
    >>> first_chars(r"a?b") , first_chars(r"(?:x|)y")
    ('[ab]', '[xy]')
    """
    if flags & re.IGNORECASE:
        return None
    try:
        r = _first(P.parse(pattern, flags))
    except (re.error, TypeError, ValueError):
        return None
    if r is None or r[1] or not r[0]:
        return None
    if flags & re.ASCII:
        return None  # \d, \s mean less there; keep it simple
    parts = [_CATEGORY_TEXT[a] for a, _ in r[0] if a < 0]
    for a, b in sorted(x for x in r[0] if x[0] >= 0):
        parts.append(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}")
    return "[" + "".join(parts) + "]"


def compile(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile`` with a look-ahead for the first character when one can be worked out."""
    cls = first_chars(pattern, flags)
    if cls is not None:
        try:
            return re.compile(f"(?={cls})(?:{pattern})", flags)
        except re.error:  # inline global flags must open the pattern
            pass
    return re.compile(pattern, flags)
