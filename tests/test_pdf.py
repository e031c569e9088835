"""PDF files (metrics/reader.py): the text layer read with PDFium, page furniture dropped,
printed lines joined into the paragraphs they were set from.

``data/pdf/鄂州.pdf`` is ``data/city-reports-2024/鄂州.txt`` printed by headless Chromium
(``scripts/make_pdf_sample.py``): 18 A4 pages, a running head and "— n —" on each, every paragraph
indented, words and figures cut at the right margin."""
import re
from pathlib import Path

import duckdb
import pypdfium2 as pdfium
import pytest

from metrics.analyze import analyze
from metrics.build import build_database
from metrics.filters import failure_label
from metrics.reader import Limits, Line, ReadError, page_furniture, paragraphs, read_document

from conftest import DATA, ROOT

PDF = DATA / "pdf" / "鄂州.pdf"
TXT = DATA / "city-reports-2024" / "鄂州.txt"
FIXTURES = ROOT / "tests" / "fixtures"


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def test_the_printed_report_gives_back_the_paragraphs_it_was_printed_from():
    doc = read_document(PDF)
    source = _paragraphs(TXT.read_text(encoding="utf-8"))
    got = _paragraphs(doc.text)
    assert doc.file_format == "pdf" and doc.encoding is None
    assert len(got) == len(source) == 81
    # the one difference: a space of the source at a line's end, which the printed page does not hold
    differ = [(a, b) for a, b in zip(source, got) if a != b]
    assert len(differ) == 1 and differ[0][0].replace("跨境电商 实体产业", "跨境电商实体产业") == differ[0][1]
    # lines cut at the margin are whole again, across pages too
    assert "请予审议，并请市政协委员和列席人员提出意见。" in doc.text
    assert "新增国家级专精特新“小巨人”企业4家、省级专精特新中小企业27家。" in doc.text


def test_a_block_layout_with_ragged_lines_gives_back_its_paragraphs():
    """Seed 000 printed flush left (ragged lines), no indent, a space between paragraphs, the printing
    date as running head and "第 n 页 共 m 页" (tests/fixtures/000-block.pdf)."""
    source = _paragraphs((DATA / "seeds" / "000_c640d4500c71a10a.txt").read_text(encoding="utf-8"))
    text = read_document(FIXTURES / "000-block.pdf").text
    assert _paragraphs(text) == source
    assert not re.search(r"第 ?\d+ ?页|\d{1,2}/\d{1,2}/\d{2}", text)  # no page number, no printing date


def test_a_justified_line_spread_out_loses_its_made_up_spaces_and_keeps_real_ones():
    """Seed 003 justified: a line with Latin commas is spread out, and PDFium makes up a space
    between every two characters of it ("责任书怎么签 , 一 直 是"); a space of the text is a gap of the
    page too ("区长  孙俨玲"), kept as one space (tests/fixtures/003-indented.pdf)."""
    path = DATA / "seeds" / "003_49f5c10d9eda79ac.txt"
    source = _paragraphs(path.read_text(encoding="utf-8"))
    text = read_document(FIXTURES / "003-indented.pdf").text
    assert [re.sub(r"\s+", " ", p) for p in _paragraphs(text)] == [re.sub(r"\s+", " ", p) for p in source]
    assert "责任书怎么签,一直是区委考虑的一个重要问题" in text and "区委副书记、区长 孙俨玲" in text
    pdf, txt = analyze(text, "003.pdf"), analyze(read_document(path).text, path.name)
    assert (pdf.meta.speaker, pdf.meta.year, pdf.meta.doc_type) == (txt.meta.speaker, txt.meta.year, txt.meta.doc_type)
    assert ([(re.sub(r"\s", " ", d.phrase), d.n, d.found) for d in pdf.tasks.declared]
            == [(re.sub(r"\s", " ", d.phrase), d.n, d.found) for d in txt.tasks.declared])


def test_running_heads_and_page_numbers_are_left_out():
    text = read_document(PDF).text
    assert "政府工作报告" not in text  # the running head (the report itself never says it)
    assert not re.search(r"— \d+ —", text)
    with pdfium.PdfDocument(PDF) as pdf:
        pages = [pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf))]
    assert len(pages) == 18 and all(page.rstrip().endswith(f"— {i} —") for i, page in enumerate(pages, 1))
    lines = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]
    furniture = page_furniture(lines)[1]
    assert furniture == [line for i in range(1, 19) for line in ("政府工作报告", f"— {i} —")]


def test_the_pdf_is_analysed_as_its_text_is():
    from_pdf, from_txt = analyze(read_document(PDF).text, PDF.name), analyze(read_document(TXT).text, TXT.name)

    def facts(a):
        return sorted((t.indicator, t.canonical, t.low, t.high, t.unit, t.qualifier, t.kind) for t in a.targets)

    assert len(from_pdf.targets) > 200 and facts(from_pdf) == facts(from_txt)
    assert from_pdf.meta.year == from_txt.meta.year == 2024
    assert [(d.phrase, d.n, d.found) for d in from_pdf.tasks.declared] == [(d.phrase, d.n, d.found) for d in from_txt.tasks.declared]
    gdp = [t for t in from_pdf.targets if t.canonical == "gdp_growth" and t.kind == "target"]
    assert [(t.low, t.high) for t in gdp] == [(6.5, 6.5)]


def test_lines_are_joined_by_their_place_on_the_page():
    # a paragraph's first line is indented; a line that stops short of the margin ends its paragraph;
    # Latin words and figures keep a space between them, Chinese does not
    lines = [Line("（一）经济运行进中提质", 115, 300), Line("发展动能不断增强。地区生产总值增长6.0%。固定资产投资", 105, 522),
             Line("增长8.2%，推出“1 5", 73, 523), Line("1”系列政策。", 73, 170), Line("标题居中", 250, 340)]
    assert paragraphs([lines]) == ["（一）经济运行进中提质", "发展动能不断增强。地区生产总值增长6.0%。固定资产投资增长8.2%，推出“1 5 1”系列政策。",
                                   "标题居中"]
    # a page's last line goes on onto the next page
    assert paragraphs([lines[1:3], lines[3:4]])[0].endswith("“1 5 1”系列政策。")
    # lines without places (PDFium's text did not map onto its characters) stay lines
    assert paragraphs([[Line("第一行"), Line("第二行")]]) == ["第一行", "第二行"]


@pytest.mark.parametrize(("name", "reason", "label"), [
    ("encrypted.pdf", "encrypted PDF: it needs a password", "加密的 PDF"),
    ("no-text-layer.pdf", "PDF has no text layer", "扫描件"),
])
def test_a_pdf_that_cannot_be_read_is_named_with_the_reason(name, reason, label):
    with pytest.raises(ReadError, match=reason) as err:
        read_document(FIXTURES / name)
    assert label in failure_label(str(err.value))


@pytest.mark.parametrize("share", [0.05, 0.5, 0.99])
def test_a_truncated_pdf_is_refused(tmp_path, share):
    data = PDF.read_bytes()
    p = tmp_path / "截断.pdf"
    p.write_bytes(data[:int(len(data) * share)])
    with pytest.raises(ReadError, match="not a valid PDF, or truncated") as err:
        read_document(p)
    assert failure_label(str(err.value)).startswith("不是有效的 PDF")


def test_a_pdf_over_the_page_limit_is_refused():
    with pytest.raises(ReadError, match="PDF has 18 pages, over the limit of 10"):
        read_document(PDF, limits=Limits(max_pdf_pages=10))


def test_a_build_keeps_the_pdf_and_marks_its_scraped_copy(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for src in (PDF, TXT, FIXTURES / "encrypted.pdf"):
        (folder / src.name).write_bytes(src.read_bytes())
    db = tmp_path / "pdf.duckdb"
    report = build_database([folder], db, workers=1)
    assert report.added == 2 and [(Path(source).name, reason[:13]) for source, reason in report.failures] == [
        ("encrypted.pdf", "encrypted PDF")]
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("""SELECT file_name, file_format, duplicate_of IS NULL AS kept, region, year
                              FROM documents ORDER BY file_name""").fetchall()
        assert [r[:3] for r in rows] == [("鄂州.pdf", "pdf", True), ("鄂州.txt", "txt", False)]
        assert {(r[3], r[4]) for r in rows} == {("湖北省 鄂州市", 2024)}
    finally:
        con.close()


def test_two_columns_and_dash_paragraphs_give_back_their_paragraphs():
    """QA pass 17: on a two-column page each printed line became a paragraph (the right column's
    lines read as indented, the left's as stopping short), and PDFium gives no line break before a
    line that opens with "——", so such a paragraph was glued to the one before and then cut.
    tests/fixtures/吉林-two-columns.pdf prints 吉林's 七个要义 (seven "——聚焦…" paragraphs) in two
    columns."""
    source_path = FIXTURES / "吉林-七个要义.txt"
    source = _paragraphs(source_path.read_text(encoding="utf-8"))
    text = read_document(FIXTURES / "吉林-two-columns.pdf").text
    assert _paragraphs(text) == source
    assert sum(p.startswith("——聚焦") for p in _paragraphs(text)) == 7
    declared = [(d.phrase, d.n, d.found) for d in analyze(text, "吉林.pdf").tasks.declared]
    assert ("具体要聚焦七个要义", 7, 7) in declared
    assert declared == [(d.phrase, d.n, d.found) for d in analyze(read_document(source_path).text, "吉林.txt").tasks.declared]


def test_footnote_marks_are_left_out_and_the_qualifier_after_them_kept():
    """QA pass 17: "增长5.5%¹左右" was read "5.5%1左右", and the target lost its 左右.
    tests/fixtures/footnote-marks.pdf: a sentence after 鄂州's targets, marks set with <sup>, printed
    by Chromium on A5."""
    text = read_document(FIXTURES / "footnote-marks.pdf").text
    assert "增长6.5%以上，" in text and "增长5%左右，" in text and "注：1.按可比价格计算。2.同口径。" in text
    got = {t.canonical: (t.low, t.qualifier) for t in analyze(text, "marks.pdf").targets}
    assert got["gdp_growth"] == (6.5, "at_least") and got["public_budget_revenue_growth"] == (5.0, "about")


def test_a_power_after_a_letter_is_no_footnote_mark():
    from metrics.reader import _DROPPED, _drop_note_marks

    def box(x, y, h=16):
        return (x, y, x + 10, y + h)

    text = "面积5km2，增长5%1左右"
    boxes = [box(10 * i, 0) for i in range(len(text))]
    boxes[5] = box(50, 6, 13)   # the 2 of km²: raised and smaller, after a letter
    boxes[11] = box(110, 6, 13)  # the 1 after %: a mark
    assert _drop_note_marks(text, boxes, [(0, len(text) - 1)]).replace(_DROPPED, "") == "面积5km2，增长5%左右"
