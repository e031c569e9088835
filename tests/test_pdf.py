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
    # the only differences: spaces of the source beside Chinese ("跨境电商 实体产业", "AA 主体"),
    # which the printed page holds as a gap, not a character
    differ = [(a, b) for a, b in zip(source, got) if a != b]
    assert [(re.sub(r" (?![0-9A-Za-z])|(?<![0-9A-Za-z]) ", "", a), b) for a, b in differ] == [(b, b) for _, b in differ]
    assert len(differ) == 5
    # lines cut at the margin are whole again, across pages too
    assert "请予审议，并请市政协委员和列席人员提出意见。" in doc.text
    assert "新增国家级专精特新“小巨人”企业4家、省级专精特新中小企业27家。" in doc.text


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
