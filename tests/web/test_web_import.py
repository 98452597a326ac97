"""Importing a report through the pages, on a ledger with no plan yet: upload, review with the
figures marked in the text, correct a figure, merge and split tasks, confirm; the same report
again is not stored twice; bad uploads are refused with a reason and leave nothing behind."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_helpers import ADMIN, REPORT, Web, error_page, form, row_counts

from bihuan.ledger import queries
from bihuan.ledger.models import Document, Draft, Revision
from bihuan.track import drafts


def _upload(client: TestClient, data: bytes, name: str = REPORT.name) -> httpx.Response:
    fields = form(client.get("/import").text, "/import").fields
    return client.post(
        "/import", data=fields, files={"file": (name, data, "text/plain")}, follow_redirects=False
    )


def _draft_id(r: httpx.Response) -> int:
    assert r.status_code == 303, r.text[:500]
    m = re.fullmatch(r"/import/(\d+)", r.headers["location"])
    assert m, r.headers["location"]
    return int(m.group(1))


def _count(web: Web, table: type) -> int:
    with web.db() as s:
        return s.scalar(select(func.count()).select_from(table)) or 0


def test_upload_review_correct_merge_split_confirm(empty_web: Web) -> None:
    client = empty_web.as_(ADMIN)
    assert "还没有计划" in client.get("/dashboard").text

    # upload: a draft to review, nothing in the ledger yet
    d1 = _draft_id(_upload(client, REPORT.read_bytes()))
    assert (_count(empty_web, Draft), _count(empty_web, Document)) == (1, 0)
    review = client.get(f"/import/{d1}").text
    with empty_web.db() as s:
        d, plan = drafts.get(s, d1)
        text = d.text
    marks = re.findall(r'<mark id="src-(i\d+)"><a href="#\1">(.*?)</a></mark>', review, re.S)
    spans = {i.id: i.span for i in plan.indicators}
    for iid, shown in marks:
        assert shown == html.escape(text[spans[iid][0] : spans[iid][1]])
    marked = [spans[iid] for iid, _ in marks]
    for i in plan.indicators:  # each figure is marked, or lies over one that is
        a, b = i.span
        assert any(x < b and a < y for x, y in marked), i.id
    assert f"指标 {len(plan.indicators)} 个 · 任务 {len(plan.tasks)} 项" in review

    # correct a figure: a new draft, the old one kept as it was
    ind = next(i for i in plan.indicators if i.value is not None and i.value != 123.45)
    fig = form(review, f"/import/{d1}/figure", iid=ind.id)
    r = client.post(f"/import/{d1}/figure", data={**fig.fields, "value": "123.45"}, follow_redirects=False)
    d2 = _draft_id(r)
    assert d2 != d1
    page = client.get(f"/import/{d2}").text
    row = re.search(rf'<tr id="{ind.id}">.*?</tr>', page, re.S)
    assert row and 'name="value" value="123.45"' in row.group(0)
    assert f"更正指标 {ind.id}" in page
    with empty_web.db() as s:
        assert next(i for i in drafts.get(s, d1)[1].indicators if i.id == ind.id).value == ind.value
        tasks = drafts.get(s, d2)[1].tasks
    n = len(tasks)

    # merge a task with the next one in its section
    k = next(k for k in range(n - 1) if tasks[k].section == tasks[k + 1].section)
    a, b = tasks[k], tasks[k + 1]
    merge = form(page, f"/import/{d2}/merge", tid=a.id)
    d3 = _draft_id(client.post(f"/import/{d2}/merge", data=merge.fields, follow_redirects=False))
    with empty_web.db() as s:
        merged = drafts.get(s, d3)[1].tasks
    assert len(merged) == n - 1 and merged[k].text == f"{a.text}；{b.text}"
    page = client.get(f"/import/{d3}").text
    assert html.escape(merged[k].text) in page and "合并任务" in page

    # split it again where the second task began
    at = b.text[:8]
    assert merged[k].text.find(at) == len(a.text) + 1
    split = form(page, f"/import/{d3}/split", tid=merged[k].id)
    d4 = _draft_id(
        client.post(f"/import/{d3}/split", data={**split.fields, "at": at}, follow_redirects=False)
    )
    with empty_web.db() as s:
        final = drafts.get(s, d4)[1].tasks
    assert len(final) == n and final[k].text == a.text.rstrip("，；、 ") and final[k + 1].text == b.text
    page = client.get(f"/import/{d4}").text
    assert "上传 → 更正指标" in page and "合并任务" in page and "拆分任务" in page

    # confirm: the plan is in the ledger, corrections and all
    confirm = form(page, f"/import/{d4}/confirm")
    assert confirm.fields["region"] and confirm.fields["year"]
    r = client.post(f"/import/{d4}/confirm", data=confirm.fields, follow_redirects=False)
    assert r.status_code == 303
    m = re.fullmatch(r"/plans/(\d+)/assign\?imported=1", r.headers["location"])
    assert m, r.headers["location"]
    pid = int(m.group(1))
    with empty_web.db() as s:
        rev = queries.latest_revision(s, pid)
        assert rev is not None
        assert queries.count_rows(s, rev.id) == (n, len(plan.indicators))
        stored = {i.iid: i.value for i in queries.indicators(s, rev.id)}
        assert stored[ind.id] == 123.45
        assert [t.text for t in queries.tasks(s, rev.id)][k : k + 2] == [final[k].text, final[k + 1].text]
    assign_page = client.get(r.headers["location"]).text
    assert "已导入。" in assign_page and "未分配" in assign_page


def test_the_same_report_twice_is_stored_once(empty_web: Web) -> None:
    client = empty_web.as_(ADMIN)
    locations = []
    for _ in range(2):
        d = _draft_id(_upload(client, REPORT.read_bytes()))
        confirm = form(client.get(f"/import/{d}").text, f"/import/{d}/confirm")
        r = client.post(f"/import/{d}/confirm", data=confirm.fields, follow_redirects=False)
        locations.append(r.headers["location"])
    assert locations == ["/plans/1/assign?imported=1", "/plans/1/assign?imported=0"]
    assert "这份报告此前已导入，未重复入库。" in client.get(locations[1]).text
    assert (_count(empty_web, Document), _count(empty_web, Revision), _count(empty_web, Draft)) == (1, 1, 2)


BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000


@pytest.mark.parametrize(
    ("name", "data", "max_mb", "phrases"),
    [
        ("report.txt", REPORT.read_bytes(), 0.01, ["文件超过大小上限 0.01 MB"]),
        ("report.txt", REPORT.read_bytes() * 8, 0.01, ["文件超过", "上限"]),
        ("report.txt", BINARY, 20, ["文件内容是二进制数据，不是文本"]),
        ("report.txt", b"", 20, ["文件是空的"]),
        ("report.txt", b" \n\r\n\t ", 20, ["文件是空的"]),
        ("report.doc", OLE, 20, ["不支持的文件格式（doc）", "另存为 .docx"]),
        ("report.xls", OLE, 20, ["不支持的文件格式"]),
        ("report.pdf", b"%PDF-1.4 not really a pdf", 20, ["PDF 文件已损坏"]),
    ],
    ids=["over limit", "far over limit", "binary", "empty", "blank", "doc", "xls", "broken pdf"],
)
def test_bad_uploads_are_refused_and_leave_nothing(
    copy_empty: Callable[[], tuple[str, dict[str, str]]],
    make_web: Callable[..., Web],
    name: str,
    data: bytes,
    max_mb: float,
    phrases: list[str],
) -> None:
    web = make_web(*copy_empty(), max_upload_mb=max_mb)
    client = web.as_(ADMIN)
    with web.db() as s:
        before = row_counts(s)
    # far over the limit, the body is refused on its length before it is read: 413
    status = 413 if len(data) > web.app.state.settings.body_limit("POST", "/import") else 400
    error_page(_upload(client, data, name), status, *phrases)
    with web.db() as s:
        after = row_counts(s)
    assert after == before
    assert after["drafts"] == 0 and after["documents"] == 0


def test_far_oversized_upload_states_the_real_limit(
    copy_empty: Callable[[], tuple[str, dict[str, str]]], make_web: Callable[..., Web]
) -> None:
    web = make_web(*copy_empty(), max_upload_mb=0.01)
    r = _upload(web.as_(ADMIN), REPORT.read_bytes() * 8)
    assert r.status_code == 413  # refused on its length by the request-body limit
    assert "上限 0 MB" not in r.text and "0.01 MB" in r.text


def test_upload_without_a_file_is_refused(empty_web: Web) -> None:
    client = empty_web.as_(ADMIN)
    fields = form(client.get("/import").text, "/import").fields
    error_page(client.post("/import", data=fields), 400, "请选择要上传的报告文件")
    assert _count(empty_web, Draft) == 0


@pytest.mark.parametrize(
    ("action", "change", "phrase"),
    [
        ("figure", {"value": "一百"}, "数值应为数字"),
        ("figure", {"value": "inf"}, "数值应为有限的数字"),
        ("figure", {"value": "", "growth": ""}, "数值和增速不能都为空"),
        ("figure", {"name": "  "}, "指标名称不能为空"),
        ("figure", {"iid": "i9999"}, "没有指标 i9999"),
        ("merge", {"tid": "t68"}, "只能与同一工作领域中的下一项任务合并"),
        ("split", {"tid": "t1", "at": "把项目建设"}, "拆分处须是任务文字中间的一段话"),
        ("split", {"tid": "t1", "at": "不在这项任务里的话"}, "拆分处须是任务文字中间的一段话"),
        ("split", {"tid": "t999", "at": "项目"}, "没有任务 t999"),
        ("undo", {}, "不支持的操作"),
    ],
)
def test_bad_corrections_are_refused_without_a_new_draft(
    empty_web: Web, action: str, change: dict[str, str], phrase: str
) -> None:
    client = empty_web.as_(ADMIN)
    d = _draft_id(_upload(client, REPORT.read_bytes()))
    page = client.get(f"/import/{d}").text
    base = form(page, f"/import/{d}/figure", iid="i1").fields
    data = {**base, "growth": "5.9"} if action == "figure" else {"csrf_token": base["csrf_token"]}
    r = client.post(f"/import/{d}/{action}", data={**data, **change}, follow_redirects=False)
    error_page(r, 400, phrase)
    assert _count(empty_web, Draft) == 1


def test_review_page_escapes_the_uploaded_text_and_name(empty_web: Web) -> None:
    client = empty_web.as_(ADMIN)
    text = REPORT.read_text("utf-8").replace("各位代表：", "各位代表：<script>alert(1)</script>", 1)
    assert "<script>" in text
    d = _draft_id(_upload(client, text.encode("utf-8"), name="<img src=x onerror=alert(2)>.txt"))
    page = client.get(f"/import/{d}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<mark" in page


def test_unknown_draft_is_a_clear_400(empty_web: Web) -> None:
    error_page(empty_web.as_(ADMIN).get("/import/999"), 400, "没有这份待确认的报告")
