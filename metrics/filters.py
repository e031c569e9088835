"""Document filters shared by every dashboard view.

A :class:`Filters` value is immutable and pure: it parses itself from URL query
parameters, serialises back to them (so a view can be shared and reloaded), and
renders a parameterised SQL ``WHERE`` fragment over the ``documents`` table.
User input never reaches SQL text: every value travels as a ``?`` parameter.

>>> f = Filters(province=("北京市",), level=("district",), year_from=2018, year_to=2020)
>>> f.where_sql()
('d.province IN (?) AND d.level IN (?) AND d.year >= ? AND d.year <= ? AND d.duplicate_of IS NULL', ['北京市', 'district', 2018, 2020])
>>> f.describe(12)
'2018–2020 · 北京市 · 区级 · 12 篇'
>>> Filters.from_query_params(f.to_query_params()) == f
True

全国 is one of the 省份 choices: the national documents, which have no province.

>>> Filters(province=("全国", "四川省")).where_sql()
("(d.province IN (?) OR d.level = 'national') AND d.duplicate_of IS NULL", ['四川省'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

#: the label of documents whose region was not recognised (charts, downloads, rollups)
UNKNOWN_REGION = "未知地区"
#: SQL for a document's region label over ``documents`` aliased ``d`` (never NULL)
REGION_SQL = f"coalesce(nullif(d.region, ''), '{UNKNOWN_REGION}')"

__all__ = [
    "Filters",
    "LEVEL_LABELS",
    "DOC_TYPE_LABELS",
    "LEVEL_ORDER",
    "escape_like",
    "level_label",
    "doc_type_label",
    "YEAR_SOURCE_LABELS",
    "year_source_label",
]

#: Administrative tiers, top-down, with their Chinese labels.
LEVEL_LABELS: dict[str, str] = {
    "national": "全国",
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "district": "区级",
    "town": "乡镇级",
    "street": "街道级",
}
LEVEL_ORDER: tuple[str, ...] = tuple(LEVEL_LABELS)
#: the 省份 choice of the national documents (which have no province): 全国 beside 四川省 compares
#: the State Council's targets with a province's
NATIONAL = LEVEL_LABELS["national"]

DOC_TYPE_LABELS: dict[str, str] = {
    "speech": "讲话",
    "work_report": "政府工作报告",
    "other": "其他",
}

#: How a document's year was found (``documents.year_source``, see metrics/meta.py).
YEAR_SOURCE_LABELS: dict[str, str] = {
    "dateline": "题注/落款日期",
    "header_date": "网页发布日期",
    "header_date_minus_yesterday": "发布日期前一天（文中“昨天”）",
    "header_date_minus_2": "发布日期前两天（文中“前天”）",
    "review_section": "回顾年份的次年",
    "plan_year": "文中计划年份",
    "plan_next_year": "12月讲话部署明年：日期的次年",
    "title": "标题中的年份",
    "override": "手工指定",
}

#: URL parameter names (short, stable; part of shared links).
URL_LIST_PARAMS = {
    "province": "province",
    "city": "city",
    "district": "district",
    "town": "town",
    "level": "level",
    "doc_type": "type",
}
#: the region fields, from the top; a region path is a tuple of them
REGION_FIELDS = ("province", "city", "district", "town")
REGION_LABELS = {"province": "省份", "city": "城市", "district": "区县", "town": "乡镇/街道"}


def region_names(paths: Iterable[tuple[Any, ...]], field: str) -> set[str]:
    """The names one region field takes in the given region paths (missing ones left out).

    >>> sorted(region_names([("四川省", "成都市"), ("四川省", None)], "city"))
    ['成都市']
    """
    i = REGION_FIELDS.index(field)
    return {str(p[i]) for p in paths if p[i] is not None and p[i] == p[i]}
_PARAM_YEAR_FROM = "from"
_PARAM_YEAR_TO = "to"
_PARAM_SPEAKER = "speaker"
_PARAM_TEXT = "q"
_PARAM_DUPLICATES = "dup"

MAX_LIST_ITEMS = 50
MAX_TEXT_LEN = 200
#: the longest speaker and full-text search a filter takes (the sidebar's inputs take as many:
#: a link with more was shown whole in an input that allows fewer, QA pass 14)
MAX_SPEAKER_LEN = 50
MAX_SEARCH_LEN = 100
YEAR_MIN, YEAR_MAX = 1949, 2100

_ALIAS_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def level_label(level: str | None) -> str:
    """Chinese label of an administrative level (``None`` → 未知)."""
    if level is None or level != level:  # None or NaN
        return "未知"
    return LEVEL_LABELS.get(str(level), str(level))


def year_source_label(source: str | None) -> str:
    """Chinese label of how a year was found (``None`` → 未识别).

    >>> year_source_label("review_section"), year_source_label(None)
    ('回顾年份的次年', '未识别')
    """
    if source is None or source != source or source == "":
        return "未识别"
    return YEAR_SOURCE_LABELS.get(str(source), str(source))


#: why a file was not read (metrics/reader.py, metrics/build.py), by the start of the reason
FAILURE_LABELS = {
    "unsupported file type": "不支持的文件类型", "file not found": "文件不存在（或符号链接失效）",
    "cannot access file": "无法访问文件", "not a regular file": "不是普通文件", "file is empty": "空文件",
    "permission denied": "没有读取权限", "cannot read file": "无法读取文件",
    "file holds no text": "文件没有文字（空白）", "binary file": "二进制文件，不是文本",
    "cannot decode text": "无法识别编码（不是有效的 UTF-8、UTF-16 或 GBK/GB18030，或混合编码）",
    "starts with a": "编码错误：有字节顺序标记（BOM）但内容不符", "not a valid .docx": "不是有效的 .docx（不是 zip 文件或已截断）",
    "refused: .docx": "拒绝处理：.docx 解压后过大（可能是压缩炸弹）", "corrupt .docx": "损坏的 .docx",
    "cannot parse .docx": "无法解析 .docx", "encrypted PDF": "加密的 PDF：需要密码（请另存一份未加密的副本）",
    "not a valid PDF": "不是有效的 PDF（或文件不完整）", "not a PDF file": "不是 PDF 文件（没有 PDF 文件头；若是文本文件，请改名为 .txt）", "PDF has no pages": "PDF 没有页面",
    "PDF has no text layer": "PDF 没有文字层（扫描件？请先做文字识别 OCR）",
    "PDF's text cannot be read": "PDF 的文字无法读取（字体没有字符映射，请先做文字识别 OCR）",
    "cannot read page": "无法读取 PDF 的某一页", "PDF has ": "PDF 页数过多", "analysis failed": "分析出错",
    "not read: over the limit": "超过每次构建的文件数上限，未读取", "file is ": "文件过大",
}


def failure_label(reason: str | None) -> str:
    """A file's failure reason in Chinese, the original detail kept in brackets.

    >>> failure_label("binary file (NUL bytes), not text")
    '二进制文件，不是文本（binary file (NUL bytes), not text）'
    >>> failure_label("something new")
    'something new'
    """
    reason = "" if reason is None or reason != reason else str(reason)
    for start, label in FAILURE_LABELS.items():
        if reason.startswith(start):
            return f"{label}（{reason}）"
    return reason


#: a build's warnings (metrics/build.py), by a phrase inside them
WARNING_LABELS = {
    "analysed with other rules": "库中已有文档是用另一版规则分析的，新添加的文档用当前规则；要在同一套规则下比较，请重建数据库",
    "open elsewhere": "数据库正被其他程序打开：在副本上添加后替换了原文件，比直接添加慢",
    "not enough memory": "内存不足，未建索引：单篇文档的查询会慢一些",
    "changed since they were added": "有文件在加入数据库后被修改过：库中新旧两版并存（两版近似重复时保留旧版）；要只保留当前版本，请重建数据库",
}


def warning_label(warning: str) -> str:
    """A build warning in Chinese, the original kept in brackets.

    >>> warning_label("index on keywords.doc_id skipped: not enough memory")
    '内存不足，未建索引：单篇文档的查询会慢一些（index on keywords.doc_id skipped: not enough memory）'
    """
    for phrase, label in WARNING_LABELS.items():
        if phrase in warning:
            return f"{label}（{warning}）"
    return warning


def doc_type_label(doc_type: str | None) -> str:
    if doc_type is None or doc_type != doc_type:
        return "未知"
    return DOC_TYPE_LABELS.get(str(doc_type), str(doc_type))


def escape_like(text: str, escape: str = "\\") -> str:
    r"""Escape LIKE wildcards so ``text`` matches literally.

    >>> escape_like("50%_a\\b")
    '50\\%\\_a\\\\b'
    """
    return (
        text.replace(escape, escape + escape)
        .replace("%", escape + "%")
        .replace("_", escape + "_")
    )


def _clean_list(values: Any) -> tuple[str, ...]:
    """Normalise a query-param value (str, list, tuple, None) to a tuple of
    unique non-empty stripped strings, order preserved."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        if v is None:
            continue
        s = str(v).strip()
        if s and s not in out:
            out.append(s[:MAX_TEXT_LEN])
        if len(out) >= MAX_LIST_ITEMS:
            break
    return tuple(out)


def _first(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        items = [v for v in value if v is not None]
        return str(items[-1]) if items else None
    return str(value)


def parse_year(value: Any) -> int | None:
    """A year parameter's value (a string or the first of a list), if it is a year of 1949–2100.

    >>> parse_year(["2024"]), parse_year("1900"), parse_year("abc")
    (2024, None, None)
    """
    s = _first(value)
    if s is None:
        return None
    s = s.strip()
    if not re.fullmatch(r"\d{4}", s):
        return None
    y = int(s)
    return y if YEAR_MIN <= y <= YEAR_MAX else None


def _clean_text(value: Any, limit: int = MAX_TEXT_LEN) -> str:
    s = _first(value)
    if s is None:
        return ""
    # collapse whitespace, drop control characters
    s = re.sub(r"[\x00-\x1f\x7f]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s[:limit]


@dataclass(frozen=True)
class Filters:
    """Filter state for documents. Empty tuple / ``None`` / ``""`` = no filter."""

    province: tuple[str, ...] = ()
    city: tuple[str, ...] = ()
    district: tuple[str, ...] = ()
    town: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    doc_type: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    speaker: str = ""
    text: str = ""
    #: include near-duplicates (documents.duplicate_of, metrics/dedup.py); by default each
    #: group of twins counts once
    duplicates: bool = False

    def __post_init__(self) -> None:
        # Accept lists (or a bare string) for convenience; store tuples.
        for name in URL_LIST_PARAMS:
            object.__setattr__(self, name, _clean_list(getattr(self, name)))
        object.__setattr__(self, "speaker", _clean_text(self.speaker, MAX_SPEAKER_LEN))
        object.__setattr__(self, "text", _clean_text(self.text, MAX_SEARCH_LEN))
        object.__setattr__(self, "duplicates", bool(self.duplicates))
        yf, yt = self.year_from, self.year_to
        yf = None if yf is None else int(yf)
        yt = None if yt is None else int(yt)
        if yf is not None and yt is not None and yf > yt:
            yf, yt = yt, yf
        object.__setattr__(self, "year_from", yf)
        object.__setattr__(self, "year_to", yt)

    # ------------------------------------------------------------------ URL
    @classmethod
    def from_query_params(cls, params: Mapping[str, Any]) -> Filters:
        """Build from URL query parameters (values may be str or list[str]).

        Unknown keys and malformed values are ignored, never raised.

        >>> Filters.from_query_params({"province": ["北京市", "上海市"], "from": "2019", "to": "abc"})
        Filters(province=('北京市', '上海市'), city=(), district=(), town=(), level=(), doc_type=(), year_from=2019, year_to=None, speaker='', text='', duplicates=False)
        """
        kwargs: dict[str, Any] = {}
        for field_name, param in URL_LIST_PARAMS.items():
            kwargs[field_name] = _clean_list(params.get(param))
        kwargs["level"] = tuple(v for v in kwargs["level"] if v in LEVEL_LABELS)
        kwargs["doc_type"] = tuple(v for v in kwargs["doc_type"] if v in DOC_TYPE_LABELS)
        kwargs["year_from"] = parse_year(params.get(_PARAM_YEAR_FROM))
        kwargs["year_to"] = parse_year(params.get(_PARAM_YEAR_TO))
        kwargs["speaker"] = _clean_text(params.get(_PARAM_SPEAKER), MAX_SPEAKER_LEN)
        kwargs["text"] = _clean_text(params.get(_PARAM_TEXT), MAX_SEARCH_LEN)
        kwargs["duplicates"] = _first(params.get(_PARAM_DUPLICATES)) == "1"
        return cls(**kwargs)

    def within_regions(self, paths: Iterable[tuple[Any, Any, Any, Any]]) -> tuple[Filters, list[tuple[str, str]]]:
        """The region choices the dashboard's cascading selectors keep, given the data's region
        paths (province, city, district, town): a city outside the chosen provinces, or a name no
        document has, is dropped. Returns the filters and what was dropped, as (field, value).

        >>> f = Filters(province=("四川省",), city=("南京市", "成都市"))
        >>> kept, dropped = f.within_regions([("四川省", "成都市", None, None), ("江苏省", "南京市", None, None)])
        >>> kept.city, dropped
        (('成都市',), [('city', '南京市')])
        """
        rows = [tuple(p) for p in paths]
        kept: dict[str, tuple[str, ...]] = {}
        dropped: list[tuple[str, str]] = []
        for i, name in enumerate(REGION_FIELDS):
            options = region_names(rows, name)
            chosen = getattr(self, name)
            kept[name] = tuple(v for v in chosen if v in options)
            dropped += [(name, v) for v in chosen if v not in options]
            if kept[name]:  # the next level's options: under the kept choices only
                rows = [r for r in rows if r[i] in kept[name]]
        return replace(self, **kept), dropped

    def within_years(self, bounds: Sequence[int]) -> Filters:
        """The years the dashboard's slider applies, given the data's first and last year: an end
        at a bound (or outside them) is no limit, which keeps the documents of no known year
        (the slider "拖到两端 = 不限年份"); with one year in the data there is no slider.

        >>> f = Filters(year_from=2012, year_to=2020).within_years([2012, 2024])
        >>> f.year_from, f.year_to
        (None, 2020)
        >>> Filters(year_from=2030).within_years([2012, 2024]).year_from is None
        True
        """
        if len(bounds) < 2 or bounds[0] >= bounds[1]:
            return replace(self, year_from=None, year_to=None)
        lo, hi = bounds[0], bounds[1]
        a = self.year_from if self.year_from is not None and lo < self.year_from <= hi else None
        b = self.year_to if self.year_to is not None and lo <= self.year_to < hi else None
        return replace(self, year_from=a, year_to=b)

    def to_query_params(self) -> dict[str, list[str] | str]:
        """Serialise to query parameters; empty filters are omitted.

        >>> Filters(city=("海口市",), year_to=2020, text="营商").to_query_params()
        {'city': ['海口市'], 'to': '2020', 'q': '营商'}
        """
        out: dict[str, list[str] | str] = {}
        for field_name, param in URL_LIST_PARAMS.items():
            values = getattr(self, field_name)
            if values:
                out[param] = list(values)
        if self.year_from is not None:
            out[_PARAM_YEAR_FROM] = str(self.year_from)
        if self.year_to is not None:
            out[_PARAM_YEAR_TO] = str(self.year_to)
        if self.speaker:
            out[_PARAM_SPEAKER] = self.speaker
        if self.text:
            out[_PARAM_TEXT] = self.text
        if self.duplicates:
            out[_PARAM_DUPLICATES] = "1"
        return out

    @staticmethod
    def param_names() -> tuple[str, ...]:
        return (*URL_LIST_PARAMS.values(), _PARAM_YEAR_FROM, _PARAM_YEAR_TO, _PARAM_SPEAKER, _PARAM_TEXT, _PARAM_DUPLICATES)

    # ------------------------------------------------------------------ SQL
    def where_sql(self, alias: str = "d") -> tuple[str, list[Any]]:
        """A parameterised boolean SQL expression over ``documents`` aliased
        ``alias``. Returns ``("TRUE", [])`` when nothing is filtered (:attr:`keeps_all`).

        >>> Filters().where_sql(), Filters(duplicates=True).where_sql()
        (('d.duplicate_of IS NULL', []), ('TRUE', []))
        """
        if not _ALIAS_RE.match(alias):
            raise ValueError(f"invalid SQL alias: {alias!r}")
        a = alias
        clauses: list[str] = []
        params: list[Any] = []
        for field_name in URL_LIST_PARAMS:
            values = getattr(self, field_name)
            national = field_name == "province" and NATIONAL in values
            values = tuple(v for v in values if v != NATIONAL) if national else values
            terms = [f"{a}.{field_name} IN ({', '.join('?' for _ in values)})"] if values else []
            terms += [f"{a}.level = 'national'"] if national else []
            if terms:
                clauses.append(terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})")
                params.extend(values)
        if self.year_from is not None:
            clauses.append(f"{a}.year >= ?")
            params.append(self.year_from)
        if self.year_to is not None:
            clauses.append(f"{a}.year <= ?")
            params.append(self.year_to)
        if self.speaker:
            clauses.append(f"{a}.speaker ILIKE ? ESCAPE '\\'")
            params.append(f"%{escape_like(self.speaker)}%")
        if self.text:
            clauses.append(
                f"({a}.text ILIKE ? ESCAPE '\\' OR {a}.title ILIKE ? ESCAPE '\\')"
            )
            pattern = f"%{escape_like(self.text)}%"
            params.extend([pattern, pattern])
        if not self.duplicates:
            clauses.append(f"{a}.duplicate_of IS NULL")
        if not clauses:
            return "TRUE", []
        return " AND ".join(clauses), params

    # ------------------------------------------------------------------ text
    @property
    def is_empty(self) -> bool:
        """No filter set by the user (near-duplicates are still left out)."""
        return self == Filters()

    @property
    def keeps_all(self) -> bool:
        """Every document passes (:meth:`where_sql` is ``TRUE``): a query over a fact table need
        not join ``documents``."""
        return self == Filters(duplicates=True)

    def uses_only(self, *names: str) -> bool:
        """True when no field other than ``names`` is set (a rollup keyed by them can answer).

        >>> Filters(year_from=2020, doc_type=["speech"]).uses_only("year_from", "year_to", "doc_type")
        True
        >>> Filters(year_from=2020, province=["河北省"]).uses_only("year_from", "year_to")
        False
        """
        return all(getattr(self, fl.name) == fl.default for fl in fields(self) if fl.name not in names)

    def regions(self) -> tuple[str, ...]:
        """The most specific region selection (town > district > city > province)."""
        for name in ("town", "district", "city", "province"):
            values = getattr(self, name)
            if values:
                return values
        return ()

    def describe(self, n_docs: int | None = None, left_out: int = 0) -> str:
        """One human-readable line, e.g. ``2018–2020 · 北京市 · 区级 · 12 篇``; ``left_out``: the
        near-duplicates the filter leaves out, said when there are any.

        >>> Filters(city=("成都市",)).describe(1, left_out=1)
        '成都市 · 1 篇 · 另有 1 篇近似重复未计入'
        """
        parts: list[str] = []
        yf, yt = self.year_from, self.year_to
        if yf is not None and yt is not None:
            parts.append(str(yf) if yf == yt else f"{yf}–{yt}")
        elif yf is not None:
            parts.append(f"{yf} 年起")
        elif yt is not None:
            parts.append(f"至 {yt} 年")
        regions = self.regions()
        if regions:
            if len(regions) <= 3:
                parts.append("、".join(regions))
            else:
                parts.append("、".join(regions[:3]) + f" 等 {len(regions)} 地")
        if self.level:
            parts.append("、".join(level_label(v) for v in self.level))
        if self.doc_type:
            parts.append("、".join(doc_type_label(v) for v in self.doc_type))
        if self.speaker:
            parts.append(f"讲话人含「{self.speaker}」")
        if self.text:
            parts.append(f"全文含「{self.text}」")
        if not parts:
            parts.append("全部文档")
        if self.duplicates:
            parts.append("含近似重复")
        if n_docs is not None:
            parts.append(f"{n_docs} 篇")
        if left_out and not self.duplicates:
            parts.append(f"另有 {left_out:,} 篇近似重复未计入")
        return " · ".join(parts)

    def replace(self, **changes: Any) -> Filters:
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
