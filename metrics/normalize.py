"""Text normalisation for analysis that keeps every offset valid in the original text.

The analysis text has exactly the same length as the text users see: every character is
replaced by at most one character (full-width digits, letters and ％ become ASCII; the
ideographic space becomes a space; dash variants used in ranges become "—"). So a span
found in the analysis text slices the original text to the evidence shown to users.

>>> fold("增长８．５％，ＧＤＰ")
'增长8.5%,GDP'
>>> len(fold("１２３")) == len("１２３")
True
"""

from __future__ import annotations

import re

import numpy as np

_TABLE: dict[int, str] = {}
for _code in range(0xFF01, 0xFF5F):  # full-width ASCII block
    _TABLE[_code] = chr(_code - 0xFEE0)
_TABLE[0x3000] = " "          # ideographic space
_TABLE[0x00A0] = " "
for _space in (*range(0x2000, 0x200B), 0x202F, 0x205F):  # en/em/thin … spaces
    _TABLE[_space] = " "
for _dash in ("\u2013", "\u2014", "\u2015", "\u2012", "\u2212", "\uff5e", "\u301c"):
    _TABLE[ord(_dash)] = "—" if _dash not in ("\uff5e", "\u301c") else "~"
_TABLE[0xFF5E] = "~"
# Keep Chinese sentence punctuation as is: 。；：， are meaningful to the analysers, but the
# full-width comma/colon/semicolon/parentheses are folded above to ASCII , : ; ( ).
_TABLE[ord("（")] = "("
_TABLE[ord("）")] = ")"
_TABLE[ord("〇")] = "〇"


# The same table as an array indexed by code point: folding a document is a few vector
# operations on its UTF-32 code units, 15x faster than str.translate (a dict lookup per character).
_LUT = np.arange(0x10000, dtype=np.uint32)
for _code, _char in _TABLE.items():
    _LUT[_code] = ord(_char)


def fold(text: str) -> str:
    """Fold full-width forms to ASCII one character for one character.

    >>> fold("a\U0001F600１") == "a\U0001F6001"   # characters beyond the BMP are kept
    True
    """
    if text.isascii():
        return text
    units = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if units.max() < 0x10000:
        folded = _LUT[units]
    else:
        folded = np.where(units < 0x10000, _LUT[np.minimum(units, 0xFFFF)], units)
    return folded.tobytes().decode("utf-32-le", "surrogatepass")


#: a line break inside a number's unit or marker ("增长6%左⏎⏎右", "885⏎⏎亿元", "1100亿元以⏎⏎上"):
#: text extracted from a PDF with its line ends kept
#: (a pattern that opens with the line break: ``re`` skips from one to the next, 15x faster than one
#: that opens with the character before it)
_WRAPPED = re.compile(r"\n\s*(?P<tok>以上|以内|以下|左右|个百分点|[万亿][\u4e00-\u9fff]?|[右上内下%‰])")


def _wrap_joins(prev: str, tok: str) -> bool:
    """Whether ``tok`` after a line break continues the number or marker ending in ``prev``."""
    if tok in ("上", "内", "下"):
        return prev == "以"
    if tok == "右":
        return prev == "左"
    if tok in ("以上", "以内", "以下", "左右"):
        return prev.isdigit() or prev in ".%"
    return prev.isdigit() or prev == "."  # % ‰ 个百分点 万… 亿…


def rejoin_wraps(text: str) -> str:
    r"""Move a line break that splits a number's unit or marker to after it, keeping the length
    (and so every offset outside the few characters moved).

    >>> rejoin_wraps("地区生产总值增长6%左\n\n右,一般公共预算收入")
    '地区生产总值增长6%左右\n\n,一般公共预算收入'
    >>> rejoin_wraps("城镇新增就业4.3\n\n万人。")
    '城镇新增就业4.3万人\n\n。'
    >>> rejoin_wraps("增长10%\n\n上半年,第3\n\n2") == "增长10%\n\n上半年,第3\n\n2"
    True
    """
    if "\n" not in text:
        return text

    parts, pos = [], 0
    for m in _WRAPPED.finditer(text):
        lo = m.start()
        while lo > pos and text[lo - 1] in " \t":  # spaces before the line break move with it
            lo -= 1
        if lo > pos and _wrap_joins(text[lo - 1], m.group("tok")):
            parts += [text[pos:lo], m.group("tok"), text[lo:m.start("tok")]]
            pos = m.end()
    return "".join(parts) + text[pos:] if parts else text


SENTENCE_END = re.compile(r"[。！？!?;；\n]")


def sentence_bounds(text: str, start: int, end: int, max_len: int = 400) -> tuple[int, int]:
    """The sentence (between 。；！？ or line ends) around text[start:end].

    >>> t = "一是稳增长。地区生产总值增长5%左右;二是"
    >>> s, e = sentence_bounds(t, 13, 15)
    >>> t[s:e]
    '地区生产总值增长5%左右'
    """
    lo = start
    floor = max(0, start - max_len)
    while lo > floor and not SENTENCE_END.match(text[lo - 1]):
        lo -= 1
    hi = end
    ceil = min(len(text), end + max_len)
    while hi < ceil and not SENTENCE_END.match(text[hi]):
        hi += 1
    while lo < hi and text[lo] in " \t\u3000":
        lo += 1
    return lo, hi
