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
    """One row per exported table and column: 表, 列, 说明, 取值 (codes and their labels)."""
    comments = schema_comments()
    labels = _code_labels()
    rows = []
    for table, df in tables.items():
        own = comments.get(table, {})
        for col in df.columns:
            meaning = TABLE_MEANINGS.get((table, col)) or MEANINGS.get(col) or EXTRA.get(col) or ""
            note = own.get(col) or comments.get("documents", {}).get(col, "")
            if (table, col) == ("outline", "level"):
                note = ""  # the documents' level (行政层级) is not the outline's
            say = "；".join(x for x in (meaning, note) if x) or col
            codes = SLOGAN_KINDS if (table in ("slogans", "slogan_mentions") and col == "kind") else labels.get(col, {})
            rows.append((table, col, say, "；".join(f"{k} = {v}" for k, v in codes.items())))
    return pd.DataFrame(rows, columns=["表", "列", "说明", "取值"])
