"""Title block: title, date, meeting, region, speaker, and the plan year."""

from __future__ import annotations

import re
from collections import Counter

from bihuan.extract import rules
from bihuan.extract.numbers import cn_to_number
from bihuan.extract.segment import Para, is_block
from bihuan.extract.types import Document

_Y = r"(\d{4}|[〇零一二三四五六七八九]{4})"
_DATE = re.compile(_Y + r"年(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})日")
_MEETING = re.compile(r"在(.{2,40}?(?:人民代表大会|人大).{0,20}?会议)上")
_SESSION = re.compile(r"第[一二三四五六七八九十]+届")
_SPEAKER = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,6}?(?:县长|市长|省长|区长|旗长|州长|盟长|总理|镇长)\s*)?([\u4e00-\u9fff·]{2,4})$"
)
_PLAN_YEAR = [
    re.compile(_Y + r"年(?:经济社会发展|国民经济和社会发展|经济和社会发展)?的?主要预期目标"),
    re.compile(r"[和及]" + _Y + r"年(?:的)?(?:政府)?工作的?(?:安排|建议|任务|部署|总体要求|基本方针)"),
    re.compile(r"关于" + _Y + r"年(?:的)?(?:政府)?工作"),
    re.compile(_Y + r"年(?:的)?(?:政府)?工作的?(?:安排|建议|任务|总体要求|基本方针|主要任务)"),
    re.compile(r"做好" + _Y + r"年(?:的)?(?:政府)?工作"),
]


def _num(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    value = cn_to_number(text)
    return int(value) if value is not None else None


def _year(text: str) -> int | None:
    y = _num(text)
    return y if y is not None and 1949 <= y <= 2100 else None


def read_metadata(paras: list[Para], source_format: str | None, chars: int) -> Document:
    block = rules.sections()["title_block"]
    title = meeting = region = speaker = report_date = None
    date_para = -1
    for i, p in enumerate(paras):
        t = p.text
        if title is None and len(t) <= 30 and any(w in t for w in block["titles"]) and "。" not in t:
            title = re.sub(r"[（(](?:" + "|".join(block["abstract"]) + r")[）)]", "", t).strip("—- ")
        if report_date is None and len(t) <= 120 and ("——" in t[:3] or _MEETING.search(t)):
            d = _DATE.search(t)
            m = _MEETING.search(t)
            if d and m:
                y, mo, da = _year(d.group(1)), _num(d.group(2)), _num(d.group(3))
                if y and mo and da and 1 <= mo <= 12 and 1 <= da <= 31:
                    report_date = f"{y:04d}-{mo:02d}-{da:02d}"
                meeting = m.group(1)
                date_para = i
    if meeting:
        if any(w in meeting for w in ("全国人民代表大会", "全国人大")):
            region = block["national_region"]
        else:
            cut = _SESSION.search(meeting)
            region = meeting[: cut.start()] if cut and cut.start() >= 2 else None
    elif any(any(w in p.text for w in ("我代表国务院", "国务院向大会")) for p in paras[:5]):
        region = block["national_region"]
    if date_para >= 0:
        for j in (date_para + 1, date_para - 1, date_para + 2):
            if (0 <= j < len(paras) and is_block(paras[j].text)) or (
                0 <= j < len(paras) and len(paras[j].text) <= 12
            ):
                m = _SPEAKER.match(paras[j].text.strip())
                if m and not any(w in paras[j].text for w in ("报告", "摘要", "代表", "会议")):
                    speaker = m.group(1)
                    break
    return Document(
        title=title,
        region=region,
        report_date=report_date,
        plan_year=_plan_year(paras, report_date),
        speaker=speaker,
        meeting=meeting,
        source_format=source_format,
        chars=chars,
    )


def _plan_year(paras: list[Para], report_date: str | None) -> int | None:
    votes: Counter[int] = Counter()
    for p in paras:
        for weight, pattern in zip((3, 2, 2, 1, 1), _PLAN_YEAR, strict=True):
            for m in pattern.finditer(p.text):
                y = _year(m.group(1))
                if y:
                    votes[y] += weight
    if report_date:
        y, mo = int(report_date[:4]), int(report_date[5:7])
        guess = y + 1 if mo >= 9 else y
        if not votes or votes.most_common(1)[0][0] not in (guess, y):
            return guess
    return votes.most_common(1)[0][0] if votes else None
