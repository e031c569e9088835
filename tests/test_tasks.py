"""Outline and declared counts on real layouts: indented headings, flattened text, quoted formulas."""
from metrics.analyze import analyze
from metrics.reader import read_document
from metrics.tasks import build_outline, find_declared

from conftest import DATA


def declared(name):
    text = read_document(DATA / "city-reports-2024" / name).text
    return [(d.n, d.found, d.mismatch) for d in analyze(text).tasks.declared]


def test_headings_indented_with_en_spaces_are_found():
    # 池州: "\u2002\u2002\u2002\u2002（六）坚定不移…" — the run after 重点抓好八个方面工作 is complete
    assert (8, 8, False) in declared("池州.txt")


def test_report_with_all_line_breaks_lost():
    # 枣庄.txt is one 13,000-character line; headings follow a full stop or a dash instead
    assert declared("枣庄.txt") == [(8, 8, False)]


def test_quoted_formula_followed_by_another_list_claims_no_mismatch():
    text = "坚持“两个毫不动摇”,一是优化营商环境,二是扶持民营企业,三是保护产权,四是弘扬企业家精神。"
    outline = build_outline(text)
    assert [d for d in find_declared(text, outline) if d.mismatch] == []


def test_no_false_mismatch_in_the_sample_corpus():
    flagged = {}
    for path in sorted((DATA / "city-reports-2024").glob("*.txt")):
        for d in analyze(read_document(path).text).tasks.declared:
            if d.mismatch:
                flagged[path.name] = (d.phrase, d.n, d.found)
    # 马鞍山 declares 10 sections but the scraped text keeps only the markers (一)(二)
    assert set(flagged) <= {"马鞍山.txt"}, flagged
