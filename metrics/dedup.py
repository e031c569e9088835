"""Near-duplicate documents: one text saved twice with small differences.

A .docx original and its scraped .txt copy, or one report scraped from two sites with
different headers and line wraps, are different files with different doc_ids (see
:func:`metrics.analyze.doc_id_for`), but one document: counted twice, a region's figure
weighs double in a median and shows twice in a comparison. Identical texts are already
stored once (the ``duplicates`` table); this module finds the near-identical ones.

Each document gets a **sketch**: the :data:`K` smallest 64-bit hashes of its 5-character
shingles, over its CJK characters, digits and Latin letters only (whitespace, punctuation and
line wraps do not count). Two sketches estimate the Jaccard similarity of the two shingle
sets (the bottom-k estimator; standard error about 0.035 at 0.8). In the sample corpus the
three .docx/.txt pairs score 1.0 and no two other documents more than 0.12.

Documents are compared only within a **block** of the same year and region: a near-copy of
another region's report is a finding for a researcher (a template, a copied speech), not a
twin to leave out. In each group of twins (similarity >= :data:`THRESHOLD`, linked
transitively) one document is kept — the original format first (.docx, then .html, then
.txt), then the first source path — and the others name it in ``documents.duplicate_of``.
The choice depends only on the group, so adding files gives what a full build gives.

Pure functions here; the builder stores sketches and marks (metrics/build.py).

>>> a = sketch("力争地区生产总值增长6%左右，城镇调查失业率控制在5.5%以内。" * 3)
>>> b = sketch("力争地区生产总值增长6%左右,\\n城镇调查失业率控制在5.5%以内。" * 3)
>>> similarity(a, b)
1.0
>>> similarity(a, sketch("坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。"))
0.0
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

#: hashes kept per document
K = 128
#: characters per shingle
SHINGLE = 5
#: the similarity from which two documents of one block are twins
THRESHOLD = 0.8
#: a format's rank when choosing which twin to keep (lower first; others after these)
FORMAT_RANK = {"docx": 0, "html": 1, "txt": 2}

_P = np.uint64(0x100000001B3)  # FNV prime: combines a shingle's code points
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)  # splitmix64's finaliser
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _S30)
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    return x ^ (x >> _S31)


def sketch(text: str) -> np.ndarray:
    """The sorted :data:`K` smallest distinct shingle hashes of ``text`` (uint64; fewer for a
    text shorter than K + 4 counted characters)."""
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    low = cp | 0x20  # ASCII letters folded to lower case
    keep = ((cp >= 0x4E00) & (cp <= 0x9FFF)) | ((cp >= 0x30) & (cp <= 0x39)) | ((low >= 0x61) & (low <= 0x7A))
    cp = cp[keep].astype(np.uint64)
    m = len(cp) - SHINGLE + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = cp[:m].copy()
        for j in range(1, SHINGLE):
            h *= _P
            h += cp[j:m + j]
        h = _mix(h)
    if m > 2 * K:
        u = np.unique(np.partition(h, 2 * K)[:2 * K])
        if len(u) >= K:
            return u[:K]
    return np.unique(h)[:K]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the texts behind two sketches (0.0 when one is empty).

    >>> similarity(sketch("一二三四五六七八"), sketch("一二三四五六七八"))
    1.0
    """
    a, b = np.asarray(a, dtype=np.uint64), np.asarray(b, dtype=np.uint64)
    if not len(a) or not len(b):
        return 0.0
    k = min(K, len(np.union1d(a, b)))
    union_k = np.union1d(a, b)[:k]
    both = np.intersect1d(a, b, assume_unique=True)
    return float(len(np.intersect1d(both, union_k, assume_unique=True)) / k)


@dataclass(frozen=True)
class Candidate:
    """A document as the comparison sees it."""

    doc_id: str
    block: tuple  # (year, region): documents are compared within one block only
    file_format: str
    source: str
    sketch: np.ndarray

    def keep_key(self) -> tuple:
        return (FORMAT_RANK.get(self.file_format, len(FORMAT_RANK)), self.source, self.doc_id)


@dataclass(frozen=True)
class Twin:
    """``doc_id`` is a near-duplicate of the kept document ``duplicate_of``."""

    doc_id: str
    duplicate_of: str
    similarity: float


def _pairs(block: list[Candidate]) -> list[tuple[int, int]]:
    """Pairs (i < j) of the block that share at least half their sketch values: the only ones
    that can reach :data:`THRESHOLD` (a twin at 0.8 shares about 0.9 of them)."""
    ids = np.concatenate([np.full(len(c.sketch), i, dtype=np.int64) for i, c in enumerate(block)])
    vals = np.concatenate([c.sketch for c in block])
    order = np.lexsort((ids, vals))
    ids, vals = ids[order], vals[order]
    starts = np.flatnonzero(np.r_[True, vals[1:] != vals[:-1]])
    sizes = np.diff(np.r_[starts, len(vals)])
    n = len(block)
    shared = np.zeros((n, n), dtype=np.int32)
    for s, size in zip(starts[sizes > 1], sizes[sizes > 1]):
        members = ids[s:s + size]
        shared[np.ix_(members, members)] += 1
    lens = np.array([len(c.sketch) for c in block])
    need = np.minimum.outer(lens, lens) / 2
    i, j = np.nonzero(np.triu(shared > np.maximum(need, 0), k=1))
    return list(zip(i.tolist(), j.tolist()))


def find_twins(candidates: Iterable[Candidate]) -> list[Twin]:
    """Every near-duplicate among ``candidates``, each naming the document kept in its group.

    >>> text = "在全市经济工作会议上的讲话。同志们，今年全市地区生产总值增长6.5%，为全面完成目标打下基础。" * 4
    >>> c = lambda d, fmt, src, t, year=2024: Candidate(d, (year, "成都市"), fmt, src, sketch(t))
    >>> find_twins([c("a", "txt", "x/成都.txt", text + "来源：某网站"), c("b", "docx", "y/成都.docx", text),
    ...             c("c", "txt", "z/成都.txt", text, year=2023)])
    [Twin(doc_id='a', duplicate_of='b', similarity=0.891)]
    """
    blocks: dict[tuple, list[Candidate]] = {}
    for c in candidates:
        if len(c.sketch):
            blocks.setdefault(c.block, []).append(c)
    twins: list[Twin] = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        parent = list(range(len(block)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i, j in _pairs(block):
            if similarity(block[i].sketch, block[j].sketch) >= THRESHOLD:
                parent[root(i)] = root(j)
        groups: dict[int, list[Candidate]] = {}
        for i, c in enumerate(block):
            groups.setdefault(root(i), []).append(c)
        for members in groups.values():
            if len(members) < 2:
                continue
            kept = min(members, key=Candidate.keep_key)
            twins.extend(Twin(c.doc_id, kept.doc_id, round(similarity(c.sketch, kept.sketch), 3))
                         for c in members if c is not kept)
    return sorted(twins, key=lambda t: t.doc_id)
