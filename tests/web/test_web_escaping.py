"""Text from outside (the uploaded report, notices and answers) reaches many pages, some of them
through SVG marked safe: it must always arrive as text, never as markup."""

from __future__ import annotations

import re

import pytest
from web_helpers import ADMIN, LEADER, REPORT, Web, api_csrf, forms, led_task

from bihuan.extract import extract_text
from bihuan.track import assign, board, plans
from bihuan.track.users import Person

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"


@pytest.fixture
def hostile(empty_web: Web) -> Web:
    """A plan whose report has markup in a work-area heading and in a task with a target."""
    text = REPORT.read_text("utf-8")
    text = text.replace("（二）坚持工业强县，加快构建", f"（二）坚持工业强县{SCRIPT}，加快构建", 1)
    text = text.replace("谋划储备项目三百余个", f"谋划储备{IMG}项目三百余个", 1)
    plan = extract_text(text, "txt")
    assert any(IMG in t.text for t in plan.tasks) and any(SCRIPT in s.heading for s in plan.sections)
    with empty_web.db() as s:
        pid = plans.import_plan(s, plan, text=text, source_name="report.txt", user=ADMIN).document_id
        assign.confirm(s, pid, [], ADMIN)
        board.set_published(s, pid, True, Person(1, ADMIN, "admin", None, None))
    return empty_web


def _pages(web: Web) -> dict[str, str]:
    office = web.as_(ADMIN)
    dash = office.get("/dashboard").text
    numbers = sorted(
        {int(n) for n in re.findall(r'href="/plans/1/tasks/(\d+)"', office.get("/plans/1/assign").text)}
    )
    out = {
        "dashboard": dash,
        "assign": office.get("/plans/1/assign").text,
        "inbox": office.get("/inbox").text,
        "public": web.anon().get("/public/1").text,
        "leader dashboard": web.as_(LEADER).get("/dashboard").text,
        "unit inbox": web.as_("发改局").get("/inbox").text,
    }
    for n in numbers[:12]:
        out[f"task {n}"] = office.get(f"/plans/1/tasks/{n}").text
    return out


def test_report_text_is_never_markup(hostile: Web) -> None:
    pages = _pages(hostile)
    for name, page in pages.items():
        assert SCRIPT not in page, name
        assert "<img src=x" not in page, name
        assert "<script" not in page, name
    escaped_img = "&lt;img src=x onerror=alert(2)&gt;"
    for name in ("assign", "inbox", "public", "unit inbox"):
        assert escaped_img in pages[name], name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["dashboard"]  # the work-area chart's label


def test_notices_and_answers_are_text(web: Web) -> None:
    with web.db() as s:
        task = led_task(s, "农业农村局")
    office, unit = web.as_(ADMIN), web.as_("农业农村局")
    office.post(
        f"/plans/1/tasks/{task.number}/notice",
        data={
            "csrf_token": api_csrf(office),
            "kind": "催办",
            "text": f"请报送{SCRIPT}",
            "answer_by": "2023-07-20",
        },
    )
    page = unit.get(f"/plans/1/tasks/{task.number}").text
    answer = next(f for f in forms(page) if f.action.startswith("/notices/"))
    unit.post(answer.action, data={**answer.fields, "text": f"收到{IMG}"})
    for client in (office, unit):
        page = client.get(f"/plans/1/tasks/{task.number}").text
        assert SCRIPT not in page and "<img src=x" not in page
        assert "请报送&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "收到&lt;img src=x onerror=alert(2)&gt;" in page
