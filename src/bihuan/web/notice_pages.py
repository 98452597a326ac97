"""督办件 pages: sending from a task, the notices list and one notice with its history and the
forms the viewer may use, the 待办 page of every role, and the leader's view."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from bihuan.ledger import queries
from bihuan.track import notices, todo
from bihuan.track.errors import TrackError
from bihuan.track.lifecycle import NOTICE_GRADES, NOTICE_KINDS, NOTICE_STATES
from bihuan.web.deps import Db, Me, back_to, check_csrf, form_date, form_text, plan_id, request_day, require
from bihuan.web.pages import known_ids, render
from bihuan.web.supervise_pages import form_with_files

router = APIRouter(include_in_schema=False, dependencies=[Depends(known_ids)])


# ---------------------------------------------------------------- sending (from the task page)
@router.post("/plans/{pid}/tasks/{number}/notice")
async def send(request: Request, db: Db, me: Me, pid: int, number: int) -> RedirectResponse:
    settings = request.app.state.settings.supervise
    files, form = await form_with_files(request, settings)
    notices.send(
        db, pid, str(number), form_text(form, "kind", 10), form_text(form, "grade", 10) or "一般",
        form_text(form, "text", 2000), form_date(form_text(form, "answer_by", 20).strip(), "答复期限"), me,
        today=request_day(request), files=files, settings=settings,
    )  # fmt: skip
    return RedirectResponse(f"/plans/{pid}/tasks/{number}", status_code=303)


# ---------------------------------------------------------------- one notice's steps
@router.post("/notices/{notice_id}/sign")
async def sign(request: Request, db: Db, me: Me, notice_id: int) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    notices.sign(db, notice_id, me)
    return RedirectResponse(back_to(form, f"/notices/{notice_id}"), status_code=303)


@router.post("/notices/{notice_id}/answer")
async def answer(request: Request, db: Db, me: Me, notice_id: int) -> RedirectResponse:
    settings = request.app.state.settings.supervise
    files, form = await form_with_files(request, settings)
    notices.answer(db, notice_id, form_text(form, "text", 2000), me, files=files, settings=settings)
    return RedirectResponse(back_to(form, f"/notices/{notice_id}"), status_code=303)


@router.post("/notices/{notice_id}/return")
async def return_answer(request: Request, db: Db, me: Me, notice_id: int) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    notices.return_answer(db, notice_id, form_text(form, "reason", 2000), me)
    return RedirectResponse(back_to(form, f"/notices/{notice_id}"), status_code=303)


@router.post("/notices/{notice_id}/close")
async def close(request: Request, db: Db, me: Me, notice_id: int) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    notices.close(db, notice_id, me, form_text(form, "text", 2000))
    return RedirectResponse(back_to(form, f"/notices/{notice_id}"), status_code=303)


@router.post("/notices/{notice_id}/approve")
async def approve(request: Request, db: Db, me: Me, notice_id: int) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    notices.approve_draft(db, notice_id, me)
    return RedirectResponse(back_to(form, f"/notices/{notice_id}"), status_code=303)


# ---------------------------------------------------------------- lists and pages
@router.get("/notices")
def notice_list(
    request: Request,
    db: Db,
    me: Me,
    state: str | None = None,
    grade: str | None = None,
    unit: int | None = None,
    overdue: str | None = None,
    kind: str | None = None,
    plan: int | None = None,
) -> HTMLResponse:
    state, grade, kind = state or None, grade or None, kind or None
    if state is not None and state not in NOTICE_STATES:
        raise TrackError(f"状态须为 {'、'.join(NOTICE_STATES)} 之一", "unknown state")
    if grade is not None and grade not in NOTICE_GRADES:
        raise TrackError(f"等级须为 {'、'.join(NOTICE_GRADES)} 之一", "unknown grade")
    if kind is not None and kind not in NOTICE_KINDS:
        raise TrackError(f"类型须为 {'、'.join(NOTICE_KINDS)} 之一", "unknown kind")
    if overdue not in (None, "", "1", "0"):
        raise TrackError("逾期筛选须为 1 或 0", "overdue must be 1 or 0")
    if plan is not None and queries.document(db, plan) is None:
        raise TrackError(f"没有编号为 {plan} 的计划", f"no plan {plan}")
    f = notices.Filters(state, grade, unit, None if not overdue else overdue == "1", plan, kind)
    items = notices.listing(db, me, request_day(request), f)
    return render(
        request, "notices.html", me, items=items, f=f, overdue=overdue or "", units=queries.units(db),
        plans=queries.documents(db), states=NOTICE_STATES, grades=NOTICE_GRADES, kinds=NOTICE_KINDS,
        limit=notices.LIST_LIMIT,
    )  # fmt: skip


@router.get("/notices/{notice_id}")
def notice_page(request: Request, db: Db, me: Me, notice_id: int) -> HTMLResponse:
    v = notices.notice_view(db, notice_id, me, request_day(request))
    return render(request, "notice.html", me, v=v, actions=notices.allowed_actions(v, me))


@router.get("/todo")
def todo_page(request: Request, db: Db, me: Me) -> HTMLResponse:
    t = todo.todo(db, me, request_day(request), request.app.state.settings.status)
    return render(request, "todo.html", me, t=t, report_day=request.app.state.settings.status.report_day)


@router.get("/leader")
def leader_page(
    request: Request, db: Db, me: Me, plan: int | None = None, name: str | None = None
) -> HTMLResponse:
    require(me, "leader", "admin")
    pid = plan_id(db, plan)
    if pid is None:
        return render(request, "empty.html", me)
    if name is not None and len(name) > 100:
        raise TrackError("领导姓名太长", "name too long")
    view = todo.leader_view(db, me, pid, request_day(request), request.app.state.settings.status, name)
    leaders = sorted({a.leader for a in queries.current_assignments(db, pid).values() if a.leader})
    return render(request, "leader.html", me, view=view, plans=queries.documents(db), pid=pid,
                  leaders=leaders, leader=name if me.role == "admin" else me.name)  # fmt: skip
