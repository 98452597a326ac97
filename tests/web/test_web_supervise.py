"""督导 on the web, on the demo ledger (handed over on 16 January, nothing signed yet): the office
hands a plan over, a lead unit signs and asks (调整, 延期, 办结销号 with files), the office decides
from the task page or its list; evidence is downloaded only by those who see the task, always as
a download of its sniffed type; refused uploads leave nothing behind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from web_helpers import (
    ADMIN,
    LEADER,
    PID,
    TODAY,
    UNIT_USERS,
    Web,
    cooperating_task,
    error_page,
    form,
    led_task,
    row_counts,
    timeline,
)

from bihuan.cli.supervise_cmds import DEMO_PDF, demo_supervision
from bihuan.ledger import queries
from bihuan.ledger.models import Attachment, Handover, UnitRequest

UNIT = "农业农村局"  # the user; the unit has the same name
OTHER = "发改局"  # a unit user whose unit is 发展和改革局
PDF = "%PDF-1.4\n% 验收报告\n%%EOF\n".encode()


def _task(web: Web, user: str = UNIT) -> int:
    with web.db() as s:
        return led_task(s, UNIT_USERS[user]).number


def _page(web: Web, user: str, number: int) -> str:
    r = web.as_(user).get(f"/plans/{PID}/tasks/{number}")
    assert r.status_code == 200, r.text[:300]
    return r.text


def _post(web: Web, user: str, page: str, action: str, extra: dict[str, str] | None = None,
          files: list[tuple[str, tuple[str, bytes]]] | None = None, **match: str) -> object:  # fmt: skip
    f = form(page, action, **match)
    data = {**f.fields, **(extra or {})}
    return web.as_(user).post(action, data=data, files=files, follow_redirects=False)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_lead_unit_signs_once(web: Web) -> None:
    n = _task(web)
    page = _page(web, UNIT, n)
    assert 'id="sign-button"' in page and "签收已超期" in page  # handed over 16 Jan, 3 working days
    r = _post(web, UNIT, page, f"/plans/{PID}/tasks/{n}/sign")
    assert r.status_code == 303 and r.headers["location"].endswith("#supervise")  # type: ignore[attr-defined]
    page = _page(web, UNIT, n)
    assert 'id="sign-button"' not in page and '<span class="ok" id="sign-state">已签收</span>' in page
    kinds = [k for k, _ in timeline(page)]
    assert kinds[0] == "签收" and "交办" in kinds
    again = web.as_(UNIT).post(
        f"/plans/{PID}/tasks/{n}/sign", data={"csrf_token": form(page, "/logout").fields["csrf_token"]}
    )
    error_page(again, 400, "这项任务已由 农业农村局 于")


def test_a_cooperating_unit_and_the_office_see_no_unit_forms(web: Web) -> None:
    with web.db() as s:
        coop = cooperating_task(s, UNIT_USERS[UNIT])
    page = _page(web, UNIT, coop.number)
    for marker in ('id="sign-button"', 'id="change-form"', 'id="extend-form"', 'id="close-form"'):
        assert marker not in page
    page = _page(web, ADMIN, _task(web))
    assert 'id="sign-button"' not in page and 'id="close-form"' not in page
    assert "交办与签收" in page


def test_handover_from_the_office(web: Web) -> None:
    page = web.as_(ADMIN).get(f"/plans/{PID}/assign").text
    assert 'id="handover-button"' in page and "公开" not in form(page, f"/plans/{PID}/handover").fields
    with web.db() as s:
        before = s.query(Handover).count()
    r = _post(web, ADMIN, page, f"/plans/{PID}/handover")
    assert r.status_code == 303  # type: ignore[attr-defined]
    shown = web.as_(ADMIN).get(r.headers["location"]).text  # type: ignore[attr-defined]
    assert re.search(r"本次交办 0 项任务；此前已交办 \d+ 项", shown)
    with web.db() as s:
        assert s.query(Handover).count() == before  # the demo handed everything over already


def test_extension_asked_listed_and_approved(web: Web) -> None:
    n = _task(web)
    page = _page(web, UNIT, n)
    action = f"/plans/{PID}/tasks/{n}/requests"
    r = _post(web, UNIT, page, action, {"new_deadline": "2024-06-30", "reason": "受汛期影响"}, kind="延期")
    assert r.status_code == 303  # type: ignore[attr-defined]
    page = _page(web, UNIT, n)
    assert 'id="extend-form"' not in page and "延期申请待督查室审核" in page
    # the office's list, filtered
    admin = web.as_(ADMIN)
    listed = admin.get("/admin/requests?kind=延期&unit=农业农村局").text
    assert "受汛期影响" in listed and "新的完成时限 2024-06-30" in listed
    assert "受汛期影响" not in admin.get("/admin/requests?kind=调整").text
    assert "受汛期影响" not in admin.get("/admin/requests?unit=住房和城乡建设局").text
    rid = int(re.search(r'action="/requests/(\d+)/decide"', listed).group(1))  # type: ignore[union-attr]
    d = form(listed, f"/requests/{rid}/decide")
    r = admin.post(f"/requests/{rid}/decide", data={**d.fields, "accept": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/requests")
    page = _page(web, UNIT, n)
    assert "完成时限：2024-06-30" in page
    texts = [t for k, t in timeline(page) if k in ("延期申请", "审核")]
    assert any("申请延期至 2024-06-30" in t for t in texts) and any(
        "完成时限改为 2024-06-30" in t for t in texts
    )
    assert "已同意" in admin.get("/admin/requests?state=已同意").text
    # decided once
    again = admin.post(f"/requests/{rid}/decide", data={**d.fields, "accept": "0", "reason": "x"})
    error_page(again, 400, "已审核过")


def test_refusing_needs_a_reason(web: Web) -> None:
    n = _task(web)
    page = _page(web, UNIT, n)
    _post(web, UNIT, page, f"/plans/{PID}/tasks/{n}/requests", {"reason": "不是本单位职能"}, kind="调整")
    page = _page(web, ADMIN, n)
    rid = int(re.search(r'action="/requests/(\d+)/decide"', page).group(1))  # type: ignore[union-attr]
    d = form(page, f"/requests/{rid}/decide")
    r = web.as_(ADMIN).post(f"/requests/{rid}/decide", data={**d.fields, "accept": "0"})
    error_page(r, 400, "请写明理由")


def test_change_of_lead_unit_accepted(web: Web) -> None:
    n = _task(web)
    with web.db() as s:
        key = next(t.key for t in queries.tasks(s, 1) if t.number == n)
        before = queries.current_assignments(s, PID)[key]
    page = _page(web, UNIT, n)
    _post(web, UNIT, page, f"/plans/{PID}/tasks/{n}/requests",
          {"reason": "应由住建局牵头", "proposed_unit": "住房和城乡建设局"}, kind="调整")  # fmt: skip
    page = _page(web, ADMIN, n)
    rid = int(re.search(r'action="/requests/(\d+)/decide"', page).group(1))  # type: ignore[union-attr]
    d = form(page, f"/requests/{rid}/decide")
    assert d.fields["new_lead"] == "住房和城乡建设局"  # the proposed unit is chosen already
    r = web.as_(ADMIN).post(
        f"/requests/{rid}/decide", data={**d.fields, "accept": "1"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == f"/plans/{PID}/tasks/{n}#requests"
    with web.db() as s:
        after = queries.current_assignments(s, PID)[key]
        h = queries.current_handovers(s, PID)[key]
        new = next(u.id for u in queries.units(s) if u.name == "住房和城乡建设局")
    assert after.lead_unit_id == new == h.unit_id and after.milestones == before.milestones
    assert after.cooperating_unit_ids == [u for u in before.cooperating_unit_ids if u != new]
    # the new lead unit signs; the old one sees the task no more unless it cooperates
    page = _page(web, "住建局", n)
    assert 'id="sign-button"' in page and "待签收" in page
    assert "改由 住房和城乡建设局 牵头" in page


def test_close_with_evidence_then_download(web: Web, tmp_path: Path) -> None:
    n = _task(web)
    page = _page(web, UNIT, n)
    assert 'enctype="multipart/form-data"' in page and 'id="close-files"' in page
    files = [("file", ("验收报告.pdf", PDF)), ("file", ("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30))]
    r = _post(web, UNIT, page, f"/plans/{PID}/tasks/{n}/close", {"reason": "工程已完工验收"}, files)
    assert r.status_code == 303, r.text[:300]  # type: ignore[attr-defined]
    with web.db() as s:
        atts = list(s.query(Attachment).order_by(Attachment.id))
    assert [(a.name, a.mime, a.size) for a in atts] == [
        ("验收报告.pdf", "application/pdf", len(PDF)), ("现场.png", "image/png", 38)]  # fmt: skip
    assert len(_files(Path(web.db_url + ".files"))) == 2
    page = _page(web, ADMIN, n)
    assert f'href="/attachments/{atts[0].id}"' in page and "办结销号申请" in page
    got = web.as_(ADMIN).get(f"/attachments/{atts[0].id}")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "%E9%AA%8C%E6%94%B6" in got.headers["content-disposition"]  # 验收, UTF-8 encoded
    assert got.headers["x-content-type-options"] == "nosniff"
    assert web.as_(LEADER).get(f"/attachments/{atts[1].id}").headers["content-type"] == "image/png"
    assert web.as_(OTHER).get(f"/attachments/{atts[0].id}").status_code == 403
    assert web.as_(ADMIN).get("/attachments/99999").status_code == 404
    # accepted: the task is closed, no more requests
    rid = int(re.search(r'action="/requests/(\d+)/decide"', page).group(1))  # type: ignore[union-attr]
    d = form(page, f"/requests/{rid}/decide")
    web.as_(ADMIN).post(f"/requests/{rid}/decide", data={**d.fields, "accept": "1"})
    page = _page(web, UNIT, n)
    assert "已办结销号" in page and 'id="close-form"' not in page and 'id="extend-form"' not in page
    assert any("任务已完成" in t for k, t in timeline(page) if k == "审核")


@pytest.mark.parametrize(
    ("files", "status", "phrase"),
    [
        ([("file", ("验收.pdf", b"<html><script>alert(1)</script></html>"))], 400, "不是允许的类型"),
        ([("file", ("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"))], 400, "不是允许的类型"),
        ([("file", (f"{i}.pdf", PDF + bytes([i]))) for i in range(6)], 400, "附件最多 5 个"),
        ([("file", ("big.pdf", PDF + b"\x00" * (10 * 1024 * 1024)))], 400, "超过 10 MB"),
        ([], 400, "佐证材料"),
    ],
)
def test_a_refused_upload_leaves_nothing(
    web: Web, files: list[tuple[str, tuple[str, bytes]]], status: int, phrase: str
) -> None:
    n = _task(web)
    page = _page(web, UNIT, n)
    with web.db() as s:
        before = row_counts(s)
    r = _post(web, UNIT, page, f"/plans/{PID}/tasks/{n}/close", {"reason": "已完成"}, files or None)
    error_page(r, status, phrase)  # type: ignore[arg-type]
    with web.db() as s:
        assert row_counts(s) == before
        assert s.query(UnitRequest).count() == 0
    assert _files(Path(web.db_url + ".files")) == []


def test_a_body_over_the_evidence_limit_is_refused_unread(web: Web) -> None:
    n = _task(web)
    page = _page(web, UNIT, n)
    huge = [("file", (f"{i}.pdf", PDF + b"\x00" * (11 * 1024 * 1024))) for i in range(5)]
    r = _post(web, UNIT, page, f"/plans/{PID}/tasks/{n}/close", {"reason": "已完成"}, huge)
    error_page(r, 413, "提交的内容太大")  # type: ignore[arg-type]


def test_late_signs_and_the_office_list(web: Web) -> None:
    admin = web.as_(ADMIN)
    page = admin.get("/admin/requests").text
    late = int(re.search(r"超过签收期限 <b[^>]*>(\d+)</b> 项", page).group(1))  # type: ignore[union-attr]
    with web.db() as s:
        handed = len(queries.current_handovers(s, PID))
    assert late == handed > 0  # handed over in January, nobody has signed
    n = _task(web)
    sign_page = _page(web, UNIT, n)
    _post(web, UNIT, sign_page, f"/plans/{PID}/tasks/{n}/sign")
    page = admin.get("/admin/requests").text
    assert f'超过签收期限 <b class="warn">{late - 1}</b> 项' in page
    assert (
        f'<a href="/plans/{PID}/tasks/{n}">{n}</a>'
        not in page.split('id="late-signs"')[1].split("</table>")[0]
    )
    assert "没有符合条件的申请" in page
    error_page(admin.get("/admin/requests?kind=撤销"), 400, "申请类型须为")
    error_page(admin.get("/admin/requests?unit=没有的局"), 400, "单位名录中没有")


def test_the_demos_supervision(web: Web) -> None:
    """What `bihuan demo` can show (cli.supervise_cmds.demo_supervision): a pending extension and
    a pending 办结销号 with a PDF, both in the office's list; the evidence downloads."""
    with web.db() as s:
        used = demo_supervision(s, PID, TODAY)
    assert used["signed"] >= 2 and {"extension", "close"} <= set(used)
    listed = web.as_(ADMIN).get("/admin/requests").text
    assert listed.count('action="/requests/') == 2 and "竣工验收报告.pdf" in listed
    att = int(re.search(r'href="/attachments/(\d+)"', listed).group(1))  # type: ignore[union-attr]
    got = web.as_("住建局").get(f"/attachments/{att}")
    assert got.status_code == 200 and got.content == DEMO_PDF
    page = _page(web, "住建局", used["extension"])
    assert "延期申请待督查室审核" in page and "已签收" in page
