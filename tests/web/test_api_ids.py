"""The API's ids: a number too big for any id is "no such thing" (404), a malformed one 422, never
a 500; unknown plans and tasks are 404; every error status is declared in the schema with the
error body the API sends; times carry their zone."""

from __future__ import annotations

import pytest
from web_helpers import ADMIN, PID, UNIT_USERS, Web, api_csrf, foreign_task, led_task, row_counts

HUGE = "99999999999999999999"
UNIT = "发改局"


def _paths(web: Web) -> list[str]:
    """Each GET path with a plan or task id that exists nowhere (too big, zero, negative, unused)."""
    with web.db() as s:
        number = led_task(s, UNIT_USERS[UNIT]).number
    plan_paths = ("/api/v1/plans/{pid}/tasks", "/api/v1/plans/{pid}/status")
    task_paths = ("/api/v1/plans/{pid}/tasks/{number}", "/api/v1/plans/{pid}/tasks/{number}/progress")
    out = [p.format(pid=pid) for pid in (HUGE, "0", "-3", "77") for p in plan_paths]
    for pid, n in ((HUGE, number), ("77", number), (PID, HUGE), (PID, "0"), (PID, "-3"), (PID, "100000")):
        out += [p.format(pid=pid, number=n) for p in task_paths]
    return out


@pytest.mark.parametrize("who", [ADMIN, UNIT])
def test_ids_that_exist_nowhere_are_404_in_chinese(ro_web: Web, who: str) -> None:
    client = ro_web.as_(who)
    for path in _paths(ro_web):
        r = client.get(path)
        assert r.status_code == 404, (path, r.status_code, r.text[:200])
        body = r.json()
        assert body["error"].startswith(("没有编号为", "任务“")) and body["error_en"].startswith("no "), body


def test_malformed_ids_are_422(ro_web: Web) -> None:
    client = ro_web.as_(ADMIN)
    for path in (
        "/api/v1/plans/abc/tasks",
        f"/api/v1/plans/{PID}/tasks/1.5",
        f"/api/v1/plans/{PID}/tasks/一",
    ):
        r = client.get(path)
        assert r.status_code == 422, (path, r.status_code)
        assert r.json()["error"].startswith("输入有误")


def test_writes_to_ids_that_exist_nowhere_are_404_and_change_nothing(web: Web) -> None:
    client = web.as_(ADMIN)
    headers = {"X-CSRF-Token": api_csrf(client)}
    with web.db() as s:
        before = row_counts(s)
    for pid, number in ((HUGE, "1"), (PID, HUGE), ("5", "1")):
        r = client.put(
            f"/api/v1/plans/{pid}/tasks/{number}/assignment", json={"leader": "某"}, headers=headers
        )
        assert r.status_code == 404, r.text
        r = client.post(
            f"/api/v1/plans/{pid}/tasks/{number}/progress",
            json={"period": "2023-06", "percent": 5},
            headers=headers,
        )
        assert r.status_code == 404, r.text
    with web.db() as s:
        assert row_counts(s) == before


def test_a_unit_still_gets_403_on_another_units_task(ro_web: Web) -> None:
    with ro_web.db() as s:
        other = foreign_task(s, UNIT_USERS[UNIT]).number
    client = ro_web.as_(UNIT)
    for path in (f"/api/v1/plans/{PID}/tasks/{other}", f"/api/v1/plans/{PID}/tasks/{other}/progress"):
        assert client.get(path).status_code == 403
    r = client.post(
        f"/api/v1/plans/{PID}/tasks/{other}/progress",
        json={"period": "2023-06", "percent": 5},
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert r.status_code == 403


def test_every_error_is_declared_with_the_error_body(ro_web: Web) -> None:
    spec = ro_web.anon().get("/api/v1/openapi.json").json()
    error = spec["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"error", "error_en"}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"401", "422"} <= codes, (method, path, codes)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method != "get":
                assert {"400", "403"} <= codes, (method, path)
            for code, answer in op["responses"].items():
                if code.startswith("4") or code.startswith("5"):
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorOut"), (method, path, code, ref)


def test_report_times_carry_their_zone(ro_web: Web) -> None:
    with ro_web.db() as s:
        number = led_task(s, UNIT_USERS[UNIT]).number
    rows = ro_web.as_(ADMIN).get(f"/api/v1/plans/{PID}/tasks/{number}/progress").json()
    assert rows and all(r["created_at"].endswith("+00:00") or r["created_at"].endswith("Z") for r in rows)
