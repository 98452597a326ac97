"""督办件 as first-class items: who may do what in which state, overdue, copies, the lists, and the
待办 of each role — on the demo ledger (SQLite; the whole flow once more on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bihuan.cli.web_cmds import build_demo
from bihuan.ledger import queries
from bihuan.ledger.db import Ledger, open_ledger
from bihuan.ledger.models import (
    Handover,
    HandoverSign,
    Notice,
    NoticeAnswer,
    NoticeEvent,
    Reminder,
    UnitRequest,
)
from bihuan.track import assign, notices, todo
from bihuan.track.errors import Forbidden, TrackError
from bihuan.track.lifecycle import NOTICE_STATES
from bihuan.track.plans import find_task
from bihuan.track.status import Settings
from bihuan.track.users import Person

TODAY = dt.date(2023, 7, 10)
PID = 1
LEAD, COOP, OTHER = "发展和改革局", "农业农村局", "住房和城乡建设局"
LEADER = "县长"
OFFICE = Person(1, "督查室", "admin", None, None)


# ---------------------------------------------------------------- the ledger
@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notices") / "demo.db"
    build_demo(path, TODAY)
    return path


@pytest.fixture
def ledger(demo_file: Path, tmp_path: Path) -> Iterator[Ledger]:
    dst = tmp_path / "ledger.db"
    shutil.copyfile(demo_file, dst)
    opened = open_ledger(dst)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def s(ledger: Ledger) -> Iterator[Session]:
    with ledger.sessions() as session:
        yield session


def unit_person(s: Session, unit: str, uid: int = 10) -> Person:
    ids = {u.name: u.id for u in queries.units(s)}
    return Person(uid, unit, "unit", ids[unit], unit)


PEOPLE: dict[str, Callable[[Session], Person]] = {
    "addressed": lambda s: unit_person(s, LEAD, 10),
    "copied": lambda s: unit_person(s, COOP, 11),
    "other unit": lambda s: unit_person(s, OTHER, 12),
    "office": lambda s: OFFICE,
    "leader": lambda s: Person(2, LEADER, "leader", None, None),
}


def a_task(s: Session) -> int:
    """A task 发展和改革局 leads, given a cooperating unit and a 责任领导 for these tests."""
    ids = {u.name: u.id for u in queries.units(s)}
    rev = queries.latest_revision(s, PID)
    assert rev is not None
    current = queries.current_assignments(s, PID)
    number = next(t.number for t in queries.tasks(s, rev.id) if current[t.key].lead_unit_id == ids[LEAD])
    assign.set_assignment(s, PID, str(number), lead=LEAD, cooperating=[COOP], leader=LEADER, deadline=None,
                          milestones=None, user="测试")  # fmt: skip
    return number


def send(s: Session, number: int, **kw: Any) -> Notice:
    args: dict[str, Any] = {"kind": "督办", "grade": "重点", "text": "请加快进度", "answer_by": TODAY}
    args.update(kw)
    return notices.send(s, PID, str(number), args["kind"], args["grade"], args["text"], args["answer_by"],
                        kw.get("person", OFFICE), today=TODAY)  # fmt: skip


def state_of(s: Session, notice_id: int) -> str:
    s.expire_all()
    return notices.views(s, [s.get(Notice, notice_id)], TODAY)[0].state  # type: ignore[list-item]


def in_state(s: Session, number: int, state: str) -> Notice:
    """A notice on the task brought to `state` through the domain's own steps."""
    unit = PEOPLE["addressed"](s)
    if state == "待发出":  # a rule's draft, as the reminders write it
        task = find_task(s, PID, str(number))
        assert task is not None
        a = queries.current_assignments(s, PID, task.key)[task.key]
        draft = Notice(document_id=PID, task_key=task.key, unit_id=a.lead_unit_id, kind="督办", grade="重点",
                       text="连续三期红灯", answer_by=TODAY, copy_unit_ids=a.cooperating_unit_ids,
                       copy_leader=a.leader, draft=True, rule="red_streak", created_by="规则")  # fmt: skip
        s.add(draft)
        s.commit()
        return draft
    n = send(s, number)
    steps = {
        "待签收": [],
        "已签收": ["sign"],
        "已答复": ["sign", "answer"],
        "已退回": ["sign", "answer", "return"],
        "已办结": ["sign", "answer", "close"],
    }[state]
    for step in steps:
        if step == "sign":
            notices.sign(s, n.id, unit)
        elif step == "answer":
            notices.answer(s, n.id, "已加快", unit)
        elif step == "return":
            notices.return_answer(s, n.id, "答复不具体", OFFICE)
        else:
            notices.close(s, n.id, OFFICE)
    assert state_of(s, n.id) == state
    return n


# ---------------------------------------------------------------- transitions × who
# Who may take each step, and from which states; every other (step, state, who) is refused:
# Forbidden when the person may never take the step, TrackError when the state does not allow it.
MAY = {
    "sign": {"addressed"},
    "answer": {"addressed"},
    "return": {"office"},
    "close": {"office"},
    "approve": {"office"},
}
FROM = {
    "sign": {"待签收"},
    "answer": {"待签收", "已签收", "已退回"},
    "return": {"已答复"},
    "close": {"已答复"},
    "approve": {"待发出"},
}
AFTER = {"sign": "已签收", "answer": "已答复", "return": "已退回", "close": "已办结", "approve": "待签收"}


def _do(s: Session, step: str, notice_id: int, who: Person) -> None:
    if step == "sign":
        notices.sign(s, notice_id, who)
    elif step == "answer":
        notices.answer(s, notice_id, "答复内容", who)
    elif step == "return":
        notices.return_answer(s, notice_id, "请补充数据", who)
    elif step == "close":
        notices.close(s, notice_id, who)
    else:
        notices.approve_draft(s, notice_id, who)


CASES = [(step, state, who) for step in MAY for state in NOTICE_STATES for who in PEOPLE]


@pytest.mark.parametrize(("step", "state", "who"), CASES, ids=[f"{a}-{b}-{c}" for a, b, c in CASES])
def test_transitions(s: Session, step: str, state: str, who: str) -> None:
    n = in_state(s, a_task(s), state)
    person = PEOPLE[who](s)
    before = (len(s.scalars(select(NoticeEvent)).all()), len(s.scalars(select(NoticeAnswer)).all()))
    if who not in MAY[step]:
        with pytest.raises(Forbidden):
            _do(s, step, n.id, person)
    elif state not in FROM[step]:
        with pytest.raises(TrackError, match=f"这条通知{state}，不能") as e:
            _do(s, step, n.id, person)
        assert not isinstance(e.value, Forbidden)
    else:
        _do(s, step, n.id, person)
        assert state_of(s, n.id) == AFTER[step]
        return
    s.rollback()
    after = (len(s.scalars(select(NoticeEvent)).all()), len(s.scalars(select(NoticeAnswer)).all()))
    assert after == before and state_of(s, n.id) == state


def test_every_step_is_a_row_with_who_and_the_history_tells_it(s: Session) -> None:
    number = a_task(s)
    unit = PEOPLE["addressed"](s)
    n = send(s, number)
    notices.sign(s, n.id, unit)
    notices.answer(s, n.id, "第一次答复", unit)
    notices.return_answer(s, n.id, "缺少数据", OFFICE)
    notices.answer(s, n.id, "补充了数据", unit)
    notices.close(s, n.id, OFFICE, "同意办结")
    v = notices.views(s, [n], TODAY)[0]
    assert [(h.action, h.who, h.text) for h in v.history] == [
        ("发送", "督查室", "请加快进度"),
        ("签收", LEAD, None),
        ("答复", LEAD, "第一次答复"),
        ("退回", "督查室", "缺少数据"),
        ("答复", LEAD, "补充了数据"),
        ("办结", "督查室", "同意办结"),
    ]
    assert v.state == "已办结" and v.return_reason == "缺少数据" and v.last_answer.text == "补充了数据"  # type: ignore[union-attr]


def test_answer_while_unsigned_signs_it_implicitly(s: Session) -> None:
    n = send(s, a_task(s))
    notices.answer(s, n.id, "直接答复", PEOPLE["addressed"](s))
    assert state_of(s, n.id) == "已答复"


# ---------------------------------------------------------------- sending
def test_send_addresses_the_lead_and_copies_cooperating_units_and_the_leader(s: Session) -> None:
    n = send(s, a_task(s), kind="催办", grade="挂牌")
    ids = {u.name: u.id for u in queries.units(s)}
    assert (n.unit_id, n.copy_unit_ids, n.copy_leader) == (ids[LEAD], [ids[COOP]], LEADER)
    assert (n.kind, n.grade, n.answer_by, n.draft) == ("催办", "挂牌", TODAY, False)


@pytest.mark.parametrize(
    ("change", "error", "phrase"),
    [
        ({"kind": "表扬"}, TrackError, "类型须为 提醒、催办、督办 之一"),
        ({"grade": "特急"}, TrackError, "等级须为 一般、重点、挂牌 之一"),
        ({"text": "  "}, TrackError, "通知内容不能为空"),
        ({"text": "长" * 2001}, TrackError, "不超过 2000 字"),
        ({"answer_by": None}, TrackError, "请填写答复期限"),
        ({"answer_by": TODAY - dt.timedelta(days=1)}, TrackError, "答复期限 2023-07-09 已过"),
        ({"person": Person(2, LEADER, "leader", None, None)}, Forbidden, "只有督查室可以发提醒、催办、督办"),
    ],
)
def test_send_refuses(s: Session, change: dict[str, Any], error: type[Exception], phrase: str) -> None:
    number = a_task(s)
    with pytest.raises(error, match=phrase):
        send(s, number, **change)
    assert s.scalars(select(Notice)).all() == []


def test_a_unit_cannot_send(s: Session) -> None:
    with pytest.raises(Forbidden):
        send(s, a_task(s), person=PEOPLE["addressed"](s))


def test_unknown_task_and_notice(s: Session) -> None:
    with pytest.raises(TrackError, match="任务“9999”不存在"):
        notices.send(s, PID, "9999", "督办", "一般", "x", TODAY, OFFICE, today=TODAY)
    with pytest.raises(TrackError, match="没有这条通知"):
        notices.sign(s, 9999, PEOPLE["addressed"](s))


def test_return_needs_a_reason(s: Session) -> None:
    n = in_state(s, a_task(s), "已答复")
    with pytest.raises(TrackError, match="退回理由不能为空"):
        notices.return_answer(s, n.id, " ", OFFICE)


# ---------------------------------------------------------------- overdue
@pytest.mark.parametrize(
    ("state", "on", "overdue"),
    [
        ("待签收", TODAY, False),  # the deadline day itself is still in time
        ("待签收", TODAY + dt.timedelta(days=1), True),
        ("已签收", TODAY + dt.timedelta(days=1), True),
        ("已退回", TODAY + dt.timedelta(days=1), True),
        ("已答复", TODAY + dt.timedelta(days=1), False),  # answered: waiting on the office
        ("已办结", TODAY + dt.timedelta(days=30), False),
    ],
)
def test_overdue(s: Session, state: str, on: dt.date, overdue: bool) -> None:
    n = in_state(s, a_task(s), state)
    assert notices.views(s, [n], on)[0].overdue is overdue


# ---------------------------------------------------------------- who sees what, and the lists
@pytest.mark.parametrize(
    ("who", "sees"),
    [("addressed", True), ("copied", True), ("other unit", False), ("office", True), ("leader", True)],
)
def test_who_sees_a_notice(s: Session, who: str, sees: bool) -> None:
    n = send(s, a_task(s))
    person = PEOPLE[who](s)
    if sees:
        assert notices.notice_view(s, n.id, person, TODAY).notice.id == n.id
    else:
        with pytest.raises(Forbidden):
            notices.notice_view(s, n.id, person, TODAY)
    assert [v.notice.id for v in notices.listing(s, person, TODAY, notices.Filters())] == (
        [n.id] if sees else []
    )


def test_a_draft_is_the_offices_until_approved(s: Session) -> None:
    draft = in_state(s, a_task(s), "待发出")
    unit = PEOPLE["addressed"](s)
    with pytest.raises(Forbidden, match="尚未发出"):
        notices.notice_view(s, draft.id, unit, TODAY)
    assert draft.id not in {v.notice.id for v in notices.listing(s, unit, TODAY, notices.Filters())}
    notices.approve_draft(s, draft.id, OFFICE)
    assert notices.notice_view(s, draft.id, unit, TODAY).state == "待签收"


def test_office_filters(s: Session) -> None:
    number = a_task(s)
    ids = {u.name: u.id for u in queries.units(s)}
    signed = in_state(s, number, "已签收")
    answered = in_state(s, number, "已答复")
    urgent = send(s, number, grade="挂牌", kind="催办", answer_by=TODAY + dt.timedelta(days=5))
    later = TODAY + dt.timedelta(days=1)

    def got(on: dt.date = TODAY, **f: Any) -> list[int]:
        return [v.notice.id for v in notices.office_notices(s, OFFICE, on, notices.Filters(**f))]

    assert got() == [urgent.id, answered.id, signed.id]
    assert got(state="已答复") == [answered.id]
    assert got(grade="挂牌") == [urgent.id]
    assert got(kind="督办") == [answered.id, signed.id]
    assert got(unit_id=ids[LEAD]) == [urgent.id, answered.id, signed.id]
    assert got(unit_id=ids[OTHER]) == []
    assert got(later, overdue=True) == [signed.id]
    assert got(later, overdue=False) == [urgent.id, answered.id]
    assert got(document_id=PID, state="待签收") == [urgent.id]


def test_a_leader_lists_the_copies_to_them(s: Session) -> None:
    n = send(s, a_task(s))
    other = Person(3, "副县长", "leader", None, None)
    assert [v.notice.id for v in notices.listing(s, PEOPLE["leader"](s), TODAY, notices.Filters())] == [n.id]
    assert notices.listing(s, other, TODAY, notices.Filters()) == []


# ---------------------------------------------------------------- 待办
def test_unit_todo(s: Session) -> None:
    number = a_task(s)
    unit = PEOPLE["addressed"](s)
    settings = Settings()
    before = todo.todo(s, unit, TODAY, settings)
    # the demo hands every task over on 2023-01-16 (签收 by 01-19) and nobody signed
    led = {t.task.number for t in before.to_sign}
    assert number in led and all(t.late for t in before.to_sign)
    # tasks numbered 5, 10, … never report in the demo: every period from January is missing
    silent = [r for r in before.reports_due if r.task.number % 5 == 0]
    assert silent and all(r.periods[0] == "2023-01" and r.periods[-1] == "2023-06" for r in silent)
    assert all(r.due == dt.date(2023, 7, 5) and r.late for r in before.reports_due)
    assert {r.task.number for r in before.reports_due} <= led
    assert all(r.task.number % 5 == 0 for r in before.reports_due)

    to_sign = send(s, number)
    to_answer = in_state(s, number, "已签收")
    returned = in_state(s, number, "已退回")
    in_state(s, number, "已答复")  # waiting on the office: nothing for the unit
    in_state(s, number, "已办结")
    in_state(s, number, "待发出")  # not sent yet: the unit does not see it
    h = next(h for h in queries.current_handovers(s, PID).values() if h.unit_id == unit.unit_id)
    s.add(HandoverSign(handover_id=h.id, created_by=LEAD))
    s.add(Reminder(dedupe="t1", rule="report_soon", day=TODAY, unit_id=unit.unit_id, subject="请报送6月进度",
                   body="6月进度7月5日前报送", link="/todo", why="每月5日前报上月进度"))  # fmt: skip
    s.add(Reminder(dedupe="t2", rule="report_soon", day=TODAY, unit_id=PEOPLE["copied"](s).unit_id,
                   subject="别的单位", body="", link="/todo", why=""))  # fmt: skip
    s.commit()

    t = todo.todo(s, unit, TODAY, settings)
    assert [v.notice.id for v in t.notices_to_sign] == [to_sign.id]
    assert [v.notice.id for v in t.notices_to_answer] == [to_answer.id]
    assert [v.notice.id for v in t.returned] == [returned.id]
    assert len(t.to_sign) == len(before.to_sign) - 1
    assert [r.subject for r in t.reminders] == ["请报送6月进度"]
    assert t.counts == {"to_sign": len(t.to_sign), "notices_to_sign": 1, "notices_to_answer": 1, "returned": 1,
                        "reports_due": len(t.reports_due), "reminders": 1}  # fmt: skip
    assert todo.todo_counts(s, unit, TODAY, settings) == t.total == sum(t.counts.values()) - 1


def test_a_report_sent_takes_the_task_off_the_list(s: Session) -> None:
    from bihuan.track.progress import ProgressInput, add_reports

    unit = PEOPLE["addressed"](s)
    due = todo.todo(s, unit, TODAY, Settings()).reports_due
    if not due:
        pytest.skip("the demo gives this unit no silent task")
    task = due[0].task
    add_reports(s, PID, [ProgressInput(1, str(task.number), "2023-06", {}, "20", "推进中")], author=LEAD,
                today=TODAY, unit_name=LEAD)  # fmt: skip
    assert task.number not in {r.task.number for r in todo.todo(s, unit, TODAY, Settings()).reports_due}


def test_office_todo(s: Session) -> None:
    number = a_task(s)
    answered = in_state(s, number, "已答复")
    draft = in_state(s, number, "待发出")
    in_state(s, number, "已签收")
    ids = {u.name: u.id for u in queries.units(s)}
    key = s.scalars(select(Notice.task_key).where(Notice.id == answered.id)).one()
    s.add(UnitRequest(document_id=PID, task_key=key, unit_id=ids[LEAD], kind="延期",
                      reason="征地未完成", new_deadline=dt.date(2023, 12, 31), created_by=LEAD))  # fmt: skip
    s.commit()
    t = todo.todo(s, OFFICE, TODAY, Settings())
    assert [v.notice.id for v in t.to_review] == [answered.id]
    assert [v.notice.id for v in t.drafts] == [draft.id]
    assert [(r.kind, r.unit, r.task.number if r.task else None) for r in t.requests] == [
        ("延期", LEAD, number)
    ]
    assert len(t.unsigned_late) == len(s.scalars(select(Handover)).all())  # nobody signed in the demo
    assert t.counts == {"to_review": 1, "drafts": 1, "requests": 1, "unsigned_late": len(t.unsigned_late),
                        "reminders": 0}  # fmt: skip
    assert todo.todo_counts(s, OFFICE, TODAY) == t.total


def test_leader_todo_and_view(s: Session) -> None:
    number = a_task(s)
    leader = PEOPLE["leader"](s)
    open_ = send(s, number)
    in_state(s, number, "已办结")
    t = todo.todo(s, leader, TODAY, Settings())
    assert [v.notice.id for v in t.copies] == [open_.id] and t.total == 1
    assert todo.todo_counts(s, leader, TODAY) == 1
    view = todo.leader_view(s, leader, PID, TODAY, Settings())
    assert [it.number for it in view.tasks] == [number]
    assert sum(view.lights.values()) == 1 and len(view.copies) == 2
    assert todo.leader_view(s, OFFICE, PID, TODAY, Settings(), name=LEADER).tasks == view.tasks
    assert todo.leader_view(s, OFFICE, PID, TODAY, Settings()).tasks == ()


def test_the_badge_is_a_few_queries_whatever_the_size(s: Session, ledger: Ledger) -> None:
    number = a_task(s)
    for _ in range(5):
        in_state(s, number, "已退回")
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    people = {who: PEOPLE[who](s) for who in ("addressed", "office", "leader")}
    event.listen(ledger.engine, "before_cursor_execute", count)
    try:
        for who, person in people.items():
            statements.clear()
            todo.todo_counts(s, person, TODAY)
            assert len(statements) <= 8, (who, len(statements))
    finally:
        event.remove(ledger.engine, "before_cursor_execute", count)


# ---------------------------------------------------------------- PostgreSQL
def test_the_flow_on_postgresql(pg_url: str) -> None:
    build_demo(pg_url, TODAY)  # type: ignore[arg-type]  # open_ledger takes a URL as well as a path
    opened = open_ledger(pg_url)
    try:
        with opened.sessions() as s:
            number = a_task(s)
            unit = PEOPLE["addressed"](s)
            n = send(s, number)
            assert [v.notice.id for v in todo.todo(s, unit, TODAY, Settings()).notices_to_sign] == [n.id]
            notices.sign(s, n.id, unit)
            notices.answer(s, n.id, "第一次", unit)
            with pytest.raises(Forbidden):
                notices.answer(s, n.id, "代答", OFFICE)
            notices.return_answer(s, n.id, "不具体", OFFICE)
            assert [v.notice.id for v in todo.todo(s, unit, TODAY, Settings()).returned] == [n.id]
            notices.answer(s, n.id, "第二次", unit)
            assert [v.notice.id for v in todo.todo(s, OFFICE, TODAY, Settings()).to_review] == [n.id]
            notices.close(s, n.id, OFFICE)
            with pytest.raises(TrackError, match="这条通知已办结，不能答复"):
                notices.answer(s, n.id, "再答", unit)
            assert state_of(s, n.id) == "已办结"
            assert todo.todo(s, unit, TODAY, Settings()).counts["returned"] == 0
    finally:
        opened.close()


# ---------------------------------------------------------------- the demo's notices
def test_the_demo_notices_cover_every_state(s: Session) -> None:
    from bihuan.track import notice_demo

    made = notice_demo.seed(s, PID, TODAY)
    assert set(made) == set(NOTICE_STATES)
    got = notices.views(s, s.scalars(select(Notice).order_by(Notice.id)).all(), TODAY)
    assert {v.state for v in got} == set(NOTICE_STATES)
    assert sum(v.overdue for v in got) == 1
    assert {n for ids in made.values() for n in ids} == {v.notice.id for v in got}
    office = todo.todo(s, OFFICE, TODAY, Settings())
    assert (office.counts["to_review"], office.counts["drafts"]) == (1, 1)


def test_two_people_at_once_move_a_notice_once_on_postgresql(pg_url: str) -> None:
    """Both try to sign at the same moment: the notice row is locked, so one signs and the other
    is told it is signed already (no second 签收 row)."""
    import threading

    build_demo(pg_url, TODAY)  # type: ignore[arg-type]
    opened = open_ledger(pg_url)
    try:
        with opened.sessions() as s:
            n = send(s, a_task(s))
            unit = PEOPLE["addressed"](s)
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def sign() -> None:
            with opened.sessions() as mine:
                start.wait()
                try:
                    notices.sign(mine, n.id, unit)
                    outcomes.append("signed")
                except TrackError as e:
                    outcomes.append(e.zh)

        threads = [threading.Thread(target=sign) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(outcomes) == ["signed", "这条通知已签收，不能签收"]
        with opened.sessions() as s:
            assert len(s.scalars(select(NoticeEvent).where(NoticeEvent.notice_id == n.id)).all()) == 1
    finally:
        opened.close()
