"""The reminder rules on the demo ledger (handed over on 2023-01-16, 签收 by 01-19, monthly
reports for March to June except every fifth task, which never reports): which rule fires on
which day, for whom, once; closed tasks, approved extensions and answered notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from remind_helpers import DAY, bihuan, rules_file
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import (
    Handover,
    Notice,
    NoticeAnswer,
    OutboxMessage,
    ProgressReport,
    Reminder,
    RequestDecision,
    TaskRow,
    UnitRequest,
    User,
)
from bihuan.track import remind
from bihuan.track.errors import TrackError
from bihuan.track.reminder_rules import Rules
from bihuan.track.users import Person

RULES = Rules.load()


@pytest.fixture
def session(sqlite_url: str) -> Iterator[Session]:
    ledger = open_ledger(sqlite_url)
    try:
        with ledger.sessions() as s:
            yield s
    finally:
        ledger.close()


def task(s: Session, number: int) -> TaskRow:
    rev = queries.latest_revision(s, 1)
    assert rev is not None
    found = queries.task_by_number(s, rev.id, number)
    assert found is not None
    return found


def lead(s: Session, number: int) -> int:
    return queries.current_assignments(s, 1)[task(s, number).key].lead_unit_id


def fired(s: Session, on: dt.date, rules: Rules = RULES) -> dict[str, list[remind.Planned]]:
    out: dict[str, list[remind.Planned]] = {}
    for p in remind.evaluate(s, on, rules):
        out.setdefault(p.rule, []).append(p)
    return out


# (day, rule, fires): the shipped rules on the demo
@pytest.mark.parametrize(
    ("on", "rule", "fires"),
    [
        (dt.date(2023, 1, 19), "handover_unsigned", False),  # the 签收 deadline itself
        (dt.date(2023, 1, 20), "handover_unsigned", True),
        (dt.date(2023, 7, 1), "report_due", False),  # four days before the 5th: not yet
        (dt.date(2023, 7, 2), "report_due", True),
        (dt.date(2023, 7, 5), "report_due", True),
        (dt.date(2023, 7, 5), "report_missed", False),  # due today: not missed yet
        (dt.date(2023, 7, 6), "report_missed", True),
        (dt.date(2023, 7, 6), "report_due", False),
        (dt.date(2023, 2, 6), "report_missed", False),  # January's reports: nobody owes them? see below
        (dt.date(2023, 7, 10), "red_streak", True),  # never-reporting tasks, red since spring
        (dt.date(2023, 1, 20), "red_streak", False),  # handed over on 01-16: no red months yet
    ],
)
def test_which_rule_fires_when(session: Session, on: dt.date, rule: str, fires: bool) -> None:
    got = fired(session, on)
    if rule == "report_missed" and on.month == 2:
        # duty starts at the 交办 (01-16): January is owed by every task, reported by none
        assert rule in got
        return
    assert (rule in got) is fires, sorted(got)


def test_report_rules_address_the_lead_unit_and_explain_themselves(session: Session) -> None:
    got = fired(session, dt.date(2023, 7, 3))
    due = {p.unit_id: p for p in got["report_due"]}
    silent = task(session, 50)  # every fifth task never reports
    p = due[lead(session, 50)]
    assert str(silent.number) in p.body and "2023-06" in p.subject and p.link == "/inbox"
    assert "每月 5 日前报送上月进度" in p.why and "交办之日" in p.why
    # only units leading a task that has not reported June (every fifth task) are reminded
    rev = queries.latest_revision(session, 1)
    assert rev is not None
    numbers = [t.number for t in queries.tasks(session, rev.id)]
    owing = {lead(session, n) for n in numbers if n % 5 == 0}
    assert set(due) <= owing and len(due) >= len(owing) // 2


def test_missed_report_writes_one_urge_notice_per_task(session: Session) -> None:
    on = dt.date(2023, 7, 10)
    first = remind.run(session, on, RULES)
    urges = [q for q in first.reminders if q.planned.rule == "report_missed"]
    assert urges and all(q.notice_id for q in urges)
    n = session.get(Notice, urges[0].notice_id)
    assert n is not None and n.kind == "催办" and n.grade == "一般" and not n.draft
    assert n.rule == "report_missed" and n.answer_by == on + dt.timedelta(days=RULES.urge_answer_days)
    drafts = session.scalars(select(Notice).where(Notice.rule == "red_streak")).all()
    assert drafts and all(d.draft and d.kind == "督办" and d.grade == "重点" for d in drafts)
    notices = session.scalar(select(func.count()).select_from(Notice))
    # the same day again: nothing; later in the month: no new 催办 or draft (once per period),
    # only the escalation of the 催办 now past their answer deadline
    assert remind.run(session, on, RULES).reminders == []
    later = remind.run(session, on + dt.timedelta(days=5), RULES)
    assert {q.planned.rule for q in later.reminders} == {"notice_overdue"}
    assert session.scalar(select(func.count()).select_from(Notice)) == notices


@pytest.mark.parametrize(("reporter", "owed"), [("cooperating", True), ("lead", False), ("office", False)])
def test_only_the_lead_units_report_settles_the_period(session: Session, reporter: str, owed: bool) -> None:
    t = task(session, 50)
    unit = lead(session, 50)
    other = next(u.id for u in queries.units(session) if u.id != unit)
    by = {"cooperating": other, "lead": unit, "office": None}[reporter]
    session.add(ProgressReport(document_id=1, task_key=t.key, period="2023-06", percent=40.0, unit_id=by,
                               author="某人"))  # fmt: skip
    session.commit()
    urged = {p.task_key for p in fired(session, dt.date(2023, 7, 10)).get("report_missed", [])}
    assert (t.key in urged) is owed


def test_closed_tasks_get_nothing(session: Session) -> None:
    t = task(session, 50)
    unit = lead(session, 50)
    req = UnitRequest(
        document_id=1, task_key=t.key, unit_id=unit, kind="办结", reason="已完成", created_by="发改局"
    )
    session.add(req)
    session.flush()
    session.add(RequestDecision(request_id=req.id, accepted=True, created_by="督查室"))
    session.commit()
    got = fired(session, dt.date(2023, 7, 10))
    assert all(p.task_key != t.key for ps in got.values() for p in ps)


def test_tasks_not_handed_over_get_no_report_reminders(session: Session) -> None:
    t = task(session, 50)
    session.execute(delete(Handover).where(Handover.task_key == t.key))
    session.commit()
    got = fired(session, dt.date(2023, 7, 10))
    assert all(p.task_key != t.key for ps in got.values() for p in ps)


def test_an_approved_extension_moves_the_deadline_reminder(session: Session) -> None:
    t = task(session, 7)
    unit = lead(session, 7)
    new = dt.date(2023, 7, 15)
    req = UnitRequest(document_id=1, task_key=t.key, unit_id=unit, kind="延期", reason="资金未到位",
                      new_deadline=new, created_by="某单位")  # fmt: skip
    session.add(req)
    session.flush()
    session.add(RequestDecision(request_id=req.id, accepted=True, created_by="督查室"))
    session.commit()
    got = fired(session, dt.date(2023, 7, 10))
    mine = [p for p in got["task_deadline"] if p.unit_id == unit]
    assert mine and new.isoformat() in mine[0].body and "批准延期后按新时限" in mine[0].why


def test_notice_answer_reminder_until_answered(session: Session) -> None:
    t = task(session, 3)
    n = Notice(document_id=1, task_key=t.key, unit_id=lead(session, 3), kind="督办", text="请说明进度",
               grade="重点", answer_by=dt.date(2023, 7, 12), created_by="督查室")  # fmt: skip
    session.add(n)
    session.commit()
    got = fired(session, dt.date(2023, 7, 10))
    assert [p.notice_id for p in got["notice_answer"]] == [n.id]
    assert "还剩 2 天" in got["notice_answer"][0].subject
    session.add(NoticeAnswer(notice_id=n.id, text="已推进", created_by="某单位"))
    session.commit()
    assert "notice_answer" not in fired(session, dt.date(2023, 7, 10))


def test_an_unanswered_notice_past_its_deadline_escalates_to_the_office(session: Session) -> None:
    t = task(session, 3)
    n = Notice(document_id=1, task_key=t.key, unit_id=lead(session, 3), kind="催办", text="请报送",
               grade="一般", answer_by=dt.date(2023, 7, 8), created_by="督查室")  # fmt: skip
    session.add(n)
    session.commit()
    over = [p for p in fired(session, dt.date(2023, 7, 10)).get("notice_overdue", []) if p.notice_id == n.id]
    assert {p.to for p in over} == {"督查室", over[0].to} and len(over) == 2
    assert all("已过 2 天" in p.body for p in over)
    assert "notice_overdue" not in fired(session, dt.date(2023, 8, 20))  # a month on: no longer escalated
    session.add(NoticeAnswer(notice_id=n.id, text="已报送", created_by="某单位"))
    session.commit()
    assert not [
        p for p in fired(session, dt.date(2023, 7, 10)).get("notice_overdue", []) if p.notice_id == n.id
    ]


def test_channels_and_reminders_for_each_person(session: Session) -> None:
    from bihuan.ledger.models import UnitContact

    unit = lead(session, 50)
    session.add(UnitContact(unit_id=unit, email="a@example.org; b@example.org", wecom_webhook="http://127.0.0.1:9/w",
                            created_by="测试"))  # fmt: skip
    admin = session.scalar(select(User).where(User.name == "督查室"))
    assert admin is not None
    admin.email = "office@example.org"
    session.commit()
    done = remind.run(session, dt.date(2023, 7, 10), RULES)
    mine = [q for q in done.reminders if q.planned.unit_id == unit]
    assert mine and all(
        set(q.channels)
        >= {("email", "a@example.org"), ("email", "b@example.org"), ("wecom", "http://127.0.0.1:9/w")}
        for q in mine
    )
    office = [q for q in done.reminders if q.planned.to == "督查室"]
    assert office and all(q.channels == (("email", "office@example.org"),) for q in office)
    rows = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert rows == done.messages
    as_unit = remind.reminders_for(session, Person(0, "x", "unit", unit, None))
    assert {r.id for r in as_unit} == {q.reminder_id for q in mine}
    as_office = remind.reminders_for(session, Person(admin.id, "督查室", "admin", None, None))
    assert {r.id for r in as_office} == {q.reminder_id for q in office}
    assert all(r.why for r in session.scalars(select(Reminder)))


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("report_dya = 5\n", "未知设置：report_dya"),
        ("report_day = 31\n", "report_day 须在 1–28 之间"),
        ('report_day = "5"\n', "值类型不对"),
        ("handover_unsigned = 1\n", "值类型不对"),
        ("lease_seconds = 10.0\ntimeout_seconds = 5.0\n", "lease_seconds 须大于"),
        ("retry_first_minutes = 10.0\nretry_max_minutes = 5.0\n", "retry_first_minutes"),
        ("report_day = \n", "无法读取提醒规则文件"),
    ],
)
def test_bad_rule_files_are_refused(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "r.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(TrackError) as info:
        Rules.load(path)
    assert complaint in info.value.zh


def test_backoff_doubles_up_to_the_cap() -> None:
    r = Rules(retry_first_minutes=5, retry_max_minutes=30)
    assert [r.retry_after(n).total_seconds() / 60 for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 30, 30]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--on", "2023-13-01"), "--on 应为日期"),
        (("--rules", "没有这个文件.toml"), "找不到文件"),
        (("--rules", "{bad}"), "未知设置"),
    ],
)
def test_cli_bad_input_is_one_line(sqlite_url: str, tmp_path: Path, args: tuple[str, ...], said: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("colour = 1\n", "utf-8")
    args = tuple(str(bad) if a == "{bad}" else a for a in args)
    done = bihuan("remind", "run", "--db", sqlite_url, *args)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and said in done.stderr


def test_dry_run_writes_nothing(sqlite_url: str, tmp_path: Path, session: Session) -> None:
    done = bihuan("remind", "run", "--db", sqlite_url, "--on", DAY.isoformat(), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "逾期未报自动催办" in done.stdout and "未写入，未发送" in done.stdout
    assert session.scalar(select(func.count()).select_from(Reminder)) == 0
    # a deployment's own rules: no automatic 催办
    own = rules_file(tmp_path, urge_answer_days=0)
    done = bihuan(
        "remind", "run", "--db", sqlite_url, "--on", DAY.isoformat(), "--dry-run", "--rules", str(own)
    )
    assert done.returncode == 0 and "逾期未报自动催办" not in done.stdout


def test_a_run_that_loses_the_race_adds_nothing(pg_url: str) -> None:
    """PostgreSQL: run B inserts the same reminders while run A's transaction holds them; when A
    commits, B's insert fails on the unique key, B evaluates again and finds everything said."""
    import threading
    import time

    from bihuan.cli.web_cmds import build_demo

    build_demo(pg_url, DAY)  # type: ignore[arg-type]
    ledger = open_ledger(pg_url)
    try:
        with ledger.sessions() as a, ledger.sessions() as b:
            planned = remind.evaluate(a, DAY, RULES)
            a.rollback()
            results: list[object] = []
            tx = a.begin()
            written = remind.add_reminders(a, planned)
            thread = threading.Thread(target=lambda: results.append(remind.run(b, DAY, RULES)))
            thread.start()
            time.sleep(1.0)  # B is now waiting on A's uncommitted keys
            tx.commit()
            thread.join(120)
            (queued,) = results
            assert isinstance(queued, remind.Queued) and queued.reminders == []
            assert a.scalar(select(func.count()).select_from(Reminder)) == len(written) == len(planned)
    finally:
        ledger.close()
