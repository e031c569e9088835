"""Shared passages (metrics/passages.py): real reports that reuse last year's wording, a scraped
copy and its original, two cities' reports; the query, the command line and 单篇文档's 共同段落."""

from __future__ import annotations

import html
import re

import duckdb
import pytest

from metrics import passages
from metrics.dedup import counted
from metrics.reader import read_document
from metrics.ui import queries as Q

from tests.conftest import DATA, run_cli
from tests.test_dashboard_app import open_document

HAILAR = DATA / "hailar-district-reports"
REPORTS = DATA / "city-reports-2024"


def _text(path):
    return read_document(path).text


def _well_formed(c: passages.Comparison, a: str, b: str) -> None:
    """Every passage is a slice of each text, in order, apart, and long enough; the counts add up."""
    assert 0 <= c.shared <= c.counted == len(counted(a)[0]) and 0 <= c.other_shared <= c.other_counted
    assert sum(p.chars for p in c.passages) <= c.shared
    last = -1
    for p in c.passages:
        assert a[p.start:p.end] == p.text and b[p.other_start:p.other_end] == p.other_text
        assert p.start > last and p.chars >= passages.MIN_CHARS
        assert p.chars <= len(counted(p.text)[0]) and p.chars <= len(counted(p.other_text)[0]) + 2 * passages.GAP
        last = p.end - 1


def test_a_report_and_last_years_share_their_reused_paragraphs():
    a, b = _text(HAILAR / "2016.txt"), _text(HAILAR / "2015.txt")
    c = passages.compare(a, b)
    _well_formed(c, a, b)
    assert 0.1 < c.share < 0.3 and 0.2 < c.other_share < 0.45  # 2016 is longer; 2015 is reused more
    assert 15 < len(c.passages) < 60
    sentence = "森工集团棚户区改造项目一期达到入住条件，二期工程开工建设。东海写字楼土建工程全面完工"
    hit = [p for p in c.passages if sentence in p.text]
    assert len(hit) == 1 and sentence in hit[0].other_text
    # the same passage found from the other side
    back = passages.compare(b, a)
    _well_formed(back, b, a)
    assert back.share == pytest.approx(c.other_share) and back.other_share == pytest.approx(c.share)
    assert any(sentence in p.text for p in back.passages)


def test_a_scraped_copy_is_one_passage_with_its_original_and_other_cities_share_stock_phrases():
    a, b = _text(REPORTS / "成都.txt"), _text(DATA / "docx" / "成都.docx")
    c = passages.compare(a, b)
    _well_formed(c, a, b)
    assert c.share > 0.99 and c.other_share > 0.99
    # line breaks differ, the wording does not: one passage, every character, to the last sentence
    # (a phrase the text repeats once pulled its counterpart off the diagonal and cut the end)
    assert len(c.passages) == 1 and c.passages[0].chars == c.counted == c.other_counted
    assert c.passages[0].text.endswith("现代化万千气象的成都新篇章！")
    same = passages.compare(a, a)
    assert same.passages[0].start == 0 and same.passages[0].end == len(a.rstrip()) and same.shared == same.counted
    a, b = _text(REPORTS / "南京.txt"), _text(REPORTS / "合肥.txt")
    c = passages.compare(a, b)
    _well_formed(c, a, b)
    assert c.share < 0.15 and all(p.chars < 100 for p in c.passages)
    assert any("统筹扩大内需和深化供给侧结构性改革" in p.text for p in c.passages)


def test_a_changed_figure_stays_in_its_passage_and_the_counterpart_is_the_aligned_one():
    text = _text(REPORTS / "南京.txt")
    start = text.index("一般公共预算收入")
    paragraph = text[start - 150:start + 150]
    assert "增长4%" in paragraph
    changed = paragraph.replace("增长4%", "增长6.5%")
    # b holds a stock phrase of the paragraph first, elsewhere, then the paragraph with a new figure
    stray = paragraph[40:70]
    b = "前言：" + stray + "。" + _text(REPORTS / "合肥.txt")[:3000] + "\n" + changed + "\n结束语。"
    c = passages.compare(paragraph, b)
    _well_formed(c, paragraph, b)
    assert len(c.passages) == 1
    p = c.passages[0]
    assert p.other_start >= b.index(changed) - 2 and "增长6.5%" in p.other_text and "增长4%" in p.text
    assert p.end - p.start > 0.9 * len(paragraph.strip())


@pytest.mark.parametrize("a, b", [("", ""), ("", "任何文字都可以"), ("。，、\n  ", "。，、\n  "),
                                  ("短句相同", "短句相同"), ("<script>alert(1)</script>" * 5, "<b>x</b>")])
def test_empty_short_and_markup_texts_give_no_passages(a, b):
    c = passages.compare(a, b)
    assert c.passages == () and c.share <= 1.0 and c.other_share <= 1.0


def test_the_query_and_the_command_line_give_the_passages(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        ids = {s.split("data/")[-1]: d for s, d in con.execute("SELECT source, doc_id FROM documents").fetchall()}
        a, b = ids["hailar-district-reports/2016.txt"], ids["hailar-district-reports/2015.txt"]
        got = Q.shared_passages(con, a, b)
        texts = dict(con.execute("SELECT doc_id, text FROM documents WHERE doc_id IN (?, ?)", [a, b]).fetchall())
        assert Q.shared_passages(con, a, "0000000000000000") is None
    finally:
        con.close()
    want = passages.compare(texts[a], texts[b])
    assert got["share"] == want.share and len(got["passages"]) == len(want.passages)
    assert got["passages"]["text"].tolist() == [p.text for p in want.passages]
    assert list(got["passages"].columns) == Q.PASSAGE_COLUMNS
    proc = run_cli("shared", "2016.txt", "2015.txt", "--db", built_db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "start,end,other_start,other_end,chars,text,other_text"
    assert f"2016.txt: {want.share:.1%} of {want.counted:,} characters found in 2015.txt" in proc.stderr
    assert f"{len(want.passages)} passages" in proc.stderr
    bad = run_cli("shared", "2016.txt", "没有这个文件.txt", "--db", built_db)  # a usage error, nothing failed
    assert bad.returncode == 2 and "Invalid value for OTHER: 没有这个文件.txt: no such document" in bad.stderr
    same = run_cli("shared", "2016.txt", a, "--db", built_db)  # by file name, then by doc_id
    assert same.returncode == 2 and "are the same document" in same.stderr and same.stdout == ""
    one = run_cli("shared", "成都.txt", "成都.docx", "--db", built_db)
    assert one.returncode == 0 and one.stderr.rstrip().endswith("; 1 passage"), one.stderr


def test_the_document_page_lists_marks_and_selects_shared_passages(built_db, monkeypatch):
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        ids = {s.split("data/")[-1]: d for s, d in con.execute("SELECT source, doc_id FROM documents").fetchall()}
    finally:
        con.close()
    doc, last_year = ids["hailar-district-reports/2016.txt"], ids["hailar-district-reports/2015.txt"]
    at = open_document(built_db, doc, monkeypatch)
    pick = at.selectbox(key=f"doc_shared_with_{doc}")
    assert pick.value == last_year  # the most similar first
    table = [d for d in at.dataframe if "共同字数" in d.value.columns][0].value
    assert len(table) > 15 and (table["共同字数"] >= passages.MIN_CHARS).all()
    assert any("森工集团棚户区改造项目一期达到入住条件" in t for t in table["本文"])
    body = "".join(e.proto.body for e in at.get("html"))
    assert not re.search(r'class="[^"]*hl-shared', body)  # marked when asked
    at.toggle(key="doc_shared_mark").set_value(True).run()
    body = "".join(e.proto.body for e in at.get("html"))
    assert body.count("共同段落 ") >= len(table) and "共同段落 " + str(len(table)) in body
    at.toggle(key="doc_shared_mark").set_value(False).run()
    at.session_state["doc_sel"] = ("doc_shared", 2)
    at.run()
    assert not at.exception and not at.error
    htmls = [e.proto.body for e in at.get("html")]
    assert any("已选条目" in h and re.search(r'class="[^"]*hl-shared[^"]*hl-sel', h) for h in htmls)
    assert any('id="sm-sel"' in h and "共同段落 3" in h for h in htmls)
    third = [d for d in at.dataframe if "共同字数" in d.value.columns][0].value["所选文档"].iloc[2]
    counterpart = [h for h in htmls if "所选文档中的对应段落" in h]  # in full, escaped, with a link
    assert len(counterpart) == 1 and html.escape(third) in counterpart[0] and f"document?doc={last_year}" in counterpart[0]
    # another document to compare with: the pick is forgotten
    assert len(pick.options) >= 2
    at.selectbox(key=f"doc_shared_with_{doc}").set_value(ids["hailar-district-reports/2014.txt"]).run()
    assert not at.exception and at.session_state["doc_sel"] is None


def test_a_text_of_one_sentence_repeated_is_compared_whole_and_each_passage_matches_its_counterpart():
    """Every shingle of such a text is held thousands of times by the other (a malicious or broken
    file): the nearest place on the diagonal is found for all shingles at once (a Python loop over
    them took 2.3 s for 280,000 characters; this one, of 105,000, takes about 0.05 s), and what is
    listed is word for word the other's."""
    sentence = "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。"
    a = sentence * 3000
    b = a[:len(a) // 2] + "另外插入的一段完全不同的文字内容。" + a[len(a) // 2:]
    c = passages.compare(a, b)
    _well_formed(c, a, b)
    assert c.share == 1.0 and 0.99 < c.other_share < 1.0
    assert c.passages and all(p.text == p.other_text for p in c.passages)
