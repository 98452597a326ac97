"""签收, and a lead unit's requests with the office's decisions: 申请调整 (another lead unit),
延期申请 (a new deadline) and 办结销号 (close the task, with evidence).

Only the unit a task is handed to signs for it, once. Only the lead unit asks; only the office
(督查室) decides, once, with a reason when it refuses. One request of each kind is open on a task
at a time. Accepting a 调整 writes the new assignment (everything else kept, milestones too) and
hands the task to the new lead unit, in the decision's own transaction. Nothing is updated: each
step is a new row with who and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.blobs import BlobStore
from bihuan.ledger.models import (
    Assignment,
    Document,
    Handover,
    HandoverSign,
    RequestDecision,
    TaskRow,
    UnitRequest,
)
from bihuan.track import assign
from bihuan.track.attachments import Upload, add_rows, check_uploads, store_for, take_back, write_files
from bihuan.track.board import require_task_access
from bihuan.track.directory import directory, find_unit
from bihuan.track.errors import Forbidden, TrackError
from bihuan.track.handover import SuperviseSettings, add_working_days
from bihuan.track.tx import transaction
from bihuan.track.users import Person

KINDS = ("调整", "延期", "办结")
KIND_ZH = {"调整": "申请调整", "延期": "延期申请", "办结": "办结销号申请"}
STATES = ("待审核", "已同意", "已退回")
MAX_REASON = 2000


# ---------------------------------------------------------------- 签收
def sign(session: Session, document_id: int, ref: str, person: Person) -> HandoverSign:
    """The unit the task is handed to signs for it (once)."""
    task = require_task_access(session, document_id, ref, person)
    h = queries.current_handovers(session, document_id, task.key).get(task.key)
    if person.role != "unit":
        raise Forbidden("只有承办单位可以签收，督查室和领导不能代签", "only the unit signs")
    if h is None:
        raise TrackError(f"任务 {task.number} 尚未交办，不能签收", f"task {task.number} was not handed over")
    if h.unit_id != person.unit_id:
        raise Forbidden("只有牵头单位可以签收这项任务", "only the lead unit signs for this task")
    done = queries.signed_handovers(session, [h.id]).get(h.id)
    if done is not None:
        raise TrackError(_signed_already(done), "already signed")
    try:
        with transaction(session):
            row = HandoverSign(handover_id=h.id, created_by=person.name)
            session.add(row)
            session.flush()
    except IntegrityError as e:  # signed at the same moment by another session
        raise TrackError("这项任务已签收", "already signed") from e
    return row


def _signed_already(s: HandoverSign) -> str:
    return f"这项任务已由 {s.created_by} 于 {s.created_at:%Y-%m-%d %H:%M} 签收"


# ---------------------------------------------------------------- requests
def _lead_task(session: Session, document_id: int, ref: str, person: Person) -> tuple[TaskRow, Assignment]:
    """The task, if the person is its lead unit's user; otherwise refused."""
    task = require_task_access(session, document_id, ref, person)
    a = queries.current_assignments(session, document_id, task.key).get(task.key)
    if person.role != "unit" or a is None or a.lead_unit_id != person.unit_id:
        raise Forbidden("只有牵头单位可以提出申请", "only the lead unit makes requests")
    if queries.closed_tasks(session, document_id, task.key):
        raise TrackError(f"任务 {task.number} 已办结销号", f"task {task.number} is closed")
    return task, a


def _reason(text: str | None, required: bool = True) -> str | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise TrackError("请写明理由", "a reason is required")
        return None
    if len(text) > MAX_REASON:
        raise TrackError(f"理由不超过 {MAX_REASON} 字", f"the reason must be at most {MAX_REASON} characters")
    return text


def _lock(session: Session, document_id: int) -> None:
    """Writers on one plan's requests take turns (PostgreSQL: a row lock; SQLite's write
    transaction already excludes every other writer)."""
    session.execute(select(Document.id).where(Document.id == document_id).with_for_update())


def _open_request(session: Session, document_id: int, key: str, kind: str) -> UnitRequest | None:
    for r, d in queries.unit_requests(session, document_id, key, kind):
        if d is None:
            return r
    return None


def _refuse_if_open(session: Session, document_id: int, task: TaskRow, kind: str) -> None:
    r = _open_request(session, document_id, task.key, kind)
    if r is not None:
        raise TrackError(
            f"任务 {task.number} 已有一份待审核的{KIND_ZH[kind]}（{r.created_at:%Y-%m-%d}），请等督查室答复",
            f"task {task.number} already has an open {kind} request",
        )


def _add_request(session: Session, document_id: int, task: TaskRow, row: UnitRequest) -> UnitRequest:
    """Store the request if no other of its kind is open (checked again under the lock)."""
    _lock(session, document_id)
    _refuse_if_open(session, document_id, task, row.kind)
    session.add(row)
    session.flush()
    return row


def request_change(
    session: Session,
    document_id: int,
    ref: str,
    person: Person,
    reason: str,
    proposed_unit: str | None = None,
) -> UnitRequest:
    """申请调整: the lead unit asks the office to give the task to another lead unit."""
    task, a = _lead_task(session, document_id, ref, person)
    text = _reason(reason)
    proposed = None
    if proposed_unit and proposed_unit.strip():
        proposed = find_unit(directory(session), proposed_unit)
        if proposed.id == a.lead_unit_id:
            raise TrackError("建议的牵头单位就是本单位", "the proposed unit is the current lead")
    _refuse_if_open(session, document_id, task, "调整")
    with transaction(session):
        return _add_request(session, document_id, task, UnitRequest(
            document_id=document_id, task_key=task.key, unit_id=a.lead_unit_id, kind="调整",
            reason=text, proposed_unit_id=proposed.id if proposed else None, created_by=person.name,
        ))  # fmt: skip


def current_deadline(
    session: Session, document_id: int, task: TaskRow, a: Assignment | None
) -> dt.date | None:
    """The deadline in force: the newest approved extension, else the assignment's, else the text's."""
    approved = queries.approved_deadlines(session, document_id, task.key).get(task.key)
    return approved or (a.deadline if a else None) or task.deadline


def request_extension(
    session: Session,
    document_id: int,
    ref: str,
    person: Person,
    new_deadline: dt.date,
    reason: str,
    on: dt.date,
) -> UnitRequest:
    """延期申请: the lead unit asks for a later deadline."""
    task, a = _lead_task(session, document_id, ref, person)
    text = _reason(reason)
    now = current_deadline(session, document_id, task, a)
    if new_deadline < on:
        raise TrackError(
            f"新的完成时限 {new_deadline} 已经过去（今天是 {on}）", "the new deadline is in the past"
        )
    if now is not None and new_deadline <= now:
        raise TrackError(
            f"新的完成时限须晚于现在的 {now.isoformat()}", f"the new deadline must be after {now.isoformat()}"
        )
    _refuse_if_open(session, document_id, task, "延期")
    with transaction(session):
        return _add_request(session, document_id, task, UnitRequest(
            document_id=document_id, task_key=task.key, unit_id=a.lead_unit_id, kind="延期",
            reason=text, new_deadline=new_deadline, created_by=person.name,
        ))  # fmt: skip


def request_close(
    session: Session,
    document_id: int,
    ref: str,
    person: Person,
    reason: str,
    files: Sequence[Upload],
    settings: SuperviseSettings | None = None,
    store: BlobStore | None = None,
) -> UnitRequest:
    """办结销号: the lead unit asks to close the task, with evidence files (at least one). Every
    file is checked before any is stored; if the request is refused nothing stays behind."""
    settings = settings or SuperviseSettings.load()
    task, a = _lead_task(session, document_id, ref, person)
    text = _reason(reason)
    if not files:
        raise TrackError("办结销号须附上佐证材料（至少一个文件）", "attach at least one evidence file")
    checked = check_uploads(files, settings)
    _refuse_if_open(session, document_id, task, "办结")
    store = store or store_for(session)
    written = write_files(store, checked)
    try:
        with transaction(session):
            rows = add_rows(session, checked, person.name)
            return _add_request(session, document_id, task, UnitRequest(
                document_id=document_id, task_key=task.key, unit_id=a.lead_unit_id, kind="办结",
                reason=text, attachment_ids=[r.id for r in rows], created_by=person.name,
            ))  # fmt: skip
    except BaseException:
        take_back(session, store, written)
        raise


# ---------------------------------------------------------------- decisions
def decide(
    session: Session,
    request_id: int,
    person: Person,
    accept: bool,
    reason: str | None,
    on: dt.date,
    new_lead_unit: str | None = None,
    settings: SuperviseSettings | None = None,
) -> RequestDecision:
    """The office accepts or refuses a request, once. Refusing needs a reason. Accepting a 调整
    gives the task to `new_lead_unit` (default: the unit the request proposed), keeping the rest
    of its assignment, and hands it over to that unit, all in this one transaction."""
    if person.role != "admin":
        raise Forbidden("只有督查室可以审核申请", "only the office decides requests")
    r = session.get(UnitRequest, request_id)
    if r is None:
        raise TrackError("没有这份申请", "no such request")
    text = _reason(reason, required=not accept)
    if _decision(session, r.id) is not None:
        raise TrackError("这份申请已审核过", "this request was decided already")
    new_lead = None
    current = queries.current_assignments(session, r.document_id, r.task_key).get(r.task_key)
    if accept and r.kind == "调整":
        units = directory(session)
        if new_lead_unit and new_lead_unit.strip():
            new_lead = find_unit(units, new_lead_unit)
        elif r.proposed_unit_id is not None:
            new_lead = next(u for u in units if u.id == r.proposed_unit_id)
        else:
            raise TrackError("同意调整时请指定新的牵头单位", "name the new lead unit")
        if current is None or current.lead_unit_id != r.unit_id:
            raise TrackError("这项任务的牵头单位已经变了，申请不再适用", "the lead unit changed meanwhile")
        if new_lead.id == current.lead_unit_id:
            raise TrackError("新的牵头单位与原来的相同", "the new lead unit is the current one")
    settings = settings or SuperviseSettings.load()
    try:
        with transaction(session):
            _lock(session, r.document_id)
            if _decision(session, r.id) is not None:
                raise TrackError("这份申请已审核过", "this request was decided already")
            row = RequestDecision(
                request_id=r.id, accepted=accept, reason=text,
                new_lead_unit_id=new_lead.id if new_lead else None, created_by=person.name,
            )  # fmt: skip
            session.add(row)
            if new_lead is not None and current is not None:
                _reassign(session, r, current, new_lead.id, text, on, settings, person.name)
            session.flush()
    except IntegrityError as e:
        raise TrackError("这份申请已审核过", "this request was decided already") from e
    return row


def _decision(session: Session, request_id: int) -> RequestDecision | None:
    return session.scalar(select(RequestDecision).where(RequestDecision.request_id == request_id))


def _reassign(
    session: Session,
    r: UnitRequest,
    current: Assignment,
    new_lead_id: int,
    reason: str | None,
    on: dt.date,
    settings: SuperviseSettings,
    user: str,
) -> None:
    """The new assignment (same cooperating units, leader, deadline, milestones) and its 交办."""
    by_id = {u.id: u for u in directory(session)}
    assign.record(
        session,
        document_id=r.document_id,
        task_key=r.task_key,
        lead=by_id[new_lead_id],
        cooperating=[by_id[i] for i in current.cooperating_unit_ids if i in by_id],
        leader=current.leader,
        deadline=current.deadline,
        milestones=list(current.milestones),
        origin="set",
        reason=f"同意{by_id[r.unit_id].name if r.unit_id in by_id else ''}的调整申请"
        + (f"：{reason}" if reason else ""),
        user=user,
    )
    session.add(
        Handover(
            document_id=r.document_id,
            task_key=r.task_key,
            unit_id=new_lead_id,
            handed_on=on,
            sign_by=add_working_days(on, settings.sign_working_days),
            created_by=user,
        )
    )
