"""Notices for the demo ledger: one in every state, written through the same steps a person takes,
so that `bihuan demo` shows each list, form and badge. Called once the demo plan is handed over."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Notice, NoticeAnswer, NoticeEvent, ProgressReport, User
from bihuan.track import notices
from bihuan.track.errors import TrackError
from bihuan.track.lifecycle import NoticeState
from bihuan.track.tx import transaction
from bihuan.track.users import Person

# state → (kind, grade, text, days to answer, steps); a negative day count is already overdue
PLAN: tuple[tuple[NoticeState, str, str, str, int, tuple[str, ...]], ...] = (
    ("待签收", "督办", "重点", "项目开工率低于序时进度，请说明原因和下步措施", 5, ()),
    ("已签收", "催办", "一般", "6月进度尚未报送，请尽快报送", 3, ("sign",)),
    ("已答复", "督办", "挂牌", "群众反映问题较多，请专题研究并书面答复", 7, ("sign", "answer")),
    ("已退回", "督办", "重点", "资金拨付进度滞后，请说明", 4, ("sign", "answer", "return")),
    ("已办结", "提醒", "一般", "请注意节点：6月底前完成主体工程", 2, ("answer", "close")),
    ("待签收", "催办", "重点", "已逾期未答复的催办（演示）", -3, ()),
)


def seed(session: Session, document_id: int, on: dt.date, office: str = "督查室") -> dict[str, list[int]]:
    """Notices on different tasks of the plan, each brought to its state; returns their ids by
    state. A 待发出 draft is added as a reminder rule would write it."""
    admin = Person(0, office, "admin", None, None)
    current = queries.current_assignments(session, document_id)
    rev = queries.latest_revision(session, document_id)
    if rev is None or not current:
        raise TrackError("演示计划尚未分工，无法生成督办件", "the demo plan has no assignments")
    tasks = [t for t in queries.tasks(session, rev.id) if t.key in current]
    users = {u.unit_id: u.name for u in session.scalars(select(User).where(User.role == "unit"))}
    tasks.sort(key=lambda t: (current[t.key].lead_unit_id not in users, t.number))
    out: dict[str, list[int]] = {}
    for (state, kind, grade, text, days, steps), t in zip(PLAN, tasks, strict=False):
        unit_id = current[t.key].lead_unit_id
        unit = Person(0, users.get(unit_id, "演示单位"), "unit", unit_id, None)
        sent_on = on if days >= 0 else on + dt.timedelta(days=days - 7)
        n = notices.send(session, document_id, str(t.number), kind, grade, text,
                         sent_on + dt.timedelta(days=abs(days) if days >= 0 else 7), admin, today=sent_on)  # fmt: skip
        for step in steps:
            if step == "sign":
                notices.sign(session, n.id, unit)
            elif step == "answer":
                notices.answer(session, n.id, "已专题研究，正在落实，详见附件说明", unit)
            elif step == "return":
                notices.return_answer(session, n.id, "答复未说明完成时间，请补充", admin)
            else:
                notices.close(session, n.id, admin, "答复属实，同意办结")
        _date_notice(session, n.id, sent_on, on)
        out.setdefault(state, []).append(n.id)
    t = tasks[len(PLAN) % len(tasks)]
    a = current[t.key]
    with transaction(session):
        draft = Notice(
            document_id=document_id, task_key=t.key, unit_id=a.lead_unit_id, kind="督办", grade="重点",
            text="连续三期红灯，建议督办（规则生成，待督查室审批）", answer_by=on + dt.timedelta(days=7),
            copy_unit_ids=list(a.cooperating_unit_ids), copy_leader=a.leader, draft=True, rule="red_streak",
            created_by="提醒规则", created_at=dt.datetime.combine(on, dt.time(8, 0)),
        )  # fmt: skip
        session.add(draft)
        session.flush()
    out["待发出"] = [draft.id]
    return out


def date_progress(session: Session, document_id: int, today: dt.date) -> None:
    """The demo's progress reports as if sent in their time: by the 3rd of the next month, a
    seventh of the tasks' on the 12th (late), so the assessment and the status page show both;
    never after `today`."""
    rows = list(session.scalars(select(ProgressReport).where(ProgressReport.document_id == document_id)))
    with transaction(session):
        for r in rows:
            year, month = (int(x) for x in r.period.split("-"))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            late = sum(map(ord, r.task_key)) % 7 == 0  # a stable seventh of the tasks
            day = min(dt.date(year, month, 12 if late else 3), today)
            r.created_at = dt.datetime.combine(day, dt.time(9, 30))


def _date_notice(session: Session, notice_id: int, sent_on: dt.date, on: dt.date) -> None:
    """A demo notice as if sent on its day at 9:00, what followed it the next day (or later the
    same day when that is the demo's day), in the order it happened."""
    n = session.get(Notice, notice_id)
    assert n is not None
    after = min(sent_on + dt.timedelta(days=1), on)
    later = [
        *session.scalars(select(NoticeEvent).where(NoticeEvent.notice_id == notice_id)),
        *session.scalars(select(NoticeAnswer).where(NoticeAnswer.notice_id == notice_id)),
    ]
    with transaction(session):
        n.created_at = dt.datetime.combine(sent_on, dt.time(9, 0))
        for k, row in enumerate(sorted(later, key=lambda r: (r.created_at, r.id))):
            row.created_at = dt.datetime.combine(after, dt.time(10, k))
