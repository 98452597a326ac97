"""What the pages show of 交办, 签收 and requests: a plan's requests with their decisions (the
office's list, with filters), its handed-over tasks with their 签收, and a task page's panel with
what the person looking may do. Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Attachment, Handover, HandoverSign, RequestDecision, TaskRow
from bihuan.track.board import require_task_access
from bihuan.track.directory import directory
from bihuan.track.errors import TrackError
from bihuan.track.handover import SuperviseSettings
from bihuan.track.supervise import KIND_ZH, KINDS, STATES, current_deadline
from bihuan.track.users import Person


# ---------------------------------------------------------------- lists
@dataclass(frozen=True, slots=True)
class RequestLine:
    id: int
    document_id: int
    task_number: int | None  # None: the task is not in the plan's newest revision
    task_text: str
    kind: str
    unit: str
    reason: str
    proposed_unit: str | None
    new_deadline: dt.date | None
    attachments: tuple[Attachment, ...]
    created_at: dt.datetime
    created_by: str
    state: str  # 待审核 | 已同意 | 已退回
    decision: RequestDecision | None
    new_lead: str | None

    @property
    def kind_zh(self) -> str:
        return KIND_ZH[self.kind]


def request_lines(
    session: Session,
    document_id: int,
    *,
    key: str | None = None,
    kind: str | None = None,
    unit_id: int | None = None,
    state: str | None = None,
) -> list[RequestLine]:
    """A plan's requests with their decisions (oldest first), filtered by task, kind, unit, state."""
    if kind is not None and kind not in KINDS:
        raise TrackError(f"申请类型须为 {'、'.join(KINDS)} 之一", f"kind must be one of {KINDS}")
    if state is not None and state not in STATES:
        raise TrackError(f"状态须为 {'、'.join(STATES)} 之一", f"state must be one of {STATES}")
    rows = [(r, d) for r, d in queries.unit_requests(session, document_id, key, kind)
            if unit_id is None or r.unit_id == unit_id]  # fmt: skip
    names = {u.id: u.name for u in queries.units(session)}
    tasks = _tasks(session, document_id, key)
    ids = [i for r, _ in rows for i in r.attachment_ids or []]
    files = (
        {a.id: a for a in session.scalars(select(Attachment).where(Attachment.id.in_(ids)))} if ids else {}
    )
    out = []
    for r, d in rows:
        st = "待审核" if d is None else ("已同意" if d.accepted else "已退回")
        if state is not None and st != state:
            continue
        t = tasks.get(r.task_key)
        out.append(RequestLine(
            r.id, r.document_id, t.number if t else None, t.text if t else "（该任务已不在最新版本中）",
            r.kind, names.get(r.unit_id, "?"), r.reason,
            names.get(r.proposed_unit_id) if r.proposed_unit_id else None, r.new_deadline,
            tuple(files[i] for i in r.attachment_ids or [] if i in files), r.created_at, r.created_by,
            st, d, names.get(d.new_lead_unit_id) if d and d.new_lead_unit_id else None,
        ))  # fmt: skip
    return out


def _tasks(session: Session, document_id: int, key: str | None) -> dict[str, TaskRow]:
    """The plan's newest revision's tasks by key (only the one task when `key` is given)."""
    rev = queries.latest_revision(session, document_id)
    if rev is None:
        return {}
    if key is None:
        return {t.key: t for t in queries.tasks(session, rev.id)}
    t = session.scalar(select(TaskRow).where(TaskRow.revision_id == rev.id, TaskRow.key == key))
    return {} if t is None else {key: t}


@dataclass(frozen=True, slots=True)
class SignLine:
    task_number: int
    task_text: str
    unit: str
    handed_on: dt.date
    sign_by: dt.date
    signed: HandoverSign | None

    def overdue(self, on: dt.date) -> bool:
        return self.signed is None and on > self.sign_by


def sign_lines(session: Session, document_id: int, unit_id: int | None = None) -> list[SignLine]:
    """Every handed-over task of the plan's newest revision, with its 签收 if any, by 序号."""
    rev = queries.latest_revision(session, document_id)
    if rev is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    handed = queries.current_handovers(session, document_id)
    signs = queries.signed_handovers(session, [h.id for h in handed.values()])
    names = {u.id: u.name for u in queries.units(session)}
    return [
        SignLine(t.number, t.text, names.get(h.unit_id, "?"), h.handed_on, h.sign_by, signs.get(h.id))
        for t in queries.tasks(session, rev.id)
        if (h := handed.get(t.key)) is not None and (unit_id is None or h.unit_id == unit_id)
    ]


# ---------------------------------------------------------------- the task page's panel
@dataclass(frozen=True, slots=True)
class TaskSupervision:
    """What the task page shows of 交办, 签收 and requests, and what this person may do."""

    handover: Handover | None
    handover_unit: str | None
    signed: HandoverSign | None
    sign_overdue: bool
    requests: tuple[RequestLine, ...]
    open_kinds: frozenset[str]
    closed: bool
    deadline: dt.date | None
    can_sign: bool
    can_request: bool
    can_decide: bool
    units: tuple[str, ...]  # unit names: a proposed or a new lead unit (lead unit, office)
    max_files: int
    max_mb: float


def task_panel(
    session: Session,
    document_id: int,
    ref: str,
    person: Person,
    on: dt.date,
    settings: SuperviseSettings | None = None,
) -> TaskSupervision:
    settings = settings or SuperviseSettings.load()
    task = require_task_access(session, document_id, ref, person)
    a = queries.current_assignments(session, document_id, task.key).get(task.key)
    h = queries.current_handovers(session, document_id, task.key).get(task.key)
    signed = queries.signed_handovers(session, [h.id]).get(h.id) if h else None
    lines = request_lines(session, document_id, key=task.key)
    closed = any(x.kind == "办结" and x.state == "已同意" for x in lines)
    is_lead = person.role == "unit" and a is not None and a.lead_unit_id == person.unit_id
    names = {u.id: u.name for u in queries.units(session)}
    return TaskSupervision(
        h, names.get(h.unit_id) if h else None, signed, bool(h and signed is None and on > h.sign_by),
        tuple(reversed(lines)), frozenset(x.kind for x in lines if x.state == "待审核"), closed,
        current_deadline(session, document_id, task, a),
        bool(h and signed is None and person.role == "unit" and h.unit_id == person.unit_id),
        is_lead and not closed, person.role == "admin",
        tuple(u.name for u in directory(session)) if person.role == "admin" or is_lead else (),
        settings.attachment_max_files, settings.attachment_max_mb,
    )  # fmt: skip
