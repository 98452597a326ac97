"""The derived state of a 督办件 (notice), from its rows: nothing is stored as a state.

待发出 (a rule's draft the office has not approved) → 待签收 → 已签收 → 已答复 → 已办结, or
已退回 (the office returned the answer; the unit answers again, which makes it 已答复 again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from bihuan.ledger.models import Notice, NoticeAnswer, NoticeEvent

NoticeState = Literal["待发出", "待签收", "已签收", "已答复", "已退回", "已办结"]
NOTICE_STATES: tuple[NoticeState, ...] = ("待发出", "待签收", "已签收", "已答复", "已退回", "已办结")
NOTICE_KINDS = ("提醒", "催办", "督办")
NOTICE_GRADES = ("一般", "重点", "挂牌")
GRADE_COLOUR = {"一般": "blue", "重点": "yellow", "挂牌": "red"}
# waiting for the addressed unit: it may answer (from 待签收 the answer signs for it too)
ANSWERABLE: tuple[NoticeState, ...] = ("待签收", "已签收", "已退回")


def notice_state(
    notice: Notice, events: Sequence[NoticeEvent], answers: Sequence[NoticeAnswer]
) -> NoticeState:
    """The state after every event and answer, taken in time order."""
    steps: list[tuple[dt.datetime, int, str]] = [(e.created_at, e.id, e.action) for e in events]
    steps += [(a.created_at, a.id, "答复") for a in answers]
    steps.sort()
    state: NoticeState = "待发出" if notice.draft else "待签收"
    for _, _, action in steps:
        if action == "发出" and state == "待发出":
            state = "待签收"
        elif action == "签收" and state == "待签收":
            state = "已签收"
        elif action == "答复" and state in ANSWERABLE:
            state = "已答复"
        elif action == "退回" and state == "已答复":
            state = "已退回"
        elif action == "办结" and state != "待发出":
            state = "已办结"
    return state


def notice_overdue(notice: Notice, state: NoticeState, on: dt.date) -> bool:
    """Past its answer deadline and still waiting for the unit's answer."""
    return notice.answer_by is not None and on > notice.answer_by and state in ANSWERABLE
