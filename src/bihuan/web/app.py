"""create_app(settings): the FastAPI application with its pages, API and error pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from bihuan import __version__
from bihuan.export import ExportError
from bihuan.ingest import ReadError
from bihuan.ledger.db import open_ledger
from bihuan.track.board import Forbidden
from bihuan.track.errors import RowErrors, TrackError
from bihuan.track.users import Person, session_user
from bihuan.web.badge import todo_badge
from bihuan.web.cache import ViewCache
from bihuan.web.deps import COOKIE, BadCsrf, LoginRequired, NotAllowed
from bihuan.web.guard import Guard
from bihuan.web.settings import WebSettings
from bihuan.web.shed import EN as BUSY_EN
from bihuan.web.shed import RETRY_AFTER, ShedLoad
from bihuan.web.shed import ZH as BUSY_ZH

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[todo_badge])


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _error(
    request: Request, status: int, zh: str, en: str, rows: list[tuple[int, str, str]] | None = None
) -> Response:
    if _is_api(request):
        body: dict[str, object] = {"error": zh, "error_en": en}
        if rows:
            body["rows"] = [{"row": r, "error": z, "error_en": e} for r, z, e in rows]
        return JSONResponse(body, status_code=status)
    me, csrf = await _viewer(request, status)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "zh": zh, "en": en, "rows": rows or [], "me": me, "csrf": csrf,
         "back": request.headers.get("referer")},
        status_code=status,
    )  # fmt: skip


async def _viewer(request: Request, status: int) -> tuple[Person | None, str | None]:
    """Who sees the error page, so that it looks like every other page (logged in, with 退出).
    The route's own dependency usually found out already; otherwise (no such route) one look-up
    in a worker thread, never on the event loop, and none at all for a server error, which may
    be the database itself (a pool with no free connection)."""
    if hasattr(request.state, "person"):
        return request.state.person, getattr(request.state, "csrf", None)
    if status >= 500 or not request.cookies.get(COOKIE):
        return None, None

    def look_up() -> tuple[Person, str] | None:
        with request.app.state.ledger.sessions() as session:
            return session_user(session, request.cookies.get(COOKIE))

    try:
        state = await run_in_threadpool(look_up)
    except Exception:  # the error may be the database itself: show the page anyway
        return None, None
    return (None, None) if state is None else state


def _said(status: int) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(request: Request, exc: Exception) -> Response:
        return await _error(request, status, getattr(exc, "zh", "请求有误"), getattr(exc, "en", str(exc)))

    return handle


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()

    ledger = open_ledger(settings.db, pool=settings.pool)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from bihuan.web.remind_schedule import start_schedule

        scheduler = start_schedule(app)  # the reminder jobs, when settings.remind_at is set
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            from bihuan.web.jobs import shutdown  # the upload workers (children) still running

            shutdown(app)
            ledger.close()

    app = FastAPI(
        title="bihuan 闭环 API",
        version=__version__,
        description="政府工作报告目标任务跟踪：计划、任务、分工、进度、状态。权限与网页相同。",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI loads from a CDN: apidocs.py draws /api/docs from the schema
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.ledger = ledger
    app.state.views = ViewCache()
    app.state.todo_cache = ViewCache(size=1024)  # the 待办 badge, per person, day and ledger stamp
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from bihuan.web import (
        api,
        apidocs,
        assess_pages,
        bulletin_pages,
        contact_pages,
        notice_pages,
        outbox_pages,
        pages,
        plan_pages,
        supervise_pages,
    )

    app.include_router(pages.router)
    app.include_router(supervise_pages.router)
    app.include_router(notice_pages.router)
    app.include_router(contact_pages.router)
    app.include_router(plan_pages.router)
    app.include_router(api.router)
    app.include_router(apidocs.router)
    app.include_router(outbox_pages.router)
    app.include_router(assess_pages.router)
    app.include_router(bulletin_pages.router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "请先登录", "error_en": "login required"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    # Errors that carry their own Chinese and English: refusals are 403, bad input 400.
    # Starlette picks the handler of the nearest class (Forbidden before TrackError).
    for kind, status in (
        (NotAllowed, 403),
        (Forbidden, 403),
        (TrackError, 400),
        (ReadError, 400),
        (ExportError, 400),
    ):
        app.add_exception_handler(kind, _said(status))

    @app.exception_handler(BadCsrf)
    async def _csrf(request: Request, exc: BadCsrf) -> Response:
        return await _error(
            request, 403, "表单已过期或来源不明，请刷新页面后重试", "missing or wrong CSRF token"
        )

    @app.exception_handler(RowErrors)
    async def _rows(request: Request, exc: RowErrors) -> Response:
        return await _error(request, 400, exc.zh, exc.en, exc.problems)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("body", "query", "path"))
        return await _error(
            request, 422, f"输入有误：{where}", f"invalid input: {where} {first.get('msg', '')}".strip()
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        zh = {404: "页面不存在", 405: "不支持这种请求", 413: "上传的文件太大"}.get(
            exc.status_code, "请求有误"
        )
        return await _error(
            request, exc.status_code, getattr(exc, "zh", zh), getattr(exc, "en", str(exc.detail))
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return await _error(
            request, 500, "服务器内部错误，请稍后重试或联系管理员", f"internal error ({type(exc).__name__})"
        )

    @app.exception_handler(PoolTimeout)
    async def _no_connection(request: Request, exc: PoolTimeout) -> Response:
        response = await _error(request, 503, BUSY_ZH, BUSY_EN)
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response

    @app.get("/healthz", include_in_schema=False)
    async def health() -> HTMLResponse:  # on the event loop: no thread, no database
        return HTMLResponse("ok")

    app.add_middleware(ShedLoad, active=settings.max_active, waiting=settings.max_waiting,
                       wait=settings.wait_seconds)  # fmt: skip
    # Outermost: body limits and security headers, on every answer the shedding gives too.
    app.add_middleware(Guard, settings=settings, refuse=_error)

    return app
