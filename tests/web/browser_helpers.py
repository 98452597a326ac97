"""What the browser tests share: a real uvicorn server on loopback, Debian's Chromium through
Playwright, screenshots, and small page helpers."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")


def unavailable(reason: str) -> None:
    if os.environ.get("BIHUAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"the browser test is required (BIHUAN_REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


@dataclass
class Server:
    url: str
    db: Path


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_demo(folder: Path, today: dt.date) -> Iterator[Server]:
    """A fresh demo ledger with supervision (notices, signed tasks) in `folder`, served on `today`."""
    from bihuan.cli.web_cmds import build_demo

    db = folder / "demo.db"
    build_demo(db, today, supervision=True)
    with serve(db, today) as srv:
        yield srv


def demo_page(browser: Any, server: Server, watch: Watch, name: str) -> Any:
    """A page of its own context (downloads allowed, a 60 s default timeout: drawing a bulletin
    takes seconds on a busy machine), watched, logged in as the demo user `name`."""
    from bihuan.cli.web_cmds import DEMO_PASSWORD

    ctx = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    ctx.set_default_timeout(60_000)
    watch.attach(ctx)
    page = ctx.new_page()
    login(page, name, DEMO_PASSWORD)
    return page


@contextmanager
def serve(db: Path, today: dt.date) -> Iterator[Server]:
    """The real app under uvicorn in a thread, on the ledger `db`, with `today` as its date."""
    import uvicorn

    from bihuan.web.app import create_app
    from bihuan.web.settings import WebSettings

    app = create_app(WebSettings(db=str(db), today=lambda: today))
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as r:
                if r.status == 200 and r.read() == b"ok":
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            srv.should_exit = True
            pytest.fail("the web server did not answer /healthz within 60 s")
        time.sleep(0.05)
    try:
        yield Server(url, db)
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def artifacts(sub: str = "") -> Path:
    """The screenshot folder (kept out of git), emptied of this test's old screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ignore = ARTIFACTS / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n!.gitignore\n", encoding="utf-8")
    folder = ARTIFACTS / sub if sub else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


class Watch:
    """Every response the browser got: a page that answered 5xx fails the test."""

    def __init__(self) -> None:
        self.bad: list[str] = []
        self.posts: list[str] = []

    def attach(self, context: Any) -> None:
        context.on("response", self._response)
        context.on("request", self._request)

    def _response(self, response: Any) -> None:
        if response.status >= 500:
            self.bad.append(f"{response.status} {response.request.method} {response.url}")

    def _request(self, request: Any) -> None:
        if request.method == "POST":
            self.posts.append(request.url)


def shot(page: Any, folder: Path, name: str, at: Any = None, full: bool = False) -> None:
    """A screenshot of the window (with `at` scrolled into view), or of the whole page."""
    if at is not None:
        at.scroll_into_view_if_needed()
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full)


def table(page: Any, selector: str) -> list[list[str]]:
    """The body rows of a table as lists of cell texts."""
    rows: list[list[str]] = page.eval_on_selector(
        selector,
        "t => Array.from(t.tBodies[0].rows, r => Array.from(r.cells, c => c.innerText.trim()))",
    )
    return rows


def login(page: Any, name: str, password: str) -> None:
    page.goto("/login")
    assert page.locator("h1").inner_text() == "登录"
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url("**/dashboard")
    assert name in page.locator("header .who").inner_text()


def logout(page: Any) -> None:
    page.click("header form[action='/logout'] button")
    page.wait_for_url("**/login")
    assert page.locator("header .who").count() == 0
    assert page.locator("header a[href='/login']").count() == 1


def api(page: Any, path: str) -> Any:
    """GET an API path with the page's cookies (the same session as the browser)."""
    r = page.request.get(path)
    assert r.status == 200, (path, r.status, r.text()[:200])
    return r.json()
