"""Every id in a page's address or query is checked before the database is asked: a number no row
can have (past the INTEGER range, zero, negative) is 404, a malformed one 422, never 500 and
never a traceback in the log; and nothing is written."""

from __future__ import annotations

import logging
import re

import pytest
from web_helpers import ADMIN, PID, Web, api_csrf, row_counts

from bihuan.web import notice_pages, pages

HUGE = "99999999999999999999"
PAST_INT = str(2**31)  # one past PostgreSQL's INTEGER
UNIT = "发改局"

# (who, method, path with {x} for the id tried); {x} replaces one id, the others are real
ROUTES = [
    (None, "GET", "/public/{x}"),
    (ADMIN, "GET", "/dashboard?plan={x}"),
    (UNIT, "GET", "/inbox?plan={x}"),
    (ADMIN, "GET", "/import/{x}"),
    (ADMIN, "POST", "/import/{x}/confirm"),
    (ADMIN, "POST", "/import/{x}/figure"),
    (UNIT, "POST", "/notices/{x}/answer"),
    (UNIT, "POST", "/notices/{x}/sign"),
    (ADMIN, "POST", "/notices/{x}/return"),
    (ADMIN, "POST", "/notices/{x}/close"),
    (ADMIN, "POST", "/notices/{x}/approve"),
    (ADMIN, "GET", "/notices/{x}"),
    (ADMIN, "GET", "/notices?plan={x}"),
    (ADMIN, "GET", "/leader?plan={x}"),
    (ADMIN, "GET", "/plans/{x}/assign"),
    (ADMIN, "POST", "/plans/{x}/assign/confirm"),
    (ADMIN, "POST", "/plans/{x}/publish"),
    (ADMIN, "GET", "/plans/{x}/export.xlsx"),
    (ADMIN, "GET", "/plans/{x}/tasks/1"),
    (ADMIN, "GET", f"/plans/{PID}/tasks/{{x}}"),
    (ADMIN, "POST", f"/plans/{PID}/tasks/{{x}}/assign"),
    (ADMIN, "POST", f"/plans/{PID}/tasks/{{x}}/notice"),
    (UNIT, "POST", f"/plans/{PID}/tasks/{{x}}/progress"),
    (ADMIN, "POST", "/plans/{x}/tasks/1/progress"),
    (ADMIN, "GET", "/admin/logins?before={x}"),
    (ADMIN, "POST", "/plans/{x}/handover"),
    (UNIT, "POST", f"/plans/{PID}/tasks/{{x}}/sign"),
    (UNIT, "POST", f"/plans/{PID}/tasks/{{x}}/requests"),
    (UNIT, "POST", f"/plans/{PID}/tasks/{{x}}/close"),
    (ADMIN, "POST", "/requests/{x}/decide"),
    (ADMIN, "GET", "/admin/requests?plan={x}"),
    (ADMIN, "GET", "/attachments/{x}"),
]

IDS = [
    (HUGE, 404),
    (PAST_INT, 404),
    ("0", 404),
    ("-1", 404),
    ("abc", 422),
    ("1.5", 422),
    ("1e3", 422),
    ("0x10", 422),
]


@pytest.mark.parametrize(("who", "method", "path"), ROUTES, ids=[f"{m} {p}" for _, m, p in ROUTES])
@pytest.mark.parametrize(("x", "status"), IDS, ids=[x for x, _ in IDS])
def test_an_impossible_or_malformed_id_is_404_or_422_never_500(
    ro_web: Web,
    caplog: pytest.LogCaptureFixture,
    who: str | None,
    method: str,
    path: str,
    x: str,
    status: int,
) -> None:
    client = ro_web.as_(who) if who else ro_web.anon()
    data = (
        {
            "csrf_token": api_csrf(client),
            "text": "x",
            "kind": "催办",
            "answer_by": "2023-07-20",
            "reason": "x",
        }
        if method == "POST"
        else None
    )
    with ro_web.db() as s:
        before = row_counts(s)
    with caplog.at_level(logging.WARNING):
        r = client.request(method, path.format(x=x), data=data, follow_redirects=False)
    assert r.status_code == status, (r.status_code, r.text[-300:])
    assert r.headers["content-type"].startswith("text/html")
    assert ("页面不存在" if status == 404 else "输入有误") in r.text
    assert "Traceback" not in r.text and not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    with ro_web.db() as s:
        assert row_counts(s) == before


def test_the_largest_possible_id_is_an_ordinary_miss(ro_web: Web) -> None:
    """2**31 - 1 may exist: it is looked up and missed like any other number (as before)."""
    r = ro_web.as_(ADMIN).get(f"/dashboard?plan={2**31 - 1}")
    assert r.status_code == 400 and f"没有编号为 {2**31 - 1} 的计划" in r.text


def _page_routes() -> list[tuple[str, str]]:
    """(method, path) of every page route with a parameter in its path, from the route table."""
    out = []
    for route in [*pages.router.routes, *notice_pages.router.routes]:
        path, methods = getattr(route, "path", ""), getattr(route, "methods", None) or set()
        if "{" in path:
            out += [(m, path) for m in sorted(methods) if m != "HEAD"]
    return out


def test_every_id_in_every_page_route_is_checked(ro_web: Web) -> None:
    """Taken from the app's route table, so a new page route is covered without a new entry."""
    client = ro_web.as_(ADMIN)
    csrf = api_csrf(client)
    routes = _page_routes()
    assert len(routes) >= 12
    tried = 0
    for method, path in routes:
        names = re.findall(r"\{(\w+)\}", path)
        for name in names:
            if name == "action":
                continue
            url = path
            for other in names:
                value = HUGE if other == name else ("confirm" if other == "action" else "1")
                url = url.replace(f"{{{other}}}", value)
            r = client.request(method, url, data={"csrf_token": csrf} if method == "POST" else None,
                               follow_redirects=False)  # fmt: skip
            assert r.status_code == 404, (method, url, r.status_code)
            tried += 1
    assert tried >= 15
