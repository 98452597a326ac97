"""The 任务分解表 page: accepting the suggestions in bulk, changing one task's lead (the old
assignment stays in the history), and the Excel download."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from web_helpers import ADMIN, LEADER, PID, REPORT, Web, error_page, form, tasks, timeline

from bihuan.export.ledger_books import TABLE_HEADER
from bihuan.extract import extract_text
from bihuan.ledger import queries
from bihuan.ledger.models import Assignment
from bihuan.track import assign, plans


def _import(web: Web) -> int:
    text = REPORT.read_text("utf-8")
    with web.db() as s:
        return plans.import_plan(
            s, extract_text(text, "txt"), text=text, source_name=REPORT.name, user=ADMIN
        ).document_id


def _unassigned_on_page(page: str) -> int:
    return page.count('<span class="muted">未分配</span>')


def test_bulk_confirm_assigns_every_unassigned_task(empty_web: Web) -> None:
    pid = _import(empty_web)
    with empty_web.db() as s:
        suggested = {
            it.task.key: it.suggestion.lead.name
            for it in assign.suggest_plan(s, pid, ADMIN)
            if it.suggestion.lead
        }
        n = len(queries.tasks(s, queries.latest_revision(s, pid).id))  # type: ignore[union-attr]
    assert 0 < len(suggested) <= n
    client = empty_web.as_(ADMIN)
    page = client.get(f"/plans/{pid}/assign").text
    assert _unassigned_on_page(page) == n
    r = client.post(
        f"/plans/{pid}/assign/confirm",
        data=form(page, f"/plans/{pid}/assign/confirm").fields,
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/plans/{pid}/assign"
    with empty_web.db() as s:
        current = queries.current_assignments(s, pid)
        names = {u.id: u.name for u in queries.units(s)}
        assert {k: names[a.lead_unit_id] for k, a in current.items()} == suggested
        assert {a.origin for a in current.values()} == {"confirmed"}
        rows = s.scalar(select(func.count()).select_from(Assignment))
    assert _unassigned_on_page(client.get(f"/plans/{pid}/assign").text) == n - len(suggested)
    # confirming again assigns nothing new: every task with a suggestion has its unit
    client.post(f"/plans/{pid}/assign/confirm", data=form(page, f"/plans/{pid}/assign/confirm").fields)
    with empty_web.db() as s:
        assert s.scalar(select(func.count()).select_from(Assignment)) == rows


def test_confirm_only_the_chosen_tasks(empty_web: Web) -> None:
    pid = _import(empty_web)
    client = empty_web.as_(ADMIN)
    csrf = form(client.get(f"/plans/{pid}/assign").text, f"/plans/{pid}/assign/confirm").fields["csrf_token"]
    r = client.post(f"/plans/{pid}/assign/confirm", data={"csrf_token": csrf, "task": ["1", "13"]})
    assert r.status_code == 200
    with empty_web.db() as s:
        assert sorted(t.number for t in tasks(s, pid) if t.lead) == [1, 13]


def test_changing_the_lead_keeps_the_history(web: Web) -> None:
    client = web.as_(ADMIN)
    with web.db() as s:
        task = tasks(s)[0]
    assert task.lead == "发展和改革局"
    page = client.get(f"/plans/{PID}/assign").text
    f = form(page, f"/plans/{PID}/tasks/{task.number}/assign")
    assert f.fields["lead"] == "发展和改革局" and "财政局" in f.options["lead"]
    data = {**f.fields, "lead": "财政局", "leader": "王副县长", "deadline": "2023-09-30"}
    r = client.post(f"/plans/{PID}/tasks/{task.number}/assign", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/plans/{PID}/tasks/{task.number}"
    with web.db() as s:
        names = {u.id: u.name for u in queries.units(s)}
        history = queries.assignment_history(s, PID, task.key)
        assert [(names[a.lead_unit_id], a.origin) for a in history] == [
            ("发展和改革局", "confirmed"),
            ("财政局", "set"),
        ]
        assert (history[1].leader, history[1].deadline, history[1].created_by) == (
            "王副县长",
            dt.date(2023, 9, 30),
            ADMIN,
        )
    detail = client.get(r.headers["location"]).text
    assert "牵头 财政局" in detail and "责任领导 王副县长" in detail and "时限 2023-09-30" in detail
    changes = [text for kind, text in timeline(detail) if kind == "分工"]
    assert len(changes) == 2
    assert "牵头 财政局" in changes[0] and "牵头 发展和改革局" in changes[1]  # newest first
    # the unit that no longer holds the task no longer sees it
    assert web.as_("发改局").get(f"/plans/{PID}/tasks/{task.number}").status_code == 403


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ({"lead": "不存在的局"}, "单位名录中没有“不存在的局”"),
        ({"deadline": "2023/09/30"}, "日期应写作 2023-06-30"),
        ({"milestones": "九月底:50%"}, "节点“九月底:50%”格式不对"),
        ({"milestones": "2023-09-30:150%"}, "节点进度须在 0–100 之间"),
        ({"leader": "长" * 101}, "“leader”太长"),
    ],
)
def test_a_bad_assignment_form_changes_nothing(web: Web, change: dict[str, str], phrase: str) -> None:
    client = web.as_(ADMIN)
    with web.db() as s:
        key = tasks(s)[0].key
        before = len(queries.assignment_history(s, PID, key))
    f = form(client.get(f"/plans/{PID}/assign").text, f"/plans/{PID}/tasks/1/assign")
    error_page(client.post(f"/plans/{PID}/tasks/1/assign", data={**f.fields, **change}), 400, phrase)
    with web.db() as s:
        assert len(queries.assignment_history(s, PID, key)) == before


@pytest.mark.parametrize("who", [ADMIN, LEADER])
def test_excel_download_is_the_task_table(ro_web: Web, who: str) -> None:
    r = ro_web.as_(who).get(f"/plans/{PID}/export.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == "示例县2023年任务分解表.xlsx"
    assert r.content[:2] == b"PK"
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None and ws.title == "任务分解表"
    assert ws["A1"].value == "示例县2023年政府工作报告重点任务分解表"
    assert tuple(c.value for c in ws[2]) == TABLE_HEADER
    rows = [row for row in ws.iter_rows(min_row=3, values_only=True) if isinstance(row[0], int)]
    with ro_web.db() as s:
        known = tasks(s)
    assert sorted(row[0] for row in rows) == list(range(1, len(known) + 1))
    assert sorted(str(row[2]) for row in rows) == sorted(str(t.lead) for t in known)


def test_the_page_shows_each_suggestions_confidence(empty_web: Web) -> None:
    pid = _import(empty_web)
    with empty_web.db() as s:
        items = assign.suggest_plan(s, pid, ADMIN)
    page = empty_web.as_(ADMIN).get(f"/plans/{pid}/assign").text
    zh = {"high": "高", "medium": "中", "low": "低"}
    for it in items:
        row = page.split(f'<tr id="task-{it.task.number}">', 1)[1].split("</tr>", 1)[0]
        cell = row.split(f'<td class="conf conf-{it.suggestion.confidence}">', 1)[1].split("</td>", 1)[0]
        assert cell.startswith(zh[it.suggestion.confidence])
        assert all(w in cell for w in it.suggestion.words)
    low = sum(it.suggestion.confidence == "low" for it in items)
    assert (f"其中 <b>{low}</b> 项建议的把握低" in page) == (low > 0)
