"""Text copied out of a PDF: page-width lines joined into paragraphs, page numbers dropped."""
import re
from pathlib import Path

import pytest

from metrics.analyze import analyze
from metrics.reader import decode_bytes, normalise_line_ends, read_document
from metrics.reflow import reflow

from conftest import DATA

REPORTS = DATA / "city-reports-2024"


def _raw(path: Path) -> str:
    return normalise_line_ends(decode_bytes(path.read_bytes())[0])


def test_a_hard_wrapped_report_becomes_paragraphs():
    # 承德.txt: 1,032 lines of about 29 characters, a blank line between, "— 1 —" between pages
    raw = _raw(REPORTS / "承德.txt")
    text = read_document(REPORTS / "承德.txt").text
    assert "请市\n\n政协委员" in raw and "请市政协委员和列席人员提出意见。" in text
    assert "\n— 1 —\n" in raw and "— 1 —" not in text and "— 20 —" not in text
    assert [line for line in text.split("\n") if line][:3] == ["各位代表：", "现在，我代表市人民政府向大会报告工作，请予审议，并请市政协委员和列席人员提出意见。",
                                     "一、2023年工作回顾"]
    assert len(text.split()) < 80 < 500 < len(raw.split())
    # every character but the line ends and the page numbers is kept, in order
    kept = "".join(line for line in raw.split("\n") if not re.fullmatch(r"— \d+ —", line))
    assert text.replace("\n", "") == kept


def test_hard_wrapped_figures_get_their_whole_names():
    got = {(t.canonical, t.kind): (t.indicator, t.low, t.qualifier)
           for t in analyze(read_document(REPORTS / "承德.txt").text, "承德.txt").targets}
    # "居民消费价格指\n\n数上涨3%左右" and "规模以上工\n\n业增加值增长8.3%" were cut in two
    assert got[("cpi", "target")][1:] == (3.0, "about")
    assert got[("industrial_value_added_growth", "achievement")][1] == 8.3


def test_a_copy_with_line_ends_turned_into_spaces_is_rejoined():
    # 枣庄.txt: one 13,407-character line; "…，一 — 1 — 般公共预算收入增长7.2%" and "在全市深 入开展"
    raw = _raw(REPORTS / "枣庄.txt")
    text = read_document(REPORTS / "枣庄.txt").text
    assert "一 — 1 — 般公共预算收入" in raw and "一般公共预算收入增长7.2%" in text
    assert "在全市深入开展" in text and "139.01亿元" in text and "2023年是枣庄发展史上" in text
    assert raw.count("\n") == 0 and 30 < text.count("\n") < 60
    lines = text.split("\n")
    assert "二、2024年工作安排" in lines and "三、加强政府自身建设" in lines
    assert any(line.startswith("（一）聚力加快产业升级，夯实高质量发展支撑。") for line in lines)
    names = {t.indicator for t in analyze(text, "枣庄.txt").targets}
    assert {"一般公共预算收入", "实施省市级重点项目", "办理人大议案建议"} <= names
    assert not [n for n in names if " " in n or "—" in n]


def test_a_report_one_paragraph_a_line_is_left_as_it_is():
    # the web-scraped reports have no page-width lines: reflow returns the very same text
    changed = [p.name for p in sorted(REPORTS.glob("*.txt")) if reflow(_raw(p)) != _raw(p)]
    assert changed == ["承德.txt", "枣庄.txt"]
    for path in sorted((DATA / "seeds").glob("*.txt")) + sorted((DATA / "hailar-district-reports").glob("*.txt")):
        raw = _raw(path)
        assert reflow(raw) is raw, path.name


@pytest.mark.parametrize("text", [
    "\n".join(["政府工作报告", "各位代表：", "一、过去一年工作回顾", "（一）经济运行稳中向好。"] * 10),  # short lines
    "\n".join(["　　一年来，我们坚持稳中求进工作总基调，经济运行回升向好，地区生产总值增长5.5%。"] * 30),  # each ends a sentence
    "单独一行 — 3 — 不是页码",
])
def test_texts_that_are_not_pdf_copies_are_kept(text):
    assert reflow(text) == text


def test_a_wrapped_line_before_a_heading_is_not_joined_to_it():
    body = ["全市上下深入学习贯彻党的二十大精神，奋力推动老工业基", "地转型振兴，迈出了争先进位、求变图强的坚实步伐，形成", "了以县域之进支撑市域之兴的发展格局，综合实力稳步提升"]
    text = "\n".join((body + ["二、今年的主要任务"]) * 8)
    out = reflow(text).split("\n")
    assert out[:2] == ["".join(body), "二、今年的主要任务"]
