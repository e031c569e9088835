"""Downloads: CSV (UTF-8 with BOM), XLSX and JSON, each carrying provenance.

Every export states the filters, the rules version and the export date:

* CSV  — leading ``# key: value`` comment rows, then the header and data;
* XLSX — the table on sheet ``数据`` (or one sheet per table) plus a ``说明``
  metadata sheet;
* JSON — an envelope ``{"meta": {...}, "data": [...]}`` (or ``"tables"``).

Spreadsheet formula injection is neutralised in CSV and XLSX: any text cell
starting with ``= + - @`` or a tab / carriage return gets a leading
apostrophe. Numbers are left alone (``-3.5`` stays numeric).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = [
    "ExportMeta",
    "neutralise",
    "neutralise_frame",
    "to_csv_bytes",
    "provenance_csv",
    "to_xlsx_bytes",
    "to_json_bytes",
    "to_csv_zip_bytes",
    "safe_filename",
    "absolute_links",
    "app_base",
    "query_to_csv",
]

BOM = "\ufeff"
EXCEL_MAX_ROWS = 1_048_575  # data rows of one sheet (Excel's 1,048,576 less the header)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
APP_TITLE = "讲话指标看板 Speech Metrics"


@dataclass(frozen=True)
class ExportMeta:
    """Provenance stated in every export."""

    title: str
    filters: str  # human-readable filter line (Filters.describe)
    rules_version: str
    exported_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    query: Mapping[str, Any] = field(default_factory=dict)  # Filters.to_query_params()

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            ("来源", APP_TITLE),
            ("内容", self.title),
            ("筛选", self.filters),
            ("规则版本", self.rules_version),
            ("导出时间", self.exported_at.isoformat(sep=" ")),
        ]
        if self.query:
            pairs = [(k, v) for k, vs in sorted(self.query.items())
                     for v in (vs if isinstance(vs, (list, tuple)) else [vs])]
            rows.append(("URL 参数", "&".join(f"{k}={v}" for k, v in pairs)))
        return rows

    def as_json(self) -> dict[str, Any]:
        return {
            "source": APP_TITLE,
            "title": self.title,
            "filters": self.filters,
            "filter_params": dict(self.query),
            "rules_version": self.rules_version,
            "exported_at": self.exported_at.isoformat(),
        }


def neutralise(value: Any) -> Any:
    """Prefix an apostrophe to text that a spreadsheet would run as a formula.

    >>> neutralise("=SUM(A1)"), neutralise("-1"), neutralise(-1), neutralise("增长6%")
    ("'=SUM(A1)", "'-1", -1, '增长6%')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) are neutralised."""
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.astype(object).map(neutralise)
    return out


def _cell(value: Any) -> Any:
    """Python scalar for writers; NaN/NA/NaT → None."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (AttributeError, ValueError):
            pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _csv_text(value: Any) -> str:
    v = _cell(value)
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dt.date, dt.datetime)):
        return _iso(v)
    return str(neutralise(v) if isinstance(v, str) else v)


def _iso(v: dt.date) -> str:
    """ISO text of a date or time; a DATE column read through pandas (a datetime at midnight)
    stays a date.

    >>> _iso(dt.datetime(2013, 2, 28)), _iso(dt.datetime(2013, 2, 28, 9, 30)), _iso(dt.date(2013, 2, 28))
    ('2013-02-28', '2013-02-28T09:30:00', '2013-02-28')
    """
    if isinstance(v, dt.datetime) and v.time() == dt.time(0) and v.tzinfo is None:
        return v.date().isoformat()
    return v.isoformat()


def _csv_head(columns: list) -> tuple[io.StringIO, Any]:
    """A CSV's start: BOM and the header row; and the writer to go on with."""
    buf = io.StringIO()
    buf.write(BOM)
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise(str(c)) for c in columns])
    return buf, w


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM; the header row, then the data: a plain table that any CSV reader takes as
    it is (the provenance goes with .xlsx, .json and a zip's 说明.csv: :func:`provenance_csv`).
    RFC 4180 line ends (CRLF) so embedded CR/LF in cells are quoted."""
    buf, w = _csv_head(list(df.columns))
    for row in df.itertuples(index=False, name=None):
        w.writerow([_csv_text(v) for v in row])
    return buf.getvalue().encode("utf-8")


#: the provenance table's name in a zip of CSV files
PROVENANCE_NAME = "说明"


def provenance_csv(meta: ExportMeta) -> bytes:
    """The provenance (source, content, filters, rules version, export time, URL parameters) as a
    two-column CSV, 项目 and 内容, defused like any table.

    >>> provenance_csv(ExportMeta("t", "=SUM(A1)", "r", dt.datetime(2025, 1, 1))).decode("utf-8-sig").splitlines()[:4]
    ['项目,内容', '来源,讲话指标看板 Speech Metrics', '内容,t', "筛选,'=SUM(A1)"]
    """
    return to_csv_bytes(pd.DataFrame(meta.rows(), columns=["项目", "内容"]))


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


#: :data:`FORMULA_PREFIXES` as a regular expression for DuckDB (the class's "-" last, tab and CR escaped)
_FORMULA_SQL_PATTERN = "^[" + "".join({"\t": "\\t", "\r": "\\r"}.get(c, c)
                                      for c in sorted(FORMULA_PREFIXES, key=lambda c: c == "-")) + "]"


def _csv_expr(name: str, sql_type: str) -> str:
    """One column of :func:`query_to_csv` as :func:`_csv_text` writes it: text that a spreadsheet
    would run is prefixed with an apostrophe, a whole float has no ".0", NaN is empty."""
    col = _sql_name(name)
    t = sql_type.upper()
    if t == "VARCHAR":
        # an empty text is an empty field, as csv.writer writes it (DuckDB would write "")
        expr = f"CASE WHEN regexp_matches({col}, '{_FORMULA_SQL_PATTERN}') THEN chr(39) || {col} ELSE nullif({col}, '') END"
    elif t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
        x = f"CAST({col} AS DOUBLE)"
        expr = (f"CASE WHEN isnan({x}) THEN NULL WHEN isfinite({x}) AND {x} = trunc({x}) AND abs({x}) < 1e15 "
                f"THEN CAST(CAST({x} AS BIGINT) AS VARCHAR) ELSE CAST({x} AS VARCHAR) END")
    elif t.startswith("TIMESTAMP"):
        expr = f"strftime({col}, '%Y-%m-%dT%H:%M:%S')"
    else:
        return col
    return f"{expr} AS {col}"


def query_to_csv(con: Any, sql: str, params: list[Any], path: str) -> int:
    """The rows of ``sql`` written to a CSV file at ``path`` by DuckDB's COPY, streamed: flat
    memory at any size, where :func:`to_csv_bytes` holds the table in pandas. The bytes are
    those :func:`to_csv_bytes` gives (BOM, header, CRLF, defused text).
    Returns the number of rows."""
    import shutil

    columns = [(d[0], str(d[1])) for d in con.execute(f"SELECT * FROM ({sql}) LIMIT 0", params).description]
    body = f"{path}.rows"
    select = ", ".join(_csv_expr(name, t) for name, t in columns)
    target = "'" + body.replace("'", "''") + "'"
    rows = con.execute(f"COPY (SELECT {select} FROM ({sql})) TO {target} "
                       "(FORMAT csv, HEADER false, NEW_LINE '\r\n')", params).fetchall()[0][0]
    head, _ = _csv_head([name for name, _ in columns])
    with open(path, "wb") as out, open(body, "rb") as src:
        out.write(head.getvalue().encode("utf-8"))
        shutil.copyfileobj(src, out, 1 << 20)
    os.unlink(body)
    return int(rows)


def _tables(data: pd.DataFrame | Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    if isinstance(data, pd.DataFrame):
        return {"数据": data}
    return dict(data)


def _sheet_title(name: str, used: set[str]) -> str:
    bad = '[]:*?/\\'
    title = "".join("_" if ch in bad else ch for ch in name)[:31] or "sheet"
    base, i = title, 2
    while title in used:
        suffix = f"_{i}"
        title = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(title)
    return title


_YEAR = re.compile(r"(?:1[89]|2[01])\d\d")


def to_xlsx_bytes(data: pd.DataFrame | Mapping[str, pd.DataFrame], meta: ExportMeta) -> bytes:
    """An .xlsx workbook: one sheet per table plus a ``说明`` metadata sheet."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(v: Any) -> Any:
        v = _cell(v)
        if isinstance(v, str):
            v = neutralise(ILLEGAL_CHARACTERS_RE.sub("", v))
        elif isinstance(v, dt.datetime) and v.tzinfo is not None:
            v = v.replace(tzinfo=None)
        elif isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            v = None
        elif isinstance(v, (list, dict, tuple)):
            v = json.dumps(v, ensure_ascii=False, default=str)
        return v

    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)  # rows streamed to the file: 10 → 7 s for the sample's full dataset
    used: set[str] = set()
    for name, whole in _tables(data).items():
        # Excel opens at most 1,048,576 rows a sheet: a longer table goes on in "name (2)", …
        for part, lo in enumerate(range(0, max(len(whole), 1), EXCEL_MAX_ROWS)):
            df = whole.iloc[lo:lo + EXCEL_MAX_ROWS]
            ws = wb.create_sheet(_sheet_title(name if part == 0 else f"{name} ({part + 1})", used))
            ws.freeze_panes = "A2"
            for idx, col in enumerate(df.columns, start=1):
                ws.column_dimensions[get_column_letter(idx)].width = min(60, max(8, len(str(col)) * 2 + 2))
            ws.append([clean(str(c)) for c in df.columns])
            # charts label years as text ("2012", "年份未知"); the workbook stores them as numbers
            years = {i for i, c in enumerate(df.columns) if str(c).endswith("年份")}
            for row in df.itertuples(index=False, name=None):
                ws.append([int(v) if i in years and isinstance(v, str) and _YEAR.fullmatch(v) else clean(v)
                           for i, v in enumerate(row)])
    ws = wb.create_sheet(_sheet_title("说明", used))
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 80
    for key, value in meta.rows():
        ws.append([key, clean(value)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _json_default(value: Any) -> Any:
    v = _cell(value)
    if isinstance(v, (dt.date, dt.datetime)):
        return _iso(v)
    if v is None:
        return None
    return str(v)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [str(c) for c in df.columns]
    out = []
    for row in df.itertuples(index=False, name=None):
        rec = {}
        for c, v in zip(cols, row):
            v = _cell(v)
            if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
                v = None
            rec[c] = v
        out.append(rec)
    return out


def to_json_bytes(data: pd.DataFrame | Mapping[str, pd.DataFrame], meta: ExportMeta) -> bytes:
    """UTF-8 JSON envelope. A single table → ``data``; several → ``tables``."""
    envelope: dict[str, Any] = {"meta": meta.as_json()}
    if isinstance(data, pd.DataFrame):
        envelope["meta"]["columns"] = [str(c) for c in data.columns]
        envelope["data"] = _records(data)
    else:
        envelope["tables"] = {name: _records(df) for name, df in data.items()}
    return json.dumps(envelope, ensure_ascii=False, indent=1, default=_json_default).encode("utf-8")


def to_csv_zip_bytes(tables: Mapping[str, pd.DataFrame], meta: ExportMeta) -> bytes:
    """A zip of one BOM-prefixed CSV per table, and 说明.csv with the provenance."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, df in tables.items():
            zf.writestr(f"{safe_filename(name)}.csv", to_csv_bytes(df))
        zf.writestr(f"{PROVENANCE_NAME}.csv", provenance_csv(meta))
    return out.getvalue()


def safe_filename(name: str) -> str:
    """File-name stem without path separators or shell-hostile characters.

    >>> safe_filename("目标/区间: GDP 增速?")
    '目标_区间_GDP_增速'
    """
    keep = []
    for ch in name.strip():
        if ch.isalnum() or ch in "-_.":
            keep.append(ch)
        else:
            keep.append("_")
    s = "".join(keep)
    while "__" in s:
        s = s.replace("__", "_")
    return s.strip("._")[:80] or "export"


DOC_LINK_PREFIX = "document?doc="


def app_base(page_url: str | None) -> str:
    """The dashboard's root address from the address of one of its pages.

    >>> app_base("http://localhost:8501/targets?ind=gdp_growth"), app_base("https://x.org/sm/slogans")
    ('http://localhost:8501/', 'https://x.org/sm/')
    >>> app_base(None)
    ''
    """
    from urllib.parse import urlsplit

    if not page_url:
        return ""
    u = urlsplit(page_url)
    return f"{u.scheme}://{u.netloc}{u.path.rsplit('/', 1)[0]}/"


def absolute_links(data: pd.DataFrame | Mapping[str, pd.DataFrame], base: str):
    """Links to the 单篇文档 page (``document?doc=…``, relative inside the dashboard) made absolute
    for a downloaded file, where a relative link leads nowhere.

    >>> absolute_links(pd.DataFrame({"原文": ["document?doc=ab12", "x"], "n": [1, 2]}), "http://h:8501/")["原文"].tolist()
    ['http://h:8501/document?doc=ab12', 'x']
    """
    if not base:
        return data
    if not isinstance(data, pd.DataFrame):
        return {name: absolute_links(df, base) for name, df in data.items()}

    def fix(v):
        return base + v if isinstance(v, str) and v.startswith(DOC_LINK_PREFIX) else v

    out = data
    for col in data.columns:
        if pd.api.types.is_object_dtype(data[col]) or pd.api.types.is_string_dtype(data[col]):
            fixed = data[col].map(fix)
            if not fixed.equals(data[col]):
                out = out.copy() if out is data else out
                out[col] = fixed
    return out
