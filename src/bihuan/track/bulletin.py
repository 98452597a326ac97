"""The 督查通报's content: what a bulletin says about a plan on a date, all from the ledger.

The period (YYYY-MM) is the reporting period the bulletin covers: by default the latest one whose
report is due by the date (each month's report is due by `report_day` of the next). The counts
split every task of the plan's newest text by its state on the date (track.status):
已完成 completed; 正常推进 and 待报送 on track; 滞后, 未启动 and 未报送 behind; 逾期 overdue; 未交办
not handed over. A report is missing when a handed-over, unclosed task whose deadline month is not
before the period has no report of its lead unit for the period. Notices are those sent (not
drafts) from the period's first day to the date, each with its state and latest answer then.
Writers (Word, PDF, HTML) take the `Bulletin` as it is; they decide nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Notice
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
    TaskFacts,
    TaskStatus,
    month_of,
    prev_month,
    read_progress,
    targets_of,
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
    flagged: tuple[FlaggedTask, ...]  # red, then yellow, by number
    missing: tuple[UnitTasks, ...]  # units that did not report the period, with their tasks
    praised: tuple[UnitTasks, ...]  # units with tasks done early (`tasks`) or ahead (`ahead`)
    notices: tuple[NoticeLine, ...]
    by_area: tuple[LightRow, ...]
    by_unit: tuple[LightRow, ...]

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
            f"{self.period_zh}进度应报送 {c.due_reports} 项，未按时报送 {c.missing_reports} 项。"
        )
        return text

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
    missing_tasks, due = _missing(session, document_id, period, plan, items)
    flagged = [it for it in items if it.status.light != "green"]
    flagged.sort(key=lambda it: (it.status.light != "red", it.number))
    latest = _latest_figures(session, plan, on, [it.key for it in flagged])
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
        counts=replace(count(items), due_reports=due, missing_reports=len(missing_tasks)),
        areas=tuple(
            AreaPart.of(name, group) for name, group in _grouped(items, lambda it: it.area or "其他")
        ),
        flagged=tuple(FlaggedTask.of(it, latest.get(it.key, "未报送"), width) for it in flagged),
        missing=_by_unit(missing_tasks),
        praised=_praised(items, on, settings.ahead_gap),
        notices=tuple(notice_lines(session, _notices(session, document_id, period, on), on, plan.rows)),
        by_area=light_rows(_grouped(items, lambda it: it.area or "其他")),
        by_unit=light_rows(_grouped(items, lambda it: it.lead or "未分配"), by_red=True),
    )


def _grouped(
    items: Sequence[TaskStatus], key: Callable[[TaskStatus], str]
) -> list[tuple[str, list[TaskStatus]]]:
    out: dict[str, list[TaskStatus]] = {}
    for it in items:
        out.setdefault(key(it), []).append(it)
    return list(out.items())


def _missing(
    session: Session, document_id: int, period: str, plan: PlanStatuses, items: Sequence[TaskStatus]
) -> tuple[list[TaskStatus], int]:
    """Tasks owing the period's report that did not send it (lead unit's), and how many owed it."""
    reported = queries.reported_periods(session, document_id, period)
    owed = [
        it
        for it in items
        if (handed := plan.sup.handed_over.get(it.key)) is not None
        and it.key not in plan.sup.closed
        and month_of(handed) <= period <= month_of(it.deadline)
    ]
    return [it for it in owed if period not in reported.get(it.key, set())], len(owed)


def _by_unit(items: Iterable[TaskStatus]) -> tuple[UnitTasks, ...]:
    units: dict[str, list[int]] = defaultdict(list)
    for it in items:
        units[it.lead or "未分配"].append(it.number)
    return tuple(
        UnitTasks(u, tuple(sorted(n))) for u, n in sorted(units.items(), key=lambda x: (-len(x[1]), x[0]))
    )


def _praised(items: Sequence[TaskStatus], on: dt.date, ahead_gap: float) -> tuple[UnitTasks, ...]:
    early: dict[str, list[int]] = defaultdict(list)
    ahead: dict[str, list[int]] = defaultdict(list)
    for it in items:
        s, unit = it.status, it.lead or "未分配"
        if s.state == "已完成" and on < it.deadline:
            early[unit].append(it.number)
        elif (
            s.state == "正常推进"
            and s.progress is not None
            and round(s.progress - s.expected, 9) >= ahead_gap
        ):
            ahead[unit].append(it.number)
    units = sorted(set(early) | set(ahead), key=lambda u: (-len(early[u]) - len(ahead[u]), u))
    return tuple(UnitTasks(u, tuple(sorted(early[u])), tuple(sorted(ahead[u]))) for u in units)


def _latest_figures(session: Session, plan: PlanStatuses, on: dt.date, keys: Sequence[str]) -> dict[str, str]:
    """The latest report's figure of each task, in words, with its period."""
    if not keys:
        return {}
    reports = queries.latest_reports(session, plan.document_id, month_of(on))
    rows = {t.key: t for t in plan.rows}
    out = {}
    for key in keys:
        r = reports.get(key)
        if r is None:
            continue
        facts = TaskFacts(key, on, on, targets_of(rows[key], plan.inds), values=r.values, percent=r.percent)
        out[key] = f"{read_progress(facts).said or '文字报送'}（{r.period}）"
    return out


def _notices(session: Session, document_id: int, period: str, on: dt.date) -> Sequence[Notice]:
    start = dt.datetime.fromisoformat(f"{period}-01")
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time())
    return session.scalars(
        select(Notice)
        .where(Notice.document_id == document_id, Notice.created_at >= start, Notice.created_at < end)
        .order_by(Notice.created_at, Notice.id)
    ).all()
