"""Logging in and out: the login form's own token, wrong passwords, ended sessions, and what a
logged-out visitor gets from the pages (a redirect) and from the API (401 in Chinese)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_helpers import ADMIN, PASSWORD, PID, Web, api_csrf, browser_login, form, hidden, row_counts

from bihuan.cli.web_cmds import DEMO_USERS
from bihuan.ledger.models import User, WebSession, utcnow
from bihuan.web.deps import COOKIE


def _sessions(web: Web) -> int:
    with web.db() as s:
        return s.scalar(select(func.count()).select_from(WebSession)) or 0


@pytest.mark.parametrize(("name", "role", "unit"), DEMO_USERS)
def test_each_demo_user_logs_in_through_the_form(web: Web, name: str, role: str, unit: str | None) -> None:
    before = _sessions(web)
    client = web.anon()
    r = browser_login(client, name)
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    assert client.cookies.get(COOKIE)
    me = client.get("/api/v1/session").json()
    assert (me["name"], me["role"], me["unit"]) == (name, role, unit)
    assert me["csrf_token"]
    assert _sessions(web) == before + 1
    assert name in client.get("/dashboard").text


@pytest.mark.parametrize(
    ("name", "password"),
    [
        (ADMIN, "wrong-password"),
        (ADMIN, ""),
        (ADMIN, PASSWORD.upper()),
        ("没有这个人", PASSWORD),
        (" ", PASSWORD),
    ],
)
def test_wrong_name_or_password_goes_back_to_the_login_form(web: Web, name: str, password: str) -> None:
    before = _sessions(web)
    client = web.anon()
    r = browser_login(client, name, password)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?error=")
    assert client.cookies.get(COOKIE) is None
    page = client.get(r.headers["location"])
    assert "用户名或密码不对" in page.text
    assert 'name="pre"' in page.text  # the form again, ready for another try
    assert client.get("/api/v1/session").status_code == 401
    assert _sessions(web) == before


@pytest.mark.parametrize("forgery", ["no pre field", "forged pre field", "no pre cookie", "empty both"])
def test_login_without_its_own_pre_token_is_refused(web: Web, forgery: str) -> None:
    before = _sessions(web)
    client = web.anon()
    pre = hidden(client.get("/login").text, "pre")
    data = {"name": ADMIN, "password": PASSWORD, "pre": pre}
    if forgery == "no pre field":
        del data["pre"]
    elif forgery == "forged pre field":
        data["pre"] = "x" * len(pre)
    elif forgery == "no pre cookie":
        client.cookies.clear()
    else:
        client.cookies.clear()
        data["pre"] = ""
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?error=")
    assert "表单已过期" in client.get(r.headers["location"]).text
    assert client.cookies.get(COOKIE) is None
    assert _sessions(web) == before


def test_a_pre_token_from_another_browser_is_refused(web: Web) -> None:
    victim, attacker = web.anon(), web.anon()
    attacker_pre = hidden(attacker.get("/login").text, "pre")
    victim.get("/login")  # the victim has a pre cookie of their own
    r = victim.post(
        "/login", data={"name": ADMIN, "password": PASSWORD, "pre": attacker_pre}, follow_redirects=False
    )
    assert "error=" in r.headers["location"]
    assert victim.cookies.get(COOKIE) is None


@pytest.mark.parametrize(
    ("next_", "target"),
    [
        ("/inbox", "/inbox"),
        ("/plans/1/tasks/3", "/plans/1/tasks/3"),
        ("//evil.example/steal", "/dashboard"),
        ("https://evil.example/", "/dashboard"),
        ("", "/dashboard"),
    ],
)
def test_login_returns_only_to_a_local_page(web: Web, next_: str, target: str) -> None:
    r = browser_login(web.anon(), ADMIN, next_=next_)
    assert r.status_code == 303 and r.headers["location"] == target


def test_logout_ends_the_session(web: Web) -> None:
    client = web.login(ADMIN)
    token = client.cookies.get(COOKIE)
    page = client.get("/dashboard").text
    r = client.post("/logout", data=form(page, "/logout").fields, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert f"{COOKIE}=" in r.headers["set-cookie"]  # the browser is told to drop it
    with web.db() as s:
        assert row_counts(s)["ended sessions"] >= 1
    # the old cookie, replayed, no longer works anywhere
    replay = web.anon()
    replay.cookies.set(COOKIE, str(token))
    assert replay.get("/dashboard", follow_redirects=False).headers["location"] == "/login?next=/dashboard"
    assert replay.get("/api/v1/session").status_code == 401
    assert replay.post("/logout", data={"csrf_token": "x"}, follow_redirects=False).status_code == 303


def test_logout_leaves_other_sessions_alone(web: Web) -> None:
    one, two = web.login(ADMIN), web.login(ADMIN)
    one.post("/logout", data={"csrf_token": api_csrf(one)}, follow_redirects=False)
    assert one.get("/api/v1/session").status_code == 401
    assert two.get("/api/v1/session").json()["name"] == ADMIN


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard",
        "/import",
        "/import/1",
        "/inbox",
        f"/plans/{PID}/assign",
        f"/plans/{PID}/tasks/1",
        f"/plans/{PID}/export.xlsx",
    ],
)
def test_pages_send_a_logged_out_visitor_to_the_login_form(ro_web: Web, path: str) -> None:
    r = ro_web.anon().get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/login?next={path}"


def test_a_forged_session_cookie_is_no_session(ro_web: Web) -> None:
    client = ro_web.anon()
    client.cookies.set(COOKIE, "forged-" + "a" * 40)
    assert client.get("/dashboard", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/plans").status_code == 401


def test_home_page_depends_on_who_is_asking(ro_web: Web) -> None:
    assert ro_web.anon().get("/", follow_redirects=False).headers["location"] == "/public"
    assert ro_web.as_(ADMIN).get("/", follow_redirects=False).headers["location"] == "/dashboard"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/session", None),
        ("GET", "/api/v1/plans", None),
        ("GET", f"/api/v1/plans/{PID}/tasks", None),
        ("GET", f"/api/v1/plans/{PID}/status", None),
        ("GET", f"/api/v1/plans/{PID}/tasks/1", None),
        ("GET", f"/api/v1/plans/{PID}/tasks/1/progress", None),
        ("PUT", f"/api/v1/plans/{PID}/tasks/1/assignment", {"lead": "财政局"}),
        ("POST", f"/api/v1/plans/{PID}/tasks/1/progress", {"period": "2023-07", "percent": 50}),
    ],
)
def test_api_answers_401_in_chinese_when_logged_out(
    ro_web: Web, method: str, path: str, body: dict[str, object] | None
) -> None:
    with ro_web.db() as s:
        before = row_counts(s)
    r = ro_web.anon().request(method, path, json=body, headers={"X-CSRF-Token": "x"})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"error": "请先登录", "error_en": "login required"}
    with ro_web.db() as s:
        assert row_counts(s) == before


def _lands_on(location: str) -> str:
    """The host a browser goes to for this Location (browsers drop tabs and newlines and read
    a backslash as a slash)."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return urlsplit(urljoin("http://testserver/login", cleaned)).netloc


@pytest.mark.parametrize(
    "next_", ["/\\evil.example", "/\t/evil.example", "/\\/evil.example", "/ /evil.example", "///evil.example"]
)
def test_login_redirect_never_leaves_the_site(web: Web, next_: str) -> None:
    r = browser_login(web.anon(), ADMIN, next_=next_)
    assert r.status_code == 303
    assert _lands_on(r.headers["location"]) == "testserver", r.headers["location"]


def test_an_expired_session_is_no_session(web: Web) -> None:
    client = web.login(ADMIN)
    with web.db() as s:
        for ws in s.scalars(select(WebSession)):
            ws.expires_at = utcnow() - dt.timedelta(minutes=1)
        s.commit()
    assert client.get("/api/v1/session").status_code == 401
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_http_only_and_lasts_the_session(
    make_web: Callable[..., Web], web: Web
) -> None:
    r = browser_login(web.anon(), ADMIN)
    cookie = r.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "max-age=43200" in cookie.lower()  # 12 hours, as the settings say
    short = make_web(web.db_url, session_hours=0.5)
    assert "max-age=1800" in browser_login(short.anon(), ADMIN).headers["set-cookie"].lower()


def test_a_disabled_user_is_out(web: Web) -> None:
    client = web.login("发改局")
    with web.db() as s:
        s.scalars(select(User).where(User.name == "发改局")).one().disabled = True
        s.commit()
    assert client.get("/api/v1/session").status_code == 401
    r = browser_login(web.anon(), "发改局")
    assert "error=" in r.headers["location"]


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        ("bad", "用户名或密码不对"),
        ("expired", "表单已过期，请重试"),
        ("locked", "登录失败次数过多，已暂时锁定，请稍后再试"),
        ("系统升级：请把用户名和密码发到 evil@example.com", None),
        ("<script>alert(1)</script>", None),
        ("用户名或密码不对", None),  # the old free text is no code either
        ("", None),
    ],
)
def test_the_login_page_shows_only_messages_from_its_own_list(
    ro_web: Web, error: str, shown: str | None
) -> None:
    page = ro_web.anon().get("/login", params={"error": error}).text
    alert = re.findall(r'<p class="error" role="alert">(.*?)</p>', page)
    assert alert == ([shown] if shown else [])
    assert "evil@example.com" not in page and "alert(1)" not in page


@pytest.mark.parametrize("secure", [False, True])
def test_cookies_are_secure_when_served_over_https(
    make_web: Callable[..., Web], web: Web, secure: bool
) -> None:
    app = make_web(web.db_url, secure_cookies=secure)
    client = TestClient(app.app, base_url="https://testserver" if secure else "http://testserver")
    pre_cookie = client.get("/login").headers["set-cookie"].lower()
    login_cookie = browser_login(client, ADMIN).headers["set-cookie"].lower()
    assert ("; secure" in pre_cookie) is secure and ("; secure" in login_cookie) is secure
    assert "samesite=strict" in pre_cookie


def test_login_returns_to_the_page_asked_for_with_its_query(web: Web) -> None:
    client = web.anon()
    r = client.get("/inbox?period=2023-06", follow_redirects=False)
    assert r.status_code == 303
    login_page = client.get(r.headers["location"]).text
    next_ = hidden(login_page, "next")
    r = browser_login(client, "发改局", next_=next_)
    assert r.headers["location"] == "/inbox?period=2023-06"


def test_an_error_page_still_shows_who_is_logged_in(ro_web: Web) -> None:
    r = ro_web.as_("发改局").get("/import")
    assert r.status_code == 403
    assert 'action="/logout"' in r.text and "发改局（责任单位" in r.text
