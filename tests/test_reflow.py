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
    kept = "".join(line for line in raw.split("\n") if not re.fullmatch(r"— \d+( —)?", line))  # the last: "— 23"
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
    body = ["全市上下深入学习贯彻党的二十大精神，奋力推动老工业基", "地转型振兴，迈出了争先进位、求变图强的坚实步伐，形成", "了以县域之进支撑市域之兴的发展格局，综合实力稳步提升。"]
    text = "\n".join((body + ["二、今年的主要任务"]) * 8)
    out = reflow(text).split("\n")
    assert out[:2] == ["".join(body), "二、今年的主要任务"]


def test_a_line_cut_mid_clause_goes_on_even_where_the_next_looks_like_a_heading():
    """QA pass 9: "…地区生产总值增长6.2%，其中⏎一、二、三产业增加值分别增长…" became a new part "一、"."""
    lines = ["过去一年，全区经济运行稳中向好，地区生产总值增长6.2%，其中", "一、二、三产业增加值分别增长3.1%、7.5%、5.2%，一般公共预算",
             "收入增长5.5%，固定资产投资增长8.1%，社会消费品零售总额增", "长6.8%。"]
    out = reflow("\n".join(["一、2023年工作回顾", *lines, "二、2024年工作安排", *lines])).split("\n")
    assert out[:3] == ["一、2023年工作回顾", "".join(lines), "二、2024年工作安排"]


def test_a_list_of_items_of_one_length_is_not_a_pdf_copy():
    """QA pass 9: a 通知 listing 22 projects, one a line, all 20 characters, was glued into one paragraph."""
    items = [f"推进{place}{work}" for place in ("城东片区", "城西新区", "北部新城", "南部新区", "高铁新区", "老城片区")
             for work in ("老旧小区改造提升工程建设项目", "雨污分流管网改造提升工程项目")] * 2
    text = "\n".join(["关于印发2024年全县重点项目清单的通知", "各乡镇人民政府，县直各部门：", *items])
    assert reflow(text) == text


def test_a_one_page_copy_is_rejoined_and_its_figures_read():
    """QA pass 9: 17 wrapped lines were too few (20), and "地区生产总⏎⏎值增长6%左右" gave a target named "值"."""
    text = ("同志们：\n\n今天召开全镇经济工作会议，主要任务是总结去年工作，部署今年\n\n任务。去年全镇经济运行稳中有进，"
            "地区生产总值增长6.5%，一般\n\n公共预算收入增长5.2%。今年主要预期目标是：地区生产总\n\n值增长6%左右，一般公共"
            "预算收入增长5%左右，固定资产投资增长\n\n8%左右，城镇新增就业1200人以上，居民人均可支配收入增长6%\n\n左右。"
            "下面，我讲三点意见。\n\n一、统一思想，坚定信心\n\n当前，我镇发展面临的机遇和挑战并存，必须保持定力，抢抓机\n\n"
            "遇，以更大力度推动高质量发展，确保完成全年目标任务。")
    out = reflow(text)
    assert "今年主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%左右" in out
    assert "\n\n一、统一思想，坚定信心\n\n" in out
