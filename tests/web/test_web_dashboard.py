"""The dashboard shows what track.status says (counts, charts, targets), for each role's view;
the public page shows a published plan without login and nothing internal; unpublished, 403."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter

import pytest
from sqlalchemy import func, select
from web_helpers import ADMIN, LEADER, PID, TODAY, UNIT_USERS, Web, api_csrf, error_page, form, led_task

from bihuan.ledger import queries
from bihuan.ledger.models import Publication
from bihuan.track import board
from bihuan.track.status import Settings, statuses
from bihuan.track.users import Person
from bihuan.web import pages

UNIT = "农业农村局"


def _person(web: Web, who: str) -> Person:
    if who == ADMIN:
        return Person(1, who, "admin", None, None)
    if who == LEADER:
        return Person(2, who, "leader", None, None)
    with web.db() as s:
        unit_id = {u.name: u.id for u in queries.units(s)}[UNIT_USERS[who]]
    return Person(3, who, "unit", unit_id, UNIT_USERS[who])


def _shown_counts(page: str) -> dict[str, int]:
    return {light: int(n) for light, n in re.findall(r'<b id="count-(\w+)">(\d+)</b>', page)}


@pytest.mark.parametrize("on", [None, "2023-03-31", "2023-12-31"])
@pytest.mark.parametrize("who", [ADMIN, LEADER, UNIT, "住建局"])
def test_dashboard_counts_are_the_status_counts(ro_web: Web, who: str, on: str | None) -> None:
    day = dt.date.fromisoformat(on) if on else TODAY
    person = _person(ro_web, who)
    with ro_web.db() as s:
        items = statuses(s, PID, day, Settings(), board.visible_unit(person))
    lights = Counter(it.status.light for it in items)
    states = Counter(it.status.state for it in items)
    page = ro_web.as_(who).get("/dashboard" + (f"?on={on}" if on else "")).text
    assert _shown_counts(page) == {k: lights.get(k, 0) for k in ("red", "yellow", "green")}
    for state, n in states.items():
        assert f'<div class="count">{state} <b>{n}</b></div>' in page
    if who == ADMIN and on is None:
        assert (lights["red"], lights["yellow"], lights["green"]) != (0, 0, 0)
        assert sum(lights.values()) == 68


def test_dashboard_charts_and_tables(ro_web: Web) -> None:
    page = ro_web.as_(ADMIN).get("/dashboard").text
    charts = re.search(r'<section class="charts">(.*?)</section>', page, re.S)
    assert charts
    figures = re.findall(r"<figure>(.*?)</figure>", charts.group(1), re.S)
    assert len(figures) == 3 and all(
        f.lstrip().startswith("<svg") and f.rstrip().endswith("</svg>") for f in figures
    )
    for figure, title in zip(figures, ["全部任务红黄绿灯", "各工作领域", "各单位"], strict=True):
        assert f"<title>{title}" in figure
    assert page.count("<svg") == 4  # and the targets chart

    with ro_web.db() as s:
        view = board.dashboard(s, PID, TODAY, _person(ro_web, ADMIN), Settings())
    assert view.targets and view.units
    targets = re.search(r"年目标完成情况</h2>.*?<tbody>(.*?)</tbody>", page, re.S)
    assert targets
    rows = re.findall(
        r"<tr class=\"(\w+)\"><td><a href=\"/plans/1/tasks/(\d+)\">\d+</a></td><td>(.*?)</td>",
        targets.group(1),
    )
    limit = pages.DASHBOARD_ROWS  # long tables show their first rows; ?full=1 shows all
    assert [(int(n), name, light) for light, n, name in rows] == [
        (t.task_number, html.escape(t.name), t.light) for t in view.targets[:limit]
    ]
    if len(view.targets) > limit:
        assert f"显示全部 {len(view.targets)} 项目标" in page
        full = ro_web.as_(ADMIN).get("/dashboard?full=1").text
        every = re.search(r"年目标完成情况</h2>.*?<tbody>(.*?)</tbody>", full, re.S)
        assert every and every.group(1).count("<tr class=") == len(view.targets)
    t = next(t for t in view.targets if t.latest is not None)
    assert f"<td>{t.target:g}{t.unit or ''}</td>" in targets.group(1)
    ranking = re.search(r"单位排名</h2>.*?<tbody>(.*?)</tbody>", page, re.S)
    assert ranking and ranking.group(1).count("<tr>") == len(view.units)
    late = re.search(r"红灯、黄灯任务</h2>.*?<tbody>(.*?)</tbody>", page, re.S)
    flagged = view.counts["red"] + view.counts["yellow"]
    assert late and late.group(1).count("<tr class=") == min(flagged, limit)


def test_a_units_dashboard_counts_only_its_tasks(ro_web: Web) -> None:
    page = ro_web.as_(UNIT).get("/dashboard").text
    with ro_web.db() as s:
        mine = len(statuses(s, PID, TODAY, Settings(), _person(ro_web, UNIT).unit_id))
    assert sum(_shown_counts(page).values()) == mine < 68


@pytest.mark.parametrize(
    ("query", "phrase"), [("on=2023-99-01", "日期应写作 2023-06-30"), ("plan=9", "没有编号为 9 的计划")]
)
def test_dashboard_bad_query_is_a_clear_400(ro_web: Web, query: str, phrase: str) -> None:
    error_page(ro_web.as_(ADMIN).get(f"/dashboard?{query}"), 400, phrase)


def test_empty_ledger_pages(empty_web: Web) -> None:
    assert "导入一份政府工作报告" in empty_web.as_(ADMIN).get("/dashboard").text
    assert "还没有计划" in empty_web.as_("发改局").get("/inbox").text
    assert "还没有公开的计划" in empty_web.anon().get("/public").text


# ---------------------------------------------------------------- public
SECRETS = {
    "narrative": "内部进展-只给督查室看-7f3a",
    "problems": "资金缺口问题-不宜公开-91c2",
    "next_steps": "下步拟协调-内部-55d0",
    "notice": "督办通知-内部-3b8e",
    "answer": "答复内容-内部-c6a1",
}


def _write_internal_text(web: Web) -> int:
    with web.db() as s:
        task = led_task(s, UNIT)
    unit, office = web.as_(UNIT), web.as_(ADMIN)
    r = unit.post(
        f"/api/v1/plans/{PID}/tasks/{task.number}/progress",
        json={
            "period": "2023-07",
            "percent": 45,
            **{k: SECRETS[k] for k in ("narrative", "problems", "next_steps")},
        },
        headers={"X-CSRF-Token": api_csrf(unit)},
    )
    assert r.json() == {"saved": 1}
    office.post(
        f"/plans/{PID}/tasks/{task.number}/notice",
        data={
            "csrf_token": api_csrf(office),
            "kind": "督办",
            "text": SECRETS["notice"],
            "answer_by": "2023-07-20",
        },
    )
    page = unit.get(f"/plans/{PID}/tasks/{task.number}").text
    notice_id = re.search(r'action="/notices/(\d+)/answer"', page)
    assert notice_id
    unit.post(
        f"/notices/{notice_id.group(1)}/answer",
        data={"csrf_token": api_csrf(unit), "text": SECRETS["answer"]},
    )
    return task.number


def test_public_page_is_open_and_holds_nothing_internal(web: Web) -> None:
    number = _write_internal_text(web)
    inside = web.as_(ADMIN).get(f"/plans/{PID}/tasks/{number}").text
    assert all(secret in inside for secret in SECRETS.values())  # they are there, for the office

    visitor = web.anon()
    index = visitor.get("/public").text
    assert '<a href="/public/1">示例县 2023 年政府工作报告重点任务</a>' in index
    r = visitor.get("/public/1")
    assert r.status_code == 200
    page = r.text
    assert "示例县 2023 年政府工作报告重点任务进展" in page and "<svg" in page
    assert page.count('<li class="') == 68
    for secret in SECRETS.values():
        assert secret not in page
    assert "csrf_token" not in page and "/logout" not in page
    with web.db() as s:
        counts = board.dashboard(s, PID, TODAY, _person(web, LEADER), Settings()).counts
    assert f"红灯 {counts['red']}，黄灯 {counts['yellow']}，绿灯 {counts['green']}" in page
    # logged in, the public page is the same public page
    assert all(secret not in web.as_(UNIT).get("/public/1").text for secret in SECRETS.values())


def test_unpublishing_closes_the_public_page(web: Web) -> None:
    office = web.as_(ADMIN)
    dash = office.get("/dashboard").text
    assert "撤回公开" in dash
    r = office.post(
        f"/plans/{PID}/publish", data=form(dash, f"/plans/{PID}/publish").fields, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == f"/dashboard?plan={PID}"
    with web.db() as s:
        assert not board.is_published(s, PID)
        assert s.scalar(select(func.count()).select_from(Publication)) == 2
    visitor = web.anon()
    error_page(visitor.get("/public/1"), 403, "这份计划尚未公开")
    assert "/public/1" not in visitor.get("/public").text
    assert office.get("/api/v1/plans").json()[0]["published"] is False
    # publishing again opens it
    dash = office.get("/dashboard").text
    assert "公开发布" in dash
    office.post(f"/plans/{PID}/publish", data=form(dash, f"/plans/{PID}/publish").fields)
    assert visitor.get("/public/1").status_code == 200


def test_a_plan_that_does_not_exist_is_not_public(ro_web: Web) -> None:
    error_page(ro_web.anon().get("/public/99"), 403, "这份计划尚未公开")
