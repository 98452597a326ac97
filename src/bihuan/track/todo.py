"""待办: what each person has to do now, with counts, and the leader's view.

A unit: tasks handed over to it and not yet signed for (签收), notices to sign and to answer,
answers the office returned, reports due and not sent, and recent reminders. The office:
answers waiting for review, rule drafts waiting approval, requests waiting a decision, tasks
unsigned past their 签收 deadline. A leader: the tasks they are responsible for (责任领导) with
their lights, and the notices copied to them.

Every list is built from a fixed number of queries, whatever the number of tasks; `counts` is
the nav badge's number (the web caches it by the ledger's stamp).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import (
    Assignment,
    Document,
    Handover,
    HandoverSign,
    Notice,
    NoticeAnswer,
    NoticeEvent,
    ProgressReport,
    Reminder,
    RequestDecision,
    Revision,
    TaskRow,
    Unit,
    UnitRequest,
)
from bihuan.track.lifecycle import ANSWERABLE, NoticeState, notice_state
from bihuan.track.notice_views import NoticeView, views
from bihuan.track.status import Settings, TaskFacts, TaskStatus, deadline_of, due_periods, statuses
from bihuan.track.users import Person


@dataclass(frozen=True, slots=True)
class TaskItem:
    document_id: int
    number: int
    text: str
    plan: str


@dataclass(frozen=True, slots=True)
class ToSign:
    task: TaskItem
    handed_on: dt.date
    sign_by: dt.date
    late: bool  # past sign_by


@dataclass(frozen=True, slots=True)
class ReportDue:
    task: TaskItem
    periods: tuple[str, ...]  # unreported periods, oldest first
    due: dt.date  # the newest period's deadline
    late: bool


@dataclass(frozen=True, slots=True)
class PendingRequest:
    id: int
    kind: str
    unit: str
    reason: str
    task: TaskItem | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Todo:
    role: str
    to_sign: tuple[ToSign, ...] = ()
    notices_to_sign: tuple[NoticeView, ...] = ()
    notices_to_answer: tuple[NoticeView, ...] = ()
    returned: tuple[NoticeView, ...] = ()
    reports_due: tuple[ReportDue, ...] = ()
    to_review: tuple[NoticeView, ...] = ()  # the office: answers to accept or return
    drafts: tuple[NoticeView, ...] = ()  # the office: rule drafts to approve
    requests: tuple[PendingRequest, ...] = ()  # the office: 调整 / 延期 / 办结 awaiting a decision
    unsigned_late: tuple[ToSign, ...] = ()  # the office: 交办 not signed for by sign_by
    copies: tuple[NoticeView, ...] = ()  # a leader: open notices copied to them
    reminders: tuple[Reminder, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """What the badge shows: things to act on (reminders are information, not counted)."""
        return sum(v for k, v in self.counts.items() if k != "reminders")


REMINDER_DAYS = 14  # reminders of the last two weeks are listed
REMINDER_LIMIT = 30


def todo(session: Session, person: Person, on: dt.date, settings: Settings) -> Todo:
    """What `person` has to do on `on`, with counts."""
    if person.role == "unit" and person.unit_id is not None:
        t = _unit(session, person.unit_id, on, settings)
    elif person.role == "admin":
        t = _office(session, on)
    else:
        t = _leader(session, person, on)
    got = tuple(_reminders(session, person, on))
    return replace(t, reminders=got, counts={**t.counts, "reminders": len(got)})


OFFICE_ACTS: tuple[NoticeState, ...] = ("已答复", "待发出")


def todo_counts(session: Session, person: Person, on: dt.date, settings: Settings | None = None) -> int:
    """The nav badge: `todo(...).total` without building the lists (notice states from plain
    columns, the office's requests and late handovers counted in SQL)."""
    if person.role == "unit" and person.unit_id is not None:
        to_sign, due = _unit_tasks(session, person.unit_id, on, settings or Settings())
        states = _states(session, Notice.unit_id == person.unit_id)
        return len(to_sign) + len(due) + sum(st in ANSWERABLE for st in states)
    if person.role == "admin":
        pending = session.scalar(
            select(func.count())
            .select_from(UnitRequest)
            .outerjoin(RequestDecision, RequestDecision.request_id == UnitRequest.id)
            .where(RequestDecision.id.is_(None))
        )
        late = session.scalar(select(func.count()).select_from(Handover).where(*_late_handovers(on)))
        return sum(st in OFFICE_ACTS for st in _states(session)) + (pending or 0) + (late or 0)
    return sum(st != "待发出" for st in _states(session, Notice.copy_leader == person.name))


def _states(session: Session, *scope: ColumnElement[bool]) -> list[NoticeState]:
    """The state of each open notice in `scope`, read from plain columns (three queries)."""
    closed = select(NoticeEvent.notice_id).where(NoticeEvent.action == "办结")
    open_ids = select(Notice.id).where(*scope, Notice.id.not_in(closed))
    notes = session.execute(select(Notice.id, Notice.draft).where(Notice.id.in_(open_ids))).all()
    events: dict[int, list[Any]] = {n.id: [] for n in notes}
    answers: dict[int, list[Any]] = {n.id: [] for n in notes}
    for e in session.execute(
        select(NoticeEvent.notice_id, NoticeEvent.id, NoticeEvent.action, NoticeEvent.created_at).where(
            NoticeEvent.notice_id.in_(open_ids)
        )
    ):
        events[e.notice_id].append(e)
    for a in session.execute(
        select(NoticeAnswer.notice_id, NoticeAnswer.id, NoticeAnswer.created_at).where(
            NoticeAnswer.notice_id.in_(open_ids)
        )
    ):
        answers[a.notice_id].append(a)
    return [notice_state(cast(Notice, n), events[n.id], answers[n.id]) for n in notes]


def _late_handovers(on: dt.date) -> tuple[ColumnElement[bool], ...]:
    """Current handovers nobody signed for by their sign_by date."""
    newest = select(func.max(Handover.id)).group_by(Handover.document_id, Handover.task_key)
    signed = select(HandoverSign.handover_id)
    return (Handover.id.in_(newest.scalar_subquery()), Handover.id.not_in(signed), Handover.sign_by < on)


# ---------------------------------------------------------------- a unit
def _open_notices(session: Session, *scope: ColumnElement[bool]) -> list[Notice]:
    """Notices in `scope` without a 办结 event."""
    closed = select(NoticeEvent.notice_id).where(NoticeEvent.action == "办结")
    return list(session.scalars(select(Notice).where(*scope, Notice.id.not_in(closed)).order_by(Notice.id)))


def _tasks(session: Session, pairs: set[tuple[int, str]]) -> dict[tuple[int, str], tuple[TaskRow, Document]]:
    """The newest revision's row of each (document, task key), with its document."""
    if not pairs:
        return {}
    docs = {d for d, _ in pairs}
    newest = (
        select(func.max(Revision.id)).where(Revision.document_id.in_(docs)).group_by(Revision.document_id)
    )
    rows = session.execute(
        select(TaskRow, Document)
        .join(Revision, Revision.id == TaskRow.revision_id)
        .join(Document, Document.id == Revision.document_id)
        .where(TaskRow.revision_id.in_(newest.scalar_subquery()), TaskRow.key.in_({k for _, k in pairs}))
    ).all()
    return {(d.id, t.key): (t, d) for t, d in rows if (d.id, t.key) in pairs}


def _item(t: TaskRow, d: Document) -> TaskItem:
    return TaskItem(d.id, t.number, t.text, f"{d.region}{d.plan_year}年")


def _found(tasks: dict[tuple[int, str], tuple[TaskRow, Document]], doc: int, key: str) -> TaskItem | None:
    got = tasks.get((doc, key))
    return _item(*got) if got else None


def _gone(doc: int) -> TaskItem:
    return TaskItem(doc, 0, "（该任务已不在计划的最新版本中）", "")


def _unit_tasks(
    session: Session, unit_id: int, on: dt.date, s: Settings
) -> tuple[tuple[ToSign, ...], tuple[ReportDue, ...]]:
    """The unit's handed-over tasks still to sign for, and those with reports due."""
    newest = select(func.max(Handover.id)).group_by(Handover.document_id, Handover.task_key)
    first = (
        select(Handover.document_id, Handover.task_key, func.min(Handover.handed_on).label("first"))
        .group_by(Handover.document_id, Handover.task_key)
        .subquery()
    )
    rows = session.execute(
        select(Handover, HandoverSign.id, first.c.first)
        .outerjoin(HandoverSign, HandoverSign.handover_id == Handover.id)
        .join(first, (first.c.document_id == Handover.document_id) & (first.c.task_key == Handover.task_key))
        .where(Handover.id.in_(newest.scalar_subquery()), Handover.unit_id == unit_id)
    ).all()
    handed: list[tuple[Handover, int | None, dt.date]] = [(h, signed, day) for h, signed, day in rows]
    pairs = {(h.document_id, h.task_key) for h, _, _ in handed}
    tasks = _tasks(session, pairs)
    to_sign = tuple(
        ToSign(_item(*tasks[(h.document_id, h.task_key)]), h.handed_on, h.sign_by, on > h.sign_by)
        for h, signed, _ in handed
        if signed is None and (h.document_id, h.task_key) in tasks
    )
    to_sign = tuple(sorted(to_sign, key=lambda x: (x.sign_by, x.task.number)))
    return to_sign, _reports_due(session, unit_id, handed, tasks, on, s)


def _unit(session: Session, unit_id: int, on: dt.date, s: Settings) -> Todo:
    to_sign, due = _unit_tasks(session, unit_id, on, s)
    notes = views(session, _open_notices(session, Notice.unit_id == unit_id), on)
    by_state: dict[str, list[NoticeView]] = {}
    for v in notes:
        by_state.setdefault(v.state, []).append(v)
    t = Todo(
        "unit",
        to_sign=to_sign,
        notices_to_sign=tuple(by_state.get("待签收", ())),
        notices_to_answer=tuple(by_state.get("已签收", ())),
        returned=tuple(by_state.get("已退回", ())),
        reports_due=due,
    )
    counts = {
        "to_sign": len(t.to_sign),
        "notices_to_sign": len(t.notices_to_sign),
        "notices_to_answer": len(t.notices_to_answer),
        "returned": len(t.returned),
        "reports_due": len(t.reports_due),
    }
    return replace(t, counts=counts)


def _reports_due(
    session: Session,
    unit_id: int,
    handed: list[tuple[Handover, int | None, dt.date]],
    tasks: dict[tuple[int, str], tuple[TaskRow, Document]],
    on: dt.date,
    s: Settings,
) -> tuple[ReportDue, ...]:
    """Per task the unit leads, the periods due by this month's report day that have no report
    from the lead (the newest ones in a row, as the status counts them)."""
    if not handed:
        return ()
    docs = {h.document_id for h, _, _ in handed}
    keys = {h.task_key for h, _, _ in handed}
    newest_a = (
        select(func.max(Assignment.id))
        .where(Assignment.document_id.in_(docs), Assignment.task_key.in_(keys))
        .group_by(Assignment.document_id, Assignment.task_key)
    )
    assigned = {
        (a.document_id, a.task_key): a
        for a in session.scalars(select(Assignment).where(Assignment.id.in_(newest_a.scalar_subquery())))
    }
    extended: dict[tuple[int, str], dt.date] = {}
    closed: set[tuple[int, str]] = set()
    for r in session.scalars(
        select(UnitRequest)
        .join(RequestDecision, RequestDecision.request_id == UnitRequest.id)
        .where(UnitRequest.document_id.in_(docs), UnitRequest.task_key.in_(keys), RequestDecision.accepted)
        .order_by(UnitRequest.id)
    ):
        if r.kind == "延期" and r.new_deadline is not None:
            extended[(r.document_id, r.task_key)] = r.new_deadline
        elif r.kind == "办结":
            closed.add((r.document_id, r.task_key))
    reported: dict[tuple[int, str], set[str]] = {}
    for doc, key, period in session.execute(
        select(ProgressReport.document_id, ProgressReport.task_key, ProgressReport.period)
        .where(
            ProgressReport.document_id.in_(docs),
            ProgressReport.task_key.in_(keys),
            or_(ProgressReport.unit_id == unit_id, ProgressReport.unit_id.is_(None)),
        )
        .distinct()
    ):
        reported.setdefault((doc, key), set()).add(period)
    report_by = dt.date(on.year, on.month, s.report_day)
    out = []
    for h, _, first in handed:
        pair = (h.document_id, h.task_key)
        if pair not in tasks or pair in closed:
            continue
        t, d = tasks[pair]
        end = deadline_of(d.plan_year, t, assigned.get(pair), extended.get(pair))
        facts = TaskFacts(key=t.key, start=min(first, end), end=end, handed_over=first)
        missing = []
        for p in due_periods(facts, report_by + dt.timedelta(days=1), s):
            if p in reported.get(pair, set()):
                break
            missing.append(p)
        if missing:
            newest = missing[0]
            y, m = int(newest[:4]), int(newest[5:7])
            deadline = dt.date(y + (m == 12), m % 12 + 1, s.report_day)
            out.append(ReportDue(_item(t, d), tuple(reversed(missing)), deadline, on > deadline))
    out.sort(key=lambda r: (not r.late, r.task.document_id, r.task.number))
    return tuple(out)


# ---------------------------------------------------------------- the office
def _office(session: Session, on: dt.date) -> Todo:
    notes = views(session, _open_notices(session), on)
    review = tuple(v for v in notes if v.state == "已答复")
    drafts = tuple(v for v in notes if v.state == "待发出")
    pending = session.execute(
        select(UnitRequest, Unit.name)
        .join(Unit, Unit.id == UnitRequest.unit_id)
        .outerjoin(RequestDecision, RequestDecision.request_id == UnitRequest.id)
        .where(RequestDecision.id.is_(None))
        .order_by(UnitRequest.id)
    ).all()
    late = session.scalars(select(Handover).where(*_late_handovers(on)).order_by(Handover.id)).all()
    pairs = {(r.document_id, r.task_key) for r, _ in pending} | {(h.document_id, h.task_key) for h in late}
    tasks = _tasks(session, pairs)
    requests = tuple(
        PendingRequest(r.id, r.kind, unit, r.reason, _found(tasks, r.document_id, r.task_key), r.created_at)
        for r, unit in pending
    )
    unsigned = tuple(
        ToSign(_found(tasks, h.document_id, h.task_key) or _gone(h.document_id), h.handed_on, h.sign_by, True)
        for h in late
    )
    counts = {"to_review": len(review), "drafts": len(drafts), "requests": len(requests),
              "unsigned_late": len(unsigned)}  # fmt: skip
    return Todo(
        "admin", to_review=review, drafts=drafts, requests=requests, unsigned_late=unsigned, counts=counts
    )


# ---------------------------------------------------------------- a leader
def _leader(session: Session, person: Person, on: dt.date) -> Todo:
    notes = views(session, _open_notices(session, Notice.copy_leader == person.name), on)
    copies = tuple(v for v in notes if v.state != "待发出")
    return Todo("leader", copies=copies, counts={"copies": len(copies)})


@dataclass(frozen=True, slots=True)
class LeaderView:
    document_id: int
    plan: str
    tasks: tuple[TaskStatus, ...]
    lights: dict[str, int]
    copies: tuple[NoticeView, ...]


def leader_view(
    session: Session,
    person: Person,
    document_id: int,
    on: dt.date,
    settings: Settings,
    name: str | None = None,
) -> LeaderView:
    """The tasks whose 责任领导 is this leader (the office may look at any leader's by `name`),
    with their lights, and every notice copied to the leader."""
    who = name if name is not None and person.role == "admin" else person.name
    doc = queries.document(session, document_id)
    mine = [it for it in statuses(session, document_id, on, settings) if it.leader == who]
    mine.sort(key=lambda it: ({"red": 0, "yellow": 1, "green": 2}[it.status.light], it.number))
    lights = {"red": 0, "yellow": 0, "green": 0}
    for it in mine:
        lights[it.status.light] += 1
    notes = session.scalars(select(Notice).where(Notice.copy_leader == who).order_by(Notice.id.desc())).all()
    copies = tuple(v for v in views(session, notes, on) if v.state != "待发出")
    plan = f"{doc.region}{doc.plan_year}年" if doc else "?"
    return LeaderView(document_id, plan, tuple(mine), lights, copies)


# ---------------------------------------------------------------- reminders
def _reminders(session: Session, person: Person, on: dt.date) -> list[Reminder]:
    if person.role == "unit":
        scope = or_(Reminder.unit_id == person.unit_id, Reminder.user_id == person.id)
    elif person.role == "leader":
        scope = or_(Reminder.leader == person.name, Reminder.user_id == person.id)
    else:
        scope = or_(
            Reminder.user_id == person.id,
            (Reminder.unit_id.is_(None)) & (Reminder.leader.is_(None)) & (Reminder.user_id.is_(None)),
        )
    since = on - dt.timedelta(days=REMINDER_DAYS)
    return list(
        session.scalars(
            select(Reminder)
            .where(scope, Reminder.day >= since, Reminder.day <= on)
            .order_by(Reminder.id.desc())
            .limit(REMINDER_LIMIT)
        )
    )
