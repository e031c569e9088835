"""Shared passages: where two documents have the same wording, and how much of each it is.

相似文档 (metrics/dedup.py) says *how* alike two texts are; this says *where*: the passages of
one document whose wording appears in the other (a district's report reusing last year's
paragraphs, a speech copied from a template or from another region's), each with its
counterpart, and the share of each text that the other holds.

Only the characters that count for near-duplicates are compared (CJK, digits, Latin letters:
:func:`metrics.dedup.counted`), so line wraps, spaces and punctuation do not matter. A character
of ``a`` is *shared* when it lies in a run of :data:`SHINGLE` characters that ``b`` also holds.
Shared runs separated by fewer than :data:`GAP` other characters (a changed figure: 增长6% → 增长5.5%)
make one passage; passages shorter than :data:`MIN_CHARS` shared characters (stock phrases such as
全面贯彻党的二十大精神) are not listed, though they count in the shares.

>>> a = "一、主要目标。全区地区生产总值增长6%左右，一般公共预算收入增长5%。二、重点任务。坚定不移推进工业强区战略。"
>>> b = "今年的目标是：全区地区生产总值增长6.5%左右，一般公共预算收入增长5%。另外，抓好民生实事。"
>>> c = compare(a, b, min_chars=10)
>>> [(p.text, p.other_text) for p in c.passages]
[('全区地区生产总值增长6%左右，一般公共预算收入增长5%。', '全区地区生产总值增长6.5%左右，一般公共预算收入增长5%。')]
>>> c.passages[0].chars, c.counted, c.other_counted, round(c.share, 2)
(24, 46, 39, 0.52)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dedup import RULES, counted, shingle_hashes

# the [passages] table of the rule file metrics/data/near_duplicates.toml
#: characters in a run that both texts must hold (longer than a word, shorter than a clause)
SHINGLE: int = RULES["passages"]["shingle"]
#: shared runs closer than this many characters are one passage (a figure or a word changed)
GAP: int = RULES["passages"]["gap"]
#: the fewest shared characters of a listed passage
MIN_CHARS: int = RULES["passages"]["min_chars"]
#: signs kept with the characters they follow or precede at a passage's edges
_TRAILING, _LEADING = set("%％‰℃”’」』）)】》。！？!?"), set("“‘「『（(【《")


def _edges(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` widened over a unit, a sentence's end or a closing (opening) bracket or quote."""
    while end < len(text) and text[end] in _TRAILING:
        end += 1
    while start > 0 and text[start - 1] in _LEADING:
        start -= 1
    return start, end


@dataclass(frozen=True)
class Passage:
    """``text[start:end]`` of the first document, whose wording ``other_text[other_start:other_end]``
    of the second repeats: ``chars`` of its counted characters are shared."""

    start: int
    end: int
    other_start: int
    other_end: int
    chars: int
    text: str
    other_text: str


@dataclass(frozen=True)
class Comparison:
    """The passages of the first document found in the second, in order, and the counts behind
    the shares: ``shared`` of the first text's ``counted`` characters are in the second, and
    ``other_shared`` of the second's ``other_counted`` in the first."""

    passages: tuple[Passage, ...]
    counted: int
    shared: int
    other_counted: int
    other_shared: int

    @property
    def share(self) -> float:
        """The share of the first text found in the second (0–1)."""
        return self.shared / self.counted if self.counted else 0.0

    @property
    def other_share(self) -> float:
        """The share of the second text found in the first (0–1)."""
        return self.other_shared / self.other_counted if self.other_counted else 0.0


def _covered(found: np.ndarray, n: int) -> np.ndarray:
    """Which of ``n`` characters lie in a found shingle (``found[i]``: the shingle starting at i)."""
    edges = np.zeros(n + 1, dtype=np.int64)
    starts = np.flatnonzero(found)
    np.add.at(edges, starts, 1)
    np.add.at(edges, starts + SHINGLE, -1)
    return np.cumsum(edges[:n]) > 0


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of True in ``mask``."""
    d = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def compare(a: str, b: str, *, min_chars: int = MIN_CHARS) -> Comparison:
    """The passages of ``a`` whose wording ``b`` repeats (see the module's description).

    >>> compare("", "任何文字").passages, compare("完全不同的两段文字内容", "毫无关系的另外一段话语").share
    ((), 0.0)
    """
    pos_a, cp_a = counted(a)
    pos_b, cp_b = counted(b)
    ha, hb = shingle_hashes(cp_a, SHINGLE), shingle_hashes(cp_b, SHINGLE)
    in_b, in_a = np.isin(ha, hb), np.isin(hb, ha)
    cov_a, cov_b = _covered(in_b, len(cp_a)), _covered(in_a, len(cp_b))
    # b's shingles sorted, with where each starts: the counterparts of a's shingles
    order = np.argsort(hb, kind="stable")  # equal hashes in order of place
    sorted_b = hb[order]
    span = len(hb) + 1
    # (which distinct hash, place) as one sorted key: the place of a hash nearest a given one, found
    # for all of a's shingles at once (a text of one sentence repeated holds each hash thousands of times)
    key_b = (np.cumsum(np.r_[True, sorted_b[1:] != sorted_b[:-1]]) - 1) * span + order
    passages = []
    merged: list[list[int]] = []
    for start, end in _runs(cov_a):
        if merged and start - merged[-1][1] < GAP:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    for start, end in merged:
        if int(cov_a[start:end].sum()) < min_chars:
            continue
        first = np.flatnonzero(in_b[start:max(start, end - SHINGLE + 1)]) + start
        lo = np.searchsorted(sorted_b, ha[first], "left")
        hi = np.searchsorted(sorted_b, ha[first], "right")
        at = order[lo]  # b's shingle for each of a's: its first place in b, for now
        # the counterpart lies along the most common offset between the two texts (counted on the
        # shingles b holds once); what b holds only elsewhere (a stock phrase, a sentence moved)
        # is left out of this pair
        once = hi - lo == 1
        values, counts = np.unique((at - first)[once] if once.any() else at - first, return_counts=True)
        diagonal = values[np.argmax(counts)]
        # a shingle b holds several times: its place nearest the diagonal
        target = np.clip(first + diagonal, 0, span - 1)
        j = np.searchsorted(key_b, key_b[lo] - order[lo] + target)
        left, right = order[np.clip(j - 1, lo, hi - 1)], order[np.clip(j, lo, hi - 1)]
        at = np.where(np.abs(left - target) <= np.abs(right - target), left, right)
        along = np.abs(at - first - diagonal) <= GAP
        first, at = first[along], at[along]
        chars = int(np.unique((first[:, None] + np.arange(SHINGLE)).ravel()).size)
        if chars < min_chars:
            continue
        a_start, a_end = int(first.min()), int(first.max()) + SHINGLE
        b_start, b_end = int(at.min()), int(at.max()) + SHINGLE
        s, e = _edges(a, int(pos_a[a_start]), int(pos_a[a_end - 1]) + 1)
        os_, oe = _edges(b, int(pos_b[b_start]), int(pos_b[b_end - 1]) + 1)
        passages.append(Passage(s, e, os_, oe, chars, a[s:e], b[os_:oe]))
    return Comparison(tuple(passages), len(cp_a), int(cov_a.sum()), len(cp_b), int(cov_b.sum()))
