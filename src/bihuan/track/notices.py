"""督办件 (notices) as first-class items: the office sends a 提醒 / 催办 / 督办 with a grade and an
answer deadline to a task's lead unit (copies to the cooperating units and the 责任领导); the
unit signs (签收) and answers (答复); the office returns an answer (退回, with a reason) or closes
the notice (办结); a rule's draft waits for the office to approve it (发出).

Nothing is stored as a state: every step is a new NoticeEvent or NoticeAnswer row with who and
when, and the state is derived by `lifecycle.notice_state`. Each write checks the state inside
its own transaction, with the notice's row locked (PostgreSQL), so two people acting at once
cannot both move the same notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import (
    Attachment,
    Notice,
    NoticeAnswer,
    NoticeEvent,
)
from bihuan.track.attachments import Upload, add_rows, check_uploads, store_for, take_back, write_files
from bihuan.track.errors import Forbidden, TrackError
from bihuan.track.handover import SuperviseSettings
from bihuan.track.lifecycle import (
    ANSWERABLE,
    NOTICE_GRADES,
    NOTICE_KINDS,
    NoticeState,
    notice_state,
)
from bihuan.track.notice_views import (  # the reads, re-exported: callers use notices.*
    LIST_LIMIT,
    Filters,
    NoticeView,
    Step,
    allowed_actions,
    can_see,
    history,
    listing,
    notice_view,
    office_notices,
    task_notices,
    views,
)
from bihuan.track.plans import find_task
from bihuan.track.tx import transaction
from bihuan.track.users import Person

__all__ = [
    "LIST_LIMIT", "Filters", "NoticeView", "Step", "allowed_actions", "answer", "approve_draft", "can_see",
    "close", "history", "listing", "notice_view", "office_notices", "return_answer", "send", "sign",
    "task_notices", "views",
]  # fmt: skip
MAX_TEXT = 2000


def _text(text: str, what_zh: str, what_en: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise TrackError(
            f"{what_zh}不能为空，且不超过 {MAX_TEXT} 字", f"the {what_en} must be 1-{MAX_TEXT} characters"
        )
    return text


def _office(person: Person, what_zh: str, what_en: str) -> None:
    if person.role != "admin":
        raise Forbidden(f"只有督查室可以{what_zh}", f"only the office {what_en}")


# ---------------------------------------------------------------- writes
def send(
    session: Session,
    document_id: int,
    ref: str,
    kind: str,
    grade: str,
    text: str,
    answer_by: dt.date | None,
    person: Person,
    attachment_id: int | None = None,
    *,
    today: dt.date | None = None,
    files: Sequence[Upload] = (),
    settings: SuperviseSettings | None = None,
) -> Notice:
    """The office sends a notice about task `ref` to its current lead unit, copied to the
    cooperating units and the task's 责任领导; with at most one attached file (`files`)."""
    _office(person, "发提醒、催办、督办", "sends notices")
    if kind not in NOTICE_KINDS:
        raise TrackError(f"类型须为 {'、'.join(NOTICE_KINDS)} 之一", f"kind must be one of {NOTICE_KINDS}")
    if grade not in NOTICE_GRADES:
        raise TrackError(f"等级须为 {'、'.join(NOTICE_GRADES)} 之一", f"grade must be one of {NOTICE_GRADES}")
    text = _text(text, "通知内容", "notice")
    today = today or dt.date.today()
    if answer_by is None:
        raise TrackError("请填写答复期限", "the answer deadline is required")
    if answer_by < today:
        raise TrackError(
            f"答复期限 {answer_by.isoformat()} 已过，须不早于今天 {today.isoformat()}",
            "the answer deadline is in the past",
        )
    task = find_task(session, document_id, ref)
    if task is None:
        raise TrackError(f"任务“{ref}”不存在", f"unknown task {ref!r}")
    a = queries.current_assignments(session, document_id, task.key).get(task.key)
    if a is None:
        raise TrackError("任务尚未分配牵头单位，不能发通知", "the task has no lead unit yet")
    if attachment_id is not None and session.get(Attachment, attachment_id) is None:
        raise TrackError("附件不存在", "no such attachment")
    with _attached(session, files, settings, person) as attached:
        n = Notice(
            document_id=document_id,
            task_key=task.key,
            unit_id=a.lead_unit_id,
            kind=kind,
            grade=grade,
            text=text,
            answer_by=answer_by,
            copy_unit_ids=[u for u in a.cooperating_unit_ids if u != a.lead_unit_id],
            copy_leader=a.leader or None,
            attachment_id=attached() or attachment_id,
            created_by=person.name,
        )
        session.add(n)
        session.flush()
    return n


@contextmanager
def _attached(
    session: Session, files: Sequence[Upload], settings: SuperviseSettings | None, person: Person
) -> Iterator[Callable[[], int | None]]:
    """One write transaction with the attached file (if any): checked before anything is
    written, stored content-addressed, its row added inside the transaction, and the file taken
    back if the transaction fails. Yields a function that adds the row and returns its id."""
    if len(files) > 1:
        raise TrackError("只能附一个文件", "attach one file at most")
    checked = check_uploads(files, settings or SuperviseSettings.load()) if files else []
    store = store_for(session) if checked else None
    written = write_files(store, checked) if store is not None else []

    def attach() -> int | None:
        return add_rows(session, checked, person.name)[0].id if checked else None

    try:
        with transaction(session):
            yield attach
    except BaseException:
        if store is not None:
            take_back(session, store, written)
        raise


def _locked(session: Session, notice_id: int) -> tuple[Notice, NoticeState]:
    """The notice, locked for this transaction, and its state."""
    n = session.scalar(select(Notice).where(Notice.id == notice_id).with_for_update())
    if n is None:
        raise TrackError("没有这条通知", "no such notice")
    events, answers = queries.notice_histories(session, [n.id])[n.id]
    return n, notice_state(n, events, answers)


def _refuse(action_zh: str, state: NoticeState, action_en: str) -> TrackError:
    return TrackError(f"这条通知{state}，不能{action_zh}", f"cannot {action_en} a notice that is {state}")


def _check_addressee(n: Notice, person: Person, action_zh: str, action_en: str) -> None:
    if person.role != "unit" or person.unit_id != n.unit_id:
        raise Forbidden(f"只有被通知的单位可以{action_zh}", f"only the notified unit {action_en}")


def sign(session: Session, notice_id: int, person: Person) -> NoticeEvent:
    """签收, by the addressed unit, while 待签收."""
    with transaction(session):
        n, state = _locked(session, notice_id)
        _check_addressee(n, person, "签收", "signs")
        if state != "待签收":
            raise _refuse("签收", state, "sign")
        e = NoticeEvent(notice_id=n.id, action="签收", created_by=person.name)
        session.add(e)
        session.flush()
    return e


def answer(
    session: Session,
    notice_id: int,
    text: str,
    person: Person,
    attachment_id: int | None = None,
    *,
    files: Sequence[Upload] = (),
    settings: SuperviseSettings | None = None,
) -> NoticeAnswer:
    """答复, by the addressed unit only (the office cannot answer in its name): while 待签收 (the
    answer signs for it too), 已签收 or 已退回."""
    text = _text(text, "答复", "answer")
    with _attached(session, files, settings, person) as attached:
        n, state = _locked(session, notice_id)
        _check_addressee(n, person, "答复", "answers")
        if state not in ANSWERABLE:
            raise _refuse("答复", state, "answer")
        if attachment_id is not None and session.get(Attachment, attachment_id) is None:
            raise TrackError("附件不存在", "no such attachment")
        ans = NoticeAnswer(
            notice_id=n.id, text=text, attachment_id=attached() or attachment_id, created_by=person.name
        )
        session.add(ans)
        session.flush()
    return ans


def return_answer(session: Session, notice_id: int, reason: str, person: Person) -> NoticeEvent:
    """退回: the office finds the answer insufficient; the unit answers again."""
    _office(person, "退回答复", "returns answers")
    reason = _text(reason, "退回理由", "reason")
    return _office_step(session, notice_id, "退回", reason, person, ("已答复",), "退回", "return")


def close(session: Session, notice_id: int, person: Person, text: str | None = None) -> NoticeEvent:
    """办结: the office accepts the answer."""
    _office(person, "办结", "closes notices")
    said = text.strip()[:MAX_TEXT] if text else None
    return _office_step(session, notice_id, "办结", said or None, person, ("已答复",), "办结", "close")


def approve_draft(session: Session, notice_id: int, person: Person) -> NoticeEvent:
    """发出: the office approves a rule's draft; from then on it is an ordinary notice."""
    _office(person, "审批发出", "approves drafts")
    return _office_step(session, notice_id, "发出", None, person, ("待发出",), "审批发出", "approve")


def _office_step(
    session: Session,
    notice_id: int,
    action: str,
    text: str | None,
    person: Person,
    allowed: tuple[NoticeState, ...],
    action_zh: str,
    action_en: str,
) -> NoticeEvent:
    with transaction(session):
        n, state = _locked(session, notice_id)
        if state not in allowed:
            raise _refuse(action_zh, state, action_en)
        e = NoticeEvent(notice_id=n.id, action=action, text=text, created_by=person.name)
        session.add(e)
        session.flush()
    return e
