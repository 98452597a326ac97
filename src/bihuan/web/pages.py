"""The pages: login, dashboard, import review, assignment, task, unit inbox, public page."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from bihuan.export import svg
from bihuan.export.ledger_books import task_table
from bihuan.ledger import queries
from bihuan.track import assign, board, drafts, logins
from bihuan.track.attain_ledger import plan_attainment
from bihuan.track.current import plan_choices
from bihuan.track.directory import ensure_directory
from bihuan.track.errors import TrackError
from bihuan.track.progress import ProgressInput, add_reports, parse_period
from bihuan.track.users import Person, end_session, start_session
from bihuan.track.views import plan_view
from bihuan.web.app import templates
from bihuan.web.deps import (
    COOKIE,
    MAX_ID,
    Db,
    Me,
    NotAllowed,
    Viewer,
    back_to,
    check_csrf,
    form_date,
    form_text,
    plan_id,
    request_day,
    require,
)
from bihuan.web.jobs import extract_upload

ID_QUERY = ("plan", "before")  # query parameters that are ids; every path parameter is one
_INTEGER = re.compile(r"[+-]?\d+")


def known_ids(request: Request) -> None:
    """Every id in a page's address that no row can have (zero, negative, past the column's
    range) is 404 before the database is asked; a malformed one is left to the route (422)."""
    given = [*request.path_params.values(), *(request.query_params.get(k) for k in ID_QUERY)]
    for value in given:
        text = value.strip() if isinstance(value, str) else ""
        if _INTEGER.fullmatch(text) and (len(text) > 12 or not 0 < int(text) <= MAX_ID):
            raise HTTPException(404, "no such id")


router = APIRouter(include_in_schema=False, dependencies=[Depends(known_ids)])
PRE = "bihuan_pre"  # the login form's own anti-forgery cookie, before there is a session
LOGIN_ERRORS = {  # the only texts the login page shows, by ?error= code
    "expired": "表单已过期，请重试",
    "bad": "用户名或密码不对",
    "locked": "登录失败次数过多，已暂时锁定，请稍后再试",
}


def render(request: Request, name: str, me: Any, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, {"me": me, "csrf": getattr(request.state, "csrf", None), **ctx}
    )


@router.get("/")
def home(me: Viewer) -> RedirectResponse:
    return RedirectResponse("/dashboard" if me else "/public", status_code=303)


@router.get("/login")
def login_form(
    request: Request, me: Viewer, next: str = "/dashboard", error: str | None = None
) -> HTMLResponse:
    token = secrets.token_urlsafe(16)
    resp = render(
        request, "login.html", me, pre=token, next=next if next.startswith("/") else "/dashboard",
        error=LOGIN_ERRORS.get(error or ""),
    )  # fmt: skip
    resp.set_cookie(
        PRE, token, httponly=True, samesite="strict", secure=request.app.state.settings.secure_cookies
    )
    return resp


@router.post("/login")
async def login(request: Request, db: Db) -> Response:
    form = await request.form()
    pre = request.cookies.get(PRE)
    if not pre or form.get("pre") != pre:
        return RedirectResponse("/login?error=expired", status_code=303)
    settings = request.app.state.settings
    address = request.client.host if request.client else "unknown"
    name, password = form_text(form, "name", 100), form_text(form, "password", 200)
    # The password hash takes tens of milliseconds of CPU: in a worker thread, not on the loop
    # that answers every other request of this process.
    tried = await run_in_threadpool(logins.attempt, db, name, password, address, settings.throttle)
    user = tried.user
    if user is None:
        code = "bad" if tried.outcome == "bad" else "locked"
        return RedirectResponse(f"/login?error={code}", status_code=303)
    token, _ = await run_in_threadpool(start_session, db, user, settings.session_hours)
    target = str(form.get("next") or "/dashboard")
    resp = RedirectResponse(
        target if target.startswith("/") and not target.startswith("//") else "/dashboard", 303
    )
    resp.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=settings.secure_cookies,
                    max_age=int(settings.session_hours * 3600))  # fmt: skip
    resp.delete_cookie(PRE)
    return resp


@router.post("/logout")
async def logout(request: Request, db: Db, me: Me) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    end_session(db, request.cookies.get(COOKIE))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(COOKIE)
    return resp


# ---------------------------------------------------------------- dashboard
@router.get("/dashboard")
def dashboard_page(
    request: Request, db: Db, me: Me, plan: int | None = None, on: str | None = None, full: bool = False
) -> HTMLResponse:
    pid = plan_id(db, plan)
    if pid is None:
        return render(request, "empty.html", me)
    day = form_date(on) or request_day(request)
    key = ("dashboard", pid, day, full, board.visible_unit(me), queries.stamp(db))
    view, body = request.app.state.views.get(key, lambda: _dashboard(db, pid, day, me, request, full))
    return render(request, "dashboard.html", me, view=view, body=body, plans=plan_choices(db), pid=pid,
                  published=board.is_published(db, pid))  # fmt: skip


DASHBOARD_ROWS = 50  # rows of each long table on the dashboard; ?full=1 shows them all


def _dashboard(
    db: Db, pid: int, day: dt.date, me: Any, request: Request, full: bool = False
) -> tuple[board.Dashboard, str]:
    view = board.dashboard(db, pid, day, me, request.app.state.settings.status)
    charts = {
        "lights": svg.light_bar(view.counts, "全部任务红黄绿灯"),
        "areas": svg.grouped_lights([(g.name, _lights(g)) for g in view.areas], "各工作领域"),
        "units": svg.grouped_lights([(g.name, _lights(g)) for g in view.units], "各单位"),
        "targets": svg.progress_vs_time(
            [(f"{t.task_number}. {t.name}", t.progress, t.time_progress) for t in view.targets[:30]],
            "目标完成进度与时间进度",
        ),
    }
    flagged = [it for it in view.items if it.status.light != "green"]
    flagged.sort(key=lambda it: (it.status.light != "red", it.number))
    body = templates.get_template("dashboard_body.html").render(
        view=view, charts=charts, pid=pid, full=full, flagged=flagged, LIMIT=DASHBOARD_ROWS,
        attainment=plan_attainment(db, pid),
    )  # fmt: skip
    return view, body


def _lights(g: board.Group) -> dict[str, int]:
    return {"red": g.red, "yellow": g.yellow, "green": g.green}


@router.post("/plans/{pid}/publish")
async def publish(request: Request, db: Db, me: Me, pid: int) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    board.set_published(db, pid, form.get("published") == "1", me)
    return RedirectResponse(f"/dashboard?plan={pid}", status_code=303)


# ---------------------------------------------------------------- import
@router.get("/import")
def import_form(request: Request, me: Me) -> HTMLResponse:
    require(me, "admin")
    return render(request, "import.html", me, limit=request.app.state.settings.max_upload_mb)


@router.post("/import")
async def import_upload(request: Request, db: Db, me: Me) -> RedirectResponse:
    require(me, "admin")
    db.close()  # hold no database connection while the body arrives and the worker reads it
    limit = request.app.state.settings.max_upload_bytes  # the body as a whole: guard.py, before this
    form = await request.form(max_part_size=limit + 1)
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    upload = form.get("file")
    if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
        raise TrackError("请选择要上传的报告文件", "choose a file to upload")
    data = await upload.read(limit + 1)  # type: ignore[union-attr]
    name = upload.filename or "报告"  # type: ignore[union-attr]
    await form.close()
    got = await extract_upload(request.app, data, name, limit)  # in a child process, time-limited
    del data
    draft_id = await run_in_threadpool(
        drafts.start_extracted, db, got.text, got.name, got.source_format, got.plan_json, me.name
    )
    return RedirectResponse(f"/import/{draft_id}", status_code=303)


REVIEW_PAGE_CHARS = 20_000  # source characters per review page: a whole report is 10,000-25,000


def source_pages(text: str, size: int = REVIEW_PAGE_CHARS) -> list[tuple[int, int]]:
    """[start, end) of each page of the source: about `size` characters, ending at a line end
    when one comes within a tenth of a page."""
    bounds, start = [], 0
    while start < len(text) or not bounds:
        end = min(start + size, len(text))
        if end < len(text):
            nl = text.find("\n", end, end + size // 10)
            end = nl + 1 if nl >= 0 else end
        bounds.append((start, end))
        start = end
    return bounds


@router.get("/import/{draft_id}")
def import_review(request: Request, db: Db, me: Me, draft_id: int, page: int = 1) -> HTMLResponse:
    """The source a page at a time, with the figures and tasks that start on that page."""
    require(me, "admin")
    d = drafts.draft(db, draft_id)
    text = d.text
    bounds = source_pages(text)
    if not 1 <= page <= len(bounds):
        raise TrackError(f"没有第 {page} 页（共 {len(bounds)} 页）", f"no page {page} of {len(bounds)}")
    a, b = bounds[page - 1]
    last = page == len(bounds)
    plan, n_figures, n_tasks = drafts.plan_part(d, lambda span: a <= span[0] < b or (last and span[0] >= b))
    marked = highlight(text[a:b], [(i.span[0] - a, i.span[1] - a, i.id) for i in plan.indicators])
    return render(
        request, "review.html", me, draft=d, plan=plan, marked=marked, history=drafts.history(db, draft_id),
        n_figures=n_figures, n_tasks=n_tasks, page=page, pages=len(bounds),
    )  # fmt: skip


def highlight(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The source text as HTML with each figure's span in a <mark> that links to its row."""
    out, pos = [], 0
    for a, b, iid in sorted(spans):
        if a < pos or b <= a or b > len(text):
            continue
        out.append(html.escape(text[pos:a]))
        out.append(f'<mark id="src-{iid}"><a href="#{iid}">{html.escape(text[a:b])}</a></mark>')
        pos = b
    out.append(html.escape(text[pos:]))
    return "".join(out)


@router.post("/import/{draft_id}/{action}")
async def import_action(request: Request, db: Db, me: Me, draft_id: int, action: str) -> RedirectResponse:
    require(me, "admin")
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    f = lambda n: form_text(form, n, 500)  # noqa: E731
    if action == "figure":
        d = drafts.correct_figure(
            db, draft_id, f("iid"), f("name"), f("value"), f("unit"), f("growth"), me.name
        )
    elif action == "merge":
        d = drafts.merge_tasks(db, draft_id, f("tid"), me.name)
    elif action == "split":
        d = drafts.split_task(db, draft_id, f("tid"), f("at"), me.name)
    elif action == "confirm":
        year = f("year").strip()
        r = drafts.confirm(
            db, draft_id, f("region").strip() or None, int(year) if year.isdigit() else None, me.name
        )
        return RedirectResponse(f"/plans/{r.document_id}/assign?imported={int(r.created)}", status_code=303)
    else:
        raise TrackError("不支持的操作", "unknown action")
    page = f("page")
    return RedirectResponse(
        f"/import/{d.id}" + (f"?page={page}" if page.isdigit() and page != "1" else ""), 303
    )


# ---------------------------------------------------------------- assign
@router.get("/plans/{pid}/assign")
def assign_page(request: Request, db: Db, me: Me, pid: int, imported: int | None = None) -> HTMLResponse:
    require(me, "admin", "leader")
    items = assign.suggest_plan(db, pid, me.name)
    names = {u.id: u.name for u in queries.units(db)}
    units = ensure_directory(db, me.name)
    view = plan_view(db, pid)
    return render(
        request,
        "assign.html",
        me,
        pid=pid,
        items=items,
        names=names,
        units=units,
        view=view,
        imported=imported,
        plans=plan_choices(db),
        stones={
            k: assign.milestones_text(a.milestones) for k, a in queries.current_assignments(db, pid).items()
        },
    )


@router.post("/plans/{pid}/assign/confirm")
async def assign_confirm(request: Request, db: Db, me: Me, pid: int) -> RedirectResponse:
    require(me, "admin")
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    assign.confirm(db, pid, [str(x) for x in form.getlist("task")], me.name)
    return RedirectResponse(f"/plans/{pid}/assign", status_code=303)


@router.post("/plans/{pid}/tasks/{number}/assign")
async def assign_one(request: Request, db: Db, me: Me, pid: int, number: int) -> RedirectResponse:
    require(me, "admin")
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    coop = [c for c in (str(x) for x in form.getlist("coop")) if c.strip()]
    coop += [
        c.strip()
        for c in form_text(form, "coop_text", 300).replace(",", "、").replace("，", "、").split("、")
        if c.strip()
    ]
    # the row shows the milestones: kept unless edited (a form without the field keeps them too)
    stones = assign.milestone_lines(form_text(form, "milestones", 1000)) if "milestones" in form else None
    assign.set_assignment(
        db, pid, str(number),
        lead=form_text(form, "lead", 100) or None, cooperating=coop,
        leader=form_text(form, "leader", 100), deadline=form_date(form_text(form, "deadline", 20)),
        milestones=stones, user=me.name,
    )  # fmt: skip
    return RedirectResponse(f"/plans/{pid}/tasks/{number}", status_code=303)


@router.get("/plans/{pid}/export.xlsx")
def export_table(db: Db, me: Me, pid: int) -> StreamingResponse:
    require(me, "admin", "leader")
    view = plan_view(db, pid)
    buf = io.BytesIO()
    task_table(view).save(buf)
    buf.seek(0)
    name = f"{view.region}{view.plan_year}年任务分解表.xlsx"
    return StreamingResponse(
        buf,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


# ---------------------------------------------------------------- task
@router.get("/plans/{pid}/tasks/{number}")
def task_detail(request: Request, db: Db, me: Me, pid: int, number: int) -> HTMLResponse:
    day = request_day(request)
    key = ("task", pid, number, day, board.visible_unit(me), queries.stamp(db))
    page = request.app.state.views.get(
        key, lambda: board.task_page(db, pid, str(number), day, me, request.app.state.settings.status)
    )
    from bihuan.web.supervise_pages import task_panel  # it imports this module's helpers

    return render(request, "task.html", me, page=page, pid=pid, token=secrets.token_urlsafe(16),
                  period=_month(day), today=day, sup=task_panel(request, db, me, pid, number),
                  plans=plan_choices(db))  # fmt: skip


# ---------------------------------------------------------------- inbox and progress
def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@router.get("/inbox")
def inbox(
    request: Request, db: Db, me: Me, plan: int | None = None, period: str | None = None
) -> HTMLResponse:
    require(me, "unit", "admin")
    pid = plan_id(db, plan)
    if pid is None:
        return render(request, "empty.html", me)
    today = request_day(request)
    p = parse_period(period) if period else _month(today)
    if p is None:
        raise TrackError("期间应写作 2023-06", "period must be YYYY-MM")
    view = board.dashboard(db, pid, today, me, request.app.state.settings.status)
    lines = {t.number: t for t in plan_view(db, pid).tasks}
    # the reports that count for a task: its lead unit's (or the office's on its behalf)
    done = {k for k, r in queries.latest_reports(db, pid, p).items() if r.period == p}
    if me.role == "unit" and me.unit_id is not None:  # a unit: its own part, as lead or cooperating
        led = {it.key for it in view.items if it.lead == me.unit_name}
        done = (done & led) | queries.reported_by(db, pid, p, me.unit_id)
    rows = [(it, lines[it.number], it.key in done) for it in view.items if it.number in lines]
    return render(
        request,
        "inbox.html",
        me,
        pid=pid,
        period=p,
        rows=rows,
        tokens={it.number: secrets.token_urlsafe(16) for it in view.items},
        plans=plan_choices(db),
    )


@router.post("/plans/{pid}/tasks/{number}/progress")
async def report_progress(request: Request, db: Db, me: Me, pid: int, number: int) -> RedirectResponse:
    require(me, "unit", "admin")
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    board.require_task_access(db, pid, str(number), me)  # another unit's task: 403, as in the API
    values = {str(k)[2:]: v for k, v in form.items() if str(k).startswith("v:") and isinstance(v, str)}
    row = ProgressInput(
        1, str(number), form_text(form, "period", 7), values, form_text(form, "percent", 20) or None,
        form_text(form, "narrative"), form_text(form, "problems"), form_text(form, "next_steps"),
    )  # fmt: skip
    unit = me.unit_name if me.role == "unit" else None
    add_reports(db, pid, [row], author=me.name, today=request_day(request), unit_name=unit,
                submission=form_text(form, "submission", 64) or None)  # fmt: skip
    return RedirectResponse(back_to(form, "/inbox") + "#saved", 303)


# ---------------------------------------------------------------- public
@router.get("/public")
def public_index(request: Request, db: Db, me: Viewer) -> HTMLResponse:
    docs = [queries.document(db, pid) for pid in board.published_plans(db)]
    return render(request, "public_index.html", me, docs=[d for d in docs if d is not None])


@router.get("/public/{pid}")
def public_plan(request: Request, db: Db, me: Viewer, pid: int) -> HTMLResponse:
    if not board.is_published(db, pid):
        raise NotAllowed("这份计划尚未公开", "not published")
    everyone = Person(0, "公众", "leader", None, None)
    view = board.dashboard(db, pid, request_day(request), everyone, request.app.state.settings.status)
    return render(request, "public.html", me, view=view, chart=svg.light_bar(view.counts, "任务进展"),
                  attainment=plan_attainment(db, pid))  # fmt: skip


# ---------------------------------------------------------------- admin
LOG_PAGE = 100


@router.get("/admin/logins")
def login_log(request: Request, db: Db, me: Me, before: int | None = None) -> HTMLResponse:
    require(me, "admin")
    page = logins.recent(db, LOG_PAGE, before)
    return render(request, "logins.html", me, page=page, outcomes=logins.OUTCOME_ZH)
