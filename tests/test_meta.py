"""Metadata on the whole sample corpus: never a wrong year."""
from pathlib import Path

import pytest

from metrics.meta import extract_meta
from metrics.normalize import fold
from metrics.reader import read_document

from conftest import DATA

# 池州.txt in the 2024 folder is in fact the 2023 report (it reviews 2022 and plans 2023).
EXPECTED_YEAR = {"池州.txt": 2023}
REPORTS = sorted((DATA / "city-reports-2024").glob("*.txt")) + sorted((DATA / "docx").glob("*.docx"))


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_city_report_year(path):
    meta = extract_meta(fold(read_document(path).text))
    assert meta.doc_type == "work_report"
    assert meta.year == EXPECTED_YEAR.get(path.name, 2024)


@pytest.mark.parametrize("path", sorted((DATA / "hailar-district-reports").glob("*.txt")), ids=lambda p: p.name)
def test_hailar_report_date(path):
    meta = extract_meta(fold(read_document(path).text))
    assert meta.year == int(path.stem) and meta.date.startswith(path.stem)
    assert meta.speaker and meta.speaker_role.endswith("区长")


def test_conflicting_year_signals_give_none():
    text = "各位代表:\n一、2022年工作回顾\n……\n二、2024年工作安排\n"
    assert extract_meta(text).year is None


def test_forum_post_date_is_not_the_speech_date():
    meta = extract_meta(fold(read_document(DATA / "seeds" / "003_49f5c10d9eda79ac.txt").text))
    assert meta.date == "2012-06-15"


@pytest.mark.parametrize("header,expected", [
    ("在全区经济工作会议上的讲话\n区委书记 王小明\n(2019年12月20日)\n同志们:\n今天召开会议。",
     ("在全区经济工作会议上的讲话", "王小明", "区委书记", "2019-12-20", 2019, "speech")),
    ("王小明同志在全县三级干部大会上的讲话\n(2018年2月1日)\n同志们:\n今年是…",
     ("王小明同志在全县三级干部大会上的讲话", "王小明", None, "2018-02-01", 2018, "speech")),
    ("县长张三:在全县脱贫攻坚推进会上的讲话\n同志们:\n下面我讲三点意见。",
     ("在全县脱贫攻坚推进会上的讲话", "张三", "县长", None, None, "speech")),
    ("首页 > 领导讲话\n在全镇安全生产工作会议上的讲话\n镇党委书记  李四\n2021年3月5日\n同志们:",
     ("在全镇安全生产工作会议上的讲话", "李四", "镇党委书记", "2021-03-05", 2021, "speech")),
    ("来源:XX日报\n时间:2020-05-06\n前天下午,区委书记赵六在全区大会上强调……",
     (None, "赵六", "区委书记", "2020-05-04", 2020, "other")),
    ("在XX区工作会议上的讲话\nXXX\n同志们:\n今天……", ("在XX区工作会议上的讲话", None, None, None, None, "speech")),
])
def test_speech_headers(header, expected):
    m = extract_meta(header)
    assert (m.title, m.speaker, m.speaker_role, m.date, m.year, m.doc_type) == expected


def test_the_year_in_a_title_when_the_text_gives_none():
    # an upload in QA pass 3: "过去一年工作回顾" and "今年工作安排" name no year; the title does
    text = "四川省乐山市2025年政府工作报告\n各位代表：\n现在，我代表市人民政府，向大会报告工作。\n一、过去一年工作回顾\n二、今年工作安排\n"
    m = extract_meta(text)
    assert (m.year, m.year_source) == (2025, "title")
    # two years in the title tell nothing
    assert extract_meta("在2019年和2020年两次全会精神传达会上的讲话\n同志们：\n今天我们开会。\n").year is None


@pytest.mark.parametrize("name,title,speaker", [
    ("池州.txt", None, "朱浩东"),   # opens with "人民代表大会第二次会议上", the end of a broken subtitle
    ("阿坝.txt", None, None),        # opens with its first heading, "2023年工作回顾"
    ("蚌埠.txt", None, "马军"),      # opens with its by-line "市长\xa0 马\xa0 军", spaced to fill the width
    ("防城港.txt", "政府工作报告", "黄江"),  # "市长  黄\u2003江"
    ("玉林.txt", "2024年政府工作报告", None),
])
def test_the_first_line_is_the_title_only_when_it_is_one(name, title, speaker):
    m = extract_meta(read_document(DATA / "city-reports-2024" / name).text)
    assert (m.title, m.speaker) == (title, speaker)
