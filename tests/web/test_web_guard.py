"""The guard in front of every route: request bodies over their route's limit are refused with
413 before they are read (declared too long, or counted past the limit while streamed), every
response carries the security headers, and no page refers to another host."""

from __future__ import annotations

import asyncio
import re
from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from web_helpers import ADMIN, PASSWORD, PID, Web, error_page

from bihuan.web.guard import CSP
from bihuan.web.settings import KB, MB, WebSettings

SECURITY = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


# ---------------------------------------------------------------- the limits, by route
@pytest.mark.parametrize(
    ("method", "path", "limit"),
    [
        ("POST", "/login", 16 * KB),
        ("POST", "/logout", 256 * KB),
        ("POST", f"/plans/{PID}/tasks/1/progress", 256 * KB),
        # forms that carry files (evidence, a notice's or an answer's document): 5 files of 10 MB
        ("POST", "/notices/1/answer", 50 * MB + 64 * KB + 256 * KB),
        ("POST", f"/plans/{PID}/tasks/1/notice", 50 * MB + 64 * KB + 256 * KB),
        ("POST", f"/plans/{PID}/tasks/1/close", 50 * MB + 64 * KB + 256 * KB),
        ("POST", "/notices/1/return", 256 * KB),
        ("POST", "/import", 20 * MB + 64 * KB),
        ("POST", "/import/1/confirm", 256 * KB),
        ("GET", "/import", 256 * KB),
        ("POST", f"/api/v1/plans/{PID}/tasks/1/progress", 1 * MB),
        ("PUT", f"/api/v1/plans/{PID}/tasks/1/assignment", 1 * MB),
    ],
)
def test_each_route_has_its_body_limit(method: str, path: str, limit: int) -> None:
    assert WebSettings().body_limit(method, path) == limit


def test_the_upload_limit_follows_the_configured_upload_size() -> None:
    assert WebSettings(max_upload_mb=2).body_limit("POST", "/import") == 2 * MB + 64 * KB


# ---------------------------------------------------------------- refused before it is read
def _call(web: Web, method: str, path: str, headers: dict[str, str], chunks: list[bytes]) -> dict[str, Any]:
    """Call the app as a server would, feeding the body in `chunks`; return the status, the
    headers, the body and how many body bytes the app asked for."""
    pending = deque(chunks)
    asked = {"bytes": 0, "calls": 0}
    out: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        asked["calls"] += 1
        if not pending:
            return {"type": "http.disconnect"}
        chunk = pending.popleft()
        asked["bytes"] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("203.0.113.9", 40000),
        "server": ("testserver", 80),
    }
    asyncio.run(web.app(scope, receive, send))
    out["asked"] = asked
    return out


FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=xyz"


@pytest.mark.parametrize(
    ("path", "kind", "declared"),
    [
        ("/login", MULTIPART, 200 * MB),  # the anonymous 200 MB multipart login
        ("/login", FORM, 17 * KB),
        ("/logout", FORM, 300 * KB),
        ("/import", MULTIPART, 21 * MB),
        ("/api/v1/plans/1/tasks/1/progress", "application/json", 2 * MB),
    ],
)
def test_a_body_declared_too_long_is_refused_unread(ro_web: Web, path: str, kind: str, declared: int) -> None:
    r = _call(ro_web, "POST", path, {"content-type": kind, "content-length": str(declared)}, [b"x" * 1000])
    assert r["status"] == 413
    assert r["asked"] == {"bytes": 0, "calls": 0}  # not one byte of the body was asked for
    text = r["body"].decode()
    if path.startswith("/api/"):
        assert r["headers"]["content-type"] == "application/json"
        assert "提交的内容太大（上限 1 MB）" in text
    else:
        assert "413 · " in text and ("提交的内容太大" in text or "文件超过上限 20 MB" in text)
    for name, value in SECURITY.items():
        assert r["headers"][name] == value


@pytest.mark.parametrize(
    ("path", "kind", "limit"),
    [
        ("/login", MULTIPART, 16 * KB),
        ("/login", FORM, 16 * KB),
        ("/api/v1/plans/1/tasks/1/progress", "application/json", 1 * MB),
    ],
)
def test_a_streamed_body_is_cut_off_when_it_passes_the_limit(
    ro_web: Web, path: str, kind: str, limit: int
) -> None:
    chunk = 8 * KB
    chunks = [b"a" * chunk] * (200 * MB // chunk)  # 200 MB, sent without a length
    if kind == MULTIPART:  # one big file part, as the attacker sent
        chunks[0] = b'--xyz\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\n'
    r = _call(ro_web, "POST", path, {"content-type": kind}, chunks)
    assert r["status"] == 413
    assert limit < r["asked"]["bytes"] <= limit + chunk  # reading stopped at the first chunk past it
    assert "提交的内容太大" in r["body"].decode()


def test_a_streamed_login_gets_the_chinese_error_page(ro_web: Web) -> None:
    def body() -> Any:
        for _ in range(100):
            yield b"name=" + b"x" * 1000

    r = ro_web.anon().post("/login", content=body(), headers={"content-type": FORM})
    error_page(r, 413, "提交的内容太大（上限 16 KB）")


def test_a_json_body_over_the_api_limit_is_a_json_413(ro_web: Web) -> None:
    client = ro_web.as_(ADMIN)
    r = client.post(f"/api/v1/plans/{PID}/tasks/1/progress", content=b"[" + b"1," * MB + b"1]",
                    headers={"content-type": "application/json", "x-csrf-token": "x"})  # fmt: skip
    assert r.status_code == 413 and r.headers["content-type"] == "application/json"
    assert r.json()["error"] == "提交的内容太大（上限 1 MB），未读取"


def test_bodies_within_their_limits_still_work(web: Web) -> None:
    # a login form is far below 16 KB; a progress form with three long narratives is ~140 KB
    assert web.login(ADMIN).get("/dashboard").status_code == 200
    client = web.as_("发改局")
    page = client.get(f"/plans/{PID}/tasks/1").text
    fields = dict(re.findall(r'name="(csrf_token|period)" value="([^"]*)"', page))
    long = "进" * 5000
    data = {**fields, "percent": "30", "narrative": long, "problems": long, "next_steps": long}
    r = client.post(f"/plans/{PID}/tasks/1/progress", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[-500:]


def test_limits_are_settings(make_web: Any, web: Web) -> None:
    small = make_web(web.db_url, login_body_kb=1)
    r = small.anon().post("/login", data={"name": "x" * 2000, "password": PASSWORD, "pre": "x"})
    error_page(r, 413, "上限 1 KB")


# ---------------------------------------------------------------- headers
@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        (None, "/login", 200),
        (None, "/public", 200),
        (None, "/nothing-here", 404),
        (None, "/dashboard", 303),
        (ADMIN, "/dashboard", 200),
        (ADMIN, f"/plans/{PID}/tasks/1", 200),
        (ADMIN, f"/plans/{PID}/export.xlsx", 200),  # a download
        (ADMIN, "/admin/logins", 200),
        (ADMIN, "/api/v1/plans", 200),
        (ADMIN, "/api/v1/openapi.json", 200),
        ("发改局", "/import", 403),
    ],
)
def test_every_response_carries_the_security_headers(
    ro_web: Web, who: str | None, path: str, status: int
) -> None:
    client = ro_web.as_(who) if who else ro_web.anon()
    r = client.get(path, follow_redirects=False)
    assert r.status_code == status
    for name, value in SECURITY.items():
        assert r.headers[name] == value
    assert r.headers["cache-control"] == "no-store"
    assert "server" not in r.headers


def test_head_shows_a_pages_headers_without_its_body(ro_web: Web) -> None:
    r = ro_web.as_(ADMIN).head("/dashboard")
    assert r.status_code == 200 and r.content == b""
    assert int(r.headers["content-length"]) > 1000  # the length of the page a GET returns
    assert r.headers["content-security-policy"] == CSP and r.headers["cache-control"] == "no-store"
    assert ro_web.anon().head("/dashboard", follow_redirects=False).status_code == 303


def test_static_files_may_be_cached_but_carry_the_headers(ro_web: Web) -> None:
    r = ro_web.anon().get("/static/app.css")
    assert r.status_code == 200
    assert r.headers.get("cache-control") != "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_the_pages_need_nothing_the_policy_forbids(ro_web: Web) -> None:
    """No script, no inline style or style attribute, no inline event handler, no frame."""
    for path in ("/dashboard", f"/plans/{PID}/tasks/1", "/inbox", f"/plans/{PID}/assign", "/import"):
        page = ro_web.as_(ADMIN).get(path).text
        assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=|<iframe|<object|<embed", page, re.I), path


# ---------------------------------------------------------------- nothing from another host
REF = re.compile(
    r"""(?:\b(?:src|href|action|srcset|data)\s*=\s*["']([^"']*)["'])|url\(\s*["']?([^"')]*)""", re.I
)


def _refs(page: str) -> list[str]:
    return [a or b for a, b in REF.findall(page)]


def _outside(ref: str) -> bool:
    """A reference that makes the browser fetch from (or go to) another host."""
    ref = re.sub(r"[\t\n\r]", "", ref).strip().replace("\\", "/")
    return urlsplit(urljoin("http://testserver/", ref)).netloc not in ("", "testserver")


def test_no_page_reachable_for_the_office_refers_to_another_host(ro_web: Web) -> None:
    client = ro_web.as_(ADMIN)
    seen: set[str] = set()
    queue = deque(["/", "/dashboard", "/login", "/public", "/import", "/inbox", "/admin/logins",
                   "/api/docs", "/static/app.css"])  # fmt: skip
    pages = 0
    while queue:
        path = queue.popleft()
        key = urlsplit(path).path if "/tasks/" in path else path  # each task page once
        if key in seen or len(seen) > 400:
            continue
        seen.add(key)
        r = client.get(path)
        assert r.status_code < 500, path
        kind = r.headers.get("content-type", "")
        if not (kind.startswith("text/") or "svg" in kind):
            continue
        pages += 1
        for ref in _refs(r.text):
            assert not _outside(ref), (path, ref)
            target = urljoin("http://testserver" + path, ref)
            parts = urlsplit(target)
            if parts.path.endswith((".xlsx", "/logout")) or ref.startswith("#"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert pages > 20  # the dashboard, every task page, the public pages...
    assert f"/plans/{PID}/tasks/1" in seen and "/admin/logins" in seen


def test_the_api_docs_are_a_plain_page_drawn_from_the_schema(ro_web: Web) -> None:
    spec = ro_web.anon().get("/api/v1/openapi.json").json()
    r = ro_web.anon().get("/api/docs")
    assert r.status_code == 200 and r.headers["content-security-policy"] == CSP
    assert "<script" not in r.text and "swagger" not in r.text.lower()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert f"<code>{method.upper()} {path}</code>" in r.text and op["summary"] in r.text
    assert "ProgressIn" in r.text and "X-CSRF-Token" in r.text


@pytest.mark.parametrize(
    "ref",
    [
        "https://cdn.example/x.js",
        "//cdn.example/x.js",
        "http://evil.example",
        "/\\evil.example",
        " //a.example",
    ],
)
def test_the_host_check_itself_catches_outside_references(ref: str) -> None:
    assert _outside(ref)
    assert not _outside("/static/app.css") and not _outside("#t1") and not _outside("?plan=1")
