"""The JSON API under /api/v1: its OpenAPI description, the shapes of plans, tasks and status,
changing an assignment, and reporting progress once per submission."""

from __future__ import annotations

from collections import Counter

import pytest
from web_helpers import ADMIN, PID, UNIT_USERS, Web, api_csrf, led_task, reports, tasks

from bihuan.ledger import queries

PLAN_KEYS = {"id", "region", "plan_year", "revision", "title", "tasks", "indicators", "published", "current"}
TASK_KEYS = {"number", "key", "area", "text", "lead", "cooperating", "leader", "deadline", "status"}
STATUS_KEYS = {
    "state",
    "light",
    "reasons",
    "time_progress",
    "expected",
    "progress",
    "judged_by",
    "handed_over",
}
STATES = {"未交办", "待报送", "未报送", "未启动", "正常推进", "滞后", "逾期", "已完成"}
UNIT = "农业农村局"


def test_openapi_lists_the_api_and_nothing_else(ro_web: Web) -> None:
    r = ro_web.anon().get("/api/v1/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    assert spec["info"]["title"] == "bihuan 闭环 API"
    methods = {path: set(ops) for path, ops in spec["paths"].items()}
    assert methods == {
        "/api/v1/plans": {"get"},
        "/api/v1/plans/{pid}/tasks": {"get"},
        "/api/v1/plans/{pid}/status": {"get"},
        "/api/v1/plans/{pid}/tasks/{number}": {"get"},
        "/api/v1/plans/{pid}/tasks/{number}/assignment": {"put"},
        "/api/v1/plans/{pid}/tasks/{number}/progress": {"get", "post"},
        "/api/v1/session": {"get"},
    }
    post = spec["paths"]["/api/v1/plans/{pid}/tasks/{number}/progress"]["post"]
    assert "201" in post["responses"]
    assert any(p["name"] == "X-CSRF-Token" for p in post["parameters"])


def test_plans(ro_web: Web) -> None:
    got = ro_web.as_(UNIT).get("/api/v1/plans").json()
    assert len(got) == 1 and set(got[0]) == PLAN_KEYS
    with ro_web.db() as s:
        rev = queries.latest_revision(s, PID)
        assert rev is not None
        n_tasks, n_inds = queries.count_rows(s, rev.id)
    assert got[0] == {
        "id": PID,
        "region": "示例县",
        "plan_year": 2023,
        "revision": 1,
        "title": "政府工作报告",
        "tasks": n_tasks,
        "indicators": n_inds,
        "published": True,
        "current": True,
    }


def test_tasks_and_status_agree(ro_web: Web) -> None:
    client = ro_web.as_(ADMIN)
    items = client.get(f"/api/v1/plans/{PID}/tasks").json()
    with ro_web.db() as s:
        known = {t.number: t for t in tasks(s)}
    assert [t["number"] for t in items] == sorted(known)
    for t in items:
        assert set(t) == TASK_KEYS and set(t["status"]) == STATUS_KEYS
        assert t["status"]["light"] in {"red", "yellow", "green"} and t["status"]["state"] in STATES
        assert (t["key"], t["lead"], tuple(t["cooperating"])) == (
            known[t["number"]].key,
            known[t["number"]].lead,
            known[t["number"]].cooperating,
        )
    status = client.get(f"/api/v1/plans/{PID}/status").json()
    assert set(status) == {"on", "lights", "states", "units"} and status["on"] == "2023-07-10"
    assert status["lights"] == {
        k: Counter(t["status"]["light"] for t in items)[k] for k in ("red", "yellow", "green")
    }
    assert status["states"] == dict(Counter(t["status"]["state"] for t in items))
    assert sum(u["red"] + u["yellow"] + u["green"] for u in status["units"]) == len(items)


def test_the_date_is_a_query_parameter(ro_web: Web) -> None:
    client = ro_web.as_(ADMIN)
    early = client.get(f"/api/v1/plans/{PID}/status?on=2023-01-15").json()
    late = client.get(f"/api/v1/plans/{PID}/tasks?on=2024-01-15").json()
    assert early["on"] == "2023-01-15"
    assert all(t["status"]["time_progress"] == 1.0 for t in late)
    assert early["lights"] != client.get(f"/api/v1/plans/{PID}/status").json()["lights"]
    r = client.get(f"/api/v1/plans/{PID}/status?on=soon")
    assert r.status_code == 422 and r.json()["error"] == "输入有误：on"


def test_one_task_with_its_indicators(ro_web: Web) -> None:
    client = ro_web.as_(ADMIN)
    with ro_web.db() as s:
        task = next(t for t in tasks(s) if len(t.quantities) >= 2)
    got = client.get(f"/api/v1/plans/{PID}/tasks/{task.number}").json()
    assert set(got) == TASK_KEYS | {"indicators"}
    assert got["number"] == task.number and got["key"] == task.key
    names = [i["name"] for i in got["indicators"] if i["kind"] == "target" and i["value"] is not None]
    assert names == list(task.quantities)
    assert all(
        set(i) == {"key", "name", "kind", "period", "value", "unit", "growth_pct", "quote"}
        for i in got["indicators"]
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (f"/api/v1/plans/{PID}/tasks/999", "任务“999”不存在"),
        (f"/api/v1/plans/{PID}/tasks/999/progress", "任务“999”不存在"),
        ("/api/v1/plans/9/tasks", "没有编号为 9 的计划"),
        ("/api/v1/plans/9/status", "没有编号为 9 的计划"),
    ],
)
def test_unknown_things_are_json_errors_in_chinese(ro_web: Web, path: str, message: str) -> None:
    r = ro_web.as_(ADMIN).get(path)
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert r.json()["error"] == message and r.json()["error_en"]


def test_unknown_api_path_is_a_json_404(ro_web: Web) -> None:
    r = ro_web.as_(ADMIN).get("/api/v1/nothing")
    assert r.status_code == 404 and r.json()["error"] == "页面不存在"


def test_progress_history_by_api(ro_web: Web) -> None:
    with ro_web.db() as s:
        task = led_task(s, UNIT, quantity=True)
        stored = reports(s, task.key)
    got = ro_web.as_(UNIT).get(f"/api/v1/plans/{PID}/tasks/{task.number}/progress").json()
    assert [(p["period"], p["narrative"], p["author"]) for p in got] == [
        (r.period, r.narrative, r.author) for r in stored
    ]
    assert got and set(got[0]) == {
        "period",
        "values",
        "percent",
        "narrative",
        "problems",
        "next_steps",
        "author",
        "created_at",
    }


def test_put_assignment(web: Web) -> None:
    client = web.as_(ADMIN)
    with web.db() as s:
        task = tasks(s)[0]
        before = len(queries.assignment_history(s, PID, task.key))
    body = {
        "lead": "财政局",
        "cooperating": ["发改局", "住房和城乡建设局"],  # a short name and a full name
        "leader": "王副县长",
        "deadline": "2023-10-31",
        "milestones": ["2023-08-31:50%:主体完工", "2023-06-30:20"],
    }
    r = client.put(
        f"/api/v1/plans/{PID}/tasks/{task.number}/assignment",
        json=body,
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["lead"], got["cooperating"], got["leader"], got["deadline"]) == (
        "财政局",
        ["发展和改革局", "住房和城乡建设局"],
        "王副县长",
        "2023-10-31",
    )
    # only what is given changes
    r = client.put(
        f"/api/v1/plans/{PID}/tasks/{task.number}/assignment",
        json={"leader": "李副县长"},
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert (r.json()["lead"], r.json()["leader"], r.json()["deadline"]) == (
        "财政局",
        "李副县长",
        "2023-10-31",
    )
    with web.db() as s:
        history = queries.assignment_history(s, PID, task.key)
        assert len(history) == before + 2
        assert [m["due"] for m in history[-1].milestones] == ["2023-06-30", "2023-08-31"]
        assert history[-1].created_by == ADMIN


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"lead": "不存在的局"}, 400, "单位名录中没有“不存在的局”"),
        ({"cooperating": ["财政局", "无名局"]}, 400, "单位名录中没有“无名局”"),
        (
            {"milestones": ["下个月:50"]},
            400,
            "节点“下个月:50”格式不对，应为 日期:进度%[:说明]，如 2022-06-30:50%:主体完工",
        ),
        ({"deadline": "2023-02-30"}, 422, "输入有误：deadline"),
        ({"leader": "长" * 101}, 422, "输入有误：leader"),
    ],
)
def test_bad_assignment_changes_nothing(web: Web, body: dict[str, object], status: int, message: str) -> None:
    client = web.as_(ADMIN)
    with web.db() as s:
        before = len(queries.assignment_history(s, PID, tasks(s)[0].key))
    r = client.put(
        f"/api/v1/plans/{PID}/tasks/1/assignment", json=body, headers={"X-CSRF-Token": api_csrf(client)}
    )
    assert r.status_code == status and r.json()["error"] == message
    with web.db() as s:
        assert len(queries.assignment_history(s, PID, tasks(s)[0].key)) == before


@pytest.mark.parametrize("any_web", ["sqlite", "postgresql"], indirect=True)
def test_post_progress_once_per_submission(any_web: Web) -> None:
    with any_web.db() as s:
        task = led_task(s, UNIT_USERS[UNIT], quantity=True)
        before = len(reports(s, task.key))
    client = any_web.as_(UNIT)
    url = f"/api/v1/plans/{PID}/tasks/{task.number}/progress"
    body = {
        "period": "2023-07",
        "values": {task.quantities[0]: 2},
        "narrative": "接口报送",
        "submission": "api-once-1",
    }
    headers = {"X-CSRF-Token": api_csrf(client)}
    first = client.post(url, json=body, headers=headers)
    assert (first.status_code, first.json()) == (201, {"saved": 1})
    again = client.post(url, json=body, headers=headers)
    assert (again.status_code, again.json()) == (201, {"saved": 0})
    with any_web.db() as s:
        rows = reports(s, task.key)
        assert len(rows) == before + 1
        assert (rows[-1].submission, rows[-1].narrative, rows[-1].period) == (
            "api-once-1",
            "接口报送",
            "2023-07",
        )
        assert list(rows[-1].values.values()) == [2.0]
    # another submission for the same month is a correction, stored beside the first
    corrected = client.post(
        url, json={**body, "submission": "api-once-2", "narrative": "更正"}, headers=headers
    )
    assert corrected.json() == {"saved": 1}
    with any_web.db() as s:
        assert [r.narrative for r in queries.report_versions(s, PID, task.key, "2023-07")] == [
            "接口报送",
            "更正",
        ]
