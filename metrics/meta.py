"""Document metadata: title, doc type, speaker and role, date and year.

Rules, in order of trust: a date in parentheses under the title ("(2012年6月15日)") or a
dated line ("——2016年2月19日在…会议上"); a 时间:/来源: header (a publication date) with
"昨天上午" moving it back one day; for work reports, "2023年工作回顾" means the report is
of 2024. When the text does not tell, the year is None — never a guess.

>>> m = extract_meta("在全区工作会议上的讲话\\n区委副书记、区长  孙俨玲\\n(2012年6月15日)\\n同志们:\\n今天……")
>>> (m.title, m.speaker, m.speaker_role, m.date, m.year, m.doc_type)
('在全区工作会议上的讲话', '孙俨玲', '区委副书记、区长', '2012-06-15', 2012, 'speech')
>>> extract_meta("各位代表:\\n现在,我代表北京市人民政府,向大会报告政府工作。\\n一、2023年工作回顾\\n").year
2024
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import fastre

ROLE_WORDS = (
    "书记", "副书记", "区长", "县长", "市长", "镇长", "乡长", "主任", "省长", "州长", "旗长", "盟长",
    "部长", "局长", "主席", "常委", "委员", "街道办事处主任", "工委书记", "党委书记", "党工委书记",
)
_ROLE = r"(?:[\u4e00-\u9fff]{0,12}?(?:党委|党工委|工委|区委|县委|市委|镇委|乡委|街道|人民政府|政府)?[\u4e00-\u9fff、]{0,10}?(?:书记|区长|县长|市长|镇长|乡长|主任|省长|州长|旗长|盟长|局长|部长|主席))"
_NAME = r"(?P<name>[\u4e00-\u9fff]{2,3}|[\u4e00-\u9fff]\s{1,3}[\u4e00-\u9fff]|X{2,3}|某某)"  # "马  军": spaced to fill the width
BYLINE_RE = re.compile(rf"^\s*(?P<role>{_ROLE})[\s　]+{_NAME}\s*$", re.M)
BYLINE_INLINE_RE = fastre.compile(rf"(?P<role>(?:镇|乡|街道|区|县|市)(?:党委|党工委|工委|委)(?:副)?书记|(?:副)?(?:区长|县长|市长|镇长|乡长)){_NAME}(?:以|在|提出|指出|强调|作|讲)")
_SHORT_ROLE = r"(?P<crole>(?:[\u4e00-\u9fff]{0,6}?(?:党委|党工委|工委|区委|县委|市委|镇|乡|街道))?(?:副)?(?:书记|区长|县长|市长|镇长|乡长|主任|省长|州长|旗长))?"
COLON_SPEAKER_RE = re.compile(rf"^\s*{_SHORT_ROLE}{_NAME}\s*[:：]\s*(?P<title>在[^\n]{{4,60}}(?:讲话|报告|致辞|发言|党课))\s*$", re.M)
COMRADE_RE = re.compile(r"^\s*(?P<name>[\u4e00-\u9fff]{2,3})同志在[^\n]{4,60}(?:讲话|报告|致辞|发言|党课)", re.M)
DATE_CN_RE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
YEAR_MONTH_RE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月")
HEADER_DATE_RE = re.compile(r"(?:时间|日期|发布时间|发布日期|发表于)\s*[:：]?\s*((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")
REVIEW_YEAR_RE = fastre.compile(r"((?:19|20)\d\d)年(?:工作)?回顾|过去的?一年[^\n。]{0,20}?((?:19|20)\d\d)年|((?:19|20)\d\d)年[,，]?(?:是|在)[^\n。]{0,30}(?:极不平凡|很不平凡|不平凡)")
PLAN_YEAR_RE = fastre.compile(r"完成((?:19|20)\d\d)年[^\n。]{0,12}(?:任务|目标)|((?:19|20)\d\d)年(?:政府)?(?:工作安排|工作目标|目标任务|主要目标|重点任务|工作任务|的工作安排|政府工作安排|经济社会发展的主要预期目标|经济社会发展主要预期目标|主要预期目标|的主要预期目标)|((?:19|20)\d\d)年[^\n。,，]{0,10}(?:奋斗目标|目标任务|工作目标)")
# A report that opens with "2023年，在…领导下，我们…" is reviewing 2023.
OPENING_REVIEW_RE = re.compile(r"((?:19|20)\d\d)年(?:是|,|，)(?![^\n。]{0,30}(?:今年|预期目标))")
# "2018年是贯彻落实党的十九大精神的开局之年" opens a speech about that year; in a work report
# the same sentence usually opens the review of the previous year, so it is used for speeches only.
SPEECH_YEAR_RE = re.compile(r"((?:19|20)\d\d)年是[^\n。]{0,40}(?:开局之年|关键之年|起步之年|决胜之年|攻坚之年|收官之年|关键一年)")
TITLE_HINT_RE = re.compile(r"(讲话|报告|致辞|发言|党课|讲稿|讲话稿|意见)")
#: lines at the top that are not the title: a heading of the report ("2023年工作回顾"), the end of a
#: subtitle broken over lines ("人民代表大会第二次会议上")
NOT_TITLE_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]\s*)?(?:(?:19|20)\d\d年|过去[一五]年)[^\n]{0,6}(?:回顾|总结)$|(?:会议|大会|会)上$")
CRUFT_RE = re.compile(r"论坛|帖子|会员|积分|回复|查看|楼主|分享到|倒序浏览|只看该作者|来源\s*[:：]|时间\s*[:：]|发表于|编辑|浏览|点击|责任编辑|http|www\.|\|")


@dataclass(frozen=True)
class Meta:
    title: str | None
    doc_type: str            # speech | work_report | other
    speaker: str | None
    speaker_role: str | None
    date: str | None         # YYYY-MM-DD
    year: int | None
    year_source: str | None


def _lines(text: str, limit: int = 60) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, line.strip()))
        pos += len(line) + 1
        if len(out) >= limit:
            break
    return out


def _valid_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


TITLE_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)年")


def _report_year(text: str) -> tuple[int | None, str | None]:
    """A work report's year: the year after the reviewed one, or the planned year; when the
    two disagree, None (never a wrong year).

    >>> _report_year("一、2023年工作回顾\\n……\\n二、2024年工作安排\\n")
    (2024, 'review_section')
    >>> _report_year("一、2023年工作回顾\\n二、2025年工作安排")
    (None, None)
    """
    review = {int(next(g for g in m.groups() if g)) + 1 for m in REVIEW_YEAR_RE.finditer(text)}
    opening = OPENING_REVIEW_RE.search(text[:1500])
    if opening:
        review.add(int(opening.group(1)) + 1)
    plan = {int(next(g for g in m.groups() if g)) for m in PLAN_YEAR_RE.finditer(text) if not m.group(0).startswith("完成")}
    if review and plan:
        both = review & plan
        return (max(both), "review_section") if both else (None, None)
    if review:
        return (max(review), "review_section") if len(review) == 1 else (None, None)
    if plan:
        return (max(plan), "plan_year")
    return None, None


SPEECH_CUE_RES = (
    PLAN_YEAR_RE,
    re.compile(r"今年(?:是|为)?[^\n。]{0,6}((?:19|20)\d\d)年"),
    re.compile(r"((?:19|20)\d\d)年(?:上半年|以来|1至\d+月|1-\d+月)"),
    re.compile(r"截至(?:目前|今年)?[^\n。]{0,4}((?:19|20)\d\d)年\d{1,2}月"),
)


def _speech_year(text: str) -> tuple[int | None, str | None]:
    """A speech's year from weak cues in the text; all cues must agree, else None.

    >>> _speech_year("2018年是贯彻落实党的十九大精神的开局之年,今年全街道……")
    (2018, 'plan_year')
    >>> _speech_year("确保完成2019年目标任务,为2020年全面建成小康社会……2020年是决胜之年")
    (None, None)
    """
    years = set()
    for rx in SPEECH_CUE_RES:
        for m in rx.finditer(text):
            years.add(int(next(g for g in m.groups() if g)))
    m = SPEECH_YEAR_RE.search(text[:800])
    if m and not re.search(r"明年|去年", text[max(0, m.start() - 10):m.end()]):
        years.add(int(m.group(1)))
    if len(years) == 1:
        return years.pop(), "plan_year"
    return None, None


#: a text that sets next year's work: "明年全市地区生产总值增长7%左右", "做好明年经济工作"
_NEXT_YEAR_PLAN = re.compile(r"明年[^。\n]{0,40}?(?:增长|力争|确保|控制在|目标|达到|突破)|(?:做好|部署|谋划)明年[^。\n]{0,6}工作")


def extract_meta(text: str) -> Meta:
    head = text[:4000]
    lines = _lines(head)
    is_report = bool(re.search(r"各位代表|向大会(?:作|报告)|政府工作报告|政 府 工 作 报 告|作工作报告|各位主任、委员", head))
    if not is_report and not re.search(r"同志们", head):
        # scraped reports often start at the review: "2023年工作回顾" … "主要预期目标是" … "政府自身建设"
        is_report = len(re.findall(r"(?:19|20)\d\d年工作回顾|主要预期目标|政府自身建设|政府工作", text[:60000])) >= 2
    doc_type = "work_report" if is_report else ("speech" if re.search(r"同志们|讲话|党课|我讲|发言|讲几点|意见", text[:20000]) else "other")

    # --- title: first short line that looks like a title and is not site cruft
    title = None
    colon = COLON_SPEAKER_RE.search(head)
    for idx, (_, line) in enumerate(lines[:30]):
        if CRUFT_RE.search(line) or len(line) > 60 or len(line) < 4:
            continue
        if re.match(r"^(同志们|各位代表|各位委员)", line):
            break
        if re.search(r"[。;；]$", line) or line.endswith("：") or line.endswith(":"):
            continue
        if BYLINE_RE.match(line) or DATE_CN_RE.fullmatch(line.strip("()（）— ")) or NOT_TITLE_RE.search(line):
            continue
        if TITLE_HINT_RE.search(line) or idx == 0 and len(line) <= 30:
            title = line
            # a title broken over two lines ("在全区…一体化" / "建设工作推进会议上的讲话")
            if idx + 1 < len(lines) and not TITLE_HINT_RE.search(line):
                nxt = lines[idx + 1][1]
                if len(nxt) <= 30 and TITLE_HINT_RE.search(nxt) and not CRUFT_RE.search(nxt):
                    title = line + nxt
            break
    # a forum banner repeats the title with the site name: prefer the clean repeat
    if title and " - " in title:
        title = title.split(" - ")[0].strip()
    if colon and (title is None or colon.group("title") in title or title.startswith(colon.group("name"))):
        title = colon.group("title").strip()
    if title:
        title = re.sub(r"^[\s　]*|[\s　]*$", "", title)
        title = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", title) if re.fullmatch(r"(?:[\u4e00-\u9fff] )+[\u4e00-\u9fff]", title) else title
    # --- speaker and role
    speaker = role = None
    m = BYLINE_RE.search(head)
    if m and not re.fullmatch(r"X+|某某", m.group("name")):
        speaker, role = m.group("name"), re.sub(r"\s+", "", m.group("role"))
    else:
        m2 = BYLINE_INLINE_RE.search(head)
        if m2:
            speaker, role = m2.group("name"), m2.group("role")
        elif colon:
            speaker, role = colon.group("name"), colon.group("crole")
        elif COMRADE_RE.search(head):
            speaker = COMRADE_RE.search(head).group("name")
        else:
            # a report's by-line: "海拉尔区人民政府区长　　杜联合"
            m3 = re.search(rf"人民政府(?P<role>(?:代理)?(?:区长|县长|市长|省长|旗长|州长))[\s　]+{_NAME}", head)
            if m3:
                speaker, role = m3.group("name"), m3.group("role")
            else:
                for _, line in lines[:12]:
                    if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", line) and not TITLE_HINT_RE.search(line) and line not in ("同志们", "各位代表"):
                        speaker = line
                        break
    speaker = re.sub(r"\s+", "", speaker) if speaker else speaker  # "马  军", spaced to fill the width
    if speaker and re.fullmatch(r"X+|某+", speaker):
        speaker = None
    if role:
        role = re.sub(r"^.*人民政府", "", role) or role
    # the title is the line(s) right above a by-line, when there is one ("在全区…一体化" / "建设…讲话")
    if m is not None and speaker:
        above = [ln for pos, ln in lines if pos < m.start()][-2:]
        above = [ln for ln in above if not CRUFT_RE.search(ln) and len(ln) <= 40]
        if above and TITLE_HINT_RE.search(above[-1]):
            joined = "".join(above) if len(above) == 2 and not TITLE_HINT_RE.search(above[0]) and above[0].startswith("在") else above[-1]
            title = joined
    quoted_title = re.search(r"以[“\"]([^”\"\n]{4,40})[”\"]为题", head)
    if quoted_title and (title is None or not TITLE_HINT_RE.search(title) or CRUFT_RE.search(title)):
        title = quoted_title.group(1)

    # --- date and year
    date = year = source = None
    for _, line in lines[:40]:
        if CRUFT_RE.search(line):
            continue
        md = DATE_CN_RE.search(line)
        if md and (re.fullmatch(r"[(（—\-\s]*" + re.escape(md.group(0)) + r"[)）\s]*", line) or re.match(r"^[(（—\-\s]*" + re.escape(md.group(0)) + r"\s*在", line)):
            d = _valid_date(int(md.group(1)), int(md.group(2)), int(md.group(3)))
            if d:
                date, year, source = d.isoformat(), d.year, "dateline"
                break
    if date is None:
        mh = HEADER_DATE_RE.search(head)
        if mh:
            d = _valid_date(int(mh.group(1)), int(mh.group(2)), int(mh.group(3)))
            if d and "发表于" not in mh.group(0):
                window = text[mh.end():mh.end() + 200]
                if re.search(r"昨天|昨日", window):
                    d -= dt.timedelta(days=1)
                    source = "header_date_minus_yesterday"
                elif re.search(r"前天", window):
                    d -= dt.timedelta(days=2)
                    source = "header_date_minus_2"
                else:
                    source = "header_date"
                date, year = d.isoformat(), d.year
    if date is not None and date[5:7] == "12" and _NEXT_YEAR_PLAN.search(text[:60000]):
        # a December speech that sets next year's work (经济工作会议): its targets are 明年's and
        # its 今年 is the year it reviews, as a work report of the next January (QA pass 15)
        year, source = year + 1, "plan_next_year"
    if year is None and is_report:
        year, source = _report_year(text[:60000])
    if year is None and not is_report:
        year, source = _speech_year(text[:30000])
    if year is None and title:
        # "四川省乐山市2025年政府工作报告", "在2019年全区经济工作会议上的讲话": one year in the title
        years = set(TITLE_YEAR_RE.findall(title))
        if len(years) == 1:
            year, source = int(years.pop()), "title"
    return Meta(title=title, doc_type=doc_type, speaker=speaker, speaker_role=role, date=date, year=year, year_source=source)
