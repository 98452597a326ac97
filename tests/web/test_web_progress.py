"""A unit's inbox and its progress reports: only its own tasks; a form saved twice is one report,
a new form for the same month a correction; bad input is refused with the reason and stores
nothing; what a unit writes is shown as text. And notices: 催办 sent, answered, on the timeline."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import (
    ADMIN,
    LEADER,
    PID,
    TODAY,
    UNIT_USERS,
    Web,
    api_csrf,
    error_page,
    form,
    led_task,
    reports,
    row_counts,
    tasks,
    timeline,
    unit_tasks,
)

from bihuan.ledger import queries
from bihuan.ledger.models import Notice, NoticeAnswer

MONTH = f"{TODAY.year}-{TODAY.month:02d}"
UNIT = "农业农村局"  # the user; the unit has the same name


def _progress_form(web: Web, user: str, number: int) -> dict[str, str]:
    page = web.as_(user).get(f"/plans/{PID}/tasks/{number}").text
    return dict(form(page, f"/plans/{PID}/tasks/{number}/progress").fields)


@pytest.mark.parametrize("user", sorted(UNIT_USERS))
def test_inbox_lists_only_the_units_tasks(ro_web: Web, user: str) -> None:
    with ro_web.db() as s:
        mine = unit_tasks(s, UNIT_USERS[user])
    page = ro_web.as_(user).get("/inbox").text
    listed = {int(n) for n in re.findall(r'<section class="card inbox-task \w+" id="task-(\d+)"', page)}
    assert listed == mine
    assert f"{MONTH} 进度报送 · {UNIT_USERS[user]}" in page
    assert len(re.findall(r'action="/plans/1/tasks/\d+/progress"', page)) == len(mine)
    # each form has its own one-time token
    tokens = re.findall(r'name="submission" value="([^"]+)"', page)
    assert len(tokens) == len(set(tokens)) == len(mine)


def test_the_office_inbox_lists_every_task(ro_web: Web) -> None:
    with ro_web.db() as s:
        n = len(tasks(s))
    assert ro_web.as_(ADMIN).get("/inbox").text.count('class="card inbox-task') == n


def test_inbox_marks_what_was_reported_this_period(web: Web) -> None:
    with web.db() as s:
        task = led_task(s, UNIT)
    client = web.as_(UNIT)
    page = client.get("/inbox").text
    section = re.search(rf'id="task-{task.number}">.*?</section>', page, re.S)
    assert section and "本期已报送" not in section.group(0)
    data = {**form(page, f"/plans/{PID}/tasks/{task.number}/progress").fields, "percent": "55"}
    r = client.post(f"/plans/{PID}/tasks/{task.number}/progress", data=data, follow_redirects=False)
    assert r.headers["location"] == f"/inbox?plan={PID}&period={MONTH}#saved"
    section = re.search(rf'id="task-{task.number}">.*?</section>', client.get("/inbox").text, re.S)
    assert section and "本期已报送" in section.group(0)


@pytest.mark.parametrize("any_web", ["sqlite", "postgresql"], indirect=True)
def test_a_form_saved_twice_is_one_report(any_web: Web) -> None:
    with any_web.db() as s:
        task = led_task(s, UNIT, quantity=True)
        before = len(reports(s, task.key))
    data = _progress_form(any_web, UNIT, task.number)
    data.update({f"v:{task.quantities[0]}": "1.5", "narrative": "第一次提交"})
    client = any_web.as_(UNIT)
    for _ in range(2):  # a double click, or the browser resending the form
        r = client.post(f"/plans/{PID}/tasks/{task.number}/progress", data=data, follow_redirects=False)
        assert r.status_code == 303
    with any_web.db() as s:
        rows = reports(s, task.key)
        assert len(rows) == before + 1
        assert rows[-1].submission == data["submission"] and rows[-1].period == MONTH
        assert rows[-1].narrative == "第一次提交" and rows[-1].author == UNIT
        assert list(rows[-1].values.values()) == [1.5]


def test_a_new_form_for_the_same_month_is_a_correction(web: Web) -> None:
    with web.db() as s:
        task = led_task(s, UNIT, quantity=True)
    field = f"v:{task.quantities[0]}"
    client = web.as_(UNIT)
    for value, words in (("1.5", "初报"), ("2.5", "更正：上次少报")):
        data = {**_progress_form(web, UNIT, task.number), field: value, "narrative": words}
        assert client.post(f"/plans/{PID}/tasks/{task.number}/progress", data=data).status_code == 200
    with web.db() as s:
        versions = queries.report_versions(s, PID, task.key, MONTH)
        assert [(list(v.values.values()), v.narrative) for v in versions] == [
            ([1.5], "初报"),
            ([2.5], "更正：上次少报"),
        ]
        assert queries.latest_reports(s, PID, MONTH)[task.key].narrative == "更正：上次少报"
    # both versions stay on the record
    progress = client.get(f"/api/v1/plans/{PID}/tasks/{task.number}/progress").json()
    assert [p["narrative"] for p in progress if p["period"] == MONTH] == ["初报", "更正：上次少报"]
    texts = [
        text
        for kind, text in timeline(client.get(f"/plans/{PID}/tasks/{task.number}").text)
        if kind == "进度"
    ]
    assert "更正：上次少报" in texts[0] and "初报" in texts[1]


BAD = [
    # (what, fields, the message)
    ("negative value", {"v:": "-5"}, "的完成值不能为负数"),
    ("not a number", {"v:": "五十"}, "应填数字，收到“五十”"),
    ("infinite", {"v:": "inf"}, "应填数字"),
    ("absurdly large", {"v:": "1e300"}, "的完成值大得不合理：1e300"),
    ("just past the bound", {"v:": "1e15"}, "大得不合理"),
    ("future period", {"period": "2023-08"}, "期间 2023-08 还没到（今天是 2023-07-10）"),
    ("period before the plan year", {"period": "2022-12"}, "早于计划年度 2023"),
    ("malformed period", {"period": "2023-13"}, "应写作 年-月"),
    ("percent over 100", {"percent": "120"}, "形象进度应为 0–100 的数字，收到“120”"),
    ("negative percent", {"percent": "-1"}, "形象进度应为 0–100 的数字"),
    ("percent in words", {"percent": "一半"}, "形象进度应为 0–100 的数字"),
    ("unknown indicator", {"v:没有这个指标": "3"}, "没有指标“没有这个指标”"),
    ("narrative too long", {"narrative": "字" * 5001}, "“narrative”太长"),
]


@pytest.mark.parametrize(("what", "change", "phrase"), BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("channel", ["page", "api"])
def test_bad_progress_is_refused_and_stores_nothing(
    web: Web, channel: str, what: str, change: dict[str, str], phrase: str
) -> None:
    with web.db() as s:
        task = led_task(s, UNIT, quantity=True)
        before = row_counts(s)
    change = {(f"v:{task.quantities[0]}" if k == "v:" else k): v for k, v in change.items()}
    client = web.as_(UNIT)
    if channel == "page":
        data = {
            **_progress_form(web, UNIT, task.number),
            "percent": "50",
            "narrative": "有效的说明",
            **change,
        }
        r = client.post(f"/plans/{PID}/tasks/{task.number}/progress", data=data)
        if what == "narrative too long":
            error_page(r, 400, phrase)
        else:
            error_page(r, 400, "进度报送有 1 行有误", phrase)
    else:
        body: dict[str, object] = {"period": MONTH, "percent": 50, "narrative": "有效的说明", "values": {}}
        for k, v in change.items():
            if k.startswith("v:"):
                body["values"] = {k[2:]: v}
            else:
                body[k] = v
        r = client.post(
            f"/api/v1/plans/{PID}/tasks/{task.number}/progress",
            json=body,
            headers={"X-CSRF-Token": api_csrf(client)},
        )
        answer = r.json()
        if what == "narrative too long":  # the API's own schema says no first
            assert (r.status_code, answer["error"]) == (422, "输入有误：narrative")
        else:
            assert r.status_code == 400 and answer["error"] == "进度报送有 1 行有误，未导入任何内容"
            assert [row["row"] for row in answer["rows"]] == [1]
            assert phrase in answer["rows"][0]["error"]
    with web.db() as s:
        assert row_counts(s) == before


def test_a_good_report_by_the_same_route_is_stored(web: Web) -> None:
    """The control for the cases above: the base form they alter is accepted."""
    with web.db() as s:
        task = led_task(s, UNIT, quantity=True)
        before = len(reports(s, task.key))
    data = {**_progress_form(web, UNIT, task.number), "percent": "50", "narrative": "有效的说明"}
    assert web.as_(UNIT).post(f"/plans/{PID}/tasks/{task.number}/progress", data=data).status_code == 200
    with web.db() as s:
        assert len(reports(s, task.key)) == before + 1


SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize("field", ["narrative", "problems", "next_steps"])
def test_what_a_unit_writes_is_stored_as_text_and_shown_escaped(web: Web, field: str) -> None:
    with web.db() as s:
        task = led_task(s, UNIT)
    data = {**_progress_form(web, UNIT, task.number), "percent": "30", field: f"进展顺利{SCRIPT}"}
    client = web.as_(UNIT)
    assert client.post(f"/plans/{PID}/tasks/{task.number}/progress", data=data).status_code == 200
    with web.db() as s:
        assert getattr(reports(s, task.key)[-1], field) == f"进展顺利{SCRIPT}"
    for who in (UNIT, ADMIN, LEADER):
        page = web.as_(who).get(f"/plans/{PID}/tasks/{task.number}").text
        assert SCRIPT not in page
        assert "进展顺利&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_office_reports_for_any_task(web: Web) -> None:
    with web.db() as s:
        task = led_task(s, "财政局")
        before = len(reports(s, task.key))
    data = {**_progress_form(web, ADMIN, task.number), "percent": "70", "narrative": "督查室代报"}
    assert web.as_(ADMIN).post(f"/plans/{PID}/tasks/{task.number}/progress", data=data).status_code == 200
    with web.db() as s:
        rows = reports(s, task.key)
        assert len(rows) == before + 1 and rows[-1].author == ADMIN and rows[-1].unit_id is None


# ---------------------------------------------------------------- notices
def test_notice_is_sent_answered_and_on_the_timeline_newest_first(web: Web) -> None:
    with web.db() as s:
        task = led_task(s, UNIT)
    office, unit = web.as_(ADMIN), web.as_(UNIT)
    page = office.get(f"/plans/{PID}/tasks/{task.number}").text
    assert f"发送给 {UNIT}" in page
    notice = form(page, f"/plans/{PID}/tasks/{task.number}/notice")
    assert notice.options["kind"] == ["提醒", "催办", "督办"]
    assert notice.options["grade"] == ["一般", "重点", "挂牌"]
    data = {**notice.fields, "kind": "催办", "text": "请于本周五前报送6月进度", "answer_by": "2023-07-14"}
    r = office.post(f"/plans/{PID}/tasks/{task.number}/notice", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/plans/{PID}/tasks/{task.number}"
    with web.db() as s:
        sent = s.scalars(select(Notice)).one()
        assert (sent.kind, sent.task_key, sent.created_by) == ("催办", task.key, ADMIN)
        units = {u.name: u.id for u in queries.units(s)}
        assert sent.unit_id == units[UNIT]

    page = unit.get(f"/plans/{PID}/tasks/{task.number}").text
    assert "催办：请于本周五前报送6月进度" in page
    answer = form(page, f"/notices/{sent.id}/answer")
    r = unit.post(
        f"/notices/{sent.id}/answer",
        data={**answer.fields, "text": "已报送，见6月进度"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/plans/{PID}/tasks/{task.number}"
    with web.db() as s:
        got = s.scalars(select(NoticeAnswer)).one()
        assert (got.notice_id, got.text, got.created_by) == (sent.id, "已报送，见6月进度", UNIT)

    for client in (office, unit):
        events = timeline(client.get(f"/plans/{PID}/tasks/{task.number}").text)
        assert [k for k, _ in events[:2]] == ["答复", "催办"]
        assert "已报送，见6月进度" in events[0][1]
        assert f"致 {UNIT}：请于本周五前报送6月进度" in events[1][1]


@pytest.mark.parametrize(
    ("who", "target", "text", "status", "phrase"),
    [
        ("发改局", "answer", "我来答复", 403, "只有被通知的单位可以答复"),
        (LEADER, "answer", "领导答复", 403, "只有被通知的单位可以答复"),
        (UNIT, "answer", "   ", 400, "答复不能为空"),
        (UNIT, "notice", "单位给自己发催办", 403, "只有督查室可以发提醒、催办、督办"),
        (LEADER, "notice", "领导发催办", 403, "只有督查室可以发提醒、催办、督办"),
        (ADMIN, "notice", "", 400, "通知内容不能为空"),
        (ADMIN, "kind", "表扬一下", 400, "类型须为 提醒、催办、督办 之一"),
        (ADMIN, "missing notice", "答复", 400, "没有这条通知"),
        (ADMIN, "answer", "督查室代答", 403, "只有被通知的单位可以答复"),  # it was sent to a unit
    ],
)
def test_notice_rules(web: Web, who: str, target: str, text: str, status: int, phrase: str) -> None:
    with web.db() as s:
        task = led_task(s, UNIT)
    office = web.as_(ADMIN)
    csrf = api_csrf(office)
    office.post(
        f"/plans/{PID}/tasks/{task.number}/notice",
        data={"csrf_token": csrf, "kind": "督办", "text": "请加快进度", "answer_by": "2023-07-20"},
    )
    with web.db() as s:
        notice_id = s.scalars(select(Notice)).one().id
        before = row_counts(s)
    client = web.as_(who)
    csrf = api_csrf(client)
    if target == "answer":
        r = client.post(f"/notices/{notice_id}/answer", data={"csrf_token": csrf, "text": text})
    elif target == "missing notice":
        r = client.post("/notices/9999/answer", data={"csrf_token": csrf, "text": text})
    else:
        kind = "督办" if target == "notice" else text
        r = client.post(
            f"/plans/{PID}/tasks/{task.number}/notice",
            data={"csrf_token": csrf, "kind": kind, "text": text, "answer_by": "2023-07-20"},
        )
    error_page(r, status, phrase)
    with web.db() as s:
        assert row_counts(s) == before


@pytest.mark.parametrize(
    ("back", "target"),
    [
        ("/inbox?period=2023-07", "/inbox?period=2023-07#saved"),
        ("//evil.example/", "/inbox#saved"),
        ("https://evil.example/", "/inbox#saved"),
        ("", "/inbox#saved"),
    ],
)
def test_after_saving_the_form_returns_only_to_this_site(web: Web, back: str, target: str) -> None:
    with web.db() as s:
        task = led_task(s, UNIT)
    data = {**_progress_form(web, UNIT, task.number), "percent": "10", "back": back}
    r = web.as_(UNIT).post(f"/plans/{PID}/tasks/{task.number}/progress", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == target


def test_inbox_of_a_past_period_marks_the_tasks_reported_then(ro_web: Web) -> None:
    with ro_web.db() as s:
        mine = sorted(unit_tasks(s, UNIT))
        keys = {t.number: t.key for t in tasks(s)}
        unit_id = next(u.id for u in queries.units(s) if u.name == UNIT_USERS[UNIT])
        led = {t.number for t in tasks(s) if t.lead == UNIT_USERS[UNIT]}
        # a unit's own part: the reports that count on the tasks it leads (the demo's are sent on
        # the lead's behalf), and what it sent itself on the tasks it cooperates on
        reported = {
            n
            for n in mine
            if any(r.period == "2023-06" and (n in led or r.unit_id == unit_id) for r in reports(s, keys[n]))
        }
    assert reported and reported != set(mine)  # the demo has both kinds
    page = ro_web.as_(UNIT).get("/inbox?period=2023-06").text
    assert "2023-06 进度报送" in page
    for n in mine:
        section = re.search(rf'id="task-{n}">.*?</section>', page, re.S)
        assert section and ("本期已报送" in section.group(0)) == (n in reported), n
        assert 'name="period" value="2023-06"' in section.group(0)
    error_page(ro_web.as_(UNIT).get("/inbox?period=2023-6"), 400, "期间应写作 2023-06")


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize("any_web", ["sqlite", "postgresql"], indirect=True)
def test_a_double_click_racing_itself_is_still_one_report(
    any_web: Web, channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same submission arriving twice at once (a double click), made deterministic: the twin
    request's report is stored between this request's duplicate check and its own insert. The
    answer is the ordinary one (redirect; saved=0), not a 500 from the unique constraint."""
    from contextlib import contextmanager

    from bihuan.ledger.models import ProgressReport
    from bihuan.track import progress

    with any_web.db() as s:
        task = led_task(s, UNIT)
        before = len(reports(s, task.key))
    fields = _progress_form(any_web, UNIT, task.number)
    token = fields["submission"]
    real = progress.transaction

    @contextmanager
    def twin_lands_first(session):  # type: ignore[no-untyped-def]
        if session.in_transaction():
            session.commit()
        with any_web.db() as other:
            other.add(ProgressReport(document_id=PID, task_key=task.key, period=MONTH, values={}, percent=50.0,
                                     author=UNIT, submission=token))  # fmt: skip
            other.commit()
        with real(session) as tx:
            yield tx

    monkeypatch.setattr(progress, "transaction", twin_lands_first)
    client = any_web.as_(UNIT)
    client_safe = type(client)(any_web.app, raise_server_exceptions=False, cookies=client.cookies)
    if channel == "page":
        r = client_safe.post(
            f"/plans/{PID}/tasks/{task.number}/progress",
            data={**fields, "percent": "50"},
            follow_redirects=False,
        )
        ok = r.status_code == 303
    else:
        r = client_safe.post(
            f"/api/v1/plans/{PID}/tasks/{task.number}/progress",
            json={"period": MONTH, "percent": 50, "submission": token},
            headers={"X-CSRF-Token": api_csrf(client)},
        )
        ok = r.status_code == 201 and r.json() == {"saved": 0}
    with any_web.db() as s:
        assert len(reports(s, task.key)) == before + 1  # the constraint keeps the data right either way
    assert ok, f"{r.status_code}: {r.text[:200]}"


@pytest.mark.parametrize("any_web", ["sqlite", "postgresql"], indirect=True)
def test_the_same_form_sent_by_eight_threads_at_once_is_one_report(any_web: Web) -> None:
    import threading

    with any_web.db() as s:
        task = led_task(s, UNIT)
        before = len(reports(s, task.key))
    data = {**_progress_form(any_web, UNIT, task.number), "percent": "50"}
    clients = [any_web.as_(UNIT) for _ in range(8)]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def send(client: TestClient) -> None:
        start.wait()
        r = client.post(f"/plans/{PID}/tasks/{task.number}/progress", data=data, follow_redirects=False)
        statuses.append(r.status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [303] * len(clients)
    with any_web.db() as s:
        assert len(reports(s, task.key)) == before + 1
