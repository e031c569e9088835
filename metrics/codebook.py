"""A codebook for exported tables: what each column means and what its codes stand for.

The full-dataset download keeps the database's column names and codes (``work_report``,
``at_least``, ``gdp_growth``), which scripts join and filter on; this table explains them in
Chinese. Column meanings come from the comments in ``metrics/schema.sql``; code labels from the
same dictionaries the dashboard shows (and the indicator registry, ``metrics/data/indicators.csv``).

>>> import pandas as pd
>>> book = codebook({"targets": pd.DataFrame(columns=["doc_id", "kind", "qualifier"])})
>>> book[book["列"] == "kind"].iloc[0]["取值"]
'target = 目标；achievement = 完成；long_term_target = 远期目标'
>>> book[book["列"] == "qualifier"].iloc[0]["说明"]
'限定词；exact | about | at_least | at_most'

A 中文 export (``labels="zh"``) reads the same rows with Chinese headers and labels for the codes
(:func:`readable_sql`); its headers and table names are in ``metrics/data/columns.csv``.

>>> header("targets", "qualifier"), table_label("declared_counts")
('限定词', '声明数量')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pandas as pd

SCHEMA = Path(__file__).with_name("schema.sql")

_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", re.S)
_COLUMN = re.compile(r'^\s+"?(\w+)"?\s+[A-Z][^-\n]*?(?:--\s*(.*))?$', re.M)

#: columns computed by the queries, not stored as such
EXTRA = {
    "region": "地区（显示用：省 市 区县 乡镇）",
    "title": "标题", "year": "年份（文档所属年份）", "level": "行政层级",
}
#: columns whose comment in schema.sql is missing or too terse
MEANINGS = {
    "doc_id": "文档ID（文本的 SHA-256 前 16 位；同一文本只收一次）",
    "idx": "本文档内的序号", "indicator": "指标（原文写法）", "canonical": "指标（登记表 id，other = 未归类）",
    "low": "下限", "high": "上限", "unit": "单位", "sentence": "原句（证据）", "n_chars": "字数",
    "count": "出现次数", "per_10k": "每万字出现次数", "phrase": "原文", "n": "声明的数量",
    "found": "实际列举的数量（空 = 无法核对）", "form": "列举形式", "mismatch": "声明与列举不符", "heading": "标题（序号后的第一句）",
    "marker": "序号（原文写法）", "word": "关键词", "weight": "TF-IDF 权重", "speaker": "讲话人",
    "speaker_role": "讲话人职务", "province": "省份", "city": "城市", "district": "区县", "town": "乡镇/街道",
    "top_level_sections": "一级部分数", "enumerated_items": "列举事项数", "declared_mismatches": "声明不符的次数",
    "n_targets": "数字个数", "n_slogans": "词典提法命中次数",
    "source": "来源（文件路径；上传的文件为 upload/文件名）", "file_name": "文件名", "file_format": "文件格式",
    "encoding": "文本编码", "date": "日期", "year_source": "年份来源", "region_code": "行政区划代码",
    "rules_version": "规则版本（软件版本 + 规则文件的哈希）", "stretch": "力争值",
    "start": "在原文中的起始位置（字符偏移）", "end": "在原文中的结束位置（不含）",
    "value_start": "数值在原文中的起始位置", "value_end": "数值在原文中的结束位置（不含）",
    "outline_level": "提纲层级（1 = 最高）", "ordinal": "序号的数值（(三) = 3）", "parent_idx": "上一级条目的 idx",
    "style": "序号样式", "rank": "本文档内的排名（1 = 权重最高）", "category": "提法类别", "text": "提法（规范写法）",
    "doc_type": "文档类型", "qualifier": "限定词", "direction": "方向", "kind": "类型",
    "duplicate_of": "近似重复：保留的那份文档的 ID（空 = 不是近似重复；近似重复默认不计入）",
    "dup_similarity": "与保留文档的文字相似度（0.8–1，5 字片段的 Jaccard 估计）",
}


def _code_labels() -> dict[str, Mapping[str, str]]:
    from .charts import KIND_LABELS, QUALIFIER_LABELS
    from .filters import DOC_TYPE_LABELS, LEVEL_LABELS, YEAR_SOURCE_LABELS
    from .lexicon import indicators
    from .tasks import FORM_LABELS

    return {
        "kind": KIND_LABELS, "qualifier": QUALIFIER_LABELS, "level": LEVEL_LABELS, "doc_type": DOC_TYPE_LABELS,
        "year_source": YEAR_SOURCE_LABELS, "form": FORM_LABELS,
        "canonical": {i.id: i.label_zh for i in indicators().values()} | {"other": "未归类"},
        "direction": {"growth": "增长", "reduce": "下降", "at_most": "不超过", "at_least": "不低于", "level": "水平值"},
    }


#: slogans.kind has other codes than targets.kind
SLOGAN_KINDS = {"dictionary": "词典提法", "formula": "数字提法", "quoted": "引号短语", "positioning": "发展定位"}
#: the kinds found by discovery (not the dictionary): candidates, counted wherever the document writes them
DISCOVERED_KINDS = ("formula", "quoted", "positioning")
#: the same as an SQL list (constants, not user input): ``s.kind IN ({DISCOVERED_SQL})``
DISCOVERED_SQL = ", ".join(f"'{k}'" for k in DISCOVERED_KINDS)


@cache
def schema_comments() -> dict[str, dict[str, str]]:
    """{table: {column: comment}} from metrics/schema.sql."""
    out: dict[str, dict[str, str]] = {}
    for name, body in _TABLE.findall(SCHEMA.read_text(encoding="utf-8")):
        out[name] = {col: (note or "").strip() for col, note in _COLUMN.findall(body)}
    return out


#: meanings that differ between tables
TABLE_MEANINGS = {("outline", "level"): "提纲层级（1 = 最高）", ("slogans", "kind"): "提法类别",
                  ("targets", "year"): "年份（文档所属年份；完成值是其前一年的结果）"}


def codebook(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per exported table and column: 表, 列, 中文列名 (the header of a 中文 export), 说明,
    取值 (codes and their labels; a 中文 export writes the labels)."""
    comments = schema_comments()
    rows = []
    for table, df in tables.items():
        own = comments.get(table, {})
        for col in df.columns:
            meaning = TABLE_MEANINGS.get((table, col)) or MEANINGS.get(col) or EXTRA.get(col) or ""
            note = own.get(col) or comments.get("documents", {}).get(col, "")
            if (table, col) == ("outline", "level"):
                note = ""  # the documents' level (行政层级) is not the outline's
            say = "；".join(x for x in (meaning, note) if x) or col
            codes = code_labels(table, col)
            rows.append((table, col, header(table, col), say, "；".join(f"{k} = {v}" for k, v in codes.items())))
    return pd.DataFrame(rows, columns=["表", "列", "中文列名", "说明", "取值"])


# ---------------------------------------------------------------- 中文 exports

#: the label a 中文 export's yes-or-no columns write
YES_NO = {"mismatch": ("是", "否")}


@cache
def _headers() -> dict[tuple[str, str], str]:
    """{(table, column): header} from metrics/data/columns.csv (table "" = every table)."""
    from .lexicon import read_rows

    return {(row["table"] or "", row["column"]): row["header"] for row in read_rows("columns.csv")}


def header(table: str, column: str) -> str:
    """A column's header in a 中文 export (its own name when columns.csv has none)."""
    h = _headers()
    return h.get((table, column)) or h.get(("", column)) or column


def table_label(table: str) -> str:
    """A table's name in a 中文 export: a sheet, a file of the .zip, a key of the JSON."""
    return _headers().get(("", f"table_{table}"), table)


def code_labels(table: str, column: str) -> Mapping[str, str]:
    """The codes a column holds and their Chinese labels (empty: the column holds no codes)."""
    if table in ("slogans", "slogan_mentions") and column == "kind":
        return SLOGAN_KINDS
    return _code_labels().get(column, {})


def readable_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """A table of codes as a 中文 export writes it (:func:`readable_sql`, for rows already in pandas).

    >>> readable_frame("declared_counts", pd.DataFrame({"n": [4], "mismatch": [True]}))
       声明数 不符
    0    4  是
    """
    out = df.copy()
    for col in df.columns:
        codes = code_labels(table, col)
        if codes:
            out[col] = df[col].map(lambda v: codes.get(v, v))
        elif col in YES_NO:
            yes, no = YES_NO[col]
            out[col] = df[col].map({True: yes, False: no})
    return out.rename(columns={col: header(table, col) for col in df.columns})


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def readable_sql(table: str, columns: list[str], sql: str, params: list) -> tuple[str, list]:
    """The rows of ``sql`` (a query of the exported ``table`` with these ``columns``) with Chinese
    headers and each code written as its label; a code with no label stays as it is. The same
    query serves the dashboard's download and the command line's streamed export.

    >>> import duckdb
    >>> sql, p = readable_sql("targets", ["kind", "low"], "SELECT ? AS kind, 6.5 AS low", ["achievement"])
    >>> duckdb.sql(sql, params=p).fetchall(), duckdb.sql(sql, params=p).columns
    ([('完成', Decimal('6.5'))], ['类型', '下限'])
    """
    parts, head = [], []
    for col in columns:
        name = _quote(col)
        codes = code_labels(table, col)
        if codes:
            whens = " ".join("WHEN ? THEN ?" for _ in codes)
            expr = f"CASE {name} {whens} ELSE {name} END"
            head += [x for pair in codes.items() for x in pair]
        elif col in YES_NO:
            yes, no = YES_NO[col]
            expr = f"CASE WHEN {name} THEN '{yes}' WHEN NOT {name} THEN '{no}' END"
        else:
            expr = name
        parts.append(f"{expr} AS {_quote(header(table, col))}")
    return f"SELECT {', '.join(parts)} FROM ({sql}) AS x", head + list(params)
