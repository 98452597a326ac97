"""Who may do what: a unit sees only its own tasks, by page and by API; only the 督查室 imports,
assigns, sends notices and publishes; a leader reads everything and changes nothing."""

from __future__ import annotations

import pytest
from web_helpers import (
    ADMIN,
    LEADER,
    PID,
    REPORT,
    UNIT_USERS,
    Web,
    api_csrf,
    cooperating_task,
    error_page,
    foreign_task,
    form,
    led_task,
    reports,
    row_counts,
    unit_tasks,
)

from bihuan.track import drafts

UNITS = sorted(UNIT_USERS)


@pytest.mark.parametrize("user", UNITS)
@pytest.mark.parametrize("channel", ["page", "api task", "api progress", "api report"])
def test_a_unit_cannot_reach_another_units_task(ro_web: Web, user: str, channel: str) -> None:
    with ro_web.db() as s:
        task = foreign_task(s, UNIT_USERS[user])
        before = row_counts(s)
    client = ro_web.as_(user)
    base = f"/plans/{PID}/tasks/{task.number}"
    if channel == "page":
        error_page(client.get(base), 403, "这项任务不属于你的单位")
        return
    if channel == "api task":
        r = client.get(f"/api/v1{base}")
    elif channel == "api progress":
        r = client.get(f"/api/v1{base}/progress")
    else:
        r = client.post(
            f"/api/v1{base}/progress",
            json={"period": "2023-07", "percent": 40, "narrative": "越权报送"},
            headers={"X-CSRF-Token": api_csrf(client)},
        )
    assert r.status_code == 403
    assert r.json()["error"] == "这项任务不属于你的单位"
    with ro_web.db() as s:
        assert row_counts(s) == before


def test_the_task_number_is_really_foreign(ro_web: Web) -> None:
    """The cases above use a task that is neither led nor co-handled by the unit."""
    with ro_web.db() as s:
        for user, unit in UNIT_USERS.items():
            task = foreign_task(s, unit)
            assert task.number not in unit_tasks(s, unit), user


@pytest.mark.parametrize("user", UNITS)
def test_a_units_form_report_on_another_units_task_is_refused(web: Web, user: str) -> None:
    with web.db() as s:
        own = led_task(s, UNIT_USERS[user])
        task = foreign_task(s, UNIT_USERS[user])
        before = len(reports(s, task.key))
    client = web.as_(user)
    fields = form(
        client.get(f"/plans/{PID}/tasks/{own.number}").text, f"/plans/{PID}/tasks/{own.number}/progress"
    )
    data = {**fields.fields, "percent": "40", "narrative": "越权报送"}
    r = client.post(f"/plans/{PID}/tasks/{task.number}/progress", data=data, follow_redirects=False)
    # refused with the reason (the page says 400, the API says 403 for the same thing)
    assert r.status_code in (400, 403)
    assert f"任务 {task.number} 不由“{UNIT_USERS[user]}”承担" in r.text or "不属于你的单位" in r.text
    with web.db() as s:
        assert len(reports(s, task.key)) == before


@pytest.mark.parametrize("user", UNITS)
@pytest.mark.parametrize("which", ["leads", "cooperates"])
def test_a_unit_opens_its_own_tasks(ro_web: Web, user: str, which: str) -> None:
    with ro_web.db() as s:
        unit = UNIT_USERS[user]
        task = led_task(s, unit) if which == "leads" else cooperating_task(s, unit)
    client = ro_web.as_(user)
    page = client.get(f"/plans/{PID}/tasks/{task.number}")
    assert page.status_code == 200
    assert f"任务 {task.number}" in page.text and 'id="progress-form"' in page.text
    assert client.get(f"/api/v1/plans/{PID}/tasks/{task.number}").json()["number"] == task.number
    assert client.get(f"/api/v1/plans/{PID}/tasks/{task.number}/progress").status_code == 200


@pytest.mark.parametrize("user", UNITS)
def test_api_task_list_of_a_unit_holds_only_its_tasks(ro_web: Web, user: str) -> None:
    unit = UNIT_USERS[user]
    with ro_web.db() as s:
        mine = unit_tasks(s, unit)
    got = ro_web.as_(user).get(f"/api/v1/plans/{PID}/tasks").json()
    assert {t["number"] for t in got} == mine
    assert all(t["lead"] == unit or unit in t["cooperating"] for t in got)
    assert 0 < len(got) < len(ro_web.as_(ADMIN).get(f"/api/v1/plans/{PID}/tasks").json())


@pytest.mark.parametrize(
    "path", ["/import", f"/plans/{PID}/assign", f"/plans/{PID}/export.xlsx", "/import/1"]
)
@pytest.mark.parametrize("user", UNITS)
def test_a_unit_cannot_open_the_offices_pages(ro_web: Web, user: str, path: str) -> None:
    error_page(ro_web.as_(user).get(path), 403, "没有权限")


def _writes(number: int) -> list[tuple[str, dict[str, str], str]]:
    """Every form the 督查室 posts, with fields that would be accepted from the 督查室, and what
    anyone else is told."""
    return [
        (f"/plans/{PID}/assign/confirm", {"task": str(number)}, "没有权限"),
        (f"/plans/{PID}/tasks/{number}/assign", {"lead": "财政局", "leader": "某副县长"}, "没有权限"),
        (
            f"/plans/{PID}/tasks/{number}/notice",
            {"kind": "催办", "text": "请尽快报送", "answer_by": "2023-07-20"},
            "只有督查室可以发提醒、催办、督办",
        ),
        (f"/plans/{PID}/publish", {"published": "0"}, "只有督查室可以发布"),
    ]


@pytest.mark.parametrize("who", [*UNITS, LEADER])
@pytest.mark.parametrize("route", range(4))
def test_only_the_office_assigns_sends_notices_and_publishes(web: Web, who: str, route: int) -> None:
    with web.db() as s:
        number = led_task(s, UNIT_USERS[who]).number if who in UNIT_USERS else 1
        before = row_counts(s)
    client = web.as_(who)
    path, data, phrase = _writes(number)[route]
    r = client.post(path, data={**data, "csrf_token": api_csrf(client)}, follow_redirects=False)
    error_page(r, 403, phrase)
    with web.db() as s:
        assert row_counts(s) == before


def test_the_same_writes_succeed_for_the_office(web: Web) -> None:
    """The control for the test above: each refused form is a good one."""
    client = web.as_(ADMIN)
    csrf = api_csrf(client)
    for path, data, _ in _writes(1):
        with web.db() as s:
            before = row_counts(s)
        r = client.post(path, data={**data, "csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303, (path, r.text[:300])
        with web.db() as s:
            assert row_counts(s) != before, path


@pytest.mark.parametrize("who", [*UNITS, LEADER])
def test_only_the_office_uploads_a_report(web: Web, who: str) -> None:
    client = web.as_(who)
    with web.db() as s:
        before = row_counts(s)
    r = client.post(
        "/import",
        data={"csrf_token": api_csrf(client)},
        files={"file": (REPORT.name, REPORT.read_bytes(), "text/plain")},
        follow_redirects=False,
    )
    error_page(r, 403, "没有权限")
    with web.db() as s:
        assert row_counts(s) == before


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard",
        f"/plans/{PID}/assign",
        f"/plans/{PID}/tasks/1",
        f"/plans/{PID}/tasks/40",
        f"/plans/{PID}/export.xlsx",
        "/public/1",
        "/api/v1/plans",
        f"/api/v1/plans/{PID}/tasks/40/progress",
    ],
)
def test_a_leader_reads_everything(ro_web: Web, path: str) -> None:
    assert ro_web.as_(LEADER).get(path).status_code == 200


def test_a_leader_sees_no_edit_forms(ro_web: Web) -> None:
    client = ro_web.as_(LEADER)
    assign = client.get(f"/plans/{PID}/assign").text
    assert "/assign/confirm" not in assign and 'name="lead"' not in assign
    task = client.get(f"/plans/{PID}/tasks/1").text
    assert 'id="progress-form"' not in task and '/notice"' not in task
    assert "/publish" not in client.get("/dashboard").text
    assert len(client.get(f"/api/v1/plans/{PID}/tasks").json()) == 68


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", f"/plans/{PID}/tasks/1/progress", {"period": "2023-07", "percent": "50"}),
        ("POST", f"/api/v1/plans/{PID}/tasks/1/progress", {"period": "2023-07", "percent": 50}),
        ("PUT", f"/api/v1/plans/{PID}/tasks/1/assignment", {"lead": "财政局"}),
        ("GET", "/inbox", None),
    ],
)
def test_a_leader_cannot_report_or_reassign(
    web: Web, method: str, path: str, body: dict[str, object] | None
) -> None:
    client = web.as_(LEADER)
    csrf = api_csrf(client)
    with web.db() as s:
        before = row_counts(s)
    if path.startswith("/api/"):
        r = client.request(method, path, json=body, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 403 and r.json()["error"] == "没有权限"
    elif method == "GET":
        error_page(client.get(path), 403, "没有权限")
    else:
        error_page(client.post(path, data={**(body or {}), "csrf_token": csrf}), 403, "没有权限")
    with web.db() as s:
        assert row_counts(s) == before


@pytest.mark.parametrize("who", sorted([*UNITS, LEADER]))
def test_only_the_office_changes_an_assignment_by_api(web: Web, who: str) -> None:
    client = web.as_(who)
    with web.db() as s:
        before = row_counts(s)
    r = client.put(
        f"/api/v1/plans/{PID}/tasks/1/assignment",
        json={"lead": "财政局"},
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert r.status_code == 403 and r.json()["error"] == "没有权限"
    with web.db() as s:
        assert row_counts(s) == before


@pytest.mark.parametrize("any_web", ["sqlite", "postgresql"], indirect=True)
def test_unit_isolation_on_both_databases(any_web: Web) -> None:
    unit = UNIT_USERS["农业农村局"]
    with any_web.db() as s:
        foreign, own = foreign_task(s, unit), led_task(s, unit)
        mine = unit_tasks(s, unit)
    client = any_web.as_("农业农村局")
    assert client.get(f"/plans/{PID}/tasks/{foreign.number}").status_code == 403
    assert client.get(f"/api/v1/plans/{PID}/tasks/{foreign.number}/progress").status_code == 403
    assert client.get(f"/plans/{PID}/tasks/{own.number}").status_code == 200
    assert {t["number"] for t in client.get(f"/api/v1/plans/{PID}/tasks").json()} == mine


@pytest.mark.parametrize("who", ["发改局", LEADER])
@pytest.mark.parametrize("action", ["confirm", "figure", "merge", "split"])
def test_only_the_office_reviews_and_confirms_a_draft(web: Web, who: str, action: str) -> None:
    with web.db() as s:
        d = drafts.start(s, REPORT.read_text("utf-8"), REPORT.name, "txt", ADMIN)
        before = row_counts(s)
    client = web.as_(who)
    data = {
        "csrf_token": api_csrf(client),
        "iid": "i1",
        "name": "x",
        "value": "1",
        "tid": "t1",
        "at": "稳增长",
    }
    error_page(client.post(f"/import/{d.id}/{action}", data=data), 403, "没有权限")
    with web.db() as s:
        assert row_counts(s) == before
