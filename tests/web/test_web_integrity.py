"""Integrity found while hardening the pages: a draft confirmed twice made a second plan, and the
office could answer a notice it had sent to a unit (recorded as the office's answer)."""

from __future__ import annotations

from sqlalchemy import func, select
from web_helpers import ADMIN, PID, REPORT, Web, api_csrf, error_page, form, led_task, row_counts

from bihuan.ledger.models import Document, DraftConfirmation, Notice, Revision

UNIT = "农业农村局"


def _count(web: Web, table: type) -> int:
    with web.db() as s:
        return s.scalar(select(func.count()).select_from(table)) or 0


def _confirm(web: Web, draft: int, **change: str) -> tuple[int, str]:
    client = web.as_(ADMIN)
    fields = form(client.get(f"/import/{draft}").text, f"/import/{draft}/confirm").fields
    r = client.post(f"/import/{draft}/confirm", data={**fields, **change}, follow_redirects=False)
    return r.status_code, r.text


def test_a_draft_is_confirmed_once(empty_web: Web) -> None:
    client = empty_web.as_(ADMIN)
    fields = form(client.get("/import").text, "/import").fields
    r = client.post("/import", data=fields, files={"file": (REPORT.name, REPORT.read_bytes(), "text/plain")},
                    follow_redirects=False)  # fmt: skip
    draft = int(r.headers["location"].rsplit("/", 1)[1])
    assert _confirm(empty_web, draft)[0] == 303
    with empty_web.db() as s:
        before = row_counts(s)
        done = s.scalars(select(DraftConfirmation)).one()
        assert (done.draft_id, done.document_id, done.created_by) == (draft, 1, ADMIN)
    # again, with another region and year: it was a second plan of the same text before
    for change in ({}, {"region": "另一个县", "year": "2031"}):
        page = client.post(f"/import/{draft}/confirm",
                           data={**fields, "csrf_token": api_csrf(client), **change})  # fmt: skip
        error_page(page, 400, "这份报告已于", "确认导入（计划编号 1），不能再次确认")
    with empty_web.db() as s:
        assert row_counts(s) == before
    assert (_count(empty_web, Document), _count(empty_web, Revision)) == (1, 1)


def test_the_office_does_not_answer_a_notice_it_sent_to_a_unit(web: Web) -> None:
    with web.db() as s:
        task = led_task(s, UNIT)
    office, unit = web.as_(ADMIN), web.as_(UNIT)
    path = f"/plans/{PID}/tasks/{task.number}"
    office.post(
        f"{path}/notice",
        data={"csrf_token": api_csrf(office), "kind": "催办", "text": "请报送", "answer_by": "2023-07-20"},
    )
    with web.db() as s:
        notice = s.scalars(select(Notice)).one()
        before = row_counts(s)
    assert f'action="/notices/{notice.id}/answer"' not in office.get(path).text  # no form offered
    assert f'action="/notices/{notice.id}/answer"' in unit.get(path).text
    r = office.post(f"/notices/{notice.id}/answer", data={"csrf_token": api_csrf(office), "text": "代答"})
    error_page(r, 403, "只有被通知的单位可以答复")
    with web.db() as s:
        assert row_counts(s) == before
