"""What the ledger says happened to a plan's tasks, for the 考核 (track.assess): reports on time,
late or missing, tasks done on time, late or overdue, 办结销号 accepted. A fixed number of
queries whatever the number of tasks; the task judgements are track.status.judge's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Assignment, ProgressReport, RequestDecision, TaskRow, UnitRequest
from bihuan.track.assess_rules import Fact
from bihuan.track.errors import TrackError
from bihuan.track.status import (
    Settings,
    Supervision,
    TaskFacts,
    deadline_of,
    due_periods,
    judge,
    month_of,
    targets_of,
)


def due_day(period: str, report_day: int) -> dt.date:
    """The day a period's report is due: `report_day` of the next month."""
    y, m = int(period[:4]), int(period[5:7])
    return dt.date(y + 1, 1, report_day) if m == 12 else dt.date(y, m + 1, report_day)


class PlanRows:
    """A plan's newest tasks, targets, assignments and supervision rows, loaded once; collects
    facts (`add`), each with its task's number and work area."""

    def __init__(self, session: Session, document_id: int) -> None:
        doc = queries.document(session, document_id)
        rev = queries.latest_revision(session, document_id)
        if doc is None or rev is None:
            raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
        self.session, self.document_id, self.plan_year = session, document_id, doc.plan_year
        self.tasks = {t.key: t for t in queries.tasks(session, rev.id)}
        self.inds = {i.iid: i for i in queries.indicators(session, rev.id)}
        self.assigned = queries.current_assignments(session, document_id)
        self.sup = Supervision.load(session, document_id)
        self.closed: dict[str, tuple[UnitRequest, RequestDecision]] = {}
        for r, d in queries.unit_requests(session, document_id, kind="办结"):
            if d is not None and d.accepted:
                self.closed.setdefault(r.task_key, (r, d))
        self.items: list[Fact] = []

    def add(self, rule: str, unit_id: int, key: str, day: dt.date | None, reason: str) -> None:
        t = self.tasks.get(key)
        self.items.append(
            Fact(rule, unit_id, t.number if t else None, key, t.area if t else None, day, reason)
        )

    def assigned_tasks(self) -> Iterator[tuple[TaskRow, Assignment]]:
        for key, t in self.tasks.items():
            a = self.assigned.get(key)
            if a is not None:
                yield t, a

    def leads(self) -> set[int]:
        return {a.lead_unit_id for _, a in self.assigned_tasks()}

    def facts_of(self, t: TaskRow, a: Assignment, report: ProgressReport | None) -> TaskFacts:
        """What track.status.judge needs to tell whether a task is done or overdue (the
        periods reported do not matter for that)."""
        end = deadline_of(self.plan_year, t, a)
        return TaskFacts(
            key=t.key,
            start=min(dt.date(self.plan_year, 1, 1), end),
            end=end,
            targets=targets_of(t, self.inds),
            milestones=tuple(a.milestones),
            values=report.values if report else {},
            percent=report.percent if report else None,
            handed_over=self.sup.handed_over.get(t.key),
            extension=self.sup.extensions.get(t.key),
            closed=self.sup.closed.get(t.key),
        )


class Reported:
    """One pass over a plan's report rows up to a period, counting only those that count for
    their task (its lead unit's and the office's, as queries.latest_reports does): the day each
    (task, period) was first reported, and each task's latest report (its newest version)."""

    def __init__(self, plan: PlanRows, up_to: str) -> None:
        lead = {key: a.lead_unit_id for key, a in plan.assigned.items()}
        day = func.substr(cast(ProgressReport.created_at, String), 1, 10)  # not parsed row by row
        rows = plan.session.connection().execute(
            select(ProgressReport.id, ProgressReport.task_key, ProgressReport.period, ProgressReport.unit_id, day)
            .where(ProgressReport.document_id == plan.document_id, ProgressReport.period <= up_to)
        ).all()  # fmt: skip
        self.first: dict[tuple[str, str], str] = {}  # (task, period) → YYYY-MM-DD
        newest: dict[str, tuple[str, int]] = {}  # task → (period, id)
        for rid, key, period, unit_id, when in rows:
            if unit_id is not None and unit_id != lead.get(key, unit_id):
                continue  # a cooperating unit's own part
            seen = self.first.get((key, period))
            if seen is None or when < seen:
                self.first[(key, period)] = when
            if (period, rid) > newest.get(key, ("", 0)):
                newest[key] = (period, rid)
        self.plan, self.newest = plan, {rid: key for key, (_, rid) in newest.items()}

    def latest(self) -> dict[str, ProgressReport]:
        """Each task's latest report (what the status page reads its progress from)."""
        ids = list(self.newest)
        out: dict[str, ProgressReport] = {}
        for i in range(0, len(ids), 5000):
            for r in self.plan.session.scalars(
                select(ProgressReport).where(ProgressReport.id.in_(ids[i : i + 5000]))
            ):
                out[r.task_key] = r
        return out


def report_facts(plan: PlanRows, reported: Reported, on: dt.date, settings: Settings) -> None:
    """按时报送 / 迟报 / 漏报 of every period due by `on`, for each task's lead unit."""
    due: dict[str, tuple[dt.date, str]] = {}  # period → its due day, and as text
    duties: dict[tuple[dt.date | None, dt.date, dt.date | None], list[str]] = {}  # the same for many tasks
    start, today, first, items = dt.date(plan.plan_year, 1, 1), on.isoformat(), reported.first, plan.items
    for t, a in plan.assigned_tasks():
        lead, key, number, area = a.lead_unit_id, t.key, t.number, t.area
        end = deadline_of(plan.plan_year, t, a)
        shut = plan.closed[key][1].created_at.date() if key in plan.closed else None
        handed, extension = plan.sup.handed_over.get(key), plan.sup.extensions.get(key)
        periods = duties.get((handed, end, extension))
        if periods is None:
            duty = TaskFacts(key, min(start, end), end, handed_over=handed, extension=extension)
            periods = duties[(handed, end, extension)] = due_periods(duty, on, settings)[::-1]
        for period in periods:
            if period not in due:
                by = due_day(period, settings.report_day)
                due[period] = (by, by.isoformat())
            by, by_text = due[period]
            if shut is not None and by > shut:
                continue  # closed: no report owed after the closing day
            day = first.get((key, period))  # YYYY-MM-DD: text compares as dates do
            if day is None:
                fact = Fact(
                    "report_missing",
                    lead,
                    number,
                    key,
                    area,
                    by,
                    f"{period} 的进度应于 {by_text} 前报送，截至 {today} 未报送",
                )
            elif day <= by_text:
                fact = Fact("report_on_time", lead, number, key, area, dt.date.fromisoformat(day),
                            f"{period} 的进度于 {day} 报送（截止 {by_text}）")  # fmt: skip
            else:
                late = dt.date.fromisoformat(day)
                fact = Fact("report_late", lead, number, key, area, late,
                            f"{period} 的进度于 {day} 报送，晚于截止日 {by_text}（迟 {(late - by).days} 天）")  # fmt: skip
            items.append(fact)


def task_facts(plan: PlanRows, reported: Reported, on: dt.date, settings: Settings) -> None:
    """按期完成 / 超期完成 / 逾期未完成, judged as the status page does on `on`; a task done by its
    reports whose deadline has passed is judged again on its deadline."""
    reports = reported.latest()
    past: dict[str, list[tuple[TaskRow, Assignment, dt.date]]] = {}  # by the deadline's month
    for t, a in plan.assigned_tasks():
        st = judge(plan.facts_of(t, a, reports.get(t.key)), on, settings)
        deadline, lead = st.deadline or on, a.lead_unit_id
        if st.state == "逾期":
            plan.add("task_overdue", lead, t.key, deadline, st.reasons[0])
        elif st.state != "已完成":
            continue
        elif t.key in plan.closed:
            day = plan.closed[t.key][1].created_at.date()
            rule = "task_on_time" if day <= deadline else "task_completed_late"
            plan.add(rule, lead, t.key, day, f"{day.isoformat()} 办结销号，完成时限 {deadline.isoformat()}")
        elif on <= deadline:
            plan.add("task_on_time", lead, t.key, on,
                     f"截至 {on.isoformat()} 已完成，完成时限 {deadline.isoformat()}（{st.reasons[0]}）")  # fmt: skip
        else:
            past.setdefault(month_of(deadline), []).append((t, a, deadline))
    for month, items in sorted(past.items()):
        then = queries.latest_reports(plan.session, plan.document_id, month)
        for t, a, deadline in items:
            st = judge(plan.facts_of(t, a, then.get(t.key)), deadline, settings)
            if st.state == "已完成":
                plan.add("task_on_time", a.lead_unit_id, t.key, deadline,
                         f"完成时限 {deadline.isoformat()} 时已完成（{st.reasons[0]}）")  # fmt: skip
            else:
                plan.add("task_completed_late", a.lead_unit_id, t.key, on,
                         f"完成时限 {deadline.isoformat()} 时尚未完成，截至 {on.isoformat()} 已完成")  # fmt: skip


def closing_facts(plan: PlanRows) -> None:
    """办结销号 accepted, for the unit that asked."""
    for key, (r, d) in plan.closed.items():
        day = d.created_at.date()
        plan.add("closed_accepted", r.unit_id, key, day, f"办结销号申请于 {day.isoformat()} 获督查室同意")
