"""Keywords: TF-IDF over one segmentation per document.

Segmentation uses rjieba (jieba-rs, HMM off), with jieba's own dictionary, plus a user
dictionary made of every slogan and indicator alias so those are never split; weights use
jieba's bundled IDF table (offline). jieba and rjieba give the same tokens with HMM off;
tests/test_keywords.py checks that on the corpus.

>>> [k.word for k in top_keywords("推动高质量发展,推动高质量发展,城市创建要扎实推进。", k=2)]
['高质量发展', '城市创建']
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
import importlib.util
from pathlib import Path

from .lexicon import data_path, indicators, slogans

_HAN = re.compile(r"^[\u4e00-\u9fff]{2,}$")


@dataclass(frozen=True)
class Keyword:
    word: str
    weight: float


@cache
def user_words() -> tuple[str, ...]:
    """Slogans and indicator aliases, split at punctuation (jieba never joins across it)."""
    words = set()
    for s in slogans():
        for form in (s.text, *s.variants):
            words.update(p for p in re.split(r"[^\u4e00-\u9fffA-Za-z0-9]+", form) if len(p) >= 2)
    for ind in indicators().values():
        words.update(a for a in ind.aliases if _HAN.match(a))
    return tuple(sorted(words))


@cache
def _segmenter():
    import rjieba

    for w in user_words():
        rjieba.add_word(w, 100_000, None)
    return rjieba


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    for w in user_words():
        tk.add_word(w, 100_000)
    return tk


def segment(text: str) -> list[str]:
    """Tokens of text (rjieba, HMM off, with the user dictionary)."""
    return _segmenter().cut(text, False)


def segment_reference(text: str) -> list[str]:
    """The same with Python jieba (for equality tests and the benchmark reference)."""
    return _jieba().lcut(text, HMM=False)


@cache
def idf_table() -> tuple[dict[str, float], float]:
    """jieba's bundled IDF table (read directly: importing jieba.analyse loads POS tables)."""
    spec = importlib.util.find_spec("jieba")
    path = Path(spec.origin).parent / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word, _, value = line.rstrip("\n").partition(" ")
            if value:
                table[word] = float(value)
    values = sorted(table.values())
    return table, values[len(values) // 2]


@cache
def stop_words() -> frozenset[str]:
    lines = (data_path("stopwords.txt").read_text(encoding="utf-8")).splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


_WEIGHTS: dict[str, float] = {}


def _weight(word: str) -> float:
    """IDF of a candidate keyword (two or more Han characters, not a stop word), else 0."""
    w = _WEIGHTS.get(word)
    if w is None:
        idf, median = idf_table()
        ok = len(word) >= 2 and _HAN.match(word) is not None and word not in stop_words()
        w = _WEIGHTS[word] = idf.get(word, median) if ok else 0.0
    return w


def top_keywords(text: str, k: int = 20, tokens: list[str] | None = None) -> list[Keyword]:
    """The k words with the highest TF-IDF (term frequency among candidate words × IDF)."""
    tokens = segment(text) if tokens is None else tokens
    weights, total, scored = _WEIGHTS, 0, []
    for word, count in Counter(tokens).items():
        w = weights.get(word)
        if w is None:
            w = _weight(word)
        if w:
            total += count
            scored.append((count * w, word))
    best = heapq.nlargest(k, scored)
    best.sort(key=lambda x: (-x[0], x[1]))
    return [Keyword(word, round(score / (total or 1), 6)) for score, word in best]
