"""Reading 督办件: each notice with its derived state, overdue flag, names, task and history;
who may see it and what they may do to it now; the filtered lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Document, Notice, NoticeAnswer, NoticeEvent, Revision, TaskRow
from bihuan.track.errors import Forbidden, TrackError
from bihuan.track.lifecycle import ANSWERABLE, GRADE_COLOUR, NoticeState, notice_overdue, notice_state
from bihuan.track.users import Person


@dataclass(frozen=True, slots=True)
class Step:
    """One line of a notice's history."""

    when: dt.datetime
    action: str  # 发送 | 草拟 | 发出 | 签收 | 答复 | 退回 | 办结
    who: str
    text: str | None
    attachment_id: int | None = None  # a file sent with the notice or the answer


@dataclass(frozen=True, slots=True)
class NoticeView:
    notice: Notice
    state: NoticeState
    overdue: bool
    unit: str  # the addressed unit
    copies: tuple[str, ...]  # cooperating units copied
    plan: str  # 示例县2023年
    task_number: int | None  # None: the task is not in the plan's newest text any more
    task_text: str
    history: tuple[Step, ...]

    @property
    def colour(self) -> str:
        return GRADE_COLOUR.get(self.notice.grade or "一般", "blue")

    @property
    def answerable(self) -> bool:
        """Waiting for the addressed unit's answer."""
        return self.state in ANSWERABLE

    @property
    def last_answer(self) -> Step | None:
        return next((s for s in reversed(self.history) if s.action == "答复"), None)

    @property
    def return_reason(self) -> str | None:
        return next((s.text for s in reversed(self.history) if s.action == "退回"), None)


def history(n: Notice, events: Sequence[NoticeEvent], answers: Sequence[NoticeAnswer]) -> tuple[Step, ...]:
    first = Step(n.created_at, "草拟" if n.draft else "发送", n.created_by, n.text, n.attachment_id)
    steps = [Step(e.created_at, e.action, e.created_by, e.text) for e in events]
    steps += [Step(a.created_at, "答复", a.created_by, a.text, a.attachment_id) for a in answers]
    steps.sort(key=lambda s: s.when)
    return (first, *steps)


def views(session: Session, notices: Sequence[Notice], on: dt.date) -> list[NoticeView]:
    """Each notice with its state, history, names and task: five queries for any number."""
    if not notices:
        return []
    hist = queries.notice_histories(session, [n.id for n in notices])
    unit_names = {u.id: u.name for u in queries.units(session)}
    docs = {n.document_id for n in notices}
    plans = {
        d.id: f"{d.region}{d.plan_year}年"
        for d in session.scalars(select(Document).where(Document.id.in_(docs)))
    }
    newest = (
        select(func.max(Revision.id)).where(Revision.document_id.in_(docs)).group_by(Revision.document_id)
    )
    keys = {n.task_key for n in notices}
    tasks: dict[tuple[int, str], TaskRow] = {}
    for row, doc in session.execute(
        select(TaskRow, Revision.document_id)
        .join(Revision, Revision.id == TaskRow.revision_id)
        .where(TaskRow.revision_id.in_(newest.scalar_subquery()), TaskRow.key.in_(keys))
    ):
        tasks[(doc, row.key)] = row
    out = []
    for n in notices:
        events, answers = hist[n.id]
        state = notice_state(n, events, answers)
        t = tasks.get((n.document_id, n.task_key))
        out.append(
            NoticeView(
                n,
                state,
                notice_overdue(n, state, on),
                unit_names.get(n.unit_id, "?"),
                tuple(unit_names.get(u, "?") for u in n.copy_unit_ids),
                plans.get(n.document_id, "?"),
                t.number if t else None,
                t.text if t else "（该任务已不在计划的最新版本中）",
                history(n, events, answers),
            )
        )
    return out


def can_see(person: Person, n: Notice) -> bool:
    """The office and leaders see every notice; a unit those addressed or copied to it, once sent."""
    if person.role != "unit":
        return True
    return person.unit_id == n.unit_id or person.unit_id in (n.copy_unit_ids or [])


def notice_view(session: Session, notice_id: int, person: Person, on: dt.date) -> NoticeView:
    n = session.get(Notice, notice_id)
    if n is None:
        raise TrackError("没有这条通知", "no such notice")
    if not can_see(person, n):
        raise Forbidden("这条通知不是发给你的单位的", "this notice is not your unit's")
    v = views(session, [n], on)[0]
    if person.role == "unit" and v.state == "待发出":
        raise Forbidden("这条通知尚未发出", "this notice has not been sent")
    return v


def allowed_actions(v: NoticeView, person: Person) -> tuple[str, ...]:
    """What this person may do to the notice now: sign, answer, return, close, approve."""
    if person.role == "unit" and person.unit_id == v.notice.unit_id:
        return (("sign",) if v.state == "待签收" else ()) + (("answer",) if v.state in ANSWERABLE else ())
    if person.role == "admin":
        return {"已答复": ("return", "close"), "待发出": ("approve",)}.get(v.state, ())
    return ()


@dataclass(frozen=True, slots=True)
class Filters:
    state: str | None = None
    grade: str | None = None
    unit_id: int | None = None
    overdue: bool | None = None
    document_id: int | None = None
    kind: str | None = None


LIST_LIMIT = 500


def listing(
    session: Session, person: Person, on: dt.date, f: Filters, limit: int = LIST_LIMIT
) -> list[NoticeView]:
    """Notices newest first: the office all; a unit those to it and copied to it; a leader the
    copies to them. Filtered by state, grade, unit, overdue, plan and kind."""
    q = select(Notice).order_by(Notice.id.desc())
    if f.grade:
        q = q.where(Notice.grade == f.grade)
    if f.kind:
        q = q.where(Notice.kind == f.kind)
    if f.unit_id is not None:
        q = q.where(Notice.unit_id == f.unit_id)
    if f.document_id is not None:
        q = q.where(Notice.document_id == f.document_id)
    if person.role == "leader":
        q = q.where(Notice.copy_leader == person.name)
    rows: Sequence[Notice] = session.scalars(q).all()
    if person.role == "unit":
        rows = [n for n in rows if can_see(person, n)]
    out = [
        v
        for v in views(session, rows, on)
        if (f.state is None or v.state == f.state)
        and (f.overdue is None or v.overdue == f.overdue)
        and not (person.role == "unit" and v.state == "待发出")
    ]
    return out[:limit]


office_notices = listing  # the office's list is the same call with an office person


def task_notices(
    session: Session, document_id: int, key: str, on: dt.date, person: Person
) -> tuple[NoticeView, ...]:
    """A task's notices, oldest first, as this person may see them (a unit: none unsent)."""
    rows = session.scalars(
        select(Notice).where(Notice.document_id == document_id, Notice.task_key == key).order_by(Notice.id)
    ).all()
    return tuple(v for v in views(session, rows, on) if not (person.role == "unit" and v.state == "待发出"))
