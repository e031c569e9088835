"""A small but realistic Speech Metrics database for the dashboard tests.

Built by executing ``metrics/schema.sql`` and inserting documents assembled
from real sentences of the sample corpus (data/), with facts whose offsets are
computed from the text, so highlights line up exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "metrics" / "schema.sql"
RULES_VERSION = "fixture-rules-1"
BUILT_AT = dt.datetime(2025, 1, 2, 3, 4, 5)

DICTIONARY = ["高质量发展", "新质生产力", "营商环境", "乡村振兴", "全面深化改革", "科学发展", "不忘初心、牢记使命"]
FORMULAS = ["两个中心", "四个意识", "三个关系"]
POSITIONINGS = ["幸福美丽张家湾"]
KEYWORDS = ["地区生产总值", "固定资产投资", "旅游", "物流园区", "城市创建", "满分村", "营商环境", "科技创新",
            "新质生产力", "乡村振兴", "商贸", "口岸", "软件", "集成电路", "消费"]

EVIL = "<script>alert('xss')</script>"


@dataclass
class Target:
    sentence: str          # substring of the text (the whole sentence)
    value: str             # substring of the sentence: the number as written
    indicator: str
    canonical: str
    low: float | None
    high: float | None
    unit: str = "%"
    qualifier: str = "exact"
    direction: str = "growth"
    kind: str = "target"


@dataclass
class Declared:
    phrase: str
    n: int
    found: int | None


@dataclass
class Doc:
    name: str
    text: str
    doc_type: str
    level: str | None
    province: str | None
    city: str | None
    district: str | None
    town: str | None
    year: int | None
    title: str | None = None
    speaker: str | None = None
    speaker_role: str | None = None
    date: dt.date | None = None
    targets: list[Target] = field(default_factory=list)
    declared: list[Declared] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    @property
    def region(self) -> str | None:
        parts = [p for p in (self.province, self.city, self.district, self.town) if p]
        return " ".join(parts) or None


def _hailar(year: int, review: str, plan: str, extra: str = "") -> str:
    return (
        "政 府 工 作 报 告\n\n"
        f"　　--{year}年2月19日在海拉尔区人民代表大会会议上\n\n"
        "各位代表：\n\n"
        "　　现在，我代表海拉尔区人民政府向大会作工作报告，请予审议。\n\n"
        f"　　一、{year - 1}年工作回顾\n\n"
        f"　　{review}\n\n"
        "　　（一）经济保持较快发展\n\n"
        "　　区域商贸中心地位不断增强。中俄蒙国际物流园区晋升为自治区级物流园区。全年旅游接待人数438万人次。\n\n"
        "　　（二）城乡面貌持续改善\n\n"
        "　　坚持科学发展，紧紧围绕“两个中心”建设，口岸核心能力建设通过国家验收。\n\n"
        f"　　二、{year}年工作安排\n\n"
        f"　　{plan}\n\n"
        "　　（一）全力以赴抓项目促投资\n\n"
        f"　　坚持科学发展，全面深化改革，扎实推进物流园区和旅游文化产业。{extra}\n"
    )


def fixture_docs() -> list[Doc]:
    h14_rev = "全年地区生产总值完成253.7亿元，同比增长10.1%;地方财政总收入完成24.85亿元，同比增长20.3%。"
    h14_plan = "经济社会发展主要预期目标是：地区生产总值增长11%，达到282亿元;社会消费品零售总额增长14%，达到126亿元。"
    h15_rev = "2014年，全区地区生产总值完成274.4亿元，同比增长9.1%;地方财政总收入完成24.9亿元，同比增长0.4%。"
    h15_plan = "经济社会发展主要预期目标是：地区生产总值增长8%，达到296亿元；社会消费品零售总额增长11.5%。"
    h16_rev = "地区生产总值达到 287.9亿元,同比增长8.9%（按可比价计算）；地方公共财政预算收入达到15.07亿元,同比增长10.3%。"
    h16_plan = "经济社会发展主要预期目标是：地区生产总值增长7.5%，达到309亿元；社会消费品零售总额增长9%。"
    hailar = dict(doc_type="work_report", level="district", province="内蒙古自治区", city="呼伦贝尔市",
                  district="海拉尔区", town=None, speaker_role="区长")
    docs = [
        Doc("hailar-district-reports/2014.txt", _hailar(2014, h14_rev, h14_plan), year=2014,
            title="2014年海拉尔区政府工作报告", speaker="杜联合", date=dt.date(2014, 2, 19), **hailar,
            targets=[
                Target(h14_rev.split(";")[0], "10.1", "地区生产总值", "gdp_growth", 10.1, 10.1, kind="achievement"),
                Target(h14_plan.split(";")[0], "11", "地区生产总值", "gdp_growth", 11, 11),
                Target(h14_plan.split(";")[1], "14", "社会消费品零售总额", "retail_sales_growth", 14, 14),
            ]),
        Doc("hailar-district-reports/2015.txt", _hailar(2015, h15_rev, h15_plan), year=2015,
            title="2015年海拉尔区政府工作报告", speaker="杜联合", date=dt.date(2015, 2, 10), **hailar,
            targets=[
                Target(h15_rev.split(";")[0], "9.1", "地区生产总值", "gdp_growth", 9.1, 9.1, kind="achievement"),
                Target(h15_plan.split("；")[0], "8", "地区生产总值", "gdp_growth", 8, 8),
                Target(h15_plan.split("；")[1], "11.5", "社会消费品零售总额", "retail_sales_growth", 11.5, 11.5),
            ]),
        Doc("hailar-district-reports/2016.txt", _hailar(2016, h16_rev, h16_plan,
                                                       "推动高质量发展，优化营商环境。"), year=2016,
            title="2016年海拉尔区政府工作报告", speaker="王强", date=dt.date(2016, 2, 22), **hailar,
            targets=[
                Target(h16_rev.split("；")[0], "8.9", "地区生产总值", "gdp_growth", 8.9, 8.9, kind="achievement"),
                Target(h16_plan.split("；")[0], "7.5", "地区生产总值", "gdp_growth", 7.5, 7.5),
            ]),
    ]
    bj = ("各位代表：\n\n一、2023年工作回顾\n\n过去一年，全市地区生产总值增长5.2%，新质生产力加快培育。\n\n"
          "二、2024年工作安排\n\n按照上述要求，提出今年全市经济社会发展的主要预期目标是：地区生产总值增长5%左右，"
          "一般公共预算收入增长5%，城镇调查失业率控制在5%以内，居民消费价格涨幅3%左右。\n\n"
          "（一）大力发展新质生产力\n\n推动高质量发展，持续优化营商环境，加快科技创新。\n\n"
          "（二）全面推进乡村振兴\n\n坚持高质量发展，扎实推进乡村振兴。\n")
    docs.append(Doc("city-reports-2024/北京.txt", bj, "work_report", "province", "北京市", None, None, None, 2024,
                    title="2024年北京市政府工作报告", speaker="殷勇", speaker_role="市长",
                    targets=[
                        Target("提出今年全市经济社会发展的主要预期目标是：地区生产总值增长5%左右，", "5%左右",
                               "地区生产总值", "gdp_growth", 5, 5, qualifier="about"),
                        Target("城镇调查失业率控制在5%以内，", "5%以内", "城镇调查失业率", "unemployment_rate",
                               None, 5, qualifier="at_most", direction="at_most"),
                        Target("过去一年，全市地区生产总值增长5.2%，", "5.2", "地区生产总值", "gdp_growth", 5.2, 5.2,
                               kind="achievement"),
                    ]))
    js = ("各位代表：\n\n一、2024年主要目标\n\n今年全省经济社会发展的主要预期目标是：地区生产总值增长5%左右，"
          "一般公共预算收入增长3%。\n\n推动高质量发展走在前列，打造一流营商环境，加快发展新质生产力。\n")
    docs.append(Doc("extra/江苏省.txt", js, "work_report", "province", "江苏省", None, None, None, 2024,
                    title="2024年江苏省政府工作报告", speaker_role="省长",
                    targets=[Target("今年全省经济社会发展的主要预期目标是：地区生产总值增长5%左右，", "5%左右",
                                    "地区生产总值", "gdp_growth", 5, 5, qualifier="about")]))
    nj = ("各位代表：\n\n一、2024年工作安排\n\n今年经济社会发展的主要预期目标是：地区生产总值增长5%以上，"
          "一般公共预算收入增长2%左右，固定资产投资保持稳定增长、力争达到3%，社会消费品零售总额增长5.5%左右。\n\n"
          "（一）加快发展新质生产力\n\n聚焦软件和信息服务、集成电路，推动高质量发展，持续优化营商环境。\n\n"
          "（二）扩大有效需求\n\n大力提振消费。\n")
    docs.append(Doc("city-reports-2024/南京.txt", nj, "work_report", "city", "江苏省", "南京市", None, None, 2024,
                    title="2024年南京市政府工作报告", speaker_role="市长",
                    targets=[Target("今年经济社会发展的主要预期目标是：地区生产总值增长5%以上，", "5%以上",
                                    "地区生产总值", "gdp_growth", 5, None, qualifier="at_least"),
                             Target("社会消费品零售总额增长5.5%左右。", "5.5%左右", "社会消费品零售总额",
                                    "retail_sales_growth", 5.5, 5.5, qualifier="about")]))
    cd = ("各位代表：\n\n一、2024年工作安排\n\n今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，"
          "全社会固定资产投资增长6.5%，社会消费品零售总额增长7%。\n\n"
          "（一）加快建设现代化产业体系\n\n发展新质生产力，推动高质量发展，深入实施乡村振兴战略，优化营商环境。\n")
    docs.append(Doc("city-reports-2024/成都.txt", cd, "work_report", "city", "四川省", "成都市", None, None, 2024,
                    title="2024年成都市政府工作报告", speaker_role="市长",
                    targets=[Target("今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，", "6%左右",
                                    "地区生产总值", "gdp_growth", 6, 6, qualifier="about"),
                             Target("社会消费品零售总额增长7%。", "7", "社会消费品零售总额", "retail_sales_growth",
                                    7, 7)]))
    zjw = ("牢记初心使命，加快建设幸福美丽张家湾\n\n同志们：\n\n今天我讲四点意见。\n\n"
           "一、深刻认识主题教育的重大意义\n\n不忘初心、牢记使命，增强“四个意识”。\n\n"
           "二、扎实推进美丽乡村建设\n\n第二批38个村，19个村取得满分，占50%。全面推进乡村振兴。\n\n"
           "三、持续优化营商环境\n\n推动高质量发展。\n")
    docs.append(Doc("seeds/001_21f03f1d8573d7b2.txt", zjw, "speech", "town", "北京市", None, "通州区", "张家湾镇",
                    2019, title="牢记初心使命,加快建设幸福美丽张家湾", speaker="聂玉泉", speaker_role="镇党委书记",
                    date=dt.date(2019, 12, 2),
                    targets=[Target("第二批38个村，19个村取得满分，占50%。", "19", "第二批满分村", "other", 19, 19,
                                    unit="个", direction="level", kind="achievement")],
                    declared=[Declared("我讲四点意见", 4, 3)]))
    hr = ("在镇乡、街道党(工)委书记会上的讲话\n\n同志们：\n\n重点把握好以下三个方面。\n\n"
          "一、牢固树立“四个意识”\n\n推动高质量发展，疏解整治促提升。\n\n"
          "二、突出把握好“三个关系”\n\n全面深化改革，优化营商环境。\n\n三、狠抓落实\n\n不忘初心、牢记使命。\n")
    docs.append(Doc("seeds/000_c640d4500c71a10a.txt", hr, "speech", "district", "北京市", None, "怀柔区", None, 2018,
                    title="在镇乡、街道党(工)委书记会上的讲话", speaker="常卫",
                    declared=[Declared("重点把握好以下三个方面", 3, 3)]))
    evil = (f"{EVIL}标题党\n\n同志们：\n\n一、关于<b>加粗</b>和 [点我](javascript:alert(1)) 的问题\n\n"
            "**不是粗体** # 不是标题 =HYPERLINK(\"http://x\") 推动高质量发展，营造一流营商环境。\n\n"
            "全年招商引资增长10%。\n")
    docs.append(Doc("upload/evil.txt", evil, "speech", None, None, None, None, None, None,
                    title=f"{EVIL}<b>恶意标题</b>", speaker="=cmd|' /C calc'!A0",
                    targets=[Target("全年招商引资增长10%。", "10", "招商引资", "other", 10, 10)]))
    return docs


OUTLINE_PATTERNS = [
    (1, "cn_comma", re.compile(r"^[\s　]*([一二三四五六七八九十]+、)(.*)$", re.M)),
    (2, "cn_paren", re.compile(r"^[\s　]*([（(][一二三四五六七八九十]+[）)])(.*)$", re.M)),
]
_CN = "一二三四五六七八九十"


def _outline(text: str) -> list[tuple]:
    items = []
    for level, style, pat in OUTLINE_PATTERNS:
        for m in pat.finditer(text):
            marker = m.group(1)
            digits = marker.strip("、（）()")
            ordinal = _CN.index(digits[-1]) + 1 if digits and digits[-1] in _CN else 1
            items.append((m.start(1), m.end(2), level, style, marker, ordinal, m.group(2).strip()[:40]))
    items.sort()
    out = []
    last_top = None
    for i, (start, end, level, style, marker, ordinal, heading) in enumerate(items):
        parent = last_top if level > 1 else None
        if level == 1:
            last_top = i
        out.append((i, level, style, marker, ordinal, heading, start, end, parent))
    return out


def build_fixture_db(path: Path, docs: list[Doc] | None = None) -> Path:
    """Create a fresh database at ``path`` and return it."""
    path = Path(path)
    if path.exists():
        path.unlink()
    docs = fixture_docs() if docs is None else docs
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        con.executemany("INSERT INTO build_info VALUES (?, ?)",
                        [["rules_version", RULES_VERSION], ["built_at", BUILT_AT.isoformat()],
                         ["root", "data"]])
        for doc in docs:
            _insert(con, doc)
        con.executemany("INSERT INTO failures VALUES (?, ?, ?)", [
            ["data/broken/空文件.txt", "empty document after decoding", BUILT_AT],
            ["data/broken/scan.docx", "docx has no text (scanned image?)", BUILT_AT],
        ])
        con.execute("INSERT INTO duplicates VALUES (?, ?)",
                    [fixture_docs()[0].doc_id, "data/copies/2014-副本.txt"])
    finally:
        con.close()
    return path


def _insert(con, doc: Doc) -> None:
    text = doc.text
    did = doc.doc_id
    outline = _outline(text)
    top = sum(1 for o in outline if o[1] == 1)
    enumerated = len(outline)
    slogan_rows, mentions = [], []
    for kind, lexicon in (("dictionary", DICTIONARY), ("formula", FORMULAS), ("positioning", POSITIONINGS)):
        for s in lexicon:
            hits = [m.start() for m in re.finditer(re.escape(s), text)]
            if hits:
                slogan_rows.append([did, s, kind, "fixture" if kind == "dictionary" else None, len(hits),
                                    round(len(hits) / len(text) * 10000, 3), RULES_VERSION])
                mentions += [[did, s, kind, h, h + len(s)] for h in hits]
    for m in re.finditer(r"“([^”]{2,12})”", text):
        q = m.group(1)
        if q not in FORMULAS:
            mentions.append([did, q, "quoted", m.start(1), m.end(1)])
            slogan_rows.append([did, q, "quoted", None, 1, round(1 / len(text) * 10000, 3), RULES_VERSION])
    declared_rows = []
    for i, dc in enumerate(doc.declared):
        s = text.index(dc.phrase)
        declared_rows.append([did, i, dc.phrase, dc.n, dc.found,
                              dc.found is not None and dc.found != dc.n, "follows", s, s + len(dc.phrase), RULES_VERSION])
    target_rows = []
    for i, t in enumerate(doc.targets):
        s = text.index(t.sentence)
        vs = s + t.sentence.index(t.value)
        target_rows.append([did, i, t.indicator, t.canonical, t.low, t.high, t.unit, t.qualifier, t.direction,
                            t.kind, None, t.sentence, s, s + len(t.sentence), vs, vs + len(t.value),
                            RULES_VERSION])
    kw_rows = []
    counts = sorted(((text.count(w), w) for w in KEYWORDS if w in text), reverse=True)
    for rank, (c, w) in enumerate(counts, start=1):
        kw_rows.append([did, rank, w, round(c / len(text) * 1000, 4), RULES_VERSION])
    con.execute(
        "INSERT INTO documents VALUES (" + ", ".join("?" * 33) + ")",
        [did, f"data/{doc.name}", doc.name.split("/")[-1], "txt", "utf-8", len(text), doc.title, doc.doc_type,
         doc.speaker, doc.speaker_role, doc.date, doc.year, "header" if doc.year else None, doc.level,
         doc.province, doc.city, doc.district, doc.town, None, doc.region, None, top, enumerated,
         sum(1 for r in declared_rows if r[5]), len(target_rows), sum(r[4] for r in slogan_rows if r[2] == "dictionary"),
         text, RULES_VERSION, BUILT_AT, None, None, None, None],
    )
    if target_rows:
        con.executemany("INSERT INTO targets VALUES (" + ", ".join("?" * 17) + ")", target_rows)
    if outline:
        con.executemany("INSERT INTO outline VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [[did, *o, RULES_VERSION] for o in outline])
    if declared_rows:
        con.executemany("INSERT INTO declared_counts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", declared_rows)
    if slogan_rows:
        con.executemany("INSERT INTO slogans VALUES (?, ?, ?, ?, ?, ?, ?)", slogan_rows)
    if mentions:
        con.executemany("INSERT INTO slogan_mentions VALUES (?, ?, ?, ?, ?)", mentions)
    if kw_rows:
        con.executemany("INSERT INTO keywords VALUES (?, ?, ?, ?, ?)", kw_rows)


def build_empty_db(path: Path) -> Path:
    """Schema only, no documents."""
    path = Path(path)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        con.execute("INSERT INTO build_info VALUES ('rules_version', ?)", [RULES_VERSION])
    finally:
        con.close()
    return path


if __name__ == "__main__":  # pragma: no cover - manual helper
    import sys

    print(build_fixture_db(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/sm_fixture.duckdb")))
