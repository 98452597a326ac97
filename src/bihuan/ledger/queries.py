"""Read queries. Each takes a Session and never commits; the current state of anything that is
kept as versions (assignments, unit profiles, progress) is its newest row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from bihuan.ledger.models import (
    Assignment,
    CurrentPlan,
    Document,
    Handover,
    HandoverSign,
    IndicatorRow,
    Notice,
    NoticeAnswer,
    NoticeEvent,
    ProgressReport,
    Publication,
    RequestDecision,
    Revision,
    TaskRow,
    Unit,
    UnitContact,
    UnitProfile,
    UnitRequest,
)


def documents(session: Session) -> Sequence[Document]:
    return session.scalars(select(Document).order_by(Document.plan_year.desc(), Document.region)).all()


def document(session: Session, document_id: int) -> Document | None:
    return session.get(Document, document_id)


def latest_revision(session: Session, document_id: int) -> Revision | None:
    return session.scalar(
        select(Revision).where(Revision.document_id == document_id).order_by(Revision.number.desc()).limit(1)
    )


def revisions(session: Session, document_id: int) -> Sequence[Revision]:
    return session.scalars(
        select(Revision).where(Revision.document_id == document_id).order_by(Revision.number)
    ).all()


def tasks(session: Session, revision_id: int) -> Sequence[TaskRow]:
    return session.scalars(
        select(TaskRow).where(TaskRow.revision_id == revision_id).order_by(TaskRow.number)
    ).all()


def task_by_number(session: Session, revision_id: int, number: int) -> TaskRow | None:
    return session.scalar(select(TaskRow).where(TaskRow.revision_id == revision_id, TaskRow.number == number))


def tasks_by_key_prefix(session: Session, revision_id: int, prefix: str) -> Sequence[TaskRow]:
    return session.scalars(
        select(TaskRow).where(TaskRow.revision_id == revision_id, TaskRow.key.startswith(prefix)).limit(2)
    ).all()


def indicators_by_iid(session: Session, revision_id: int, iids: Sequence[str]) -> Sequence[IndicatorRow]:
    return session.scalars(
        select(IndicatorRow).where(IndicatorRow.revision_id == revision_id, IndicatorRow.iid.in_(list(iids)))
    ).all()


def indicators(session: Session, revision_id: int) -> Sequence[IndicatorRow]:
    return session.scalars(
        select(IndicatorRow).where(IndicatorRow.revision_id == revision_id).order_by(IndicatorRow.id)
    ).all()


def count_rows(session: Session, revision_id: int) -> tuple[int, int]:
    """(tasks, indicators) of a revision."""
    t = session.scalar(select(func.count()).select_from(TaskRow).where(TaskRow.revision_id == revision_id))
    i = session.scalar(
        select(func.count()).select_from(IndicatorRow).where(IndicatorRow.revision_id == revision_id)
    )
    return t or 0, i or 0


def units(session: Session) -> Sequence[Unit]:
    return session.scalars(select(Unit).order_by(Unit.id)).all()


def unit_profiles(session: Session) -> dict[int, UnitProfile]:
    """The newest profile of every unit."""
    newest = select(func.max(UnitProfile.id)).group_by(UnitProfile.unit_id).scalar_subquery()
    rows = session.scalars(select(UnitProfile).where(UnitProfile.id.in_(newest))).all()
    return {p.unit_id: p for p in rows}


def current_assignments(session: Session, document_id: int, key: str | None = None) -> dict[str, Assignment]:
    """The newest assignment of every task of a document (or of one task `key`), by task key."""
    scope = [Assignment.document_id == document_id]
    if key is not None:
        scope.append(Assignment.task_key == key)
    newest = select(func.max(Assignment.id)).where(*scope).group_by(Assignment.task_key).scalar_subquery()
    rows = session.scalars(select(Assignment).where(Assignment.id.in_(newest))).all()
    return {a.task_key: a for a in rows}


def assignment_history(session: Session, document_id: int, key: str) -> Sequence[Assignment]:
    return session.scalars(
        select(Assignment)
        .where(Assignment.document_id == document_id, Assignment.task_key == key)
        .order_by(Assignment.id)
    ).all()


def _counted(document_id: int, up_to_period: str, key: str | None, lead_only: bool) -> Select[int, str, str]:
    """(id, task_key, period) of the reports that count for their task: with `lead_only`, its
    current lead unit's and those with no unit (the office's, the command line's); a cooperating
    unit's report never counts. A task with no assignment keeps every report."""
    scope = [ProgressReport.document_id == document_id, ProgressReport.period <= up_to_period]
    if key is not None:
        scope.append(ProgressReport.task_key == key)
    q = select(ProgressReport.id, ProgressReport.task_key, ProgressReport.period).where(*scope)
    if not lead_only:
        return q
    # the task's current lead unit: its newest assignment, found by index for each report
    lead = (
        select(Assignment.lead_unit_id)
        .where(Assignment.document_id == document_id, Assignment.task_key == ProgressReport.task_key)
        .order_by(Assignment.id.desc())
        .limit(1)
        .correlate(ProgressReport)
        .scalar_subquery()
    )
    return q.where(or_(ProgressReport.unit_id.is_(None), ProgressReport.unit_id == lead, lead.is_(None)))


def latest_reports(
    session: Session, document_id: int, up_to_period: str, key: str | None = None, *, lead_only: bool = True
) -> dict[str, ProgressReport]:
    """Per task (or for one task `key`), the newest version of its latest period's report,
    periods up to `up_to_period`. Only the lead unit's reports (and the office's) count, unless
    `lead_only` is false."""
    counted = _counted(document_id, up_to_period, key, lead_only).subquery()
    ranked = select(
        counted.c.id,
        func.row_number()
        .over(partition_by=counted.c.task_key, order_by=(counted.c.period.desc(), counted.c.id.desc()))
        .label("rank"),
    ).subquery()
    rows = session.scalars(
        select(ProgressReport).join(ranked, ranked.c.id == ProgressReport.id).where(ranked.c.rank == 1)
    ).all()
    return {r.task_key: r for r in rows}


def reported_periods(
    session: Session, document_id: int, up_to_period: str, key: str | None = None, *, lead_only: bool = True
) -> dict[str, set[str]]:
    """Per task (or for one task `key`), the periods it has a report for: the lead unit's (and
    the office's) reports only, unless `lead_only` is false."""
    counted = _counted(document_id, up_to_period, key, lead_only).subquery()
    rows = session.execute(select(counted.c.task_key, counted.c.period).distinct()).all()
    out: dict[str, set[str]] = {}
    for task_key, period in rows:
        out.setdefault(task_key, set()).add(period)
    return out


def reported_by(session: Session, document_id: int, period: str, unit_id: int) -> set[str]:
    """The tasks one unit sent a report on for `period` (its own part, lead or cooperating)."""
    rows = session.scalars(
        select(ProgressReport.task_key)
        .where(
            ProgressReport.document_id == document_id,
            ProgressReport.period == period,
            ProgressReport.unit_id == unit_id,
        )
        .distinct()
    )
    return set(rows)


def task_reports(session: Session, document_id: int, key: str) -> Sequence[ProgressReport]:
    """Every report on a task, every period and every version, oldest first."""
    return session.scalars(
        select(ProgressReport)
        .where(ProgressReport.document_id == document_id, ProgressReport.task_key == key)
        .order_by(ProgressReport.id)
    ).all()


def report_versions(session: Session, document_id: int, key: str, period: str) -> Sequence[ProgressReport]:
    return session.scalars(
        select(ProgressReport)
        .where(
            ProgressReport.document_id == document_id,
            ProgressReport.task_key == key,
            ProgressReport.period == period,
        )
        .order_by(ProgressReport.id)
    ).all()


def stamp(session: Session) -> tuple[int | None, ...]:
    """Changes whenever anything a status depends on is added: the newest row of each table
    (rows are only ever added, so the newest ids tell whether anything changed). One query."""
    models = (
        Revision,
        Assignment,
        ProgressReport,
        Notice,
        NoticeAnswer,
        Publication,
        UnitProfile,
        Handover,
        HandoverSign,
        UnitRequest,
        RequestDecision,
        NoticeEvent,
        CurrentPlan,
    )
    row = session.execute(select(*(select(func.max(m.id)).scalar_subquery() for m in models))).one()
    return tuple(row)


# --- supervision -------------------------------------------------------------------------------


def current_plan_id(session: Session) -> int | None:
    """The plan the office made current, if it chose one (see track for the fallback)."""
    return session.scalar(select(CurrentPlan.document_id).order_by(CurrentPlan.id.desc()).limit(1))


def current_handovers(session: Session, document_id: int, key: str | None = None) -> dict[str, Handover]:
    """The newest handover (交办) of every task of a document (or of one task `key`)."""
    scope = [Handover.document_id == document_id]
    if key is not None:
        scope.append(Handover.task_key == key)
    newest = select(func.max(Handover.id)).where(*scope).group_by(Handover.task_key).scalar_subquery()
    rows = session.scalars(select(Handover).where(Handover.id.in_(newest))).all()
    return {h.task_key: h for h in rows}


def handover_dates(session: Session, document_id: int, key: str | None = None) -> dict[str, dt.date]:
    """The first 交办 date of every handed-over task: reporting duty starts on it."""
    scope = [Handover.document_id == document_id]
    if key is not None:
        scope.append(Handover.task_key == key)
    rows = session.execute(
        select(Handover.task_key, func.min(Handover.handed_on)).where(*scope).group_by(Handover.task_key)
    ).all()
    return {k: d for k, d in rows}


def signed_handovers(session: Session, handover_ids: Sequence[int]) -> dict[int, HandoverSign]:
    """The 签收 of each of these handovers that has one."""
    if not handover_ids:
        return {}
    rows = session.scalars(select(HandoverSign).where(HandoverSign.handover_id.in_(list(handover_ids))))
    return {s.handover_id: s for s in rows}


def unit_requests(
    session: Session, document_id: int, key: str | None = None, kind: str | None = None
) -> list[tuple[UnitRequest, RequestDecision | None]]:
    """Requests (调整 / 延期 / 办结) on a document's tasks with their decision, oldest first."""
    scope = [UnitRequest.document_id == document_id]
    if key is not None:
        scope.append(UnitRequest.task_key == key)
    if kind is not None:
        scope.append(UnitRequest.kind == kind)
    rows = session.execute(
        select(UnitRequest, RequestDecision)
        .outerjoin(RequestDecision, RequestDecision.request_id == UnitRequest.id)
        .where(*scope)
        .order_by(UnitRequest.id)
    ).all()
    return [(r, d) for r, d in rows]


def approved_deadlines(session: Session, document_id: int, key: str | None = None) -> dict[str, dt.date]:
    """Per task, the deadline of its newest accepted 延期 request."""
    out: dict[str, dt.date] = {}
    for r, d in unit_requests(session, document_id, key, "延期"):
        if d is not None and d.accepted and r.new_deadline is not None:
            out[r.task_key] = r.new_deadline
    return out


def closed_tasks(session: Session, document_id: int, key: str | None = None) -> dict[str, RequestDecision]:
    """Tasks whose 办结 request the office accepted (办结销号), with the decision."""
    out: dict[str, RequestDecision] = {}
    for r, d in unit_requests(session, document_id, key, "办结"):
        if d is not None and d.accepted:
            out.setdefault(r.task_key, d)
    return out


def notice_histories(
    session: Session, notice_ids: Sequence[int]
) -> dict[int, tuple[list[NoticeEvent], list[NoticeAnswer]]]:
    """Each notice's events and answers, oldest first (two queries)."""
    out: dict[int, tuple[list[NoticeEvent], list[NoticeAnswer]]] = {n: ([], []) for n in notice_ids}
    if not notice_ids:
        return out
    ids = list(notice_ids)
    for e in session.scalars(
        select(NoticeEvent).where(NoticeEvent.notice_id.in_(ids)).order_by(NoticeEvent.id)
    ):
        out[e.notice_id][0].append(e)
    for a in session.scalars(
        select(NoticeAnswer).where(NoticeAnswer.notice_id.in_(ids)).order_by(NoticeAnswer.id)
    ):
        out[a.notice_id][1].append(a)
    return out


def unit_contacts(session: Session) -> dict[int, UnitContact]:
    """The newest contact row of every unit that has one."""
    newest = select(func.max(UnitContact.id)).group_by(UnitContact.unit_id).scalar_subquery()
    rows = session.scalars(select(UnitContact).where(UnitContact.id.in_(newest))).all()
    return {c.unit_id: c for c in rows}
