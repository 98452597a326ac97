"""考核: each unit's score for a plan on a day, every point explained by the event that earned it.

`facts` reads the ledger (a fixed number of queries, whatever the number of tasks) and says what
happened, rule by rule; `assess` applies the rules (track.assess_rules.score, pure).

What counts, and for whom:
- Reports (按时报送 / 迟报 / 漏报): every period due by `on` from the task's 交办 month to its
  deadline's (as on the status page: track.status.due_periods), for the task's current lead unit.
  A period is reported when the lead unit (or the office) stored a report for it; the first such
  report is on time when stored by the report day of the next month. A closed task (办结销号)
  owes no report due after the closing day.
- Tasks (按期完成 / 超期完成 / 逾期未完成): the task's status on `on` (track.status); a task done
  by reports is on time when it was already done on its deadline, a closed task when the office
  accepted the closing by the deadline. For the current lead unit.
- 督办 received, by grade: each 督办 sent to the unit (a rule's draft counts once approved).
- 答复超期: a 催办 or 督办 first answered after its answer deadline, or still unanswered on `on`
  past it; for the unit it was sent to.
- 办结销号: the office accepted the unit's request to close a task.
Rows count whenever they were recorded, as on the status page; `on` says which reports were
due and which deadlines had passed. Cooperating units earn and lose nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Notice, ProgressReport, RequestDecision, UnitRequest
from bihuan.track.assess_rules import SUPERVISED, AssessRules, Fact, UnitScore, score
from bihuan.track.errors import TrackError
from bihuan.track.lifecycle import ANSWERABLE, NOTICE_GRADES, notice_state
from bihuan.track.status import PlanStatuses, Settings, TaskFacts, deadline_of, due_periods, month_of

ANSWERED_KINDS = ("催办", "督办")


@dataclass(frozen=True, slots=True)
class Assessment:
    document_id: int
    region: str
    plan_year: int
    on: dt.date
    rules: AssessRules
    units: tuple[UnitScore, ...]  # ranked

    @property
    def rules_sha256(self) -> str:
        return self.rules.sha256


def due_day(period: str, report_day: int) -> dt.date:
    """The day a period's report is due: `report_day` of the next month."""
    y, m = int(period[:4]), int(period[5:7])
    return dt.date(y + 1, 1, report_day) if m == 12 else dt.date(y, m + 1, report_day)


def assess(
    session: Session,
    document_id: int,
    on: dt.date,
    rules: AssessRules,
    settings: Settings | None = None,
) -> Assessment:
    """Every unit leading a task of the plan (and every unit an event names), scored and ranked."""
    doc = queries.document(session, document_id)
    if doc is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    found, leads = facts(session, document_id, on, settings or Settings())
    names = {u.id: u.name for u in queries.units(session)}
    units = {uid: names.get(uid, f"单位{uid}") for uid in leads}
    units.update({f.unit_id: names.get(f.unit_id, f"单位{f.unit_id}") for f in found})
    return Assessment(document_id, doc.region, doc.plan_year, on, rules, score(found, units, rules))


class _Facts:
    """Collects facts about the plan's tasks (number and area looked up by task key)."""

    def __init__(self, plan: PlanStatuses) -> None:
        self.tasks = {t.key: t for t in plan.rows}
        self.items: list[Fact] = []

    def add(self, rule: str, unit_id: int, key: str, day: dt.date | None, reason: str) -> None:
        t = self.tasks.get(key)
        self.items.append(
            Fact(rule, unit_id, t.number if t else None, key, t.area if t else None, day, reason)
        )


def facts(session: Session, document_id: int, on: dt.date, settings: Settings) -> tuple[list[Fact], set[int]]:
    """What happened, rule by rule, and the units leading a task of the plan."""
    plan = PlanStatuses(session, document_id, settings)
    closed: dict[str, tuple[UnitRequest, RequestDecision]] = {}
    for r, d in queries.unit_requests(session, document_id, kind="办结"):
        if d is not None and d.accepted:
            closed.setdefault(r.task_key, (r, d))
    out = _Facts(plan)
    leads = {a.lead_unit_id for key, a in plan.assigned.items() if key in out.tasks}
    _report_facts(session, plan, on, settings, closed, out)
    _task_facts(plan, on, closed, out)
    _notice_facts(session, document_id, on, out)
    for key, (r, d) in closed.items():
        day = d.created_at.date()
        out.add("closed_accepted", r.unit_id, key, day, f"办结销号申请于 {day.isoformat()} 获督查室同意")
    return out.items, leads


def _report_facts(
    session: Session,
    plan: PlanStatuses,
    on: dt.date,
    settings: Settings,
    closed: dict[str, tuple[UnitRequest, RequestDecision]],
    out: _Facts,
) -> None:
    first = _first_reports(session, plan.document_id, month_of(on))
    for key, t in out.tasks.items():
        a = plan.assigned.get(key)
        if a is None:
            continue
        lead = a.lead_unit_id
        end = deadline_of(plan.plan_year, t, a)
        shut = closed[key][1].created_at.date() if key in closed else None
        duty = TaskFacts(key, min(dt.date(plan.plan_year, 1, 1), end), end,
                         handed_over=plan.sup.handed_over.get(key), extension=plan.sup.extensions.get(key))  # fmt: skip
        for period in sorted(due_periods(duty, on, settings)):
            by = due_day(period, settings.report_day)
            if shut is not None and by > shut:
                continue
            got = [at.date() for u, at in first.get((key, period), ()) if u is None or u == lead]
            if not got:
                out.add("report_missing", lead, key, by,
                        f"{period} 的进度应于 {by.isoformat()} 前报送，截至 {on.isoformat()} 未报送")  # fmt: skip
            elif min(got) <= by:
                out.add("report_on_time", lead, key, min(got),
                        f"{period} 的进度于 {min(got).isoformat()} 报送（截止 {by.isoformat()}）")  # fmt: skip
            else:
                late = min(got)
                out.add("report_late", lead, key, late,
                        f"{period} 的进度于 {late.isoformat()} 报送，晚于截止日 {by.isoformat()}（迟 {(late - by).days} 天）")  # fmt: skip


def _first_reports(
    session: Session, document_id: int, up_to: str
) -> dict[tuple[str, str], list[tuple[int | None, dt.datetime]]]:
    """Per (task, period): each reporting unit (None: the office) and when it first reported."""
    rows = session.execute(
        select(ProgressReport.task_key, ProgressReport.period, ProgressReport.unit_id, func.min(ProgressReport.created_at))
        .where(ProgressReport.document_id == document_id, ProgressReport.period <= up_to)
        .group_by(ProgressReport.task_key, ProgressReport.period, ProgressReport.unit_id)
    ).all()  # fmt: skip
    out: dict[tuple[str, str], list[tuple[int | None, dt.datetime]]] = {}
    for key, period, unit_id, at in rows:
        out.setdefault((key, period), []).append((unit_id, at))
    return out


def _task_facts(
    plan: PlanStatuses, on: dt.date, closed: dict[str, tuple[UnitRequest, RequestDecision]], out: _Facts
) -> None:
    """按期完成 / 超期完成 / 逾期未完成 from the statuses on `on` (and on past deadlines)."""
    past: dict[dt.date, set[str]] = {}  # done by reports, deadline passed: was it done by then?
    for it in plan.at(on):
        a = plan.assigned.get(it.key)
        if a is None:
            continue
        st, deadline = it.status, it.deadline
        if st.state == "逾期":
            out.add("task_overdue", a.lead_unit_id, it.key, deadline, st.reasons[0])
        elif st.state == "已完成" and it.key in closed:
            day = closed[it.key][1].created_at.date()
            rule = "task_on_time" if day <= deadline else "task_completed_late"
            out.add(
                rule,
                a.lead_unit_id,
                it.key,
                day,
                f"{day.isoformat()} 办结销号，完成时限 {deadline.isoformat()}",
            )
        elif st.state == "已完成" and on <= deadline:
            out.add("task_on_time", a.lead_unit_id, it.key, on,
                    f"截至 {on.isoformat()} 已完成，完成时限 {deadline.isoformat()}（{st.reasons[0]}）")  # fmt: skip
        elif st.state == "已完成":
            past.setdefault(deadline, set()).add(it.key)
    for deadline, keys in sorted(past.items()):
        for it in plan.at(deadline, keys=keys):
            lead = plan.assigned[it.key].lead_unit_id
            if it.status.state == "已完成":
                out.add("task_on_time", lead, it.key, deadline,
                        f"完成时限 {deadline.isoformat()} 时已完成（{it.status.reasons[0]}）")  # fmt: skip
            else:
                out.add("task_completed_late", lead, it.key, on,
                        f"完成时限 {deadline.isoformat()} 时尚未完成，截至 {on.isoformat()} 已完成")  # fmt: skip


def _notice_facts(session: Session, document_id: int, on: dt.date, out: _Facts) -> None:
    """督办 received (by grade) and answers past their deadline."""
    rows = session.scalars(select(Notice).where(Notice.document_id == document_id).order_by(Notice.id)).all()
    history = queries.notice_histories(session, [n.id for n in rows])
    for n in rows:
        events, answers = history[n.id]
        sent = (
            next((e.created_at.date() for e in events if e.action == "发出"), None)
            if n.draft
            else n.created_at.date()
        )
        if sent is None:
            continue  # a rule's draft the office has not approved
        if n.kind == "督办" and n.grade in NOTICE_GRADES:
            out.add(f"{SUPERVISED}{n.grade}", n.unit_id, n.task_key, sent,
                    f"{sent.isoformat()} 收到{n.grade}督办：{_short(n.text)}")  # fmt: skip
        if n.kind not in ANSWERED_KINDS or n.answer_by is None:
            continue
        by = n.answer_by
        if answers:
            first = answers[0].created_at.date()
            if first > by:
                out.add("answer_late", n.unit_id, n.task_key, first,
                        f"{n.kind}件（{sent.isoformat()}）应于 {by.isoformat()} 前答复，{first.isoformat()} 才答复（迟 {(first - by).days} 天）")  # fmt: skip
        elif on > by and notice_state(n, events, answers) in ANSWERABLE:
            out.add("answer_late", n.unit_id, n.task_key, by,
                    f"{n.kind}件（{sent.isoformat()}）应于 {by.isoformat()} 前答复，截至 {on.isoformat()} 未答复")  # fmt: skip


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
