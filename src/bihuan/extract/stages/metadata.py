"""Title block: title, date, meeting, region, speaker, and the plan year.

The title block is written many ways: on one line (2022年某某县人民政府工作报告 ——2022年1月5日在…
会议上), broken over lines in any order (——在…会议上 / 省长 某某 / （2011年1月12日）), with the
date and the speaker in brackets (（2006年1月16日某某）), in bold Markdown, or at the end of a
newspaper print. The head block (what stands before 各位代表, the first heading or the first
paragraph of prose) is read first; a line anywhere that opens with —— and names a date and a
meeting counts too. Where the text gives nothing, the front matter's title and date do.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from bihuan.extract import rules
from bihuan.extract.markdown import FrontMatter
from bihuan.extract.numbers import cn_to_number
from bihuan.extract.segment import SALUTATION, Para, is_block
from bihuan.extract.types import Document

# Four Arabic or four Chinese digits, opening with a character class so the regex engine
# skips ahead at C speed (an alternation first makes it try every position of the text).
_Y = r"([\d〇零一二三四五六七八九](?:(?<=\d)\d{3}|(?<=[〇零一二三四五六七八九])[〇零一二三四五六七八九]{3}))"
_DATE = re.compile(
    _Y + r"\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
# 在…人民代表大会…会议上; the 上 is dropped in some prints. Never a meeting since which a term runs.
_MEETING = re.compile(r"在(.{2,40}?(?:人民代表大会|人大).{0,20}?会议)(?:上|$|[）)\s])(?!以来)")
_SESSION = re.compile(r"第?[一二三四五六七八九十]+届")
_SPEAKER = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,12}?(?:县长|市长|省长|区长|旗长|州长|盟长|总理|镇长|主席)\s*)?([\u4e00-\u9fff·]{2,8})$"
)
_BRACKET_DATE_NAME = re.compile(r"^[（(]\s*" + _DATE.pattern + r"\s*([\u4e00-\u9fff·]{2,8})?\s*[）)]$")
_REGION = r"([\u4e00-\u9fff]{2,12}?(?:省|市|自治区|自治州|自治县|地区|县|区|旗|盟|州))"
# 河北省省长 陈全国, 上海市代市长 某某: the speaker's office names the region.
_OFFICE_REGION = re.compile(r"^" + _REGION + r"(?:人民政府)?代?(?:省长|市长|主席|县长|区长|州长|旗长|盟长)")
_DELEGATE_REGION = re.compile(r"我代表" + _REGION + r"人民政府")
_TITLE_REGION = re.compile(_REGION + r"(?:人民政府|政府)")
# The year of a title: 2011年四川省人民政府工作报告, 陕西省2002年政府工作报告, 某某市人民政府2011年工作报告,
# 政府工作报告（省十届人大二次会议 2004年）; not 关于“九五”计划和2010年远景规划纲要的报告.
_TITLE_YEAR = re.compile(r"(\d{4})年[^年\d]{0,16}?工作报告|工作报告[^年\d]{0,20}?(\d{4})年")
_HEAD_LINES = 15
# A year then 年 is found from its 年 (the year read behind it): a pattern that opens with a fixed
# character is searched for at C speed.
_YEAR_BEHIND = r"年(?<=(\d{4}|[〇零一二三四五六七八九]{4})年)"
_PLAN_YEAR = [
    re.compile(_YEAR_BEHIND + r"(?:经济社会发展|国民经济和社会发展|经济和社会发展)?的?主要预期目标"),
    re.compile(r"[和及]" + _Y + r"年(?:的)?(?:政府)?工作的?(?:安排|建议|任务|部署|总体要求|基本方针)"),
    re.compile(r"关于" + _Y + r"年(?:的)?(?:政府)?工作"),
    re.compile(_YEAR_BEHIND + r"(?:的)?(?:政府)?工作的?(?:安排|建议|任务|总体要求|基本方针|主要任务)"),
    re.compile(r"做好" + _Y + r"年(?:的)?(?:政府)?工作"),
]


@dataclass(slots=True)
class _Block:
    title: str | None = None
    report_date: str | None = None
    meeting: str | None = None
    speaker: str | None = None
    region: str | None = None
    date_para: int = -1


def _num(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    value = cn_to_number(text)
    return int(value) if value is not None else None


def _year(text: str) -> int | None:
    y = _num(text)
    return y if y is not None and 1949 <= y <= 2100 else None


def _iso(d: re.Match[str]) -> str | None:
    y, mo, da = _year(d.group(1)), _num(d.group(2)), _num(d.group(3))
    if y and mo and da and 1 <= mo <= 12 and 1 <= da <= 31:
        return f"{y:04d}-{mo:02d}-{da:02d}"
    return None


def _head(paras: list[Para]) -> int:
    """How many paragraphs the title block at the head takes."""
    for i, p in enumerate(paras[:_HEAD_LINES]):
        t = p.text
        if SALUTATION.match(t) or (len(t) > 120 and "。" in t) or re.match(r"^[一二三四五六七八九十]+、", t):
            return i
    return min(len(paras), _HEAD_LINES) if len(paras) <= _HEAD_LINES else 0


@cache
def _title_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A title (up to 政府工作报告), and the (摘要) mark cut from it."""
    block = rules.sections()["title_block"]
    return (
        re.compile(r"^.{0,40}?(?:" + rules.alternation(tuple(block["titles"])) + ")"),
        re.compile(r"[（(](?:" + rules.alternation(tuple(block["abstract"])) + r")[）)]"),
    )


def _read_block(paras: list[Para]) -> _Block:
    b = _Block()
    head = _head(paras)
    for i, p in enumerate(paras):
        t = p.text.strip()
        in_head = i < head
        if b.title is None and len(t) <= 80 and "。" not in t:
            named = _title_patterns()[0].search(t)
            if named and (len(t) <= 40 or in_head):  # a long line: the title, then the page's fields
                b.title = _title_patterns()[1].sub("", t if len(t) <= 40 else named.group()).strip("—- ")
        if len(t) > 120:
            continue
        m = _MEETING.search(t)
        dash = t.startswith(("——", "—", "--"))
        if b.meeting is None and m and (in_head or dash):
            b.meeting = m.group(1)
        d = _DATE.search(t)
        if b.report_date is None and d and (in_head or m):
            b.report_date, b.date_para = _iso(d), i
            bracket = _BRACKET_DATE_NAME.match(t)
            if bracket and bracket.group(4):
                b.speaker = bracket.group(4)
        if in_head and b.region is None:
            office = _OFFICE_REGION.match(t)
            if office:
                b.region = office.group(1)
    if b.speaker is None and b.date_para >= 0:
        b.speaker = _speaker(paras, b.date_para)
    return b


def _speaker(paras: list[Para], at: int) -> str | None:
    for j in (at + 1, at - 1, at + 2):
        if 0 <= j < len(paras) and (is_block(paras[j].text) or len(paras[j].text) <= 16):
            text = paras[j].text.strip()
            m = _SPEAKER.match(re.sub(r"\s+", "", text))
            if m and not any(w in text for w in ("报告", "摘要", "代表", "会议", "人民政府")):
                name = m.group(1)
                office = _OFFICE_REGION.match(text)
                return name if not office or len(name) <= 4 else None
    return None


def _region(b: _Block, paras: list[Para], title: str | None) -> str | None:
    block = rules.sections()["title_block"]
    if b.meeting:
        if any(w in b.meeting for w in ("全国人民代表大会", "全国人大")):
            return str(block["national_region"])
        cut = _SESSION.search(b.meeting)
        if cut and cut.start() >= 2:
            return b.meeting[: cut.start()]
    if any(any(w in p.text for w in ("我代表国务院", "国务院向大会")) for p in paras[:5]):
        return str(block["national_region"])
    if b.region and _named(b.region):
        return b.region
    for p in paras[:8]:
        m = _DELEGATE_REGION.search(p.text)
        if m and _named(m.group(1)):
            return m.group(1)
    m = _TITLE_REGION.search(re.sub(r"\d{4}年", "", title or ""))
    return m.group(1) if m and _named(m.group(1)) else None


def _named(region: str) -> bool:
    """自治区, 本市 or 全省 name no place: a region needs a name before its kind."""
    bare = re.sub(r"(?:自治区|自治州|自治县|地区|省|市|县|区|旗|盟|州)$", "", region)
    return len(bare) >= 2 and not bare.startswith(("自治", "本", "全", "我"))


def title_year(title: str | None) -> int | None:
    """The year a title names as the report's: 2011年某某省人民政府工作报告 → 2011."""
    m = _TITLE_YEAR.search(title or "")
    if m is None:
        return None
    return _year(m.group(1) or m.group(2))


def read_metadata(
    paras: list[Para], source_format: str | None, chars: int, front: FrontMatter | None = None
) -> Document:
    front = front or FrontMatter()
    b = _read_block(paras)
    title = b.title or front.title
    report_date = b.report_date or front.date
    if report_date is None and front.title:
        d = _DATE.search(front.title)  # 某某省政府工作报告（2020年1月12日 某某）
        report_date = _iso(d) if d else None
    return Document(
        title=title,
        region=_region(b, paras, b.title or front.title),
        report_date=report_date,
        plan_year=_plan_year(paras, report_date, title_year(b.title) or title_year(front.title)),
        speaker=b.speaker,
        meeting=b.meeting,
        source_format=source_format,
        chars=chars,
        source=front.source,
    )


def _plan_year(paras: list[Para], report_date: str | None, titled: int | None) -> int | None:
    votes: Counter[int] = Counter()
    text = "\n".join(p.text for p in paras)  # one scan per pattern, not one per paragraph
    for weight, pattern in zip((3, 2, 2, 1, 1), _PLAN_YEAR, strict=True):
        for m in pattern.finditer(text):
            y = _year(m.group(1))
            if y:
                votes[y] += weight
    if report_date:
        y, mo = int(report_date[:4]), int(report_date[5:7])
        guess = y + 1 if mo >= 9 else y
        if not votes or votes.most_common(1)[0][0] not in (guess, y):
            return guess
    top = votes.most_common(1)[0][0] if votes else None
    if titled and (top is None or top not in (titled, titled + 1)):
        return titled
    return top
