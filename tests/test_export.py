"""Exports: exact bytes (BOM, header), the provenance table, formula neutralisation, XLSX and JSON."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from metrics.export import (
    ExportMeta,
    neutralise,
    neutralise_frame,
    safe_filename,
    provenance_csv,
    to_csv_bytes,
    to_csv_zip_bytes,
    to_json_bytes,
    to_xlsx_bytes,
)

META = ExportMeta(
    title="各地区对比",
    filters="2018–2020 · 北京市 · 区级 · 12 篇",
    rules_version="0.1.0+abc",
    exported_at=dt.datetime(2025, 3, 4, 5, 6, 7),
    query={"province": ["北京市"], "level": ["district"], "from": "2018", "to": "2020"},
)


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "地区": ["北京市", "=HYPERLINK(\"http://evil\")", "+86", "@SUM(A1)", "-1+2", "\tTAB", "\rCR", None],
        "值": [5.0, -3.5, 1.25, 0.0, 7.0, float("nan"), 2.0, 3.0],
        "年份": pd.array([2018, 2019, None, 2020, 2021, 2022, 2023, 2024], dtype="Int64"),
    })


@pytest.mark.parametrize(
    "value, expected",
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("增长5%", "增长5%"), ("a=b", "a=b"), ("", ""), (-1, -1), (2.5, 2.5), (None, None), ("'=x", "'=x")],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_neutralise_frame_keeps_numbers():
    out = neutralise_frame(frame())
    assert out["地区"].tolist()[:5] == ["北京市", "'=HYPERLINK(\"http://evil\")", "'+86", "'@SUM(A1)", "'-1+2"]
    assert out["值"].iloc[1] == -3.5


def test_csv_exact_bytes():
    df = pd.DataFrame({"地区": ["北京市", "=cmd"], "值": [5.0, -3.5], "n": [1, 2]})
    data = to_csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")
    expected = (
        "\ufeff"
        "地区,值,n\n"
        "北京市,5,1\n"
        "'=cmd,-3.5,2\n"
    )
    assert data.decode("utf-8") == expected.replace("\n", "\r\n")


def test_csv_round_trips_with_pandas():
    data = to_csv_bytes(frame())
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == ["地区", "值", "年份"]
    assert len(back) == 8
    assert back["地区"].tolist() == ["北京市", "'=HYPERLINK(\"http://evil\")", "'+86", "'@SUM(A1)", "'-1+2",
                                     "'\tTAB", "'\rCR", ""]
    assert back["值"].astype(str).tolist()[:3] == ["5", "-3.5", "1.25"]
    assert back["年份"].astype(str).tolist()[2] == ""  # missing → empty cell


def test_csv_neutralises_header():
    data = to_csv_bytes(pd.DataFrame({"=x": [1]})).decode("utf-8-sig")
    assert data.startswith("'=x\r\n")


def test_xlsx_content_and_metadata_sheet():
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(frame(), META)))
    assert wb.sheetnames == ["数据", "说明"]
    ws = wb["数据"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("地区", "值", "年份")
    assert rows[1] == ("北京市", 5, 2018)
    assert rows[2][0] == "'=HYPERLINK(\"http://evil\")" and rows[2][1] == -3.5
    assert [r[0] for r in rows[3:8]] == ["'+86", "'@SUM(A1)", "'-1+2", "'\tTAB", "'\rCR"]
    assert rows[6][1] is None and rows[3][2] is None
    # nothing stored as a formula
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    meta = dict(wb["说明"].iter_rows(values_only=True))
    assert meta["筛选"] == META.filters and meta["规则版本"] == "0.1.0+abc"
    assert meta["导出时间"] == "2025-03-04 05:06:07"


def test_xlsx_stores_year_labels_as_numbers():
    """A chart's tidy frame labels years as text ("2012", "年份未知"); the workbook gets numbers,
    the label of an unknown year stays text, and other text columns are untouched."""
    df = pd.DataFrame({"年份": ["2012", "年份未知", "2024"], "地区": ["2012", "北京市", "x"], "文档数": [1, 2, 3],
                       "上级年份": ["2023", None, "2024"]})
    rows = list(load_workbook(io.BytesIO(to_xlsx_bytes(df, META)))["数据"].iter_rows(values_only=True))
    assert rows[1:] == [(2012, "2012", 1, 2023), ("年份未知", "北京市", 2, None), (2024, "x", 3, 2024)]


def test_xlsx_multiple_tables_and_illegal_chars():
    tables = {"documents": pd.DataFrame({"t": ["a\x00b\x07c"]}), "targets": pd.DataFrame({"v": [1]}),
              "x/y:z*?[]" * 5: pd.DataFrame({"v": [2]})}
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(tables, META)))
    assert wb.sheetnames[:2] == ["documents", "targets"] and wb.sheetnames[-1] == "说明"
    assert len(wb.sheetnames[2]) <= 31
    assert wb["documents"]["A2"].value == "abc"


def test_json_envelope():
    env = json.loads(to_json_bytes(frame(), META).decode("utf-8"))
    assert env["meta"] == {
        "source": "讲话指标看板 Speech Metrics", "title": "各地区对比", "filters": META.filters,
        "filter_params": {"province": ["北京市"], "level": ["district"], "from": "2018", "to": "2020"},
        "rules_version": "0.1.0+abc", "exported_at": "2025-03-04T05:06:07", "columns": ["地区", "值", "年份"],
    }
    assert env["data"][0] == {"地区": "北京市", "值": 5.0, "年份": 2018}
    assert env["data"][5]["值"] is None and env["data"][2]["年份"] is None
    # JSON is not a spreadsheet: values stay verbatim
    assert env["data"][1]["地区"] == "=HYPERLINK(\"http://evil\")"


def test_json_tables_and_dates():
    tables = {"documents": pd.DataFrame({"date": [dt.date(2019, 12, 2)], "ts": [pd.Timestamp("2025-01-02 03:04:05")]})}
    env = json.loads(to_json_bytes(tables, META))
    assert env["tables"]["documents"] == [{"date": "2019-12-02", "ts": "2025-01-02T03:04:05"}]


def test_csv_zip():
    z = zipfile.ZipFile(io.BytesIO(to_csv_zip_bytes({"documents": frame(), "targets": frame().head(1)}, META)))
    assert sorted(z.namelist()) == ["documents.csv", "targets.csv", "说明.csv"]
    assert z.read("targets.csv").startswith("\ufeff地区,值,年份\r\n".encode())
    about = pd.read_csv(io.BytesIO(z.read("说明.csv")), encoding="utf-8-sig")
    assert list(about.columns) == ["项目", "内容"]
    assert dict(zip(about["项目"], about["内容"]))["筛选"] == "2018–2020 · 北京市 · 区级 · 12 篇"


def test_empty_frame_exports():
    empty = pd.DataFrame(columns=["a", "b"])
    assert to_csv_bytes(empty).decode("utf-8-sig") == "a,b\r\n"
    assert json.loads(to_json_bytes(empty, META))["data"] == []
    load_workbook(io.BytesIO(to_xlsx_bytes(empty, META)))


@pytest.mark.parametrize("name, expected", [("目标/区间: GDP 增速?", "目标_区间_GDP_增速"), ("../../etc/passwd", "etc_passwd"),
                                            ("", "export"), ("speech-metrics-dataset", "speech-metrics-dataset")])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_the_full_dataset_carries_a_codebook_of_its_columns_and_codes(built_db):
    import duckdb

    from metrics.filters import Filters
    from metrics.ui import queries

    con = duckdb.connect(str(built_db), read_only=True)
    tables = queries.full_dataset(con, Filters(province=("宁夏回族自治区",)))
    book = tables["codebook"]
    listed = {(t, c) for t, c in zip(book["表"], book["列"])}
    assert listed == {(name, col) for name, df in tables.items() if name != "codebook" for col in df.columns}
    assert (book["说明"] != book["列"]).all()  # every column explained, none left as its bare name
    kinds = book[(book["表"] == "targets") & (book["列"] == "kind")].iloc[0]["取值"]
    assert "achievement = 完成" in kinds
    assert "gdp_growth = 地区生产总值增速" in book[book["列"] == "canonical"].iloc[0]["取值"]
    assert "quoted = 引号短语" in book[(book["表"] == "slogans") & (book["列"] == "kind")].iloc[0]["取值"]
    # each column's header in a 中文 export: one per column of a table, none left as the code name
    assert not book.duplicated(["表", "中文列名"]).any()
    assert not (book["中文列名"] == book["列"]).any()


def test_a_chinese_export_is_the_same_rows_with_headers_and_labels(built_db):
    """``readable``: Chinese table names and headers (metrics/data/columns.csv), each code as its
    label; the same rows, in the same order, as the export of codes."""
    import duckdb

    from metrics.codebook import table_label
    from metrics.filters import Filters
    from metrics.ui import queries

    con = duckdb.connect(str(built_db), read_only=True)
    f = Filters(province=("四川省", "全国"))
    codes, zh = queries.full_dataset(con, f), queries.full_dataset(con, f, readable=True)
    con.close()
    assert list(zh) == ["文档", "数字目标", "提纲", "声明数量", "提法", "关键词", "列说明"]
    book = codes["codebook"]
    for name, df in codes.items():
        ours = zh[table_label(name)]
        assert len(ours) == len(df) > 0
        if name != "codebook":
            assert list(ours.columns) == book[book["表"] == name]["中文列名"].tolist()
    t, tz = codes["targets"], zh["数字目标"]
    assert set(tz["类型"]) == {"目标", "完成", "远期目标"}
    assert tz["指标"][t["canonical"] == "gdp_growth"].eq("地区生产总值增速").all()
    assert tz["指标"][t["canonical"] == "other"].eq("未归类").all()
    assert set(tz["限定词"].dropna()) <= {"确数", "左右/约", "以上/不低于", "以内/不超过"}
    assert (tz["原句"] == t["sentence"]).all() and (tz["下限"].fillna(-1) == t["low"].fillna(-1)).all()
    assert set(zh["文档"]["行政层级"]) == {"全国", "市级"} and "政府工作报告" in set(zh["文档"]["文档类型"])
    c, cz = codes["declared_counts"], zh["声明数量"]
    assert (cz["不符"] == c["mismatch"].map({True: "是", False: "否"})).all() and set(cz["列举形式"]) <= {"其后列举", "前文并列"}
    assert set(zh["提法"]["类型"]) <= {"词典提法", "数字提法", "引号短语", "发展定位"}
    # the document page's download labels its tables in pandas (readable_frame): the same result
    from metrics.codebook import readable_frame
    for name, df in codes.items():
        if name != "codebook":
            pd.testing.assert_frame_equal(readable_frame(name, df), zh[table_label(name)], check_dtype=False)


def test_xlsx_continues_a_table_longer_than_a_sheet(monkeypatch):
    """Excel opens at most 1,048,576 rows a sheet; a longer table goes on in "name (2)", …"""
    import metrics.export as export

    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 3)
    df = pd.DataFrame({"地区": [f"r{i}" for i in range(7)], "值": range(7)})
    wb = load_workbook(io.BytesIO(to_xlsx_bytes({"targets": df}, META)))
    assert wb.sheetnames == ["targets", "targets (2)", "targets (3)", "说明"]
    rows = [r for name in wb.sheetnames[:3] for r in list(wb[name].iter_rows(values_only=True))[1:]]
    assert rows == list(df.itertuples(index=False, name=None))
    assert all(next(wb[n].iter_rows(values_only=True)) == ("地区", "值") for n in wb.sheetnames[:3])


def test_a_csv_is_the_plain_table_that_any_reader_takes():
    """QA pass 8: "# …" provenance rows before the header broke pd.read_csv, and comment="#" cut
    cells that hold a "#" ("5#、6#泊位"). The provenance goes in 说明.csv of a zip instead."""
    df = pd.DataFrame({"地区": ["梧州市"], "原句": ["建成5#、6#泊位"], "值": [5.0]})
    raw = to_csv_bytes(df)
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert back.to_dict("records") == [{"地区": "梧州市", "原句": "建成5#、6#泊位", "值": 5.0}]
    meta = ExportMeta("原文证据", "a, b", "r", dt.datetime(2025, 1, 1), {"ind": "gdp_growth", "q": 'x,"=y"'})
    about = pd.read_csv(io.BytesIO(provenance_csv(meta)), encoding="utf-8-sig")
    assert dict(zip(about["项目"], about["内容"]))["URL 参数"] == 'ind=gdp_growth&q=x,"=y"'
    assert dict(zip(about["项目"], about["内容"]))["筛选"] == "a, b"
