"""Custom phrases (metrics/phrases.py): exact counts on real texts, the database query agreeing
with the Python count, and phrases that look like regular expressions or SQL counted literally."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from metrics import charts, phrases, reader
from metrics.filters import Filters
from metrics.ui import queries

from tests.conftest import DATA, load_gold


def _text(rel: str) -> str:
    return reader.read_document(DATA / rel).text


def _gold_counts():
    for name in ("seeds.jsonl", "labelled.jsonl", "heldout.jsonl"):
        for label in load_gold(name):
            rel = label.get("file") or f"seeds/{label['id']}.txt"
            for phrase, n in label.get("slogans", {}).items():
                yield pytest.param(rel, phrase, n, id=f"{Path(rel).stem}-{phrase}")


@pytest.mark.parametrize("rel,phrase,n", list(_gold_counts()))
def test_every_hand_counted_phrase_is_counted_exactly(rel, phrase, n):
    # the labels count every occurrence, local phrases (强首府, 三高四新, 8337) included
    assert phrases.count_phrase(_text(rel), phrase) == n


@pytest.mark.parametrize("text,phrase,n", [
    ("自治区“8337”发展思路,不是18337或8337a", "8337", 1),
    ("落实“1+3”和“１＋３”,而非11+3", "1+3", 2),
    ("闯新路、进中游;闯新路，进中游;闯新路 进中游;闯新路进中游", "闯新路、进中游", 4),
    ("强首府强首府", "强首府", 2),
    ("(一)加快发展;(二)", "(一)", 1),
    ("增长.*%", ".*", 1),
    ("a|b 与 ab", "a|b", 1),
    ("没有这个短语", "[一二]", 0),
    ("'; DROP TABLE documents; --", "'; DROP TABLE documents; --", 1),
])
def test_phrases_count_literally(text, phrase, n):
    assert phrases.count_phrase(text, phrase) == n
    con = duckdb.connect()
    got = con.execute(f"SELECT {phrases.sql_count('t')} FROM (SELECT ?::VARCHAR AS t)",
                      [phrases.sql_pattern(phrase), phrases.pattern(phrase), text]).fetchall()[0][0]
    assert got == n


def test_parse_phrases_limits_and_separators():
    raw = "；".join(f"短语{i}" for i in range(12)) + "\n" + "长" * 100
    got = phrases.parse_phrases(raw)
    assert got == tuple(f"短语{i}" for i in range(phrases.MAX_PHRASES))
    assert phrases.parse_phrases("  强  首府 ;") == ("强 首府",)
    assert phrases.parse_phrases("长" * 100, limit=1) == ("长" * phrases.MAX_LENGTH,)
    assert phrases.parse_phrases("") == ()


PROBES = ("强首府", "奋力争先", "8337", "闯新路、进中游", "高质量发展", "1+3", "'; DROP TABLE documents; --", "(一)")


def test_the_database_query_counts_what_python_counts(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    texts = dict(con.execute("SELECT doc_id, text FROM documents").fetchall())
    got = queries.phrase_docs(con, Filters(duplicates=True), PROBES)
    by = {(r.text, r.doc_id): r.count for r in got.itertuples()}
    expected = {(p, d): phrases.count_phrase(t, p) for p in PROBES for d, t in texts.items()}
    assert by == {k: v for k, v in expected.items() if v}
    assert by[("强首府", next(d for d, t in texts.items() if "勇担强首府使命" in t))] == 14
    assert not any(p.startswith("'") for p, _ in by)
    # by default a near-duplicate (成都.txt, twin of 成都.docx) is left out
    twins = {d for (d,) in con.execute("SELECT doc_id FROM documents WHERE duplicate_of IS NOT NULL").fetchall()}
    assert len(twins) == 4
    kept = queries.phrase_docs(con, Filters(), PROBES)
    assert {(r.text, r.doc_id): r.count for r in kept.itertuples()} == {k: v for k, v in by.items() if k[1] not in twins}
    # the example is the first occurrence in its sentence
    row = got[got["text"] == "奋力争先"].iloc[0]
    assert "奋力争先" in row["example"] and "。" not in row["example"] and "\n" not in row["example"]


def test_filters_restrict_the_count(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    got = queries.phrase_docs(con, Filters(province=("宁夏回族自治区",)), ("强首府", "奋力争先"))
    assert got[["text", "region", "count"]].values.tolist() == [["强首府", "宁夏回族自治区 银川市", 14]]
    assert queries.phrase_docs(con, Filters(), ()).empty


def test_the_document_table_links_to_the_marked_document(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    table = charts.phrase_doc_table(queries.phrase_docs(con, Filters(), ("三高四新",)))
    assert set(table["地区"]) >= {"湖南省 岳阳市", "湖南省 长沙市"}
    first = table.iloc[0]
    assert first["每万字次数"] == table["每万字次数"].max()
    assert first["原文"] == f"document?doc={first['文档ID']}&hl=%E4%B8%89%E9%AB%98%E5%9B%9B%E6%96%B0"
    groups = charts.phrase_groups(queries.phrase_docs(con, Filters(), ("三高四新",)))
    assert groups["count"].sum() == table["出现次数"].sum() and set(groups["province"]) == {"湖南省"}


def test_a_phrase_typed_full_width_counts_as_the_same_phrase(built_db):
    """QA pass 14: ＧＤＰ or １＋３ typed with a Chinese input method was never found (the texts are
    matched in both widths, but the typed phrase was not narrowed)."""
    assert phrases.parse_phrases("ＧＤＰ；１＋３；GDP") == ("GDP", "1+3")
    con = duckdb.connect(str(built_db), read_only=True)
    half = queries.phrase_docs(con, Filters(), ("GDP", "1+3"))
    full = queries.phrase_docs(con, Filters(), ("ＧＤＰ", "１＋３"))
    assert len(half) > 10 and full["count"].tolist() == half["count"].tolist()
    text = "地区生产总值（GDP）增长10%，落实“１＋３”"
    assert [m.group() for m in phrases.finditer(text, "１０％")] == ["10%"]
    assert phrases.count_phrase(text, "1+3") == phrases.count_phrase(text, "１＋３") == 1
