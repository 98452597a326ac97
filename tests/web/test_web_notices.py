"""督办件 on the web, on the demo ledger: the office sends a 重点督办 with a deadline, the unit sees it
in its 待办 with the badge, signs, answers; the office returns it, the unit answers again, the
office closes it. Only the addressed unit answers; the lists filter; the leader sees their tasks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest
from sqlalchemy import select
from web_helpers import (
    ADMIN,
    LEADER,
    PID,
    TODAY,
    UNIT_USERS,
    Web,
    api_csrf,
    cooperating_task,
    error_page,
    form,
    led_task,
    row_counts,
    timeline,
)

from bihuan.ledger.models import Notice, NoticeAnswer, NoticeEvent
from bihuan.track import assign

UNIT, OTHER = "发改局", "农业农村局"  # user names; 发改局 is 发展和改革局


def badge(page: str) -> int:
    m = re.search(r'id="todo-count">(\d+)<', page)
    return int(m.group(1)) if m else 0


def send(web: Web, number: int, **change: str) -> int:
    office = web.as_(ADMIN)
    page = office.get(f"/plans/{PID}/tasks/{number}").text
    f = form(page, f"/plans/{PID}/tasks/{number}/notice")
    assert f.options["grade"] == ["一般", "重点", "挂牌"]
    data = {
        **f.fields,
        "kind": "督办",
        "grade": "重点",
        "answer_by": "2023-07-20",
        "text": "请说明项目进度滞后原因",
    }
    data.update(change)
    r = office.post(f"/plans/{PID}/tasks/{number}/notice", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[-400:]
    with web.db() as s:
        return max(s.scalars(select(Notice.id)))


def post(web: Web, who: str, notice_id: int, step: str, **fields: str) -> int:
    client = web.as_(who)
    page = client.get(f"/notices/{notice_id}").text
    f = form(page, f"/notices/{notice_id}/{step}")
    r = client.post(f"/notices/{notice_id}/{step}", data={**f.fields, **fields}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/notices/{notice_id}", r.text[-400:]
    return r.status_code


def test_the_loop_from_sending_to_closing(web: Web) -> None:
    with web.db() as s:
        task = led_task(s, UNIT_USERS[UNIT])
    unit, office = web.as_(UNIT), web.as_(ADMIN)
    unit_before = badge(unit.get("/todo").text)
    office_before = badge(office.get("/todo").text)

    nid = send(web, task.number)
    with web.db() as s:
        n = s.get(Notice, nid)
        assert n is not None and (n.kind, n.grade, n.answer_by.isoformat()) == ("督办", "重点", "2023-07-20")  # type: ignore[union-attr]

    todo = unit.get("/todo").text
    assert badge(todo) == unit_before + 1
    assert f'href="/notices/{nid}"' in todo and 'class="grade yellow"' in todo
    assert "待签收通知（1）" in todo
    page = unit.get(f"/notices/{nid}").text
    assert 'id="notice-state">待签收<' in page
    assert 'id="notice-sign"' in page and 'id="notice-answer"' in page and 'id="notice-return"' not in page

    post(web, UNIT, nid, "sign")
    page = unit.get(f"/notices/{nid}").text
    assert 'id="notice-state">已签收<' in page and 'id="notice-sign"' not in page
    assert "待答复通知（1）" in unit.get("/todo").text

    post(web, UNIT, nid, "answer", text="已完成土地报批，7月底开工")
    assert badge(unit.get("/todo").text) == unit_before
    assert badge(office.get("/todo").text) == office_before + 1
    review = office.get("/todo").text
    assert "待审核的答复（办结或退回）（1）" in review and f'href="/notices/{nid}"' in review
    page = office.get(f"/notices/{nid}").text
    assert 'id="notice-close"' in page and 'id="notice-return"' in page and 'id="notice-answer"' not in page

    post(web, ADMIN, nid, "return", reason="请附上报批文件编号")
    todo = unit.get("/todo").text
    assert badge(todo) == unit_before + 1 and "被退回的答复（1）" in todo
    assert "督查室退回：请附上报批文件编号" in unit.get(f"/notices/{nid}").text

    post(web, UNIT, nid, "answer", text="报批文件：示国土〔2023〕12号")
    post(web, ADMIN, nid, "close", text="同意办结")
    assert badge(unit.get("/todo").text) == unit_before
    assert badge(office.get("/todo").text) == office_before
    page = office.get(f"/notices/{nid}").text
    assert 'id="notice-state">已办结<' in page and "<form" not in page.split("</header>")[1]

    with web.db() as s:
        assert [e.action for e in s.scalars(select(NoticeEvent).where(NoticeEvent.notice_id == nid))] == [
            "签收", "退回", "办结",
        ]  # fmt: skip
        assert len(s.scalars(select(NoticeAnswer).where(NoticeAnswer.notice_id == nid)).all()) == 2
    events = timeline(unit.get(f"/plans/{PID}/tasks/{task.number}").text)
    assert [k for k, _ in events[:6]] == ["办结", "答复", "退回", "答复", "签收", "督办"]
    assert "请附上报批文件编号" in events[2][1]


@pytest.mark.parametrize(
    ("who", "step", "fields", "status", "phrase"),
    [
        (OTHER, "answer", {"text": "代为答复"}, 403, "只有被通知的单位可以答复"),
        (ADMIN, "answer", {"text": "督查室代答"}, 403, "只有被通知的单位可以答复"),
        (LEADER, "answer", {"text": "领导答复"}, 403, "只有被通知的单位可以答复"),
        (OTHER, "sign", {}, 403, "只有被通知的单位可以签收"),
        (ADMIN, "sign", {}, 403, "只有被通知的单位可以签收"),
        (UNIT, "return", {"reason": "x"}, 403, "只有督查室可以退回答复"),
        (UNIT, "close", {}, 403, "只有督查室可以办结"),
        (ADMIN, "close", {}, 400, "这条通知待签收，不能办结"),
        (ADMIN, "return", {"reason": "x"}, 400, "这条通知待签收，不能退回"),
        (ADMIN, "approve", {}, 400, "这条通知待签收，不能审批发出"),
        (UNIT, "answer", {"text": "  "}, 400, "答复不能为空"),
    ],
)
def test_who_may_do_what(
    web: Web, who: str, step: str, fields: dict[str, str], status: int, phrase: str
) -> None:
    with web.db() as s:
        task = led_task(s, UNIT_USERS[UNIT])
    nid = send(web, task.number)
    with web.db() as s:
        before = row_counts(s)
    client = web.as_(who)
    r = client.post(f"/notices/{nid}/{step}", data={"csrf_token": api_csrf(client), **fields})
    error_page(r, status, phrase)
    with web.db() as s:
        assert row_counts(s) == before


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ({"answer_by": ""}, "请填写答复期限"),
        ({"answer_by": "2023-07-09"}, "答复期限 2023-07-09 已过"),
        ({"answer_by": "7月20日"}, "答复期限应写作 2023-06-30"),
        ({"grade": "特急"}, "等级须为 一般、重点、挂牌 之一"),
    ],
)
def test_sending_refuses_bad_input(web: Web, change: dict[str, str], phrase: str) -> None:
    with web.db() as s:
        task = led_task(s, UNIT_USERS[UNIT])
        before = row_counts(s)
    office = web.as_(ADMIN)
    data = {
        "csrf_token": api_csrf(office),
        "kind": "督办",
        "grade": "重点",
        "answer_by": "2023-07-20",
        "text": "x",
    }
    r = office.post(f"/plans/{PID}/tasks/{task.number}/notice", data={**data, **change})
    error_page(r, 400, phrase)
    with web.db() as s:
        assert row_counts(s) == before


def test_lists_and_filters(web: Web) -> None:
    with web.db() as s:
        mine = led_task(s, UNIT_USERS[UNIT])
        theirs = led_task(s, UNIT_USERS[OTHER])
        coop = cooperating_task(s, UNIT_USERS[UNIT])
    a = send(web, mine.number)
    b = send(web, theirs.number, grade="挂牌", kind="催办")
    c = send(web, coop.number, grade="一般", kind="提醒")
    post(web, UNIT, a, "sign")
    office = web.as_(ADMIN)

    def ids(client: object, query: str = "") -> list[int]:
        page = client.get(f"/notices{query}").text  # type: ignore[attr-defined]
        assert page.count('<tr class="') == len(re.findall(r'<td><a href="/notices/(\d+)">', page))
        return [int(x) for x in re.findall(r'<td><a href="/notices/(\d+)">', page)]

    assert ids(office) == [c, b, a]
    assert ids(office, "?grade=挂牌") == [b]
    assert ids(office, "?state=已签收") == [a]
    assert ids(office, "?kind=提醒") == [c]
    with web.db() as s:
        unit_b = s.get(Notice, b).unit_id  # type: ignore[union-attr]
    assert ids(office, f"?unit={unit_b}") == [b]
    assert ids(office, "?overdue=1") == []
    assert ids(office, f"?plan={PID}&state=待签收") == [c, b]
    # a unit: its own and the copies to it; never another unit's
    assert ids(web.as_(UNIT)) == [c, a]
    for bad in ("?state=飞了", "?grade=x", "?overdue=2", "?kind=表扬"):
        assert office.get(f"/notices{bad}").status_code == 400


def test_overdue_is_marked(web: Web) -> None:
    with web.db() as s:
        task = led_task(s, UNIT_USERS[UNIT])
    nid = send(web, task.number, answer_by=TODAY.isoformat())
    assert "已逾期" not in web.as_(UNIT).get(f"/notices/{nid}").text
    web.app.state.settings = replace(web.app.state.settings, today=lambda: TODAY + dt.timedelta(days=1))
    page = web.as_(ADMIN).get("/notices?overdue=1").text
    assert f'href="/notices/{nid}"' in page and "已逾期" in page
    assert "已逾期" in web.as_(UNIT).get(f"/notices/{nid}").text


def test_the_leader_sees_their_tasks_and_copies(web: Web) -> None:
    with web.db() as s:
        task = led_task(s, UNIT_USERS[UNIT])
        assign.set_assignment(s, PID, str(task.number), lead=None, cooperating=None, leader=LEADER, deadline=None,
                              milestones=None, user=ADMIN)  # fmt: skip
    nid = send(web, task.number)
    leader = web.as_(LEADER)
    page = leader.get("/leader").text
    assert f'href="/plans/{PID}/tasks/{task.number}"' in page and f'href="/notices/{nid}"' in page
    assert page.count('<span class="dot ') == 1
    todo = leader.get("/todo").text
    assert badge(todo) == 1 and "抄送给我、尚未办结的通知（1）" in todo
    assert [int(x) for x in re.findall(r'<td><a href="/notices/(\d+)">', leader.get("/notices").text)] == [
        nid
    ]
    office = web.as_(ADMIN).get(f"/leader?name={LEADER}").text
    assert f'href="/plans/{PID}/tasks/{task.number}"' in office
    assert web.as_(UNIT).get("/leader").status_code == 403


def test_every_page_shows_the_badge(web: Web) -> None:
    unit = web.as_(UNIT)
    n = badge(unit.get("/todo").text)
    assert n > 0  # the demo never signs its handovers
    for path in ("/dashboard", "/inbox", "/notices", f"/plans/{PID}/tasks/1", "/public"):
        assert badge(unit.get(path).text) == n, path
    assert badge(web.anon().get("/public").text) == 0


def test_the_badge_costs_one_query_while_the_ledger_is_unchanged(web: Web) -> None:
    """The nav badge is cached by the ledger's stamp: a second page render asks only the stamp."""
    from types import SimpleNamespace

    from sqlalchemy import event

    from bihuan.track.users import Person
    from bihuan.web.badge import todo_badge

    with web.db() as s:
        task = led_task(s, UNIT_USERS[UNIT])
    nid = send(web, task.number)
    with web.db() as s:
        notice = s.get(Notice, nid)
    assert notice is not None
    person = Person(3, UNIT, "unit", notice.unit_id, UNIT_USERS[UNIT])
    statements: list[str] = []
    engine = web.app.state.ledger.engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with web.db() as s:
        request = SimpleNamespace(app=web.app, state=SimpleNamespace(person=person, db=s))
        first = todo_badge(request)  # type: ignore[arg-type]
        statements.clear()
        assert todo_badge(request) == first and first["todo_count"] > 0  # type: ignore[arg-type]
        assert len(statements) == 1
