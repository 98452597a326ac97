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
from starlette.exceptions import HTTPException as StarletteHTTPException

from bihuan import __version__
from bihuan.export import ExportError
from bihuan.ingest import ReadError
from bihuan.ledger.db import open_ledger
from bihuan.track.board import Forbidden
from bihuan.track.errors import RowErrors, TrackError
from bihuan.track.users import session_user
from bihuan.web.cache import ViewCache
from bihuan.web.deps import COOKIE, BadCsrf, LoginRequired, NotAllowed
from bihuan.web.settings import WebSettings

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(
    request: Request, status: int, zh: str, en: str, rows: list[tuple[int, str, str]] | None = None
) -> Response:
    if _is_api(request):
        body: dict[str, object] = {"error": zh, "error_en": en}
        if rows:
            body["rows"] = [{"row": r, "error": z, "error_en": e} for r, z, e in rows]
        return JSONResponse(body, status_code=status)
    me, csrf = None, None
    try:  # show the page as the person sees every other page: logged in, with 退出
        with request.app.state.ledger.sessions() as session:
            state = session_user(session, request.cookies.get(COOKIE))
        if state is not None:
            me, csrf = state
    except Exception:  # the error may be the database itself: show the page anyway
        pass
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "zh": zh, "en": en, "rows": rows or [], "me": me, "csrf": csrf,
         "back": request.headers.get("referer")},
        status_code=status,
    )  # fmt: skip


def _said(status: int) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(request: Request, exc: Exception) -> Response:
        return _error(request, status, getattr(exc, "zh", "请求有误"), getattr(exc, "en", str(exc)))

    return handle


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()

    ledger = open_ledger(settings.db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            from bihuan.web.jobs import shutdown  # the upload workers (children) still running

            shutdown(app)
            ledger.close()

    app = FastAPI(
        title="bihuan 闭环 API",
        version=__version__,
        description="政府工作报告目标任务跟踪：计划、任务、分工、进度、状态。权限与网页相同。",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.ledger = ledger
    app.state.views = ViewCache()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from bihuan.web import api, pages

    app.include_router(pages.router)
    app.include_router(api.router)

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
        return _error(request, 403, "表单已过期或来源不明，请刷新页面后重试", "missing or wrong CSRF token")

    @app.exception_handler(RowErrors)
    async def _rows(request: Request, exc: RowErrors) -> Response:
        return _error(request, 400, exc.zh, exc.en, exc.problems)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("body", "query", "path"))
        return _error(
            request, 422, f"输入有误：{where}", f"invalid input: {where} {first.get('msg', '')}".strip()
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        zh = {404: "页面不存在", 405: "不支持这种请求", 413: "上传的文件太大"}.get(
            exc.status_code, "请求有误"
        )
        return _error(request, exc.status_code, zh, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return _error(
            request, 500, "服务器内部错误，请稍后重试或联系管理员", f"internal error ({type(exc).__name__})"
        )

    @app.get("/healthz", include_in_schema=False)
    def health() -> HTMLResponse:
        return HTMLResponse("ok")

    return app
