"""Numeric targets and results: indicator, value or range, unit, qualifier, kind.

Each quantity found in a clause is attached to an indicator (a registry alias from
metrics/data/indicators.csv, else the phrase around the number) and classified:

* ``long_term_target`` — cues 到20XX年 (a later year), 年均, 十四五, 五年/三年, 期间;
* ``achievement`` — in a review section (工作回顾, 过去一年, 主要成绩 …), or cues 比上年,
  同比, 较去年, 累计, 了, an earlier year "2023年…";
* ``target`` — in a plan section, or cues 预期目标, 力争, 确保, 控制在, 今年.

>>> doc = "一、2023年工作回顾\\n城镇登记失业率控制在4.2%以内。\\n二、2024年主要目标\\n地区生产总值增长5%左右,城镇登记失业率控制在4.2%以内。"
>>> [(t.canonical, t.low, t.qualifier, t.kind) for t in extract_targets(doc, year=2024)]
[('registered_unemployment_rate', 4.2, 'at_most', 'achievement'), ('gdp_growth', 5.0, 'about', 'target'), ('registered_unemployment_rate', 4.2, 'at_most', 'target')]
>>> [(t.indicator, t.low, t.high) for t in extract_targets("规模以上工业增加值、固定资产投资分别增长8%和8.5%", year=None)]
[('规模以上工业增加值', 8.0, 8.0), ('固定资产投资', 8.5, 8.5)]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import cache

import ahocorasick

from . import fastre
from .lexicon import alias_context, indicators, partner_cues, sentence_subarea_words, subarea_words
from .quantities import CLASSIFIERS, Quantity, find_quantities
from .tasks import OutlineItem, build_outline

#: what a number is: this year's goal, a past result, or a goal beyond this year
KINDS = ("target", "achievement", "long_term_target")


@dataclass(frozen=True)
class Target:
    indicator: str
    canonical: str
    low: float
    high: float
    unit: str
    qualifier: str
    direction: str
    kind: str
    stretch: float | None
    sentence: str
    start: int
    end: int
    value_start: int
    value_end: int


@cache
def _alias_automaton():
    auto = ahocorasick.Automaton()
    for ind in indicators().values():
        for alias in ind.aliases:
            auto.add_word(alias, (len(alias), alias, ind.id))
    auto.make_automaton()
    return auto


@cache
def _partner_re() -> re.Pattern:
    """A trade partner just before a trade alias: 对 + a name of up to eight characters (对外 is
    all foreign trade), from the ``partner`` rows of alias_context.csv."""
    cues = "|".join(re.escape(c) for c in partner_cues())
    return re.compile(rf"(?:{cues})(?!外)[^\s,，、。;；:：()（）“”]{{1,8}}$")


def _partner_before(clause: str, start: int) -> int | None:
    m = _partner_re().search(clause, max(0, start - 10), start)
    return m.start() if m else None


def _alias_spans(clause: str) -> list[tuple[int, int, str, str]]:
    """Leftmost-longest alias matches: (start, end, alias, id), without those that are the base
    of a ratio or a per-unit measure; after a zone word (新区, 开发区 …) the match is the zone's
    figure: the phrase up to it, id ``other`` (metrics/data/alias_context.csv).

    >>> [a[2] for a in _alias_spans("地区生产总值增长6%,研发经费占地区生产总值比重达到2.5%")]
    ['地区生产总值']
    >>> [a[2:] for a in _alias_spans("三江新区地区生产总值增长16.2%")]
    [('三江新区地区生产总值', 'other')]
    """
    found = []
    for end_idx, (length, alias, ind_id) in _alias_automaton().iter(clause):
        found.append((end_idx - length + 1, -length, alias, ind_id))
    if not found:
        return []
    found.sort()
    before, after = alias_context()
    out, pos = [], 0
    for start, neg, alias, ind_id in found:
        if start < pos:
            continue
        end = start - neg
        pos = end
        if clause.startswith(after, end) or clause[max(0, start - 4):start].endswith(before):
            continue
        if any(w in clause[:start] for w in subarea_words()):
            # "三江新区地区生产总值增长16.2%": a zone's figure, not the region's
            alias, ind_id = _LEAD_TRIM.sub("", clause[:end].strip())[-20:], "other"
        elif ind_id == "foreign_trade_growth" and (m := _partner_before(clause, start)) is not None:
            # "对非贸易进出口增长126.7%": trade with one partner, not the region's trade
            alias, ind_id = clause[m:end], "other"
        out.append((start, end, alias, ind_id))
    return out


REVIEW_HEADING = re.compile(r"回顾|过去一年|过去五年|过去的一年|主要成绩|工作成效|取得的成绩|成绩|总结|上半年|前一阶段|去年|\d{4}年工作")
PLAN_HEADING = re.compile(r"安排|目标|任务|总体要求|今年|明年|主要工作|重点工作|意见|要求|建议|打算|思路|举措|措施|抓好|加快|推进|强化|切实|着力|坚持|确保|全面完成")

GROWTH_VERBS = ("增长", "增速", "增幅", "提高", "上升", "增加", "增收", "提升", "递增")
REDUCE_VERBS = ("下降", "降低", "减少", "压缩", "压减", "削减")
LONG_TERM = fastre.compile(r"到20\d\d年|至20\d\d年|20\d\d年前|年均(?!浓度|水质)|十[一二三四五六]五|\d+年内|[两三四五十]年内|[三五]年(?:内|间|后)|届时"
                           r"|[两三四五十]年(?=累计|共|新增|建设|建成|打造|培育|完成)")  # "五年新增就业3.25万人": the five years' sum
YEAR_RE = re.compile(r"(20\d\d|19\d\d)年")


_PLAN_INTRO = fastre.compile(r"(?:今年|明年|20\d\d年)[^。\n]{0,20}?(?:主要预期目标|主要目标)(?:是|为)[:：]|(?<=[。\n])主要预期目标(?:是|为)[:：]"
                            r"|(?<=[。\n])(?:做好)?(?:今年)?政府工作的?总体要求(?:是|为)[:：]")
_PLAN_PART = re.compile(r"\n[^\n]{0,30}?(?:(?:今年|明年|20\d\d年)(?:政府工作|工作|经济社会发展|全市|全区|全县)?的?(?:总体要求|主要预期目标|主要目标|预期目标)|主要预期目标是)")


#: a plan heading by itself ("2024年工作安排", "主要预期目标"); weaker words (坚持, 推进, 重点工作 …)
#: also head the review's own subsections ("(一)坚持科技引领、创新驱动,现代化产业体系加快构建")
_STRONG_PLAN = re.compile(r"安排|预期目标|主要目标|目标任务|总体要求|今年|明年|打算|思路")
_HEAD_YEAR = re.compile(r"(20\d\d)年")
_REVIEW_WORDS = re.compile(REVIEW_HEADING.pattern.replace(r"|\d{4}年工作", ""))
#: an unnumbered heading line of a work report's part: "2023年工作回顾", "2024年工作安排"
#: (or one numbered so, "一、2023年工作回顾", when the outline has no sibling of it: 日照's scraped
#: report stops after its review)
_HEAD_LINE = re.compile(r"(?m)^[ \t]*(?:[一二三四五六七八九十]{1,3}[、.．][ \t]*)?((?:20\d\d年|过去一年|过去五年|今年|明年)"
                        r"[^\n。;；!！?？,，:：]{0,16}?(?:回顾|工作|安排|目标|任务|要求|建议))[ \t]*$")


def _heading_kind(h: str, year: int | None) -> str:
    """'review', 'plan' (a plan heading by itself), 'weak_plan' or 'other' for one heading."""
    review = bool(REVIEW_HEADING.search(h)) and not re.search(r"今年|明年|安排|目标|任务", h)
    if review and _REVIEW_WORDS.search(h):  # 回顾, 过去一年, 成绩 …
        return "review"
    years = [int(y) for y in _HEAD_YEAR.findall(h)]
    if year and years:  # "一、2023年主要工作" in the 2024 report reviews 2023; "三、2024年工作重点" plans 2024
        if max(years) < year:
            return "review"
        if min(years) >= year and re.search(r"工作|目标|任务|安排|要求", h):
            return "plan"
    if review:
        return "review"
    if _STRONG_PLAN.search(h):
        return "plan"
    return "weak_plan" if PLAN_HEADING.search(h) else "other"


_LAST_YEAR_OPENING = re.compile(r"^\s*(?:(20\d\d)年是|一年来|过去一年)")


def _sections(text: str, outline: list[OutlineItem], year: int | None = None) -> list[tuple[int, str]]:
    """(start, 'review'|'plan'|'other') for each top-level section, from its heading.

    An unnumbered heading line ("2023年工作回顾") opens a part; the numbered sections under it keep
    its kind unless their own heading is a plan heading by itself."""
    heads = [(i.start, i.heading, True) for i in outline if i.level == 1]
    if "年" in text:
        numbered = {start for start, _, _ in heads}  # the outline's level-1 headings
        heads += [(m.start(1), m.group(1), False) for m in _HEAD_LINE.finditer(text)
                  if not numbered.intersection(range(m.start(), m.start(1) + 1))]
    # Work reports often open the plan part without a numbered heading: "今年政府工作的总体要求…"
    plans = [m.start() for m in _PLAN_PART.finditer(text)]
    plans += [m.start() for m in _PLAN_INTRO.finditer(text)]
    heads += [(p, None, False) for p in plans]
    heads.sort(key=lambda h: h[0])
    kinds = ["plan" if h is None else _heading_kind(h, year) for _, h, _ in heads]
    # In a work report, what comes before the plan part is the review of last year.
    first_plan = next((s for (s, _, _), k in zip(heads, kinds) if k == "plan"), None)
    if first_plan is None:
        first_plan = next((s for (s, _, _), k in zip(heads, kinds) if k == "weak_plan"), None)
    # (a scraped report may have lost its opening, 各位代表 and the heading 一、2023年工作回顾: 柳州's
    # 2024 report starts "2023年是…"; a speech that starts "2018年是…" of its own year does not)
    opening = _LAST_YEAR_OPENING.match(text)
    last_year = bool(opening and (not opening.group(1) or year and int(opening.group(1)) == year - 1))
    report = bool(first_plan and (last_year or re.search(r"各位代表|我代表|各位委员", text[:3000]))
                  and re.search(r"过去一年|一年来|过去五年|回顾|20\d\d年", text[:first_plan]))
    out = [(0, "review" if report else "other")]
    part = "review" if report else None  # the kind of the (unnumbered) part we are in
    for (start, h, numbered), kind in zip(heads, kinds):
        if not numbered:
            part = "plan" if kind == "weak_plan" else kind
            if part == "other":
                part = None
                continue
            out.append((start, part))
            continue
        if part and kind in ("weak_plan", "other"):
            kind = part  # a subsection of the part: "(二)挖掘培育有效需求,全力拓展经济增长空间"
        out.append((start, "plan" if kind == "weak_plan" else kind))
    out.sort()
    return out


def _section_at(sections: list[tuple[int, str]], pos: int) -> str:
    """The kind of the last section that starts at or before ``pos`` ("other" before the first).

    >>> _section_at([(0, "review"), (50, "plan")], 49), _section_at([(10, "review")], 3)
    ('review', 'other')
    """
    at = bisect.bisect_right(sections, pos, key=_section_start)
    return sections[at - 1][1] if at else "other"


def _section_start(section: tuple[int, str]) -> int:
    return section[0]


_TO_LEVEL = re.compile(r"(?:提升|提高|增加|上升|扩大)(?:至|到)|达到")
_REDUCE = re.compile("|".join(REDUCE_VERBS))
_GROWTH = re.compile("|".join(GROWTH_VERBS))
_CHANGE = re.compile("|".join(GROWTH_VERBS + REDUCE_VERBS))


def _direction(between: str, q: Quantity, default: str) -> str:
    if "控制在" in between or q.qualifier == "at_most" and ("控制" in between or "以内" in (q.marker or "")):
        return "at_most"
    if _TO_LEVEL.search(between):
        return "level"
    if _REDUCE.search(between):
        return "reduce"
    if q.unit in ("%", "个百分点", "‰") and _GROWTH.search(between):
        return "growth"
    if q.qualifier == "at_least" and ("不低于" in between or "以上" in (q.marker or "")) and default == "level":
        return "at_least"
    return default if default in ("growth", "reduce") and q.unit in ("%", "个百分点") else "level"


_LEAD_TRIM = re.compile(r"^(?:其中|同时|全年|今年|年内|力争|确保|争取|实现|推动|全力|预计|共|累计|完成|全市|全区|全县|全镇|全街道|在年内|再|和|及|与|并|的|达到)+")
_TAIL_TRIM = fastre.compile(r"(?:缩短至|缩短到|压缩至|压缩到|缩减至|缩减到|仅用时|仅|每人每月|每户每月|每月|每年|每人|提高至|不超过|不低于|不少于|不高于|达到|达|增长|下降|降低|提高到|提高|提升至|提升到|提升|控制在|保持在|稳定在|为|超过|超|逾|至少|高于|低于|不足|不到|突破|实现|完成|增加|减少|了|较去年|较上年|比上年|同比|以上|分别|均|(?<![签合预节制公条契履违缔特邀简集解续守践新])约)+$")


_FROM_YEAR = re.compile(r"由(?:(?:\d{4}|上)年(?:底|末)?的?|(?=\d)|$)")  # not 自由贸易
_RANK_MOVE = re.compile(r"(?:排名|排位|位次|名次)(?:提升|上升|前移|跃升|提高|进|下降|后移|下滑)$")
_AFTER_NOUN = re.compile(r"[0-9A-Za-z]{0,3}[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z]{0,13}")
_BUILD_VERB = re.compile(r"(新建成|新建|建成|建设|增建|新增|培育|打造|实施|完成|引进|落实|开工|创建)$")
_NOUN_TAIL = re.compile(r"(的|和|及|等)$")
_VALUES_TAIL = re.compile(r"[\d.%和及与、]+$")


def _other_indicator(clause: str, qstart: int, qend: int, unit: str) -> str:
    before = clause[:qstart]
    if "、" in before and len(before) > 12:
        before = before.rsplit("、", 1)[-1]
    after = _AFTER_NOUN.match(clause, qend)
    if from_to := (span := _FROM_YEAR.search(before)) is not None and span.start() > 0:
        # "地区生产总值由2010年的162.4亿元增加到2015年的287.9亿元": both values are the subject's
        before = before[:span.start()]
    before_t = _TAIL_TRIM.sub("", _LEAD_TRIM.sub("", before.strip()))
    if from_to and before_t:
        return before_t[-20:]  # "易涝点由488个减至277个": not named by what follows (减至)
    if unit == "位" and before_t and _RANK_MOVE.search(before.strip()):
        return before_t[-20:]  # "排名提升5位至第24位": the ranking moved, named before the number
    if unit in CLASSIFIERS and after:
        verb = _BUILD_VERB.search(before.strip())
        noun = _NOUN_TAIL.sub("", after.group(0))
        return ((verb.group(1) if verb else "") + noun)[:20]
    if not before_t and not after:
        # "A、B的比重分别为43.2%和28.1%": the second value shares the first one's phrase
        before_t = _TAIL_TRIM.sub("", _LEAD_TRIM.sub("", _VALUES_TAIL.sub("", clause[:qstart]).strip()))
    return (before_t or (after.group(0) if after else ""))[-20:]


# what may stand between two values of one indicator: "3.46万亿元、增长6.0%", "600亿元大关、达…";
# anything else names another thing ("新增就业5300人、再就业1500人", "增长6%、高于全省1.2个百分点")
_SECOND_VALUE_LINK = re.compile(
    r"\s*[、,和及与]?\s*(?:大关[、,]?)?(?:总额|总数|首次)?(?:力争|奋斗|争取)?(?:同比|同口径|较上年|比上年|比去年|较去年)?"
    r"(?:增长|提高|提升|增加|下降|降低|减少|力争|超过|超|突破|达到|达|约|分别达)?(?:到|至)?\s*")
_RELATIVE = re.compile(r"高于|快于|高出|领先|低于|慢于|好于|优于")
_BAO_ZHENG = re.compile(r"保(\d+(?:\.\d+)?)争(\d+(?:\.\d+)?)")
_CONTINUES = re.compile(r"^\s*(?:全年(?:累计)?|年均)?(?:达到|达|为|突破|超过|总量达到|总额达到|完成|实现|(?:按可比价计算|同口径|可比口径)?(?:同比|比上年|较上年)?(?:增长|下降|增加|减少))\d")
#: the parts of a year a figure may be given for
_PARTS = "一季度|二季度|三季度|四季度|上半年|下半年|前三季度"
_PART_OF_YEAR = re.compile(rf"\s*({_PARTS}|1[-—至~～]\d{{1,2}}月)(?:累计)?(?:同比)?(?:增长|下降)\d")
_PERIOD_AFTER = re.compile(rf"(?:{_PARTS})(?:累计)?(?:同比)?(?:增长|下降)\d")
_PERIOD_NAME = re.compile(rf"((?:{_PARTS})(?:累计)?)(?:同比)?(?:增长|下降)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# a sentence can hold a quantity only with an Arabic digit, 百分之, or Chinese numerals before a measuring unit
_HAS_NUMBER = re.compile(r"\d|百分之|[零〇一二两三四五六七八九十百千万亿]+(?:余|多)?(?:亩|万亩|公顷|万元|亿元|元|万人|人|户|万户|公里|吨|万吨|平方米|万平方米|个百分点)")


def _period_alias(clause: str) -> tuple | None:
    """An indicator written just before a part of the year, the clause's first figure: "GDP一季度累计增长4.7%、
    二季度…" (not the year's figure, but the topic of a following "全年累计增长6.7%").

    >>> _period_alias("GDP一季度累计增长4.7%、二季度累计增长6.3%")[2:]
    ('GDP', 'gdp_growth')
    >>> _period_alias("研发投入占GDP比重一季度提高") is None
    True
    """
    for end_idx, (length, alias, ind_id) in _alias_automaton().iter(clause):
        start = end_idx - length + 1
        if _PERIOD_AFTER.match(clause, end_idx + 1) and not _HAS_NUMBER.search(clause, 0, start):
            return start, end_idx + 1, alias, ind_id
    return None


#: a clause that is only a part of the year ("1-11月，…", "前三季度，…"): the figures after it in the
#: sentence are that part's, not the year's (1-12月 is the year)
_PERIOD_CLAUSE = re.compile(rf"\s*(?:今年|去年|上年|\d{{4}}年)?({_PARTS}|"
                            r"1[-—至~～](?:[1-9]|1[01])月(?:份)?)(?:以来)?\s*$")
SENTENCE_RE = re.compile(r"[^。!！?？\n]+")
CLAUSE_RE = re.compile(r"[^,，;；:：]+")
_PAREN_RE = re.compile(r"\([^()]*\)")


def _mask_numbers(m: re.Match) -> str:
    inner = m.group()
    return "(" + "#" * (len(inner) - 2) + ")" if _DIGIT.search(inner) else inner


_DIGIT = re.compile(r"\d")
_STRETCH = re.compile(r"\s*(?:力争|争取)(?:达到|实现|增长)?\d")
_AIM_LEVEL = re.compile(r"\s*(?:力争|争取)(?:达到|突破|超过|迈上|实现)?\d")
_SAME_THING = re.compile(r"[、,和]?(?:同比|比上年)?(?:增长|下降|增速|提高|降低)")
_ALL_OF = re.compile(r"均|都")
_RUN_SEP = re.compile(r"[、和与及,]|以及")
_NAME_SEP = re.compile(r"、|和|与|及")


#: "居民消费价格指数控制在103左右": the price index (last year = 100), a rise of 3 %
_CPI_INDEX = re.compile(r"(?:居民消费价格(?:总水平|指数)?|CPI)(?:指数)?(?:控制在|保持在|为|在)?(?P<pre>不超过|不高于|低于)?"
                        r"(?P<v>10\d(?:\.\d+)?)(?P<pct>%)?(?P<post>左右|以内|以下|之内)?")


def _cpi_index(clause: str, qs: list[Quantity]) -> list[Quantity]:
    """The consumer price index written as an index, read as the rise it means.

    >>> [(q.low, q.unit, q.qualifier) for q in _cpi_index("居民消费价格指数控制在103左右", [])]
    [(3.0, '%', 'about')]
    >>> [(q.low, q.qualifier) for q in _cpi_index("CPI控制在103.5以内", find_quantities("CPI控制在103.5以内"))]
    [(3.5, 'at_most')]
    """
    for m in _CPI_INDEX.finditer(clause):
        v = float(m.group("v"))
        if not 100 < v <= 110:
            continue
        post, pre = m.group("post"), m.group("pre")
        qualifier = ("about" if post == "左右" else "at_most" if post or pre else "exact")
        start, end = m.start("pre") if pre else m.start("v"), m.end()
        qs = [q for q in qs if q.end <= start or q.start >= end]
        qs.append(Quantity(round(v - 100, 6), round(v - 100, 6), "%", qualifier, start, end, post or pre))
    return sorted(qs, key=lambda q: q.start)


#: what follows a figure's 以上/以下 when the figure is the bound in a name ("10亿元以上项目"):
#: a character of a noun, not punctuation, a conjunction or a verb ("70%以上用于民生")
_BOUND_IN_NAME = re.compile(r"(?!用于|实现|安排|通过|覆盖|达到|完成|保持)[\u4e00-\u9fff“\"]")
_BOUND_BREAKS = frozenset("和并且或及与")


def _without_bounds_in_names(clause: str, qs: list[Quantity]) -> list[Quantity]:
    """Drop a figure that is the bound in the name of what the clause's next figure counts:
    "新开工10亿元以上项目不少于5个", "500万元以上固定资产投资增长3%" (one figure each: 5个, 3%).
    Only sums and tonnages are such bounds: a share before a noun is the figure ("60%以上的行政村集体
    经营性收入超50万元"), and so is a count ("推动50个以上重点项目竣工投产") or an area
    ("完成2万亩以上撂荒地治理"). A clause's last figure always stays.

    >>> [q.low for q in _without_bounds_in_names("落地投资50亿元以上重大项目7个", find_quantities("落地投资50亿元以上重大项目7个"))]
    [7.0]
    >>> [q.low for q in _without_bounds_in_names("增长6%以上、达到9亿元", find_quantities("增长6%以上、达到9亿元"))]
    [6.0, 9.0]
    """
    keep = []
    for k, q in enumerate(qs):
        if (k + 1 < len(qs) and q.marker in ("以上", "以下") and q.unit.endswith(("元", "吨"))
                and clause[q.end:q.end + 1] not in _BOUND_BREAKS
                and _BOUND_IN_NAME.match(clause, q.end)):
            continue
        keep.append(q)
    return keep


def extract_targets(text: str, outline: list[OutlineItem] | None = None, year: int | None = None,
                    now: int | None = None) -> list[Target]:
    """All numeric targets and results in a (folded) text. ``now``: the year the text's 今年 names,
    when it is not ``year`` (a December speech that plans 明年: its year is the next one)."""
    if outline is None:
        outline = build_outline(text)
    sections = _sections(text, outline, year)
    out: list[Target] = []
    for sm in SENTENCE_RE.finditer(text):
        sentence = sm.group()
        if not _HAS_NUMBER.search(sentence):
            continue
        section = _section_at(sections, sm.start())
        # quantities inside parentheses are comparisons or asides ("松山湖(77.2%和81.8%)")
        masked = _PAREN_RE.sub(_mask_numbers, sentence) if "(" in sentence else sentence
        prev: list[Target] = []
        run_from = len(out)  # where the figures of the clauses since the last one without a number begin
        cues = _sentence_cues(sentence, late=now is not None and year is not None and now < year)
        prev_alias: tuple | None = None
        named_before: tuple[str, int] | None = None  # the clause just before, with no figure and no alias
        prev_pair = False
        period, period_from = None, 0
        for cm in CLAUSE_RE.finditer(masked):
            clause = cm.group()
            cstart = sm.start() + cm.start()
            if (p := _PERIOD_CLAUSE.match(clause)) is not None:
                # "1-11月，规模以上工业增加值增长14.1%；…": the rest of the sentence is that part of the year
                period, period_from = p.group(1), len(out)
                continue
            if masked[cm.start() - 1:cm.start()] in ("；", ";"):
                run_from = len(out)
            aliases = _alias_spans(clause)
            has_number = _HAS_NUMBER.search(clause)
            qs = find_quantities(clause) if has_number else []
            if len(qs) > 1:
                qs = _without_bounds_in_names(clause, qs)
            if has_number and ("价格" in clause or "CPI" in clause):
                qs = _cpi_index(clause, qs)
            # substring guards: _BAO_ZHENG always contains 争, _PAIR always ends in 收入
            bz = _BAO_ZHENG.search(clause) if has_number and "争" in clause else None
            if bz:  # "增速“保8争9”": a floor of 8 % and a stretch of 9 %
                q = Quantity(float(bz.group(1)), float(bz.group(1)), "%", "at_least", bz.start(1), bz.end(1), "保")
                new = [replace(t, stretch=float(bz.group(2))) for t in _clause_targets(text, clause, cstart, [q], aliases, cues, section, year)]
                out.extend(new)
                prev = new or prev
                continue
            if not qs:
                run_from = len(out)
                named_before = (clause, cstart) if not aliases else None
                prev_alias = aliases[-1] if aliases else prev_alias
                prev_pair = prev_pair or "收入" in clause and bool(_PAIR.search(clause))
                continue
            if prev_pair and not aliases and _PAIR_GOES_ON.match(clause) and len(qs) <= 2:
                out.extend(_pair_targets(text, clause, cstart, qs, cues, section, year))
                continue
            prev_pair = "分别" in clause and bool(_PAIR.search(clause))
            if not aliases and len(qs) >= 2 and _PAIR_GOES_ON.match(clause) and len(out) - run_from == len(qs):
                # "签约项目1753个、到位资金1254亿元，分别增长77.8%、17.7%": the k-th value is the k-th figure
                # of the clauses just before (all of them, and as many as there are values)
                named = out[-len(qs):]
                names = [t.indicator for t in named]
                if not any("分别" in n or any(m != n and m.startswith(n) for m in names) for n in names):
                    new = list(_named_values(text, clause, cstart, [(q, t.indicator, *_rate_of(t.indicator, q, clause))
                                                                    for q, t in zip(_marker_for_all(clause, qs), named)],
                                             cues, section, year, evidence_from=named[0].start))
                    out.extend(new)
                    prev = new or prev
                    continue
            if (not aliases and len(qs) >= 2 and named_before and _PAIR_GOES_ON.match(clause)
                    and len(names := _split_names(_LEAD_TRIM.sub("", named_before[0].strip()), len(qs))) == len(qs)):
                # "全面精简会议、文件、督查检查考核，分别减少7.7%、20.7%、17.4%": the names stand in the clause before
                new = list(_named_values(text, clause, cstart, [(q, name, "other", _direction(clause[:q.start], q, "level"))
                                                                for q, name in zip(qs, names)],
                                         cues, section, year, evidence_from=named_before[1] + len(named_before[0]) - len(named_before[0].lstrip())))
                out.extend(new)
                prev, named_before = new or prev, None
                continue
            named_before = None
            if not aliases and prev_alias and (part := _PART_OF_YEAR.match(clause)):
                # "经济增速逐季回升，一季度增长4.5%，上半年增长5%，…全年增长5.7%": a part of the year is
                # not the year's figure (named, 'other'); the topic goes on to the next clause
                name = prev_alias[2]
                out.extend(replace(t, indicator=f"{name}（{part.group(1)}）", canonical="other") for t in
                           _continued(text, clause, cstart, qs, name + ":", [(0, len(name), name, prev_alias[3])],
                                      cues, section, year))
                continue
            # "地区生产总值增长20%,达到282亿元": the level value continues the previous clause's indicator
            if not aliases and prev_alias and _CONTINUES.match(clause):
                name = prev_alias[2]
                out.extend(_continued(text, clause, cstart, qs, name + ":", [(0, len(name), name, prev_alias[3])], cues, section, year))
                continue
            if (not aliases and not prev_alias and prev and _CONTINUES.match(clause) and prev[-1].canonical == "other"
                    and not (qs and qs[0].unit in CLASSIFIERS and _AFTER_NOUN.match(clause, qs[0].end))):
                # (not "打通15条城区断头路，完成18处主干道路交叉口快速化改造": the count names its own thing)
                # "地方财政总收入完成20.67亿元,同比增长28.8%": the growth of the thing just measured
                name = prev[-1].indicator
                new = [replace(t, indicator=name) for t in _continued(text, clause, cstart, qs, name, [], cues, section, year)]
                out.extend(new)
                prev = new or prev
                continue
            prev_alias = aliases[-1] if aliases else _period_alias(clause) if "季度" in clause or "半年" in clause else None
            if (not aliases and prev and len(qs) == 1 and prev[-1].unit != qs[0].unit and prev[-1].canonical != "other"
                    and _AIM_LEVEL.match(clause)):
                # "地区生产总值增长5.5%以上，力争突破6000亿元": a level aimed at, of the indicator just named
                name = prev[-1].indicator
                new = [replace(t, indicator=name, canonical="other")
                       for t in _continued(text, clause, cstart, qs, name, [], cues, section, year)]
                out.extend(new)
                prev = new or prev
                continue
            # Two-level target: "增长7%以上,力争8%" — a clause of only 力争 + number refines the previous one.
            if not aliases and prev and len(qs) == 1 and _STRETCH.match(clause):
                last = prev[-1]
                if last.unit == qs[0].unit and out and out[-1] is last:
                    out[-1] = Target(**{**last.__dict__, "stretch": qs[0].low})
                    continue
            new = _stretch_pairs([t for t in _clause_targets(text, clause, cstart, qs, aliases, cues, section, year) if t], text)
            new = [_zone_earlier(t, text, sm.start()) for t in new]
            if not aliases and prev_alias:  # "GDP一季度累计增长4.7%、二季度累计增长6.3%": GDP（二季度累计）
                new = [replace(t, indicator=f"{prev_alias[2]}（{p.group(1)}）") if t.canonical == "other"
                       and (p := _PERIOD_NAME.search(text, max(t.start, t.value_start - 12), t.value_start)) else t
                       for t in new]
            out.extend(new)
            prev = new or prev
        if period:  # every figure after it, named with the period (a registry one is no longer the year's)
            out[period_from:] = [t if t.indicator.endswith(f"（{period}）") else
                                 replace(t, indicator=f"{t.indicator}（{period}）", canonical="other")
                                 for t in out[period_from:]]
    return [_unmasked(_annual(_signed(_base_year(_subject_before(t, text), text)))) for t in out]


@cache
def _heads() -> dict[str, list[tuple[str, str]]]:
    """{bare head noun: [(subject, indicator id)]} from the registry's aliases: "粮食总产量" gives
    总产量 ← (粮食, grain_output). A subject has two characters or more (not 进 + 出口), and a head
    that is an alias itself (工业增加值) is no bare head."""
    aliases = {a for ind in indicators().values() for a in ind.aliases}
    out: dict[str, list[tuple[str, str]]] = {}
    for ind in indicators().values():
        for alias in ind.aliases:
            for cut in range(2, len(alias) - 1):
                if alias[cut:] not in aliases:
                    out.setdefault(alias[cut:], []).append((alias[:cut], ind.id))
    return out


def _subject_before(t: Target, text: str) -> Target:
    """A bare head noun right before its value takes its subject from earlier in the sentence:
    "粮食播种面积稳定在427万亩以上、总产量29亿斤以上" (承德) is grain output, when the registry has
    粮食总产量 and the unit fits."""
    if t.canonical != "other" or not (cands := _heads().get(t.indicator)):
        return t
    lo = max(0, t.value_start - 60)
    before = text[lo:t.value_start]
    before = before[max(before.rfind(c) for c in "。;；\n") + 1:]
    at = before.rfind(t.indicator)
    if at < 0 or len(before) - at - len(t.indicator) > 6:  # "产量26.1万吨，分别超…0.1万吨": not its value
        return t
    for subject, ind_id in cands:
        if subject in before[:at] and t.unit in indicators()[ind_id].unit.split("|"):
            return replace(t, indicator=subject + t.indicator, canonical=ind_id)
    return t


_BASE_YEAR = re.compile(r"由(\d{4})年(?:底|末)?的?$")


def _base_year(t: Target, text: str) -> Target:
    """"地区生产总值由2010年的162.4亿元增加到2015年的287.9亿元": the first figure is 2010's, the
    starting point, not the result; it is named with its year and not filed under the indicator."""
    m = _BASE_YEAR.search(text, max(0, t.value_start - 12), t.value_start)
    if m is None:
        return t
    name = t.indicator if f"{m.group(1)}年" in t.indicator else f"{t.indicator}（{m.group(1)}年）"
    return replace(t, indicator=name, canonical="other")


_MASKED = re.compile(r"\(#+\)")


def _unmasked(t: Target) -> Target:
    """A note in brackets with a figure was masked for the search ("助推“个转企”(3)1400余户"): it is no
    part of the name ("助推“个转企”", not "助推“个转企”(#)")."""
    return replace(t, indicator=_MASKED.sub("", t.indicator)) if "#" in t.indicator else t


def _annual(t: Target) -> Target:
    """A multi-year figure that is a result ("年均增长12.1%" over 2011–2015, "“十四五”已累计下降12.4%") is
    not the year's figure of a registry indicator: it is named with its span and filed as ``other``, so
    the indicator's charts compare years with years."""
    if t.canonical == "other" or t.kind == "long_term_target" or not (m := LONG_TERM.search(t.sentence)):
        return t
    return replace(t, canonical="other", indicator=f"{t.indicator}（{m.group()}）")


_SWAP = {"at_least": "at_most", "at_most": "at_least"}


def _signed(t: Target) -> Target:
    """A fall of a growth rate is a negative rate: "固定资产投资下降1.7%" is −1.7 % (a fall of
    more than 2 % is at most −2 %), so charts and comparisons of the indicator read it right.

    >>> t = extract_targets("固定资产投资下降1.7%。")[0]
    >>> (t.canonical, t.low, t.high, t.direction)
    ('fixed_asset_investment_growth', -1.7, -1.7, 'reduce')
    """
    if (t.canonical == "other" or t.direction != "reduce" or t.low < 0 or t.unit not in ("%", "个百分点")
            or indicators()[t.canonical].direction != "growth"):
        return t
    return replace(t, low=-t.high, high=-t.low, qualifier=_SWAP.get(t.qualifier, t.qualifier),
                   stretch=None if t.stretch is None else -t.stretch)


def _rate_of(name: str, q: Quantity, clause: str) -> tuple[str, str]:
    """(canonical, direction) of a value named after another figure's indicator: the registry's
    rate when the name is wholly one of its aliases and the value a rate of that direction."""
    direction = _direction(clause[:q.start], q, "level")
    spans = _alias_spans(name)
    whole = spans[0][3] if len(spans) == 1 and spans[0][:2] == (0, len(name)) else "other"
    ok = whole != "other" and q.unit in ("%", "个百分点") and direction == indicators()[whole].direction
    return (whole if ok else "other"), direction


_CITY_WIDE = re.compile(r"(?:全市|全区|全县|全省|全州|全盟)(?!平均)")  # not "高于全市平均水平"


def _zone_earlier(t: Target, text: str, sentence_start: int) -> Target:
    """A registry figure whose sentence names a zone earlier (up to a ；) and not the whole city is
    the zone's: "把临江新区作为…，力争地区生产总值增长16%以上" (南充) is 临江新区's 16 %, not the city's."""
    if t.canonical == "other":
        return t
    lo = max(sentence_start, text.rfind("；", sentence_start, t.value_start) + 1, text.rfind(";", sentence_start, t.value_start) + 1)
    before = text[lo:t.value_start].replace(" ", "")  # "开 发区": a line wrap in a scraped text
    zone = next((w for w in sentence_subarea_words() if w in before and f"创{w}" not in before), None)
    if zone is None or _CITY_WIDE.search(before):
        return t
    return replace(t, canonical="other", indicator=f"（{zone}）{t.indicator}")


_STRETCH_LINK = re.compile(r"\s*[、,]?\s*(?:力争|争取|奋斗)(?:达到|实现|增长|突破)?\s*")


def _stretch_pairs(targets: list[Target], text: str) -> list[Target]:
    """"地区生产总值确保增长6.5%、力争7%以上": one target of 6.5 % with a 力争 value of 7 %, not two."""
    out: list[Target] = []
    for t in targets:
        last = out[-1] if out else None
        if (last is not None and last.canonical == t.canonical != "other" and last.unit == t.unit
                and last.stretch is None and t.kind == last.kind
                and _STRETCH_LINK.fullmatch(text, last.value_end, t.value_start)):
            out[-1] = replace(last, stretch=t.low)
            continue
        out.append(t)
    return out


def _continued(text, clause, cstart, qs, prefix, aliases, cues, section, year):
    """Targets of a clause that continues the previous one ("…,达到282亿元"): the clause is read
    with the previous indicator as ``prefix``; evidence spans stay on the clause itself."""
    lead = len(clause) - len(clause.lstrip())
    shift = len(prefix) - lead
    moved = [replace(q, start=q.start + shift, end=q.end + shift) for q in qs]
    start, end = cstart + lead, cstart + len(clause)
    return [replace(t, sentence=text[start:end], start=start, end=end)
            for t in _clause_targets(text, prefix + clause.lstrip(), cstart - shift, moved, aliases, cues, section, year)]


_PAIR = re.compile(r"(?:城镇和农村|城乡)(?:常住)?居民(?:人均)?(?:可支配)?收入")
# "城乡常住居民人均可支配收入分别完成37820元、28104元，同比分别增长6.5%、9.4%": the next clause's pair
_PAIR_GOES_ON = re.compile(r"\s*(?:同比|比上年|较上年)?分别")


def _pair_targets(text, clause, cstart, qs, cues, section, year):
    """城乡/城镇和农村 … 分别 …: the first value is urban, the second rural (one value: both)."""
    qq = qs if len(qs) == 2 else qs * 2
    named = []
    for (cid, label), q in zip((("urban_disposable_income_growth", "城镇居民人均可支配收入"),
                                ("rural_disposable_income_growth", "农村居民人均可支配收入")), qq):
        growth = q.unit in ("%", "个百分点") and not (q.unit == "个百分点" and _RELATIVE.search(clause, 0, q.start))
        named.append((q, label, cid if growth else "other", "growth" if growth else "level"))  # not "低于目标2.4个百分点"
    return _named_values(text, clause, cstart, named, cues, section, year)


def _named_values(text, clause, cstart, named, cues, section, year, evidence_from=None):
    """One target per (quantity, indicator, canonical, direction), with the clause as evidence (from
    ``evidence_from`` on, where the names stand in earlier clauses)."""
    lead = len(clause) - len(clause.lstrip())
    start = cstart + lead if evidence_from is None else evidence_from
    for q, name, canonical, direction in named:
        yield Target(indicator=name, canonical=canonical, low=q.low, high=q.high, unit=q.unit,
                     qualifier=q.qualifier, direction=direction, kind=_kind(cues, clause, section, year),
                     stretch=None, sentence=text[start:cstart + len(clause)], start=start, end=cstart + len(clause),
                     value_start=cstart + q.start, value_end=cstart + q.end)


_THREE_SECTORS = re.compile(r"(?:三次产业|一、?二、?三产业?|一二三产业)(增加值|增速)?")


def _split_names(head: str, n: int) -> list[str]:
    """The names before 分别, split at 、和与及; at 、 only where that gives as many as there are
    values: "新能源汽车、智能家电和音像器材销售额分别增长58.5%、37.7%" names two things, not three.

    >>> _split_names("新能源汽车、智能家电和音像器材销售额", 2)
    ['新能源汽车', '智能家电和音像器材销售额']
    >>> _split_names("城乡低保标准", 2)
    ['城镇低保标准', '农村低保标准']
    >>> _split_names("三次产业增加值", 3)
    ['第一产业增加值', '第二产业增加值', '第三产业增加值']
    """
    if n == 3 and (three := _THREE_SECTORS.fullmatch(head)):
        # "三次产业增加值分别增长3%、7%、7%", "一、二、三产业分别…": the primary, secondary, tertiary sector
        return [f"第{k}产业{three.group(1) or ''}" for k in "一二三"]
    names = _NAME_SEP.split(head)
    if len(names) != n and len(by_comma := head.split("、")) == n:
        return by_comma
    if n == 2 and len(names) == 1 and head.startswith("城乡") and len(head) > 2:
        return ["城镇" + head[2:], "农村" + head[2:]]  # "城乡低保标准分别提高5%、7%": urban, then rural
    return _share_tail(names)


_PAIRED = {"城镇", "农村", "城市", "乡村"}


def _share_tail(names: list[str]) -> list[str]:
    """Parallel modifiers share the last name's noun: "国控、省控断面水质优良率" names 国控断面水质优良率
    and 省控断面水质优良率. Only for modifiers of one length that end alike (国控/省控) or are
    城镇/农村, so that "税收、一般公共预算收入" stays two names.

    >>> _share_tail(["国控", "省控断面水质优良率"])
    ['国控断面水质优良率', '省控断面水质优良率']
    >>> _share_tail(["城镇", "农村居民人均可支配收入"])[0]
    '城镇居民人均可支配收入'
    >>> _share_tail(["税收", "一般公共预算收入"])
    ['税收', '一般公共预算收入']
    """
    if len(names) < 2:
        return names
    k = len(names[0])
    last = names[-1]
    mods = [*names[:-1], last[:k]]
    if (not 2 <= k <= 3 or len(last) < k + 2 or any(len(m) != k for m in mods)
            or not (len({m[-1] for m in mods}) == 1 or set(mods) <= _PAIRED)):
        return names
    tail = last[k:]
    return [m + tail for m in mods]


def _bundled_names(clause, fenbie, qs, aliases):
    """For "A、B分别增长x%、y%" with fewer indicator aliases before 分别 than values: one
    (name, alias span or None) per value, the names split at 、和与及. A short name borrows the
    rest of the last name when that names a registry indicator: 城镇、农村居民人均可支配收入 →
    城镇居民人均可支配收入 (but 蔬菜、水产品产量 stays 蔬菜).
    None when the names and values do not pair up.

    >>> [(n, a and a[3]) for n, a in _bundled_names("城镇、农村居民人均可支配收入分别增长6%、8.5%", 14,
    ...                                              [None, None], _alias_spans("城镇、农村居民人均可支配收入"))]
    [('城镇居民人均可支配收入', 'urban_disposable_income_growth'), ('农村居民人均可支配收入', 'rural_disposable_income_growth')]
    """
    if fenbie <= 0 or len(qs) < 2 or sum(1 for x in aliases if x[1] <= fenbie) >= len(qs):
        return None
    head = _LEAD_TRIM.sub("", clause[:fenbie].strip())
    names = [n.strip() for n in _split_names(head, len(qs))]
    if len(names) != len(qs) or not all(_CJK.search(n) for n in names):
        return None
    # "对欧盟、东盟国家进出口总额": trade with partners, not the total; "省级及以上园区技工贸总收入、规模工业
    # 增加值…分别增长": the parks' figures, not the region's
    partners = head.startswith(partner_cues()) or any(w in head for w in subarea_words())
    first, last = names[0], names[-1]
    out = []
    for k, name in enumerate(names):
        spans = [] if partners else _alias_spans(name)
        if not partners and not spans and k < len(names) - 1 and len(name) <= 4 and len(last) > len(name) + 2:
            full = name + last[len(name):]  # kept only when it names a registry indicator
            full_spans = _alias_spans(full)
            if any(x[3] != "other" for x in full_spans):
                name, spans = full, full_spans
        elif not partners and not spans and k > 0 and len(name) <= 4:
            # "规上工业总产值、增加值分别增长15%、12%": a short later name borrows the first one's head
            for cut in range(len(first) - 1, 0, -1):
                full_spans = _alias_spans(first[:cut] + name)
                if any(x[3] != "other" and x[0] == 0 and x[1] == cut + len(name) for x in full_spans):
                    name, spans = first[:cut] + name, full_spans
                    break
        span = spans[-1] if spans and spans[-1][3] != "other" else None
        out.append((name, (span[0], span[1], name, span[3]) if span else None))
    return out


def _marker_for_all(clause: str, qs: list[Quantity]) -> list[Quantity]:
    """"分别增长7%和8%左右": a marker after the last of several values covers every value."""
    if len(qs) > 1 and qs[-1].marker in ("左右", "以上", "以内") and qs[-1].end == len(clause.rstrip()):
        return [replace(q, qualifier=qs[-1].qualifier, marker=qs[-1].marker) if q.qualifier == "exact" else q for q in qs]
    return qs


#: the verb between a list of names and their values, in a respective list written without 分别
_RESPECTIVE_VERB = re.compile(r"(?:稳定在|保持在|控制在|达到|达|为|超过|突破)$")


def _implicit_respective(clause: str, qs: list[Quantity]) -> int:
    """"粮食播种面积和产量稳定在426万亩、183万吨以上": as many names as values, the names joined by
    和 or 、, the values (each of its own unit) by 、 — the k-th name has the k-th value, as if
    分别 were written. Where the names end, or -1.

    >>> c = "粮食播种面积和产量稳定在426万亩、183万吨以上"
    >>> _implicit_respective(c, find_quantities(c))
    9
    >>> c = "建成5G基站和充电桩达到300个、500个"  # one unit: a range, two years, or a count of both
    >>> _implicit_respective(c, find_quantities(c))
    -1
    """
    if not 2 <= len(qs) <= 3 or len({q.unit for q in qs}) != len(qs):
        return -1
    if any(clause[a.end:b.start] not in ("、", "和") for a, b in zip(qs, qs[1:])):
        return -1
    verb = _RESPECTIVE_VERB.search(clause, 0, qs[0].start)
    if verb is None:
        return -1
    names = re.split("[、和]", _LEAD_TRIM.sub("", clause[:verb.start()].strip()))
    if len(names) != len(qs) or not all(1 <= len(n) <= 12 and _CJK.search(n) and not _DIGIT.search(n) for n in names):
        return -1
    return verb.start()


def _clause_targets(text, clause, cstart, qs, aliases, cues, section, year):
    fenbie = clause.find("分别")
    if fenbie < 0:
        fenbie = _implicit_respective(clause, qs)
    last_other = None
    if fenbie >= 0:
        qs = _marker_for_all(clause, qs)
    pair = _PAIR.search(clause) if fenbie >= 0 or len(qs) == 2 else None
    if pair and fenbie < 0:  # "城乡居民人均可支配收入增长4.7%和7.3%": urban, then rural
        link = clause[qs[0].end:qs[1].start]
        pair = pair if pair.end() <= qs[0].start and link.strip() in ("和", "、", ",") else None
        fenbie = pair.end() if pair else fenbie
    if pair and fenbie > pair.start() and 1 <= len(qs) <= 2:
        yield from _pair_targets(text, clause, cstart, qs, cues, section, year)
        return
    bundled = _bundled_names(clause, fenbie, qs, aliases)
    for qi, q in enumerate(qs):
        preceding = [a for a in aliases if a[1] <= q.start]
        canonical, indicator = "other", None
        between = clause[:q.start]
        changed = False
        if bundled:
            # "城镇、农村居民人均可支配收入分别增长6%、8.5%": the k-th name, completed from the last
            # one, goes with the k-th value; a name without an indicator's alias is 'other'
            indicator, a = bundled[qi]
            preceding = [a] if a else []
            between = clause[fenbie:q.start]
        if preceding and bundled:
            gap_ok = True
        elif preceding:
            a = preceding[-1]
            between = clause[a[1]:q.start]
            gap_ok = len(between) <= 12 and not _DIGIT.search(between)
            if not gap_ok and qi > 0 and qs[qi - 1].start >= a[1] and len(between) <= 40:
                # "地区生产总值3.46万亿元、增长6.0%": a second value of the same indicator
                link = clause[qs[qi - 1].end:q.start]
                if _SECOND_VALUE_LINK.fullmatch(_PAREN_RE.sub("", link)) and not any(x[0] >= qs[qi - 1].end for x in aliases):
                    # "地区生产总值增速高于省平1个百分点、7%左右": the verb before the first value counts too
                    between, gap_ok, changed = link, True, bool(_CHANGE.search(clause, a[1], q.start))
            if fenbie >= 0 and len(qs) > 1:
                # bundled: A、B分别增长x%和y% — the k-th quantity goes to the k-th alias before 分别
                run = [x for x in preceding if x[1] <= fenbie]
                if len(run) >= len(qs):
                    a = run[-len(qs):][qi]
                    between = clause[fenbie:q.start]
                    gap_ok = True
            elif len(qs) == 1 and len(preceding) > 1 and _ALL_OF.search(between):
                # "A、B均增长8%": one target per indicator of the run
                run = [preceding[-1]]
                for x in reversed(preceding[:-1]):
                    if _RUN_SEP.fullmatch(clause[x[1]:run[0][0]].strip() or "、"):
                        run.insert(0, x)
                    else:
                        break
                if len(run) > 1:
                    for x in run[:-1]:
                        ind_dir = indicators()[x[3]].direction
                        yield Target(indicator=x[2], canonical=x[3], low=q.low, high=q.high, unit=q.unit, qualifier=q.qualifier,
                                     direction=_direction(clause[x[1]:q.start], q, ind_dir), kind=_kind(cues, clause, section, year),
                                     stretch=None, sentence=text[cstart:cstart + len(clause)].strip(), start=cstart + len(clause) - len(clause.lstrip()),
                                     end=cstart + len(clause), value_start=cstart + q.start, value_end=cstart + q.end)
                gap_ok = True
        if preceding and gap_ok:
            ind = indicators()[a[3]]
            indicator, canonical = a[2], a[3]
            if ind.unit == "%":
                unit_ok = q.unit in ("%", "个百分点", "‰")
            else:  # "万吨|亿斤": any listed unit, or the same base unit with another magnitude
                unit_ok = any(q.unit == u or q.unit.endswith(u[-1:]) for u in ind.unit.split("|"))
            if ind.direction in ("growth", "reduce") and not (changed or _CHANGE.search(between)) and not a[2].endswith("增收"):
                unit_ok = False  # "地区生产总值3.5万亿元" is a level, not growth
            if not unit_ok:
                canonical = "other"
            if q.unit == "个百分点" and _RELATIVE.search(clause, max(0, q.start - 16), q.start):
                indicator, canonical = None, "other"  # "增速高于全省1个百分点": a margin over another figure
        if indicator is None and qi > 0 and last_other and _SAME_THING.fullmatch(clause, qs[qi - 1].end, q.start):
            # "交易额1302.6亿元、增长64.2%": the growth of the same thing
            indicator = last_other
            between = clause[qs[qi - 1].end:q.start]
        if indicator is None and fenbie > 0 and len(qs) > 1:
            # "一产、二产、三产分别增长4%、7%、6%左右": the k-th name goes with the k-th value
            names = _split_names(_LEAD_TRIM.sub("", clause[:fenbie].strip()), len(qs))
            if len(names) == len(qs) and all(_CJK.search(n) for n in names):
                indicator = names[qi].strip()
                between = clause[fenbie:q.start]
        if indicator is None:
            indicator = _other_indicator(clause, q.start, q.end, q.unit)
            if not indicator or not _CJK.search(indicator):
                continue
        default_dir = indicators()[canonical].direction if canonical != "other" else "level"
        direction = _direction(between, q, default_dir)
        if canonical == "cpi":
            direction = "at_most" if "控制" in between else "level"
        if canonical in ("urban_unemployment_rate", "registered_unemployment_rate") and direction != "reduce":
            direction = "at_most" if q.qualifier == "at_most" or "控制" in between else "level"
        kind = _kind(cues, clause, section, year)
        if canonical == "other":
            last_other = indicator
        lead = len(clause) - len(clause.lstrip())
        yield Target(indicator=indicator, canonical=canonical, low=q.low, high=q.high, unit=q.unit,
                     qualifier=q.qualifier, direction=direction, kind=kind, stretch=None,
                     sentence=text[cstart + lead:cstart + len(clause)], start=cstart + lead, end=cstart + len(clause),
                     value_start=cstart + q.start, value_end=cstart + q.end)


_PAST = re.compile(r"新建成|比上年|同比|较上年|较去年|比去年|上年|去年|累计|已经|已|了|共计|过去|回顾")
_FUTURE = re.compile(r"力争|确保|今年|目标|要|争取|计划|将|拟")
_FUTURE_SENTENCE = fastre.compile(r"预期目标|主要目标|目标是|力争|确保|争取|控制在|今年|计划|要|拟|将|加快|推动|推进|实施|启动|打造|培育|年内|扩大至|提升至|提高到|力求|努力")


@dataclass(frozen=True)
class _SentenceCues:
    years: tuple[int, ...]
    future: bool
    target_list: bool  # the sentence introduces the year's targets: "主要预期目标是:"
    #: the sentence is about the year a December speech reviews ("今年…预计增长6%"; its year is the next)
    reviewed: bool = False
    #: the sentence sets next year's targets ("明年全市地区生产总值增长7%左右，城镇新增就业1.5万人")
    ahead: bool = False


_TARGET_LIST = re.compile(r"(?:预期目标|主要目标|目标任务)(?:是|为)[:：]?")


def _sentence_cues(sentence: str, late: bool = False) -> _SentenceCues:
    """``late``: the text is a December speech planning 明年, so its 今年 is a year under review."""
    return _SentenceCues(tuple(int(y) for y in YEAR_RE.findall(sentence)), bool(_FUTURE_SENTENCE.search(sentence)),
                         bool(_TARGET_LIST.search(sentence)), late and "今年" in sentence and "明年" not in sentence,
                         "明年" in sentence)


_DONE = re.compile(r"完成|实现了|达到了")


def _kind(cues: _SentenceCues, clause: str, section: str, year: int | None) -> str:
    years = [int(y) for y in YEAR_RE.findall(clause)] or list(cues.years)
    if year and any(y > year for y in years):
        return "long_term_target"
    if LONG_TERM.search(clause):
        # "由2010年的…增加到2015年的…，年均增长12.1%", "过去五年…年均增长23.7%": a multi-year result
        past = section == "review" or (year and years and max(years) < year) or "已" in clause
        if not past or _FUTURE.search(clause):
            return "long_term_target"
    if "明年" in clause or (cues.ahead and not _PAST.search(clause)):
        return "target"  # (QA pass 15: a December speech's 明年 targets were filed as results)
    if cues.reviewed:
        return "achievement"
    if year and any(y < year for y in years) and not _FUTURE.search(clause):
        return "achievement"
    if cues.target_list and not _DONE.search(clause):
        return "target"  # "主要预期目标是:地区生产总值同比增长8%左右,…"
    if section == "review":
        return "achievement"
    if _PAST.search(clause) and not _FUTURE.search(clause):
        return "achievement"
    if section == "plan" or cues.future:
        return "target"
    return "achievement"
