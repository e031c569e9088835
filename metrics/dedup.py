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
transitively) one document is kept — the original format first (.docx, then .pdf, then
.html, then .txt), then the first source path — and the others name it in ``documents.duplicate_of``.
The choice depends only on the group, so adding files gives what a full build gives.

The settings (sketch size, shingle length, threshold, which format is kept, 相似文档's cut-off)
are a rule file, ``metrics/data/near_duplicates.toml``. Pure functions here; the builder stores
sketches and marks (metrics/build.py).

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

import tomllib

import numpy as np

from .lexicon import data_path


def _settings() -> dict:
    """The rule file ``metrics/data/near_duplicates.toml``, checked (its ``[passages]`` table is
    :mod:`metrics.passages`')."""
    with data_path(SETTINGS).open("rb") as fh:
        s = tomllib.load(fh)
    count = lambda lo, hi: lambda v: isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi  # noqa: E731
    share = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1  # noqa: E731
    checks = {"sketch_size": count(8, 4096), "shingle": count(1, 20), "threshold": lambda v: share(v) and v > 0,
              "keep_formats": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
              "similar_min": share, "passages": lambda v: isinstance(v, dict)}
    bad = [k for k, ok in checks.items() if k not in s or not ok(s[k])]
    passages = s.get("passages") if isinstance(s.get("passages"), dict) else {}
    bad += [f"passages.{k}" for k, ok in {"shingle": count(2, 50), "gap": count(0, 200),
                                          "min_chars": count(1, 10_000)}.items()
            if k not in passages or not ok(passages[k])]
    if bad:
        raise ValueError(f"{SETTINGS}: missing or invalid {', '.join(bad)}")
    return s


#: the rule file of this module
SETTINGS = "near_duplicates.toml"
#: its settings, checked
RULES = _settings()

#: hashes kept per document
K: int = RULES["sketch_size"]
#: characters per shingle
SHINGLE: int = RULES["shingle"]
#: the similarity from which two documents of one block are twins
THRESHOLD: float = float(RULES["threshold"])
#: a format's rank when choosing which twin to keep (lower first; others after these)
FORMAT_RANK = {fmt: rank for rank, fmt in enumerate(RULES["keep_formats"])}
#: 相似文档 lists documents from this similarity on
SIMILAR_MIN: float = float(RULES["similar_min"])
#: the rule and the choice as the dashboard states them
RULE_ZH = f"同年同地区、文字相似度 {THRESHOLD:g} 以上"
KEEP_ZH = "、".join(f".{fmt}" for fmt in FORMAT_RANK)

_P = np.uint64(0x100000001B3)  # FNV prime: combines a shingle's code points
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)  # splitmix64's finaliser
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _S30)
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    return x ^ (x >> _S31)


def counted(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The characters that count (CJK, digits, Latin letters): their places in ``text`` and their
    code points.

    >>> [p.tolist() for p in counted("增长 6%，GDP")]
    [[0, 1, 3, 6, 7, 8], [22686, 38271, 54, 71, 68, 80]]
    """
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    low = cp | 0x20  # ASCII letters folded to lower case
    keep = ((cp >= 0x4E00) & (cp <= 0x9FFF)) | ((cp >= 0x30) & (cp <= 0x39)) | ((low >= 0x61) & (low <= 0x7A))
    return np.flatnonzero(keep), cp[keep]


def shingle_hashes(cp: np.ndarray, length: int = SHINGLE) -> np.ndarray:
    """A 64-bit hash of every run of ``length`` code points of ``cp``, by where it starts."""
    cp = cp.astype(np.uint64)
    m = len(cp) - length + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = cp[:m].copy()
        for j in range(1, length):
            h *= _P
            h += cp[j:m + j]
        return _mix(h)


def sketch(text: str) -> np.ndarray:
    """The sorted :data:`K` smallest distinct shingle hashes of ``text`` (uint64; fewer for a
    text shorter than K + 4 counted characters)."""
    h = shingle_hashes(counted(text)[1])
    m = len(h)
    if m > 2 * K:
        u = np.unique(np.partition(h, 2 * K)[:2 * K])
        if len(u) >= K:
            return u[:K]
    return np.unique(h)[:K]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the texts behind two sketches (0.0 when one is empty): of
    the K smallest hashes of both texts together, the share that both texts have.

    >>> similarity(sketch("一二三四五六七八"), sketch("一二三四五六七八"))
    1.0
    """
    return float(similarities(_padded([np.asarray(a, dtype=np.uint64)]), _padded([np.asarray(b, dtype=np.uint64)]))[0])


_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)  # pads a sketch shorter than K (never a kept hash: see _padded)


def _padded(sketches: list[np.ndarray]) -> np.ndarray:
    """Sketches as rows of a K-column matrix, short ones padded with :data:`_EMPTY`."""
    out = np.full((len(sketches), K), _EMPTY, dtype=np.uint64)
    for row, s in zip(out, sketches):
        s = s[s != _EMPTY][:K]
        row[:len(s)] = s
    return out


def similarities(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`similarity` of each row of ``a`` with the same row of ``b`` (padded sketches, see
    :func:`_padded`), for many pairs at once: the rows merged and sorted, a hash both hold is a
    repeated value."""
    c = np.sort(np.concatenate([a, b], axis=1), axis=1)
    real = c != _EMPTY
    first = np.ones(c.shape, dtype=bool)
    first[:, 1:] = c[:, 1:] != c[:, :-1]
    rank = np.cumsum(first & real, axis=1)  # the distinct hashes so far
    both = np.zeros(c.shape, dtype=bool)
    both[:, :-1] = first[:, :-1] & (c[:, 1:] == c[:, :-1]) & real[:, :-1]
    k = np.minimum(K, rank[:, -1])
    hits = (both & (rank <= k[:, None])).sum(axis=1)
    return np.where(k > 0, hits / np.maximum(k, 1), 0.0)


def _pair_similarities(matrix: np.ndarray, i: np.ndarray, j: np.ndarray, chunk: int = 1 << 14) -> np.ndarray:
    return np.concatenate([similarities(matrix[i[k:k + chunk]], matrix[j[k:k + chunk]])
                           for k in range(0, len(i), chunk)] or [np.empty(0)])


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


#: pairs are screened by the share of sketch values they have in common (|A∩B| / |A∪B| over the
#: two sketches: about 0.02 below the estimate of :func:`similarity`, cheap for many pairs at once);
#: only those from here on get :func:`similarity`
SCREEN = THRESHOLD - 0.1
#: pair codes handled at a time (bounds memory: a few dozen bytes each)
_CHUNK = 1 << 20
#: the largest block whose pairs are counted in an n × n matrix (8 bytes each, about four times over: 300 MB): the
#: fastest way for the blocks of real corpora (the 100,000-document benchmark's largest has 668
#: documents: 12 s for all blocks, against 40 s by prefix filtering); beyond it, a block (say
#: 20,000 documents with neither year nor region: 3.2 GB) is compared by prefix filtering
DENSE_MAX = 3000


def _shared_counts(matrix: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """How many sketch values rows ``i`` and ``j`` of a padded matrix have in common, per pair."""
    c = np.sort(np.concatenate([matrix[i], matrix[j]], axis=1), axis=1)
    return ((c[:, 1:] == c[:, :-1]) & (c[:, 1:] != _EMPTY)).sum(axis=1)


def _screened(shared: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """Which pairs pass the screen: they share values, at least :data:`SCREEN` of the two
    sketches' union (``shared`` values of sketches of ``size_a`` and ``size_b`` values)."""
    return (shared > 0) & (shared >= SCREEN * (size_a + size_b - shared))


def _run_pair_codes(ids: np.ndarray, starts: np.ndarray, runs: np.ndarray, n: int, chunk: int):
    """Codes ``i * n + j`` (i < j) of every pair of ids within each run ``ids[start:start + run]``
    (ids ascending within a run), yielded about ``chunk`` at a time: runs grouped by length for
    one array operation each (no Python loop per run), a run of very many ids rows at a time."""
    large = runs * (runs - 1) // 2 > chunk
    for start, size in zip(starts[large], runs[large]):
        members = ids[start:start + size]
        step = max(1, chunk // size)
        for k in range(0, size - 1, step):
            rows = np.arange(k, min(k + step, size - 1))
            later = np.arange(size)[None, :] > rows[:, None]
            yield (members[rows, None] * n + members[None, :])[later]
    for size in np.unique(runs[(runs > 1) & ~large]):
        first, second = np.triu_indices(size, k=1)
        at = starts[runs == size]
        step = max(1, chunk // len(first))
        for k in range(0, len(at), step):
            members = ids[at[k:k + step, None] + np.arange(size)]
            yield (members[:, first] * n + members[:, second]).ravel()


def _prefix_length(sizes: np.ndarray) -> np.ndarray:
    """How many of a sketch's rarest values must be compared so that no pair passing the screen
    is missed: a pair with |A∩B| >= SCREEN · |A∪B| shares at least t = ceil(SCREEN · |A|) values,
    and two sets sharing t values share one among their |A| - t + 1 first in any fixed order
    (prefix filtering, as in set-similarity joins)."""
    return sizes - np.ceil(SCREEN * sizes - 1e-9).astype(np.int64) + 1


def _dense_pairs(block: list[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_pairs` for a block of up to :data:`DENSE_MAX` documents, with an n × n count.

    Every value two or more sketches hold adds one to each pair holding it: the pairs of each run of
    equal values (:func:`_run_pair_codes`) are counted with ``bincount`` (no Python loop per value:
    a block of 668 synthetic variants has 2 million shared values)."""
    n = len(block)
    ids = np.concatenate([np.full(len(c.sketch), i, dtype=np.int64) for i, c in enumerate(block)])
    vals = np.concatenate([c.sketch for c in block])
    order = np.lexsort((ids, vals))
    ids, vals = ids[order], vals[order]
    starts = np.flatnonzero(np.r_[True, vals[1:] != vals[:-1]])
    sizes = np.diff(np.r_[starts, len(vals)])
    shared = np.zeros(n * n, dtype=np.int64)
    for codes in _run_pair_codes(ids, starts, sizes, n, _CHUNK * 4):
        shared += np.bincount(codes, minlength=n * n)
    lens = np.array([len(c.sketch) for c in block])
    return np.nonzero(np.triu(_screened(shared.reshape(n, n), lens[:, None], lens[None, :]), k=1))


def _pairs(block: list[Candidate], matrix: np.ndarray, dense_max: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of the block whose sketches share at least :data:`SCREEN` of their values: by
    :func:`_dense_pairs` up to ``dense_max`` (default :data:`DENSE_MAX`) documents, else by
    :func:`_prefix_pairs`.

    >>> text = "".join(map(chr, range(0x4E00, 0x4E00 + 600)))  # 600 distinct characters
    >>> block = [Candidate(str(i), (), "txt", "", sketch(t)) for i, t in enumerate(
    ...     [text, text[:570] + "今年目标", text[300:] + text[:300], text[:300]])]
    >>> [list(zip(*(x.tolist() for x in _pairs(block, _padded([c.sketch for c in block]), limit))))
    ...  for limit in (10, 0)]
    [[(0, 1), (0, 2), (1, 2)], [(0, 1), (0, 2), (1, 2)]]
    """
    if len(block) <= (DENSE_MAX if dense_max is None else dense_max):
        return _dense_pairs(block)
    return _prefix_pairs(block, matrix)


def _prefix_pairs(block: list[Candidate], matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_pairs` for a block of any size, in bounded memory. Candidates are the pairs whose
    prefixes (:func:`_prefix_length`; values ordered rarest in the block first) share a value,
    generated run by run of equal values and handled :data:`_CHUNK` pair codes at a time, so memory
    stays bounded however large the block (a dense n × n count needs 3.2 GB at 20,000 documents);
    each candidate's shared count is then computed exactly."""
    n = len(block)
    sizes = np.array([len(c.sketch) for c in block], dtype=np.int64)
    values = np.sort(np.concatenate([c.sketch for c in block]))
    distinct = np.r_[True, values[1:] != values[:-1]]
    counts = np.diff(np.r_[np.flatnonzero(distinct), len(values)]).astype(np.int64)
    values = values[distinct]
    del distinct
    counts = np.r_[counts, n + 1]  # padding (_EMPTY, never a value) sorts last
    keys, owners = [], []
    for lo in range(0, n, 4096):  # rows at a time: each row's values, rarest in the block first
        key = np.searchsorted(values, matrix[lo:lo + 4096])
        key[matrix[lo:lo + 4096] == _EMPTY] = len(values)
        ranked = np.sort(counts[key] * (len(values) + 1) + key, axis=1) % (len(values) + 1)
        keep = np.arange(K)[None, :] < _prefix_length(sizes[lo:lo + 4096])[:, None]
        keys.append(ranked[keep])
        owners.append(np.nonzero(keep)[0] + lo)
    del values, counts
    ids, key = np.concatenate(owners), np.concatenate(keys)
    order = np.lexsort((ids, key))
    ids, key = ids[order], key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    runs = np.diff(np.r_[starts, len(key)])
    found_i, found_j = [], []
    for codes in _run_pair_codes(ids, starts, runs, n, _CHUNK):
        codes = np.unique(codes)
        i, j = codes // n, codes % n
        ok = _screened(_shared_counts(matrix, i, j), sizes[i], sizes[j])
        found_i.append(i[ok])
        found_j.append(j[ok])
    if not found_i:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    codes = np.unique(np.concatenate(found_i) * n + np.concatenate(found_j))
    return codes // n, codes % n


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

        matrix = _padded([c.sketch for c in block])
        pi, pj = _pairs(block, matrix)
        for i, j in zip(*(x[_pair_similarities(matrix, pi, pj) >= THRESHOLD].tolist() for x in (pi, pj))):
            parent[root(i)] = root(j)
        groups: dict[int, list[int]] = {}
        for i in range(len(block)):
            groups.setdefault(root(i), []).append(i)
        dup, kept = [], []
        for members in groups.values():
            if len(members) > 1:
                keep = min(members, key=lambda m: block[m].keep_key())
                dup += [m for m in members if m != keep]
                kept += [keep] * (len(members) - 1)
        sims = _pair_similarities(matrix, np.array(dup, dtype=np.int64), np.array(kept, dtype=np.int64))
        twins.extend(Twin(block[d].doc_id, block[k].doc_id, round(float(s), 3)) for d, k, s in zip(dup, kept, sims))
    return sorted(twins, key=lambda t: t.doc_id)
