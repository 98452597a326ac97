"""The 督查通报's content: what a bulletin says about a plan on a date, all from the ledger.

The period (YYYY-MM) is the reporting period the bulletin covers: by default the latest one whose
report is due by the date (each month's report is due by `report_day` of the next). The counts
split every task of the plan's newest text by its state on the date (track.status):
已完成 completed; 正常推进 and 待报送 on track; 滞后, 未启动 and 未报送 behind; 逾期 overdue; 未交办
not handed over. A task owes the period's report when it is handed over, not closed, and its
deadline month is not before the period; its report is missing when its lead unit (or the office)
had sent none by the end of the date, late when the first came after the due day. Notices are
those sent (not drafts) from the period's first day to the date, each with its state and latest
answer then.
Writers (Word, PDF, HTML) take the `Bulletin` as it is; they decide nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.track import bulletin_facts as facts
from bihuan.track.attain_ledger import AttainLine, plan_attainment
from bihuan.track.bulletin_parts import (
    AreaPart,
    Counts,
    FlaggedTask,
    LightRow,
    NoticeLine,
    UnitTasks,
    count,
    light_rows,
    notice_lines,
    period_zh,
)
from bihuan.track.bulletin_settings import BulletinSettings
from bihuan.track.errors import TrackError
from bihuan.track.status import (
    PlanStatuses,
    Settings,
    TaskStatus,
    month_of,
    prev_month,
)


@dataclass(frozen=True, slots=True)
class Bulletin:
    document_id: int
    region: str
    plan_year: int
    on: dt.date
    period: str  # YYYY-MM
    year: int  # of the 文号: the year of `on`
    sequence: int
    number: str  # 某县督查室〔2023〕6号
    draft: bool  # not issued: the number is the one the next issue would take
    office: str
    masthead: str
    title: str
    counts: Counts
    areas: tuple[AreaPart, ...]
    flagged: tuple[FlaggedTask, ...]  # red, then yellow, by number (at most `table_rows`)
    flagged_more: int  # red and yellow tasks past the table's length
    missing: tuple[UnitTasks, ...]  # units that had not reported the period by the date, with their tasks
    late: tuple[UnitTasks, ...]  # units that reported it after the due day
    praised: tuple[UnitTasks, ...]  # units with tasks done early (`tasks`) or ahead (`ahead`)
    notices: tuple[NoticeLine, ...]
    by_area: tuple[LightRow, ...]
    by_unit: tuple[LightRow, ...]
    # 兑现: the plan's targets the next year's report states a figure for, once it is in the ledger
    attained: tuple[AttainLine, ...] = ()
    attained_by: int | None = None  # the plan year of that report

    @property
    def period_zh(self) -> str:
        return period_zh(self.period)

    @property
    def opening(self) -> str:
        c = self.counts
        text = (
            f"截至{self.on.year}年{self.on.month}月{self.on.day}日，{self.region}{self.plan_year}年政府工作报告"
            f"确定的 {c.tasks} 项重点任务中，已完成 {c.completed} 项，正常推进 {c.on_track} 项，"
            f"滞后 {c.behind} 项，逾期 {c.overdue} 项"
        )
        text += f"，尚未交办 {c.not_handed} 项" if c.not_handed else ""
        text += (
            f"；亮红灯 {c.red} 项、黄灯 {c.yellow} 项、绿灯 {c.green} 项。"
            f"{self.period_zh}进度应报送 {c.due_reports} 项，未按时报送 {c.missing_reports + c.late_reports} 项"
            f"（其中至今未报送 {c.missing_reports} 项）。"
        )
        return text

    @property
    def flagged_said(self) -> str:
        c = self.counts
        if not self.flagged:
            return "本期没有亮红灯或黄灯的任务。"
        text = f"{c.red + c.yellow} 项任务亮红灯或黄灯（红灯 {c.red} 项、黄灯 {c.yellow} 项）"
        text += f"，下表列出其中 {len(self.flagged)} 项（红灯在前）" if self.flagged_more else ""
        return text + "，请牵头单位对照原因抓紧整改。"

    @property
    def more_said(self) -> str:
        return f"另有 {self.flagged_more} 项亮灯任务未列出，详见系统“总览”页。" if self.flagged_more else ""

    @property
    def missing_said(self) -> str:
        c, p = self.counts, self.period_zh
        on_time = c.due_reports - c.missing_reports - c.late_reports
        text = f"{p}进度应报送 {c.due_reports} 项，按时报送 {on_time} 项"
        if not (self.missing or self.late):
            return text + "，各牵头单位均已按时报送。"
        for what, units, n in (
            ("至今未报送", self.missing, c.missing_reports),
            ("逾期报送", self.late, c.late_reports),
        ):
            if units:
                text += f"；{what} {n} 项：" + "、".join(f"{u.unit}（{u.said}）" for u in units)
        return text + "。请有关单位严格按时报送。"

    @property
    def praised_said(self) -> str:
        if not self.praised:
            return "本期没有提前完成或超序时推进的任务。"
        units = "；".join(f"{u.unit}（{'提前完成' if u.tasks else ''}{u.said}）" for u in self.praised)
        return f"以下单位提前完成或超序时推进任务，予以表扬：{units}。"

    @property
    def notices_said(self) -> str:
        if not self.notices:
            return f"{self.period_zh}以来未发出提醒、催办、督办。"
        answered = sum(1 for n in self.notices if n.answered)
        overdue = sum(1 for n in self.notices if n.overdue)
        return (
            f"{self.period_zh}以来共发出提醒、催办、督办 {len(self.notices)} 件，已答复 {answered} 件，"
            f"逾期未答复 {overdue} 件。"
        )

    @property
    def attained_said(self) -> str:
        met = [a for a in self.attained if a.status == "met"]
        missed = [a.name for a in self.attained if a.status != "met"]
        said = (
            f"据{self.region}{self.attained_by}年政府工作报告，{self.plan_year}年目标中有 {len(self.attained)} 项"
            f"给出了实际数：完成 {len(met)} 项，未完成 {len(missed)} 项"
        )
        return said + (f"（{'、'.join(missed)}）。" if missed else "。")

    def issued(self, sequence: int, number: str) -> Bulletin:
        """The same content under the number it was issued with."""
        return replace(self, sequence=sequence, number=number, draft=False)


def default_period(on: dt.date, s: Settings) -> str:
    """The latest period whose report is due by `on` (the June report is due by 5 July)."""
    last = prev_month(month_of(on))
    return prev_month(last) if on.day <= s.report_day else last


def check_period(period: str | None, on: dt.date, s: Settings) -> str:
    if period is None:
        return default_period(on, s)
    text = period.strip()
    ok = len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit()
    if not ok or not 1 <= int(text[5:]) <= 12 or int(text[:4]) < 1900:
        raise TrackError(
            f"期间须为年月，如 2023-06，收到“{period}”", f"period must be YYYY-MM, got {period!r}"
        )
    if text > default_period(on, s):
        raise TrackError(
            f"{period_zh(text)}的进度到 {on.isoformat()} 还未到报送期限，不能通报",
            f"the {text} reports are not due by {on.isoformat()}",
        )
    return text


def compose(
    session: Session,
    document_id: int,
    on: dt.date,
    period: str | None,
    sequence: int,
    settings: BulletinSettings,
    status_settings: Settings,
) -> Bulletin:
    """The bulletin of plan `document_id` on `on`, numbered `sequence` of `on`'s year (a draft)."""
    period = check_period(period, on, status_settings)
    plan = PlanStatuses(session, document_id, status_settings)
    doc = queries.document(session, document_id)
    assert doc is not None  # PlanStatuses found it
    items = plan.at(on)
    missing_tasks, late_tasks, due = facts.reporting(
        session, period, on, status_settings.report_day, plan, items
    )
    attained = plan_attainment(session, document_id)
    flagged = [it for it in items if it.status.light != "green"]
    flagged.sort(key=lambda it: (it.status.light != "red", it.number))
    shown = flagged[: settings.table_rows] if settings.table_rows else flagged
    latest = facts.latest_figures(session, plan, on, [it.key for it in shown])
    width = settings.task_chars
    return Bulletin(
        document_id=document_id,
        region=doc.region,
        plan_year=doc.plan_year,
        on=on,
        period=period,
        year=on.year,
        sequence=sequence,
        number=settings.number_text(on.year, sequence),
        draft=True,
        office=settings.office,
        masthead=settings.masthead,
        title=settings.title_text(doc.region, doc.plan_year, period_zh(period)),
        counts=replace(
            count(items), due_reports=due, missing_reports=len(missing_tasks), late_reports=len(late_tasks)
        ),
        areas=tuple(
            AreaPart.of(name, group) for name, group in _grouped(items, lambda it: it.area or "其他")
        ),
        flagged=tuple(FlaggedTask.of(it, latest.get(it.key, "未报送"), width) for it in shown),
        flagged_more=len(flagged) - len(shown),
        missing=facts.by_unit(missing_tasks),
        late=facts.by_unit(late_tasks),
        praised=facts.praised(items, on, settings.ahead_gap),
        notices=tuple(
            notice_lines(session, facts.window_notices(session, document_id, period, on), on, plan.rows)
        ),
        by_area=light_rows(_grouped(items, lambda it: it.area or "其他")),
        by_unit=light_rows(_grouped(items, lambda it: it.lead or "未分配"), by_red=True),
        attained=tuple(a for a in attained.lines() if a.status != "not_stated") if attained else (),
        attained_by=attained.new.plan_year if attained else None,
    )


def _grouped(
    items: Sequence[TaskStatus], key: Callable[[TaskStatus], str]
) -> list[tuple[str, list[TaskStatus]]]:
    out: dict[str, list[TaskStatus]] = {}
    for it in items:
        out.setdefault(key(it), []).append(it)
    return list(out.items())
