"""Segmentation and keywords: rjieba gives jieba's tokens; slogans and indicators stay whole."""
import pytest

from metrics.keywords import segment, segment_reference, top_keywords, user_words
from metrics.reader import read_document

from conftest import DATA

FILES = sorted((DATA / "city-reports-2024").glob("*.txt"))[:12] + sorted((DATA / "seeds").glob("*.txt"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_rjieba_tokens_equal_jieba_tokens(path):
    text = read_document(path).text
    assert segment(text) == segment_reference(text)


@pytest.mark.parametrize("word", ["高质量发展", "疏解整治促提升", "城镇调查失业率", "社会消费品零售总额", "新质生产力"])
def test_user_dictionary_keeps_phrases_whole(word):
    assert word in user_words()
    assert word in segment(f"全力推动{word}取得新突破")


def test_keywords_of_a_seed_are_its_topic():
    text = read_document(DATA / "seeds" / "002_0bf3c1c027113e43.txt").text
    words = [k.word for k in top_keywords(text, k=10)]
    assert "城市创建" in words
    assert all(len(w) >= 2 for w in words)
    weights = [k.weight for k in top_keywords(text, k=10)]
    assert weights == sorted(weights, reverse=True) and weights[0] > 0
