"""督导 pages: 交办 a plan, 签收 a task, a lead unit's requests (申请调整, 延期申请, 办结销号 with
evidence files), the office's decisions and its list of requests and late 签收, and downloading
an attachment. The rules are in bihuan.track.supervise; these routes parse and render."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from bihuan.ledger import queries
from bihuan.track import attachments, handover, supervise, supervise_views
from bihuan.track.directory import directory
from bihuan.track.errors import TrackError
from bihuan.track.handover import FILE_TYPES, SuperviseSettings
from bihuan.web.deps import Db, Me, back_to, check_csrf, form_date, form_text, plan_id, request_day, require
from bihuan.web.pages import known_ids, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(known_ids)])
SAFE_TYPES = {mime for mime, _ in FILE_TYPES.values()}


def _settings(request: Request) -> SuperviseSettings:
    return request.app.state.settings.supervise  # type: ignore[no-any-return]


async def form_with_files(
    request: Request, settings: SuperviseSettings
) -> tuple[list[attachments.Upload], dict[str, str]]:
    """A multipart form's files (field `file`, each read up to one byte past the size limit, so
    that a larger one is refused by the check) and its text fields, CSRF checked."""
    per_file = settings.attachment_max_bytes
    form = await request.form(max_files=settings.attachment_max_files + 20, max_part_size=64 * 1024)
    try:
        check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
        uploads = []
        for part in form.getlist("file"):
            if isinstance(part, str) or not hasattr(part, "read"):
                continue
            data = await part.read(per_file + 1)
            if not data and not part.filename:
                continue  # a file input left empty
            uploads.append(attachments.Upload(part.filename or "", data))
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    finally:
        await form.close()
    return uploads, fields


def _task_url(pid: int, number: int) -> str:
    return f"/plans/{pid}/tasks/{number}"


def task_panel(request: Request, db: Db, me: Any, pid: int, number: int) -> supervise_views.TaskSupervision:
    """The task page's 交办 / 签收 / requests part (pages.task_detail renders it)."""
    return supervise_views.task_panel(db, pid, str(number), me, request_day(request), _settings(request))


# ---------------------------------------------------------------- 交办 and 签收
@router.post("/plans/{pid}/handover")
async def hand_over(request: Request, db: Db, me: Me, pid: int) -> RedirectResponse:
    require(me, "admin")
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    got = handover.publish(db, pid, request_day(request), me.name, _settings(request))
    return RedirectResponse(
        f"/admin/requests?plan={pid}&handed={got.handed_over}&already={got.already}"
        f"&unassigned={got.unassigned}",
        status_code=303,
    )


@router.post("/plans/{pid}/tasks/{number}/sign")
async def sign(request: Request, db: Db, me: Me, pid: int, number: int) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    supervise.sign(db, pid, str(number), me)
    return RedirectResponse(_task_url(pid, number) + "#supervise", status_code=303)


# ---------------------------------------------------------------- requests
@router.post("/plans/{pid}/tasks/{number}/requests")
async def make_request(request: Request, db: Db, me: Me, pid: int, number: int) -> RedirectResponse:
    """申请调整 (kind=调整, reason, optional proposed_unit) or 延期申请 (kind=延期, new_deadline, reason)."""
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    kind = form_text(form, "kind", 10)
    reason = form_text(form, "reason", supervise.MAX_REASON + 100)
    if kind == "调整":
        unit = form_text(form, "proposed_unit", 100).strip() or None
        supervise.request_change(db, pid, str(number), me, reason, unit)
    elif kind == "延期":
        day = form_date(form_text(form, "new_deadline", 20).strip())
        if day is None:
            raise TrackError("请填写新的完成时限", "give the new deadline")
        supervise.request_extension(db, pid, str(number), me, day, reason, request_day(request))
    else:
        raise TrackError("申请类型须为 调整 或 延期", "kind must be 调整 or 延期")
    return RedirectResponse(_task_url(pid, number) + "#requests", status_code=303)


@router.post("/plans/{pid}/tasks/{number}/close")
async def request_close(request: Request, db: Db, me: Me, pid: int, number: int) -> RedirectResponse:
    """办结销号: a reason and evidence files (multipart; the whole body's limit is in guard.py)."""
    settings = _settings(request)
    uploads, fields = await form_with_files(request, settings)
    reason = form_text(fields, "reason", supervise.MAX_REASON + 100)
    supervise.request_close(db, pid, str(number), me, reason, uploads, settings)
    return RedirectResponse(_task_url(pid, number) + "#requests", status_code=303)


@router.post("/requests/{request_id}/decide")
async def decide(request: Request, db: Db, me: Me, request_id: int) -> RedirectResponse:
    """The office: accept=1 (同意; for 调整 with new_lead) or accept=0 (退回, with a reason)."""
    require(me, "admin")
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    accept = form_text(form, "accept", 2)
    if accept not in ("0", "1"):
        raise TrackError("请选择同意或退回", "accept must be 1 or 0")
    supervise.decide(
        db, request_id, me, accept == "1", form_text(form, "reason", supervise.MAX_REASON + 100),
        request_day(request), form_text(form, "new_lead", 100).strip() or None, _settings(request),
    )  # fmt: skip
    return RedirectResponse(back_to(form, "/admin/requests"), status_code=303)


# ---------------------------------------------------------------- the office's list


@router.get("/admin/requests")
def request_list(
    request: Request,
    db: Db,
    me: Me,
    plan: int | None = None,
    kind: str | None = None,
    unit: str | None = None,
    state: str | None = "待审核",
    handed: int | None = None,
    already: int | None = None,
    unassigned: int | None = None,
) -> HTMLResponse:
    require(me, "admin")
    pid = plan_id(db, plan)
    if pid is None:
        return render(request, "empty.html", me)
    units = directory(db)
    unit_id = None
    if unit:
        unit_id = next((u.id for u in units if unit in u.names), None)
        if unit_id is None:
            raise TrackError(f"单位名录中没有“{unit[:50]}”", "no such unit")
    lines = supervise_views.request_lines(db, pid, kind=kind or None, unit_id=unit_id, state=state or None)
    signs = supervise_views.sign_lines(db, pid)
    today = request_day(request)
    late = [x for x in signs if x.overdue(today)]
    return render(
        request, "requests.html", me, pid=pid, plans=queries.documents(db), lines=lines, units=units,
        kind=kind or "", unit=unit or "", state=state or "", kinds=supervise.KINDS, states=supervise.STATES,
        kind_zh=supervise.KIND_ZH, late=late, today=today, signed=sum(1 for x in signs if x.signed),
        handed_total=len(signs), handed=handed, already=already, unassigned=unassigned,
        back=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
    )  # fmt: skip


# ---------------------------------------------------------------- attachments
@router.get("/attachments/{attachment_id}")
def download(db: Db, me: Me, attachment_id: int) -> FileResponse:
    """The file, to people who may see its task: always as a download, as its sniffed type."""
    try:
        att = attachments.attachment_for(db, attachment_id, me)
    except attachments.NoSuchAttachment as e:
        raise HTTPException(404, "no such attachment") from e
    path = attachments.store_for(db).path(att.sha256)
    if not path.is_file():
        raise HTTPException(404, "the attachment's file is missing from the data directory")
    return FileResponse(
        path,
        media_type=att.mime if att.mime in SAFE_TYPES else "application/octet-stream",
        filename=att.name,
        content_disposition_type="attachment",
    )
