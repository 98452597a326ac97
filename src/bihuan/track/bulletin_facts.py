"""What a 督查通报 finds in the ledger besides the statuses (track.bulletin): the tasks that owe a
period's report and did not send it by the date or sent it late, the units praised, each flagged task's latest figure, the
notices of the bulletin's window."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Notice, ProgressReport
from bihuan.track.bulletin_parts import UnitTasks
from bihuan.track.status import PlanStatuses, TaskFacts, TaskStatus, month_of, read_progress, targets_of


def reporting(
    session: Session,
    period: str,
    on: dt.date,
    report_day: int,
    plan: PlanStatuses,
    items: Sequence[TaskStatus],
) -> tuple[list[TaskStatus], list[TaskStatus], int]:
    """Of the tasks owing the period's report: those whose lead unit (or the office) had sent none
    by the end of `on`, those whose first one came after the due day, and how many owed it."""
    owed = [
        it
        for it in items
        if (handed := plan.sup.handed_over.get(it.key)) is not None
        and it.key not in plan.sup.closed
        and month_of(handed) <= period <= month_of(it.deadline)
    ]
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time())
    first: dict[str, dt.datetime] = {}
    for key, unit, at in session.execute(
        select(ProgressReport.task_key, ProgressReport.unit_id, func.min(ProgressReport.created_at))
        .where(
            ProgressReport.document_id == plan.document_id,
            ProgressReport.period == period,
            ProgressReport.created_at < end,
        )
        .group_by(ProgressReport.task_key, ProgressReport.unit_id)
    ):
        a = plan.assigned.get(key)
        if unit is None or (a is not None and unit == a.lead_unit_id):  # a cooperating unit's does not count
            first[key] = min(at, first.get(key, at))
    y, m = int(period[:4]), int(period[5:7])
    due = dt.date(y + m // 12, m % 12 + 1, report_day)
    missing = [it for it in owed if it.key not in first]
    late = [it for it in owed if it.key in first and first[it.key].date() > due]
    return missing, late, len(owed)


def by_unit(items: Iterable[TaskStatus]) -> tuple[UnitTasks, ...]:
    units: dict[str, list[int]] = defaultdict(list)
    for it in items:
        units[it.lead or "未分配"].append(it.number)
    return tuple(
        UnitTasks(u, tuple(sorted(n))) for u, n in sorted(units.items(), key=lambda x: (-len(x[1]), x[0]))
    )


def praised(items: Sequence[TaskStatus], on: dt.date, ahead_gap: float) -> tuple[UnitTasks, ...]:
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


def latest_figures(session: Session, plan: PlanStatuses, on: dt.date, keys: Sequence[str]) -> dict[str, str]:
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


def window_notices(session: Session, document_id: int, period: str, on: dt.date) -> Sequence[Notice]:
    start = dt.datetime.fromisoformat(f"{period}-01")
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time())
    return session.scalars(
        select(Notice)
        .where(Notice.document_id == document_id, Notice.created_at >= start, Notice.created_at < end)
        .order_by(Notice.created_at, Notice.id)
    ).all()
