"""督查通报 on the web: the office previews a plan's bulletin at a date and period, downloads it as
.docx or .pdf and issues it (the next 文号, kept as a record); the office and leaders read the
issued ones and download their files as issued. Units see no bulletins (they cover every unit).
The rules are in bihuan.track.bulletin*; these routes parse and render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bihuan.export import bulletin_html
from bihuan.export.bulletin_files import render as draw
from bihuan.track import bulletin_records as records
from bihuan.track.bulletin import Bulletin, compose
from bihuan.track.current import plan_choices
from bihuan.track.errors import TrackError
from bihuan.web.deps import Db, Me, check_csrf, form_date, form_text, plan_id, request_day
from bihuan.web.pages import known_ids, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(known_ids)])
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _draft(request: Request, db: Db, plan: int | None, on: str | None, period: str | None) -> Bulletin:
    pid = plan_id(db, plan)
    if pid is None:
        raise TrackError("还没有计划，请先导入报告", "no plan yet")
    day = form_date(on, "通报日期") or request_day(request)
    settings = request.app.state.settings
    return compose(db, pid, day, period or None, records.next_sequence(db, day.year), settings.bulletin,
                   settings.status)  # fmt: skip


def _file(data: bytes, kind: str, name: str) -> Response:
    return Response(
        data,
        media_type=MIME[kind],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(f'{name}.{kind}')}"},
    )


@router.get("/bulletins")
def bulletins_page(
    request: Request, db: Db, me: Me, plan: int | None = None, on: str | None = None,
    period: str | None = None, issued: int | None = None,
) -> HTMLResponse:  # fmt: skip
    """The office: the preview at a date and period, the downloads and the issue form; both the
    office and leaders: the issued bulletins of the plan."""
    records.check_reader(me)
    pid = plan_id(db, plan)
    draft = _draft(request, db, pid, on, period) if me.role == "admin" and pid is not None else None
    query = urlencode({"plan": pid, "on": draft.on.isoformat(), "period": draft.period}) if draft else ""
    return render(
        request, "bulletins.html", me, pid=pid, plans=plan_choices(db), draft=draft, query=query,
        preview=bulletin_html.body(draft) if draft else "",
        issued=records.issued(db, pid) if pid is not None else [], just_issued=issued,
    )  # fmt: skip


@router.get("/bulletins/bulletin.css")
def style() -> Response:
    """The bulletin's stylesheet (the same as the PDF's), for the preview: the pages' security
    policy allows no inline style."""
    return Response(bulletin_html.css(), media_type="text/css")


@router.get("/bulletins/draft.{kind}")
def draft_file(
    request: Request, db: Db, me: Me, kind: str, plan: int | None = None, on: str | None = None,
    period: str | None = None,
) -> Response:  # fmt: skip
    records.check_office(me)
    if kind not in MIME:
        raise HTTPException(404)
    b = _draft(request, db, plan, on, period)
    db.rollback()  # drawing the file takes a while: hold no connection meanwhile
    docx, pdf = draw(b, kind == "pdf")
    return _file(pdf if pdf is not None else docx, kind, f"{b.number}（草稿）")


@router.post("/bulletins/issue")
async def issue(request: Request, db: Db, me: Me) -> RedirectResponse:
    """Issue the bulletin of plan, on, period (the form's fields) under the next 文号; with pdf=1
    also its PDF; supersedes=ID replaces an issued one."""
    records.check_office(me)
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    plan = _number(form_text(form, "plan", 12), "计划")
    replaced = _number(form_text(form, "supersedes", 12), "被替代的通报")
    with_pdf = form_text(form, "pdf", 2) == "1"
    draft = _draft(request, db, plan, form_text(form, "on", 20), form_text(form, "period", 20).strip())
    row = records.issue(db, draft, lambda b: draw(b, with_pdf), me.name, request.app.state.settings.bulletin,
                        replaced)  # fmt: skip
    return RedirectResponse(f"/bulletins?plan={row.document_id}&issued={row.id}", status_code=303)


def _number(text: str, what: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 10:
        raise TrackError(f"{what}编号应为数字，收到“{text}”", f"{what}: not a number")
    return int(text)


@router.get("/bulletins/{bulletin_id}/{kind}")
def issued_file(db: Db, me: Me, bulletin_id: int, kind: str) -> Response:
    """An issued bulletin's file, byte for byte as issued (its SHA-256 is in the list)."""
    records.check_reader(me)
    if kind not in MIME:
        raise HTTPException(404)
    row: Any = records.record(db, bulletin_id)
    data = row.docx if kind == "docx" else row.pdf
    if data is None:
        raise TrackError("这份通报印发时没有生成 PDF", "this bulletin was issued without a PDF")
    return _file(data, kind, row.number)
