"""A pure ASGI middleware in front of every route: a request-body limit answered with 413 before
the body is read, and the security headers on every response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bihuan.web.settings import WebSettings

# The pages use no JavaScript, no inline style (every style is in /static/app.css) and no outside
# resource; their SVG charts are inline <svg> elements with presentation attributes only.
CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
NO_STORE = (b"cache-control", b"no-store")
_REPLACED = {name for name, _ in HEADERS} | {b"cache-control", b"server"}

Refuse = Callable[[Request, int, str, str], Awaitable[Response]]


class BodyTooLarge(HTTPException):
    """A body over its route's limit (declared, or counted while it was read): 413."""

    def __init__(self, limit: int, upload_mb: float | None = None) -> None:
        super().__init__(413, f"request body over {limit} bytes")
        if upload_mb is not None:  # the report upload: say the limit the import page states
            self.zh = f"文件超过上限 {upload_mb:g} MB，未读取"
            self.en = f"upload over the {upload_mb:g} MB limit; it was not read"
        else:
            self.zh = f"提交的内容太大（上限 {_size(limit)}），未读取"
            self.en = f"request body over the {_size(limit)} limit; it was not read"


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


class Guard:
    """`refuse(request, status, zh, en)` renders the error page the app shows for a 4xx."""

    def __init__(self, app: ASGIApp, settings: WebSettings, refuse: Refuse) -> None:
        self.app = app
        self.settings = settings
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        extra = [] if path.startswith("/static/") else [NO_STORE]
        head = scope["method"] == "HEAD"
        if head:  # answered as GET without the body (curl -I), not 405
            scope = {**scope, "method": "GET"}
        started = False

        async def send_guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED]
                message = {**message, "headers": kept + HEADERS + extra}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        limit = self.settings.body_limit(scope["method"], path)
        is_upload = scope["method"] == "POST" and path == "/import"
        upload = self.settings.max_upload_mb if is_upload else None
        length = Headers(scope=scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            # Refused on its declared length: not one byte of the body is read.
            error = BodyTooLarge(limit, upload)
            response = await self.refuse(Request(scope), 413, error.zh, error.en)
            response.headers["connection"] = "close"
            await response(scope, receive, send_guarded)
            return

        seen = 0

        async def receive_counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # a chunked or lying body: stop reading here
                    raise BodyTooLarge(limit, upload)
            return message

        try:
            await self.app(scope, receive_counted, send_guarded)
        except BodyTooLarge as error:  # raised where no handler turned it into the error page
            if started:
                raise
            response = await self.refuse(Request(scope), 413, error.zh, error.en)
            response.headers["connection"] = "close"
            await response(scope, receive, send_guarded)
