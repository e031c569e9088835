"""Resolve the administrative region (省/市/区县/乡镇街道) a speech or work report belongs to.

The gazetteer is ``metrics/data/divisions.csv.gz`` (国家统计局 2023 统计用区划代码, down to
乡镇/街道, built by ``scripts/build_gazetteer.py``) plus the curated
``metrics/data/divisions_extra.csv`` (非建制区, 国家级新区 …).  Both are loaded lazily once;
all names and short names of province/city/county units go into one Aho-Corasick automaton.

Resolution in brief:

1. The *speaker's level* is decided first: "我代表XX人民政府/政府/行署", then ``speaker_role``,
   the title, a by-line near the top, and finally counts of 全区/全县/全镇/全街道/全市/我区…
   (the lowest level with a substantial count wins: superiors are mentioned, inferiors are
   rarely called 全X).
2. Units of that level mentioned in the text (full name, short name or alias) are ranked by
   mentions; a candidate whose name is shared by other units (4 鼓楼区) needs a mentioned
   ancestor to win — otherwise nothing is returned at that level.
3. When nothing is certain at that level, the resolver climbs to the parent levels with
   stricter thresholds, and for 乡镇/街道 speeches looks for the short name of a child of the
   resolved unit (东莞 + 全街道 + 东城 → 东城街道).
4. Anonymised names (XX区, **县, 某市) never match.  A wrong region is worse than None.

>>> r = resolve_region("各位代表:现在,我代表北京市人民政府,向大会报告工作。全市上下……")
>>> r.label, r.level, r.code
('北京市', 'province', '110000')
>>> resolve_region("我代表区政府向大会作报告。海拉尔区…全区经济…呼伦贝尔市委…").label
'内蒙古自治区 呼伦贝尔市 海拉尔区'
>>> resolve_region("XX区委书记在全区大会上的讲话。全区上下要……全区", speaker_role="区委书记").label
''
>>> resolve_region("福州市鼓楼区召开会议,全区干部……鼓楼区要……全区").label
'福建省 福州市 鼓楼区'
"""
from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Iterable

import ahocorasick

from . import fastre

__all__ = ["Region", "resolve_region", "MAX_SCAN"]

# Only the head of a document is scanned: the speaker's unit shows up early and the 全X counts
# saturate long before; it bounds the cost (~1.5 ms at the cap) for very long documents.
MAX_SCAN = 20_000
# town full names (41k keys, a slower automaton) are scanned only for town/street speakers,
# over this many leading characters
TOWN_SCAN = 8_000

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Region:
    province: str | None = None  # e.g. "北京市", "广东省", "内蒙古自治区"
    city: str | None = None  # prefecture-level; None for 直辖市
    district: str | None = None  # county-level: 区/县/县级市/旗
    town: str | None = None  # 镇/乡/街道
    level: str | None = None  # "national"|"province"|"city"|"county"|"district"|"town"|"street"|None
    code: str | None = None  # division code of the most specific unit resolved
    evidence: str | None = None  # short human-readable note of what decided it

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.province, self.city, self.district, self.town) if p)


# --------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True, slots=True)
class _Unit:
    code: str
    name: str
    short: str
    level: str  # province | city | county | town
    kind: str
    parent: str | None


_RANK = {"province": 0, "city": 1, "county": 2, "town": 3}

# short names that are everyday words: counted only when the full name also occurs
_WEAK_SHORTS = frozenset(
    "东方 安康 大庆 白银 普洱 平安 和平 长安 永康 长寿 朝阳 新华 江南 江北 南岸 城中 城东 城西 "
    "城北 新城 开发 高新 白山 兴安 太平 黄山 文山 红河 海东 海西 海北 城关 泰安 宁安 安宁 "
    "富民 永和 和龙 兴宁 新兴 长宁 普陀 静安 河西 河东 宁德 丰台 兴化 新民 安平 安庆 宝山 青山 金山 南山 "
    "东山 西山 北山 新乡 抚顺 通化".split()
)
# full names that are everyday words (or contain one) and are never matched
_SKIP_NAMES = frozenset("城区 郊区 矿区 东区 西区 新区 市中区 城中区".split())

# everyday phrases containing a place short name
_IDIOMS = {
    "长治": ("长治久安",), "大同": ("世界大同", "天下大同", "大同小异"), "中山": ("孙中山", "中山装"),
    "平安": ("平安中国", "平安建设", "平安创建", "平安稳定", "平安和谐", "平安出行", "平安社区", "平安校园"),
    "和平": ("和平发展", "和平共处", "世界和平"), "东方": ("东方明珠", "东方红"), "大庆": ("国庆大庆", "大庆精神"),
    "安康": ("幸福安康", "健康安康", "平安安康"), "长安": ("长治久安",), "来宾": ("来宾朋友", "各位来宾", "尊敬的来宾"),
    "普洱": ("普洱茶",), "新兴": ("新兴产业", "新兴领域", "新兴市场", "新兴技术", "新兴业态"), "大理": ("大理石",), "白银": ("黄金白银",),
}

_ANON = set("Xx×*＊某○〇□■ＸｘXＸ")
_BAD_NEXT = ("路", "大道", "大街", "公园", "广场", "机场", "大学", "火车站", "高铁站", "站", "石", "商会", "同乡")


def _lat(items) -> tuple[str, ...]:
    return tuple(x.encode("utf-8").decode("latin-1") for x in items)


_ANON_L = _lat(_ANON)
_BAD_NEXT_L = _lat((*_BAD_NEXT, *_ANON))
_STREET_L, _STREET_DAO_L, _HUA_L = _lat(("街",))[0], _lat(("街道",))[0], _lat(("化",))[0]


@dataclass
class _Gaz:
    units: dict[str, _Unit]
    forms: dict[str, tuple[tuple[str, str], ...]]  # form -> ((code, "full"|"short"|"alias"), ...)
    children: dict[str, tuple[str, ...]]
    automaton: ahocorasick.Automaton  # province/city/county names
    town_forms: tuple[str, ...]  # town full names, matched only for town/street speakers

    @property
    def town_automaton(self) -> ahocorasick.Automaton:
        return _build_automaton(self.town_forms)


@cache
def _build_automaton(forms: tuple[str, ...]) -> ahocorasick.Automaton:
    # Keys and text are UTF-8 bytes viewed as latin-1 str: pyahocorasick scans a small
    # alphabet several times faster than one with ~4000 CJK first characters, and UTF-8
    # being self-synchronising, every match is aligned on a character boundary.
    auto = ahocorasick.Automaton()
    for f in forms:
        b = f.encode("utf-8")
        auto.add_word(b.decode("latin-1"), (f, len(b)))
    auto.make_automaton()
    return auto


_UNIT_COLUMNS = ("code", "name", "short", "level", "kind", "parent_code")


def _read_rows() -> Iterable[tuple[str, ...]]:
    """(code, name, short, level, kind, parent_code) of every division, by column name."""
    extra = DATA_DIR / "divisions_extra.csv"
    for path in (DATA_DIR / "divisions.csv.gz", extra):
        if not path.exists():
            continue
        with (gzip.open if path.suffix == ".gz" else open)(path, "rt", encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            header = next(rows)
            at = [header.index(c) for c in _UNIT_COLUMNS]
            yield from (tuple(r[i] for i in at) for r in rows if r)


# two-character county names that also occur inside ordinary phrases ("各区和县")
_WORDLIKE_COUNTIES = frozenset({"和县"})


@cache
def _gazetteer() -> _Gaz:
    units: dict[str, _Unit] = {}
    children: dict[str, list[str]] = {}
    forms: dict[str, list[tuple[str, str]]] = {}
    for code, name, short, level, kind, parent in _read_rows():
        u = _Unit(code, name, short, level, kind, parent or None)
        units[u.code] = u
        if u.parent:
            children.setdefault(u.parent, []).append(u.code)
        if u.name not in _SKIP_NAMES and len(u.name) >= 3 or (u.level in ("province", "city") and len(u.name) >= 2):
            forms.setdefault(u.name, []).append((u.code, "full"))
        elif len(u.name) == 2 and u.kind in ("县", "旗") and u.name not in _SKIP_NAMES and u.name not in _WORDLIKE_COUNTIES:
            # 寿县, 萧县, 歙县: two-character names count like short names (a mentioned parent must back them)
            forms.setdefault(u.name, []).append((u.code, "short"))
        if u.level == "town":
            continue  # town short names are only checked below a resolved parent
        if u.short and len(u.short) >= 2:
            forms.setdefault(u.short, []).append((u.code, "short"))
            alias = {"自治州": "州", "自治县": "县", "自治旗": "旗", "地区": "地区", "盟": "盟"}.get(u.kind)
            if alias and u.short + alias != u.name:
                forms.setdefault(u.short + alias, []).append((u.code, "alias"))
    frozen = {k: tuple(v) for k, v in forms.items()}
    main = tuple(f for f, v in frozen.items() if any(units[c].level != "town" for c, _ in v))
    towns = tuple(f for f, v in frozen.items() if any(units[c].level == "town" for c, _ in v))
    return _Gaz(units, frozen, {k: tuple(v) for k, v in children.items()}, _build_automaton(main), towns)


def _ancestors(g: _Gaz, code: str) -> list[_Unit]:
    out = []
    u = g.units[code]
    while u.parent:
        u = g.units[u.parent]
        out.append(u)
    return out


def _fine_level(u: _Unit) -> str:
    if u.level == "province":
        return "province"
    if u.level == "city" or u.kind == "省直辖县级市":
        return "city"
    if u.level == "county":
        return "county" if u.kind in ("县", "自治县", "旗", "自治旗", "县级市") else "district"
    return "street" if u.kind == "街道" else "town"


def _region_of(g: _Gaz, code: str, level: str | None, evidence: str) -> Region:
    u = g.units[code]
    parts: dict[str, str] = {}
    for x in [u, *_ancestors(g, code)]:
        if x.level == "province":
            parts["province"] = x.name
        elif x.level == "city" or x.kind == "省直辖县级市":
            parts["city"] = x.name
        elif x.level == "county":
            parts["district"] = x.name
        else:
            parts["town"] = x.name
    return Region(level=level or _fine_level(u), code=u.code, evidence=evidence, **parts)


def place_names(region: Region) -> tuple[str, ...]:
    """The region's own names, full and short as the division table gives them, finest first
    (宜昌市, 宜昌, 湖北省, 湖北); without a code, the names as resolved.

    >>> place_names(Region(level="city", province="广西壮族自治区", city="南宁市", code="450100"))
    ('南宁市', '南宁', '广西壮族自治区', '广西')
    """
    g = _gazetteer()
    if not region.code or region.code not in g.units:
        return tuple(n for n in (region.town, region.district, region.city, region.province) if n)
    out: list[str] = []
    for u in [g.units[region.code], *_ancestors(g, region.code)]:
        out += [u.name] + ([u.short] if u.short and len(u.short) >= 2 and u.short != u.name else [])
    return tuple(out)


_FIELD_OF_LEVEL = {"province": "province", "city": "city", "county": "district", "town": "town"}


def _field(u: _Unit) -> str:
    return "city" if u.kind == "省直辖县级市" else _FIELD_OF_LEVEL.get(u.level, "town")


def with_overrides(region: Region, given: dict[str, str]) -> Region:
    """The region with the fields a manifest or sidecar gives (``province``/``city``/``district``/
    ``town``). The finest given unit that the division table places decides the coarser fields
    and the code; an extracted finer field is kept only where it lies in it. A given name the
    table does not place is kept as written, without a code, and the extracted finer fields go.

    >>> r = Region(level="county", province="浙江省", city="丽水市", district="青田县", code="331121")
    >>> x = with_overrides(r, {"city": "温州市"})
    >>> (x.province, x.city, x.district, x.level, x.code)
    ('浙江省', '温州市', None, 'city', '330300')
    >>> x = with_overrides(Region(level="district", province="北京市", district="怀柔区", code="110116"), {"city": "温州市"})
    >>> (x.province, x.city, x.district, x.code)
    ('浙江省', '温州市', None, '330300')
    >>> x = with_overrides(r, {"province": "浙江省"})
    >>> (x.city, x.district, x.code)
    ('丽水市', '青田县', '331121')
    >>> x = with_overrides(r, {"district": "某某新区"})
    >>> (x.province, x.city, x.district, x.code)
    ('浙江省', '丽水市', '某某新区', None)
    """
    g = _gazetteer()
    fields = ("province", "city", "district", "town")
    note = (region.evidence or "") + "；overrides: " + "、".join(f for f in fields if f in given)

    def units_named(name: str, f: str) -> list[str]:
        return [c for c, how in g.forms.get(name, ()) if how == "full" and _field(g.units[c]) == f]

    def under(code: str, names: dict[str, str]) -> bool:
        anc = {a.name for a in _ancestors(g, code)}
        return all(n in anc for n in names.values())

    anchor = None
    for k in range(len(fields) - 1, -1, -1):
        f = fields[k]
        if f not in given:
            continue
        coarser_given = {h: given[h] for h in fields[:k] if h in given}
        cands = [c for c in units_named(given[f], f) if under(c, coarser_given)]
        extracted = {h: getattr(region, h) for h in fields[:k] if getattr(region, h) and h not in given}
        cands.sort(key=lambda c: not under(c, extracted))  # the one in the extracted region first
        anchor = cands[0] if cands else None
        break
    if anchor is None:  # not in the table: the given names as written, nothing finer, no code
        coarsest = min(fields.index(f) for f in fields if f in given)
        kept = {f: (given.get(f) or (getattr(region, f) if fields.index(f) < coarsest else None)) for f in fields}
        return replace(region, **kept, code=None, evidence=note)
    # finer extracted fields that lie in the anchor
    code = anchor
    for f in fields[fields.index(_field(g.units[anchor])) + 1:]:
        name = getattr(region, f)
        if f in given or not name:
            continue
        finer = [c for c in units_named(name, f) if any(a.code == code for a in _ancestors(g, c))]
        if not finer:
            break
        code = finer[0]
    return _region_of(g, code, None, note)


# --------------------------------------------------------------------------- mentions


def _mentions(
    g: _Gaz,
    text: str,
    weight: int = 1,
    counts: Counter | None = None,
    *,
    towns: bool = False,
    full: set | None = None,
) -> Counter:
    """Counter code -> number of mentions (leftmost-longest, guarded)."""
    counts = Counter() if counts is None else counts
    form_hits: Counter = Counter()
    tb = text.encode("utf-8")
    lat = tb.decode("latin-1")  # see _build_automaton; contexts are compared in this view too
    auto = g.town_automaton if towns else g.automaton
    for end, (form, blen) in auto.iter_long(lat):
        start = end - blen + 1
        if lat.endswith(_ANON_L, 0, start) or lat.startswith(_BAD_NEXT_L, end + 1):
            continue
        if lat.startswith(_STREET_L, end + 1) and not lat.startswith(_STREET_DAO_L, end + 1):
            continue  # 中山街 …, but 东城街道 is fine
        if towns and form.endswith("镇") and lat.startswith(_HUA_L, end + 1):
            continue  # 新城镇化
        idioms = _IDIOMS.get(form)
        if idioms:
            ctx = tb[max(0, start - 6) : end + 7].decode("utf-8", "ignore")
            if any(idiom in ctx for idiom in idioms):
                continue
        form_hits[form] += weight
    # pass 1: full names, aliases, province short names
    strong: Counter = Counter()
    deferred = []
    for form, c in form_hits.items():
        for code, how in g.forms[form]:
            u = g.units[code]
            if how == "short" and u.level != "province":
                deferred.append((form, c, u))
            else:
                strong[code] += c
                if full is not None:
                    full.add(code)
    # pass 2: short names of cities/counties count only with corroboration: the full name,
    # a mentioned ancestor (怀柔 + 北京) or, for cities, repeated use (东莞×5)
    for form, c, u in deferred:
        if form in _WEAK_SHORTS and not form_hits.get(u.name) and (u.level != "city" or c < 3 * weight):
            continue
        corroborated = strong.get(u.code) or any(
            strong.get(a.code) or form_hits.get(a.short) for a in _ancestors(g, u.code)
        )
        if corroborated or (u.level == "city" and c >= 3 * weight):
            counts[u.code] += c
    counts.update(strong)
    return counts


# --------------------------------------------------------------------------- level cues

_CUE_LEVEL = {
    "省": "province", "自治区": "province",
    "市": "city", "州": "prefecture", "盟": "prefecture", "地区": "prefecture",
    "行署": "prefecture", "行政公署": "prefecture",
    "区": "district", "县": "county", "旗": "county",
    "镇": "town", "乡": "town", "苏木": "town",
    "街道": "street", "办事处": "street", "街道办": "street", "街道办事处": "street",
}
_COARSE = {"national": -1, "province": 0, "city": 1, "prefecture": 1, "county": 2, "district": 2, "town": 3, "street": 3}

_DAIBIAO = re.compile(
    r"我代表\s*([^\s,，、。;；:：]{0,16}?)\s*(国务院|人民政府|政府|行政公署|行署|办事处|管委会)"
)
_QUAN = fastre.compile(r"(?<![安完健齐周保成双])(?:全|我|本)(自治区|街道|办事处|省|市|州|盟|区|县|旗|镇|乡)(?![场域块间段位份长委民族])")
_ZONE_SELF = fastre.compile(r"(?:示范区|开发区|新区|高新区|园区|实验区)(?:党工委|管委会|工委)|我在(?:示范区|开发区|新区|高新区)|全(?:示范区|开发区|新区|高新区)")
_ROLE = fastre.compile(
    r"(?<![城社园景])(自治区|街道|省|市|州|盟|区|县|旗|镇|乡|苏木)(?:党?工?委)?(?:常委|副)?(?:书记|长|主席|主任)(?![期远效度江城足大])"
)
_PROV_ABBR = {
    "京": "110000", "津": "120000", "冀": "130000", "晋": "140000", "蒙": "150000", "辽": "210000",
    "吉": "220000", "黑": "230000", "沪": "310000", "苏": "320000", "浙": "330000", "皖": "340000",
    "闽": "350000", "赣": "360000", "鲁": "370000", "豫": "410000", "鄂": "420000", "湘": "430000",
    "粤": "440000", "桂": "450000", "琼": "460000", "渝": "500000", "川": "510000", "蜀": "510000",
    "黔": "520000", "滇": "530000", "藏": "540000", "陕": "610000", "秦": "610000", "陇": "620000",
    "青": "630000", "宁": "640000", "新": "650000",
}
_AUTONOMOUS = ("150000", "450000", "540000", "640000", "650000")
_ABBR_RE = re.compile(r"(?:来|莅)([" + "".join(_PROV_ABBR) + r"])(?:考察|视察|调研|指导)")


def _role_level(s: str) -> str | None:
    """Lowest level named in a role string such as '区委副书记、区长'."""
    best = None
    for m in _ROLE.finditer(s):
        lv = _CUE_LEVEL[m.group(1)]
        if best is None or _COARSE[lv] > _COARSE[best] or (lv == "street" and best == "town"):
            best = lv
    return best


def _count_level(text: str, autonomous: bool = False) -> tuple[str | None, dict[str, float]]:
    """Level from 全X/我X/本X counts; ``autonomous``: 全区 may mean the 自治区 (halved)."""
    cnt: Counter = Counter()
    for m in _QUAN.finditer(text):
        unit = m.group(1)
        cnt[_CUE_LEVEL[unit]] += 0.5 if (autonomous and unit == "区") else 1
    zone = len(_ZONE_SELF.findall(text))
    if zone:
        cnt["district"] += zone
    if not cnt:
        return None, {}
    top = max(cnt.values())
    thr = max(2, 0.2 * top) if len(cnt) > 1 else 1
    ok = [lv for lv, c in cnt.items() if c >= thr]
    if not ok:
        return None, dict(cnt)
    lv = max(ok, key=lambda x: (_COARSE[x], x == "street", cnt[x]))
    # county vs district at the same rank: the more frequent one
    return lv, dict(cnt)


def _speaker_level(
    text: str, title: str | None, role: str | None, autonomous: bool = False
) -> tuple[str | None, str | None, str]:
    """(fine level, explicit unit name or None, evidence)."""
    m = _DAIBIAO.search(text[:3000])
    if m:
        name, org = m.group(1), m.group(2)
        if org == "国务院":
            return "national", None, "我代表国务院"
        if org in ("行署", "行政公署"):
            return "prefecture", name or None, f"我代表{name}{org}"
        lvl = None
        for suf in sorted(_CUE_LEVEL, key=len, reverse=True):
            if name.endswith(suf):
                lvl = _CUE_LEVEL[suf]
                break
        if org in ("办事处",):
            lvl = lvl or "street"
        if lvl:
            full = name if len(name) > len(next(s for s in _CUE_LEVEL if name.endswith(s))) else None
            return lvl, full, f"我代表{name}{org}"
    if role:
        lv = _role_level(role)
        if lv:
            return lv, None, f"speaker_role {role}"
    if title:
        lv, _ = _count_level(title)
        if lv:
            return lv, None, f"title {title[:20]}"
        lv = _role_level(title)
        if lv:
            return lv, None, f"title {title[:20]}"
    lv, cnt = _count_level(text, autonomous)
    head_lv = _role_level(text[:300])
    if head_lv and (lv is None or _COARSE[head_lv] >= _COARSE[lv]):
        return head_lv, None, f"by-line {head_lv}"
    if lv:
        return lv, None, "counts " + ",".join(f"{k}:{v}" for k, v in sorted(cnt.items(), key=lambda kv: -kv[1]))
    return None, None, "no level cue"


# --------------------------------------------------------------------------- choosing units


def _candidates_for(g: _Gaz, level: str, m: Counter) -> list[str]:
    out = []
    for code in m:
        u = g.units[code]
        if level == "province":
            ok = u.level == "province"
        elif level == "city":  # 市: also 直辖市 and 县级市 (恩施市 report)
            ok = u.level == "city" or u.kind in ("直辖市", "省直辖县级市", "县级市")
        elif level == "prefecture":  # 州/盟/地区
            ok = u.level == "city"
        elif level in ("district", "county"):
            ok = u.level == "county" and u.kind not in ("省直辖县级市",)
            if level == "district" and u.kind == "自治区":
                ok = True
        elif level == "street":
            ok = u.kind == "街道"
        else:
            ok = u.level == "town" and u.kind != "街道"
        if ok:
            out.append(code)
    return out


def _pick(g: _Gaz, cands: list[str], m: Counter, *, strict: bool) -> tuple[str | None, str]:
    """Best candidate, or None when ambiguous/weak."""
    if not cands:
        return None, "no candidate"
    scored = []
    for c in cands:
        u = g.units[c]
        anc = [a for a in _ancestors(g, c) if m.get(a.code)]
        # units sharing a mention form with a rival are only half-trusted without an ancestor
        shared = any(len(g.forms.get(f, ())) > 1 for f in (u.name, u.short) if f)
        eff = float(m[c]) if (anc or not shared) else m[c] * 0.5
        eff += 0.1 * len(anc)
        scored.append((eff, c, anc))
    scored.sort(key=lambda t: -t[0])
    eff, best, anc = scored[0]
    u = g.units[best]
    # ties between different units that share a name: ambiguous
    rivals = [c for e, c, _ in scored[1:] if e >= eff - 1e-9]
    if rivals:
        return None, "ambiguous " + "/".join(g.units[c].name for c in [best, *rivals][:4])
    if not anc and any(len(g.forms.get(f, ())) > 1 for f in (u.name, u.short) if f) and u.level != "province":
        # name shared by several units and no ancestor mentioned: do not guess
        if u.level == "town" or m[best] < 3 or any(g.units[c].name == u.name for _, c, _ in scored[1:]) or _shared_name(g, u):
            return None, f"ambiguous {u.name} (no parent mentioned)"
    if strict:
        second = scored[1][0] if len(scored) > 1 else 0.0
        if m[best] < 2 or eff < 2 * second:
            return None, f"weak {u.name}"
    return best, f"{u.name}×{m[best]}" + (f" +{','.join(a.name for a in anc)}" if anc else "")


def _shared_name(g: _Gaz, u: _Unit) -> bool:
    return len(g.forms.get(u.name, ())) > 1


def _child_by_short(g: _Gaz, parent: str, level: str, text: str) -> tuple[str | None, str]:
    """A town/street under ``parent`` named (short or full) in the text (东莞 + 东城 → 东城街道)."""
    want_street = level == "street"
    hits = []
    for c in g.children.get(parent, ()):
        u = g.units[c]
        if u.level != "town":
            continue
        if (u.kind == "街道") != want_street:
            continue
        n = text.count(u.name) if len(u.name) >= 3 else 0
        if u.short and len(u.short) >= 2:
            n = max(n, text.count(u.short))
        if n:
            hits.append((n, c))
    if not hits:
        return None, ""
    hits.sort(reverse=True)
    n, c = hits[0]
    second = hits[1][0] if len(hits) > 1 else 0
    if n >= 2 and n >= 2 * second:
        return c, f"{g.units[c].short or g.units[c].name}×{n} under {g.units[parent].name}"
    return None, ""


# --------------------------------------------------------------------------- public API


def _by_raw_ancestor(g: _Gaz, cands: list[str], text: str, note: str) -> tuple[str | None, str]:
    """Town names shared by several places (4 周庄镇): the one whose county or city is named
    in the text, even by its short name alone (周庄镇 + 昆山), wins; else still ambiguous."""
    hits = []
    for c in cands:
        names = {f for a in _ancestors(g, c) if a.level != "province" for f in (a.name, a.short) if f and len(f) >= 2}
        if any(n in text for n in names):
            hits.append(c)
    if len(hits) == 1:
        return hits[0], f"{g.units[hits[0]].name} (parent named in the text)"
    return None, note


def resolve_region(text: str, *, title: str | None = None, speaker_role: str | None = None) -> Region:
    """Resolve the region of the speaker's unit; fields left None when not certain."""
    g = _gazetteer()
    text = (text or "")[:MAX_SCAN]
    full: set[str] = set()
    m = _mentions(g, text, full=full)
    if title:
        _mentions(g, title, weight=3, counts=m, full=full)
    for ab in _ABBR_RE.findall(text):
        m[_PROV_ABBR[ab]] += 3
    autonomous = any(m.get(c) for c in _AUTONOMOUS)
    level, explicit, why = _speaker_level(text, title, speaker_role, autonomous)
    if level == "national":
        return Region(level="national", evidence=why)
    if level in ("town", "street") or (explicit and explicit.endswith(("镇", "乡", "街道", "苏木"))):
        _mentions(g, text[:TOWN_SCAN], counts=m, towns=True)
        if title:
            _mentions(g, title, weight=3, counts=m, towns=True)

    notes = [why]
    # 1. explicit unit name from "我代表XX人民政府"
    if explicit:
        codes = [c for c, _ in g.forms.get(explicit, ())]
        if codes:
            sub = Counter({c: m.get(c, 0) + 1 for c in codes})
            for c in codes:
                for a in _ancestors(g, c):
                    sub[a.code] = m.get(a.code, 0)
            best, note = _pick(g, codes, sub, strict=False)
            if best:
                return _region_of(g, best, None, f"{why}; {note}")
            notes.append(note)

    if level is None:
        # no cue at all: only a clearly dominant unit, level from the unit itself
        for lv in ("county", "city", "province"):
            best, note = _pick(g, _candidates_for(g, lv, m), m, strict=True)
            if best:
                return _region_of(g, best, None, f"{why}; {note}")
        return Region(evidence=why)

    # 2. units at the speaker's level
    cands = _candidates_for(g, level, m)
    best, note = _pick(g, cands, m, strict=False)
    if not best and level in ("town", "street") and note.startswith("ambiguous"):
        best, note = _by_raw_ancestor(g, cands, text + (title or ""), note)
    if best:
        u = g.units[best]
        return _region_of(g, best, _fine_level(u), f"{why}; {note}")
    notes.append(note)

    # 3. climb: a certain parent unit, then try a child town/street by short name
    rank = _COARSE[level]
    for lv in ("county", "city", "province"):
        if _COARSE[lv] >= rank:
            continue
        cands = [c for c in _candidates_for(g, lv, m) if lv != "county" or c in full]
        best, note = _pick(g, cands, m, strict=True)
        if not best:
            continue
        if g.units[best].level == "county" and lv == "city":
            # 县级市 accepted at city rank only for the speaker's own level
            if g.units[best].kind != "省直辖县级市":
                continue
        notes.append(note)
        if level in ("town", "street"):
            child, cnote = _child_by_short(g, best, level, text + (title or ""))
            if child:
                return _region_of(g, child, level, "; ".join([*notes, cnote]))
        r = _region_of(g, best, "city" if level == "prefecture" else level, "; ".join(notes))
        if g.units[best].kind == "直辖市" and level == "city":
            r = Region(province=r.province, level="province", code=r.code, evidence=r.evidence)
        return r
    return Region(level="city" if level == "prefecture" else level, evidence="; ".join(notes))
