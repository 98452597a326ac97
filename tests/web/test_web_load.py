"""Many users at once: requests never wait on each other for database connections, and load
beyond what a worker admits gets a quick 503 (Retry-After, Chinese), never a long hang.

Issue 8: at 100 users the server stood still for minutes at 1% CPU. Each request's session
took a pool connection in its login look-up (one call into the thread pool) and kept it while
waiting for another thread for the page itself; once every thread waited for a connection and
every connection for a thread, nothing moved until the pool timed out, and the error page then
asked for a second connection on the event loop. These tests run the real app under uvicorn
with a tiny thread pool and a tiny connection pool to show it in seconds."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import anyio
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from web_helpers import ADMIN, PID, Web

from bihuan.ledger.db import Ledger
from bihuan.web.deps import COOKIE
from bihuan.web.shed import ShedLoad

GUARD = 60.0  # hang guard for any one request (seconds); the tests are about hangs


@contextmanager
def serving(app: FastAPI, threads: int = 40) -> Iterator[str]:
    """The app under real uvicorn in a thread, on its own event loop, with `threads` worker
    threads for sync routes and dependencies (anyio's default is 40)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))

    async def main() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        await server.serve(sockets=[sock])

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + GUARD
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail("the server did not start")
        time.sleep(0.02)
    try:
        yield url
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(timeout=GUARD)
        sock.close()


def small_pool(web: Web, size: int, timeout: float) -> None:
    """Give the app a connection pool of `size` connections, no overflow, `timeout` s wait."""
    web.app.state.ledger.close()
    engine = create_engine(f"sqlite:///{web.db_url}", pool_size=size, max_overflow=0, pool_timeout=timeout)
    web.app.state.ledger = Ledger(engine, sessionmaker(engine, expire_on_commit=False))


def fetch_all(url: str, paths: list[str], cookie: str | None) -> list[tuple[int, float, str]]:
    """GET every path at the same moment, one thread each: (status, seconds, body)."""
    results: list[tuple[int, float, str]] = [(0, 0.0, "")] * len(paths)
    start = threading.Barrier(len(paths))

    def one(k: int) -> None:
        cookies = {COOKIE: cookie} if cookie else None
        with httpx.Client(base_url=url, cookies=cookies, timeout=GUARD) as client:
            start.wait()
            t0 = time.monotonic()
            try:
                r = client.get(paths[k])
                results[k] = (r.status_code, time.monotonic() - t0, r.text)
            except httpx.HTTPError as e:
                results[k] = (-1, time.monotonic() - t0, repr(e))

    workers = [threading.Thread(target=one, args=(k,)) for k in range(len(paths))]
    for w in workers:
        w.start()
    for w in workers:
        w.join(GUARD * 2)
    return results


def test_requests_do_not_wait_on_each_other_for_connections(web: Web) -> None:
    """12 logged-in page requests at once, 3 worker threads, 2 connections: every one answers.
    Before the fix the threads all waited for connections held by requests waiting for a
    thread, until the pool's timeout (here 5 s) turned them into 500s."""
    web.as_(ADMIN)  # the admin's session token, from the template
    small_pool(web, size=2, timeout=5)
    paths = [f"/plans/{PID}/tasks/{1 + k % 5}" if k % 2 else "/dashboard" for k in range(12)]
    with serving(web.app, threads=3) as url:
        results = fetch_all(url, paths, web.tokens[ADMIN])
    assert [status for status, _, _ in results] == [200] * len(paths), [
        (p, s, body[:120]) for p, (s, _, body) in zip(paths, results, strict=True) if s != 200
    ]


def test_a_request_holds_no_connection_between_login_lookup_and_page(web: Web) -> None:
    """One connection in the pool and one thread: a logged-in page and a public page both answer
    even when the only thread is busy elsewhere, because no request keeps the connection while
    it waits for the thread."""
    web.as_(ADMIN)
    small_pool(web, size=1, timeout=5)
    paths = ["/dashboard", f"/plans/{PID}/tasks/1", "/dashboard", f"/plans/{PID}/tasks/2"]
    with serving(web.app, threads=1) as url:
        results = fetch_all(url, paths, web.tokens[ADMIN])
    assert [s for s, _, _ in results] == [200] * len(paths), [(s, b[:120]) for s, _, b in results]


def test_no_free_connection_is_a_quick_503_not_a_500(web: Web) -> None:
    """When the pool stays empty for its (short) wait, the page says 系统繁忙 with Retry-After;
    the API says it in JSON. The error page itself asks the pool for nothing."""
    web.as_(ADMIN)
    small_pool(web, size=1, timeout=0.5)
    held = web.app.state.ledger.engine.connect()  # the only connection, taken
    try:
        client = web.as_(ADMIN)
        t0 = time.monotonic()
        page = client.get("/dashboard")
        api = client.get("/api/v1/plans")
        took = time.monotonic() - t0
    finally:
        held.close()
    assert page.status_code == 503 and "系统繁忙" in page.text
    assert page.headers["retry-after"].isdigit()
    assert api.status_code == 503 and api.json()["error"].startswith("系统繁忙")
    assert api.headers["retry-after"].isdigit()
    assert took < GUARD
    assert web.as_(ADMIN).get("/dashboard").status_code == 200  # and it recovers


@contextmanager
def slow_upload(url: str) -> Iterator[socket.socket]:
    """A client that starts a POST and then sends its body very slowly (here: not at all)."""
    port = int(url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=GUARD)
    sock.sendall(
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 1000\r\n\r\nname=a"
    )
    try:
        yield sock
    finally:
        sock.close()


def test_load_over_the_admission_limit_is_shed_with_a_quick_503(
    web: Web, make_web: Callable[..., Web]
) -> None:
    """One request admitted at a time, none waiting: while a slow client holds the turn,
    other pages get 503 at once (Chinese page, JSON for /api/, Retry-After); /healthz still
    answers; once the slow client is gone, pages answer again."""
    shed = make_web(web.db_url, web.tokens, max_active=1, max_waiting=0, wait_seconds=0)
    shed.as_(ADMIN)
    with serving(shed.app) as url:
        with slow_upload(url):
            time.sleep(0.5)  # the slow POST has its turn
            results = fetch_all(
                url, ["/dashboard", "/api/v1/plans", "/login", "/healthz"], shed.tokens[ADMIN]
            )
        statuses = [s for s, _, _ in results]
        assert statuses == [503, 503, 503, 200], results
        assert "系统繁忙" in results[0][2] and "系统繁忙" in results[1][2]
        assert results[1][2].lstrip().startswith("{")
        assert all(took < GUARD / 2 for _, took, _ in results)
        with httpx.Client(base_url=url, timeout=GUARD) as client:
            r = client.get("/login")
            assert r.status_code == 503 or r.status_code == 200
            deadline = time.monotonic() + GUARD
            while r.status_code == 503 and time.monotonic() < deadline:
                time.sleep(0.1)  # the slow client's request ends once its connection is closed
                r = client.get("/login")
            assert r.status_code == 200
            busy = None
            with slow_upload(url):
                time.sleep(0.5)
                busy = client.get("/public")
            assert busy.status_code == 503 and busy.headers["retry-after"].isdigit()


def test_waiting_requests_are_served_in_turn(web: Web, make_web: Callable[..., Web]) -> None:
    """With one turn and room to wait, simultaneous requests queue briefly and all answer."""
    shed = make_web(web.db_url, web.tokens, max_active=1, max_waiting=20, wait_seconds=GUARD)
    shed.as_(ADMIN)
    with serving(shed.app) as url:
        results = fetch_all(url, [f"/plans/{PID}/tasks/{k}" for k in range(1, 9)], shed.tokens[ADMIN])
    assert [s for s, _, _ in results] == [200] * 8, [(s, b[:100]) for s, _, b in results]


@pytest.mark.parametrize("bad", [{"active": 0}, {"waiting": -1}, {"wait": -1.0}])
def test_admission_settings_are_checked(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        ShedLoad(FastAPI(), **bad)  # type: ignore[arg-type]
