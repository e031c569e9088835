"""Find quantities in (folded) Chinese text: numbers, ranges, units and markers.

>>> [(q.low, q.high, q.unit, q.qualifier) for q in find_quantities("增长8.2%—8.5%")]
[(8.2, 8.5, '%', 'exact')]
>>> [(q.low, q.unit) for q in find_quantities("接待游客突破370万人次、培训500人次")]
[(370.0, '万人次'), (500.0, '人次')]
>>> [(q.low, q.unit, q.qualifier) for q in find_quantities("压缩了三千八百余亩")]
[(3800.0, '亩', 'at_least')]
>>> [(q.low, q.unit) for q in find_quantities("提高百分之八")]
[(8.0, '%')]
>>> find_quantities("增长x%,XX个,***万元")
[]
>>> [(q.low, q.high, q.unit) for q in find_quantities("新建3-4个城市社区")]
[(3.0, 4.0, '个')]
>>> [(q.qualifier, q.marker) for q in find_quantities("赤字率不超过3%,投资超过5亿元")]
[('at_most', '不超过'), ('at_least', '超过')]
>>> [(q.low, q.qualifier) for q in find_quantities("现场签约102亿元,约5亿元")]  # 签约 is no 约 (about)
[(102.0, 'exact'), (5.0, 'about')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


def cn_to_number(s: str) -> float | None:
    """Chinese numerals to a number.

    >>> cn_to_number("三千八百"), cn_to_number("两万"), cn_to_number("十二"), cn_to_number("一百零五")
    (3800, 20000, 12, 105)
    >>> cn_to_number("三点五"), cn_to_number("万亿"), cn_to_number("十万亿")
    (3.5, 1000000000000, 10000000000000)
    """
    if not s:
        return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = cn_to_number(whole) if whole else 0
        if w is None or not frac or any(ch not in CN_DIGITS for ch in frac):
            return None
        return float(f"{w}.{''.join(str(CN_DIGITS[c]) for c in frac)}")
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in ("十", "百", "千"):
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        elif ch in ("万", "亿"):
            section += digit if digit is not None else (1 if not section and not total else 0)  # 万亿 = 1万亿
            total = (total + section) * CN_UNITS[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


# Units, longest first. Classifiers (个, 家 …) count things; others measure.
UNITS = [
    "个百分点", "万亿元", "亿美元", "万美元", "亿元", "万元", "千元", "美元", "元",
    "万人次", "人次", "万人", "万户", "万亩", "万吨", "万千瓦", "万平方米", "平方公里", "平方米",
    "万标准箱", "万标箱", "标准箱", "标箱", "万TEU", "TEU",
    "万辆", "公顷", "公里", "千米", "千瓦", "兆瓦", "亿斤", "万斤", "吨", "斤", "亩", "米", "辆",
    "微克/立方米", "微克每立方米", "微克", "个工作日", "工作日", "天", "小时", "个月",
    "GWh", "GW", "MW",
    "%", "‰", "倍",
    "个", "家", "户", "座", "项", "件", "所", "条", "套", "间", "张", "台", "宗", "名", "位", "处",
    "栋", "株", "棵", "人", "项次", "家次", "户次", "台套", "批次", "批", "场次", "场", "次", "篇", "头", "盏", "支", "门", "部",
]
CLASSIFIERS = {"个", "家", "户", "座", "项", "件", "所", "条", "套", "间", "张", "台", "宗", "名", "位", "处", "栋", "株", "棵", "批",
               "项次", "家次", "户次", "台套", "批次", "场次", "场", "次", "篇", "辆", "头", "盏", "支", "门", "部"}
# Chinese numerals count as values only with these measuring units (not "三个关系", "五项建设").
CN_VALUE_UNITS = {"亩", "万亩", "公顷", "万元", "亿元", "元", "万人", "人", "户", "万户", "公里", "吨", "万吨", "%", "个百分点", "平方米", "万平方米"}

#: "天" is a unit, but not where it opens a name: 天府实验室, 天开园, 天津
_DAY_NAMES = "府开津然地空下际猫堂桥门台鹅山河池坛宫水目工"
#: …and "部" not in 部门 or 部署, "门" not in 门户, "支" not in 支持 or 支撑
#: …and "小时" only where it ends the figure, not where it opens a name (1小时经济圈, 144小时过境免签, 24小时自助)
_NOT_AFTER = {"天": f"[{_DAY_NAMES}]", "部": "[门署分委位]", "门": "[户类槛]", "支": "[持撑付出柱]",
              "小时": "(?!以内|以上|左右|之内|内|以下)[\u4e00-\u9fff“\"]"}
_UNIT_RE = "|".join(re.escape(u) + (f"(?!{_NOT_AFTER[u]})" if u in _NOT_AFTER else "") for u in UNITS)
#: "每人每月1134元", "每月2000元左右", "每亩1200元": the period or thing an amount is given per
_EACH_BEFORE = re.compile(r"每(?:人|户)?每?(月|年|天|亩|吨)$")
_PER_UNITS = frozenset({"元", "万元", "千元"})
#: what a unit is given per: "17万元/人左右", "3.8元/立方米", "725元/月"
_PER = "人|户|亩|吨|立方米|平方米|千瓦时|度|月|年|天|人次|辆|台"
_UNIT_SET = frozenset(UNITS)
#: (a decimal point with a space on each side, "增长5 . 5%", is a scraped PDF's)
_ARABIC = r"\d+(?:\.\d+| \. \d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_NUM1 = rf"(?P<n1>{_ARABIC}|{_CN})"
_NUM2 = rf"(?P<n2>{_ARABIC}|{_CN})"
_RANGE_SEP = r"(?:—{1,2}|-|~|至|到)"
QUANTITY_RE = re.compile(
    rf"(?P<pct>百分之(?P<pctn>{_CN}|{_ARABIC})(?:(?:{_RANGE_SEP})(?:百分之)?(?P<pctn2>{_CN}|{_ARABIC}))?)"
    rf"|{_NUM1}(?P<u1>{_UNIT_RE})?(?:(?P<mod1>余|多)(?=[万亿]?(?:{_UNIT_RE})))?"
    rf"(?:{_RANGE_SEP}{_NUM2})?(?P<mod>余|多)?(?P<mag>万|亿)?(?P<mod2>余|多)?(?P<unit>{_UNIT_RE})"
    rf"(?P<per>[/／](?:{_PER}))?(?P<post>左右|以上|以内|以下|之内|上下)?"
)
_ANON_BEFORE = re.compile(r"[xX×*＊]$")
#: a minus sign after these is the sign of the figure ("增长-3.8%"), not a range's dash ("8.2%-8.5%")
_SIGNED_AFTER = re.compile(r"(?:增长|增速|增幅|为|是|达|同比|比上年|较上年)$")
#: a cue written just before a number, and the qualifier it gives (at most three characters)
PRE_CUES = {"不低于": "at_least", "不少于": "at_least", "超过": "at_least", "突破": "at_least", "至少": "at_least",
            "超": "at_least", "逾": "at_least", "高于": "at_least",
            "不超过": "at_most", "不高于": "at_most", "低于": "at_most", "不足": "at_most", "不到": "at_most",
            "约": "about", "近": "about"}


#: words ending in 约 that are no "about" ("现场签约102亿元": signed, not about)
_YUE_WORDS = frozenset({"签约", "合约", "预约", "节约", "制约", "公约", "条约", "契约", "履约", "违约", "缔约", "特约",
                        "邀约", "简约", "集约", "解约", "续约", "守约", "践约", "新约"})


#: after "<n>个": the group a rank is taken in ("168个城市排第15", "100个大中城市中排第15位",
#: "86个同类城市第4位"); not "3个片区入选第二批", "12个村列入第六批" (a count of things, then an ordinal)
_RANK_NO = r"[\d一二三四五六七八九十]"
_RANKED = re.compile(r"第|前|排|位次")
_PEER_GROUP = re.compile(
    rf"[\u4e00-\u9fff]{{0,8}}?(?:中|里)?(?:(?:排名|排|居|位列|名列|位居)[\u4e00-\u9fff]{{0,4}}?(?:第|前){_RANK_NO}"
    rf"|第{_RANK_NO}{{1,3}}(?:位|名)|排名|排位|位次)")


@dataclass(frozen=True)
class Quantity:
    low: float
    high: float
    unit: str
    qualifier: str   # exact | about | at_least | at_most
    start: int       # span of the whole quantity in the text
    end: int
    marker: str | None  # pre/post marker as written, e.g. 以上, 不低于


def _num(s: str) -> float | None:
    if s[0].isdigit():
        return float(s.replace(" ", ""))
    v = cn_to_number(s)
    return None if v is None else float(v)


def find_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in QUANTITY_RE.finditer(text):
        start, end = m.start(), m.end()
        if m.group("pct"):
            low = _num(m.group("pctn"))
            high = _num(m.group("pctn2")) if m.group("pctn2") else low
            unit, mod, post = "%", None, None
            is_cn = True
        else:
            n1, n2 = m.group("n1"), m.group("n2")
            is_cn = not n1[0].isdigit()
            unit = (m.group("mag") or "") + m.group("unit")
            u1 = m.group("u1")
            if u1 and u1 != unit and not n2:
                if u1 + unit in _UNIT_SET:
                    # "370万人次": the regex split one unit in two (万人 + 次)
                    unit = u1 + unit
                elif (m.group("unit") in _NAME_OPENERS or u1 in CLASSIFIERS) and not (m.group("mag") or m.group("mod")):
                    # "174条支沟", "10家头部企业", "20个项目", "5部条例": the first unit is the figure's (a
                    # count); the word after opens a name
                    unit, end = u1, m.end("u1")
                else:
                    # "<n1><u1>" then a unit again ("10亿元项目"): a sum that bounds a name, not a figure
                    continue
            low = _num(n1)
            high = _num(n2) if n2 else low
            mod = m.group("mod") or m.group("mod1") or m.group("mod2")  # "1.4万余场"
            post = m.group("post")
            if is_cn and unit not in CN_VALUE_UNITS:
                continue
            if is_cn and n1 in ("十", "百", "千", "万", "亿") and not n2:
                continue  # "千人托位数", "万人" as a rate base, not a quantity
            if is_cn and n1 in ("一", "两", "二") and unit not in ("%",):
                continue
            if is_cn and (n1 in ("零", "〇") or len(n1) == 1 and unit == "元" and not m.group("mag")):
                continue  # "零公里" "零容忍" are slogans, "三元乳业" a name
        if low is None or high is None:
            continue
        # context exclusions
        before = text[max(0, start - 1):start]
        after = text[end:end + 1]
        if before and (before in "第+.#" or before.isdigit() or _ANON_BEFORE.search(before)):
            continue
        if before and before.isascii() and before.isalpha():
            continue
        if after and after in "+":
            continue
        if after == "年" or after == "月":
            continue
        if after == "级":
            continue  # "千万吨级LNG基地", "5万吨级码头", "10万千瓦级": a class of size, not a figure
        if unit in CLASSIFIERS and 1900 <= low <= 2100 and low == int(low) and (high != low or after and after in "批次届"):
            continue  # "2018—2020批次": years, not a quantity
        if unit in CLASSIFIERS and unit != "位" and _RANKED.search(text, end, end + 16) and _PEER_GROUP.match(text, end):
            continue  # "在全国168个城市排第15": the size of the group ranked in, not a figure
        if unit == "位" and before == "前":
            continue  # "10项居前3位": a rank
        if unit in _DURATIONS and text.endswith(("连续", "持续", "连"), 0, start):
            continue  # "连续8个月全省第一": a streak, not a figure
        minus = bool(before) and before in "-－−"
        if unit in ("%", "个百分点") and (text.endswith("负增长", 0, start) or minus and _SIGNED_AFTER.search(text, max(0, start - 6), start - 1)):
            # "增长-3.8%", "负增长4.1%": a fall written as growth is a negative rate
            low, high = -high, -low
            start -= minus
        if high < low:
            low, high = high, low
        qualifier = "exact"
        marker = None
        pre_window = text[max(0, start - 3):start]
        if post in ("左右", "上下"):
            qualifier, marker = "about", post
        elif post == "以上" or mod:
            qualifier, marker = "at_least", post or mod
        elif post in ("以内", "以下", "之内"):
            qualifier, marker = "at_most", post
        else:  # the longest cue ending right before the number: 不超过 before 超过
            for cue in (pre_window, pre_window[-2:], pre_window[-1:]):
                if cue in PRE_CUES and not (cue == "约" and pre_window[-2:] in _YUE_WORDS):
                    qualifier, marker = PRE_CUES[cue], cue
                    break
        if m.group("per"):
            unit += "/" + m.group("per")[1:]  # 万元/人: per head, not an amount
        elif unit in _PER_UNITS and (each := _EACH_BEFORE.search(text, max(0, start - 6), start)):
            unit += "/" + each.group(1)  # "每人每月1134元" is 1134 元/月, as "1134元/月" is
        if is_cn and unit == "元" and low >= 10_000:
            # "超千亿元", "突破万亿元": in the unit the same figure takes in digits (1000亿元), not 1e11 元
            scale, unit = next((f, u) for f, u in _YUAN_SCALES if low >= f)
            low, high = low / scale, high / scale
        out.append(Quantity(low=low, high=high, unit=unit, qualifier=qualifier, start=start, end=end, marker=marker))
    return _shared_points(text, out)


#: units that also open a word after another unit (支流, 头部, 门店, 部队, 小时工): there the first unit counts
_NAME_OPENERS = frozenset({"支", "头", "门", "部", "盏", "小时", "个月", "天", "工作日"})
#: units of time: after 连续 a streak ("连续8个月全省第一")
_DURATIONS = frozenset({"个月", "天", "小时", "个工作日", "工作日"})
_BARE_LIST = re.compile(r"(?<![\d.])(?:\d+(?:\.\d+)?[、和])+$")


def _shared_points(text: str, qs: list[Quantity]) -> list[Quantity]:
    """"分别提高29个、6个百分点": the first value's 个 is short for the 个百分点 of the last one;
    "分别压缩至55、50、24个工作日": bare numbers before a figure share its unit.

    >>> [(q.low, q.unit) for q in find_quantities("分别提高29个、6个百分点")]
    [(29.0, '个百分点'), (6.0, '个百分点')]
    >>> [(q.low, q.unit, q.start) for q in find_quantities("审批时限分别压缩至55、50、24个工作日")]
    [(55.0, '个工作日', 9), (50.0, '个工作日', 12), (24.0, '个工作日', 15)]
    """
    for k in range(len(qs) - 2, -1, -1):
        q, nxt = qs[k], qs[k + 1]
        if (q.unit == "个" and nxt.unit == "个百分点" and text[q.end:nxt.start] in ("、", "和", "，", ",")
                and (q.low != int(q.low) or "分别" in text[max(0, q.start - 20):q.start])):  # not "超目标任务42个、23个百分点"
            qs[k] = replace(q, unit="个百分点")
    for k in range(len(qs) - 1, -1, -1):
        q = qs[k]
        if (q.start and text[q.start - 1] in "、和" and (m := _BARE_LIST.search(text, max(0, q.start - 40), q.start))
                and "分别" in text[max(0, m.start() - 12):m.start()] and (k == 0 or qs[k - 1].end <= m.start())):
            # "审批时限分别压缩至55、50、24个工作日": the numbers before share the last one's unit
            qs[k:k] = [replace(q, low=float(n.group()), high=float(n.group()), start=m.start() + n.start(),
                               end=m.start() + n.end()) for n in re.finditer(r"\d+(?:\.\d+)?", m.group())]
    for k in range(1, len(qs)):
        q, prev = qs[k], qs[k - 1]
        if "/" in prev.unit and prev.unit.split("/")[0] == q.unit and text[prev.end:q.start] in ("、", "和"):
            qs[k] = replace(q, unit=prev.unit)  # "每人每月1045元、814元": both per month
    return qs


_YUAN_SCALES = ((1e12, "万亿元"), (1e8, "亿元"), (1e4, "万元"))
