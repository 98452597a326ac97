"""Load shedding: an admission limit on the requests one worker process serves at once.

At most `active` requests run at a time; up to `waiting` more wait for a turn, each at most
`wait` seconds. A request beyond that, or one whose wait runs out, gets a quick 503 with
Retry-After (JSON under /api/, a short Chinese page elsewhere) instead of queueing for minutes
behind the database pool and the thread pool. /healthz and /static/ are never held back: they
need neither the database nor a worker thread.

A pure ASGI middleware (no BaseHTTPMiddleware), so a streamed or slow response keeps its turn
until its last byte is sent and nothing is buffered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

FREE_PATHS = ("/healthz",)
FREE_PREFIXES = ("/static/",)
RETRY_AFTER = 5  # seconds a refused client is asked to wait
ZH = "系统繁忙，请稍后再试"
EN = "server busy, try again shortly"
PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>系统繁忙</title></head>'
    f"<body><h1>{ZH}</h1><p>{EN}</p></body></html>"
)


async def busy(scope: Scope, send: Send, retry_after: int = RETRY_AFTER) -> None:
    """Answer 503 with Retry-After: JSON for /api/, a small HTML page otherwise."""
    if str(scope.get("path", "")).startswith("/api/"):
        body = json.dumps({"error": ZH, "error_en": EN}, ensure_ascii=False).encode()
        kind = b"application/json"
    else:
        body = PAGE.encode()
        kind = b"text/html; charset=utf-8"
    headers = [
        (b"content-type", kind),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@dataclass
class Admission:
    """The counters of one worker process (one event loop)."""

    active: int
    waiting: int
    wait: float
    running: int = 0
    queued: int = 0
    refused: int = 0
    _turns: anyio.Semaphore | None = field(default=None, repr=False)

    def turns(self) -> anyio.Semaphore:
        if self._turns is None:  # made inside the running event loop
            self._turns = anyio.Semaphore(self.active)
        return self._turns


class ShedLoad:
    """ASGI middleware: admit at most `active` requests at once, queue `waiting`, refuse the rest."""

    def __init__(self, app: ASGIApp, active: int = 16, waiting: int = 256, wait: float = 10.0) -> None:
        if active < 1 or waiting < 0 or wait < 0:
            raise ValueError("active must be at least 1; waiting and wait at least 0")
        self.app = app
        self.state = Admission(active, waiting, wait)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path in FREE_PATHS or path.startswith(FREE_PREFIXES):
            await self.app(scope, receive, send)
            return
        state = self.state
        turns = state.turns()
        try:
            turns.acquire_nowait()
        except anyio.WouldBlock:  # every turn taken: wait in line, if the line is not full
            if state.queued >= state.waiting or not await _wait_turn(turns, state):
                state.refused += 1
                await busy(scope, send)
                return
        state.running += 1
        try:
            await self.app(scope, receive, send)
        finally:
            state.running -= 1
            turns.release()


async def _wait_turn(turns: anyio.Semaphore, state: Admission) -> bool:
    """Wait up to state.wait seconds for a turn; True when one was taken."""
    state.queued += 1
    try:
        with anyio.move_on_after(state.wait) as waited:
            await turns.acquire()
        return not waited.cancelled_caught
    finally:
        state.queued -= 1
