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
