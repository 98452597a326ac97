"""CSRF: every form that changes something needs the session's token, every API write its
X-CSRF-Token header. Without it, or with a wrong one, the answer is 403 and nothing changes;
with the right one the same request goes through (so the refusal is the token's doing)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from web_helpers import ADMIN, LEADER, PID, REPORT, TODAY, Web, api_csrf, error_page, row_counts

from bihuan.ledger.models import WebSession
from bihuan.track import board, drafts, notices
from bihuan.track.users import Person

TOKENS = ["absent", "empty", "forged", "another session's", "right"]
OTHER = {ADMIN: LEADER, "发改局": "住建局"}  # whose session lends its (valid, but wrong) token
ROUTES = [
    # (path, who posts, form fields besides the token, upload?)
    ("/logout", ADMIN, {}, False),
    ("/import", ADMIN, {}, True),
    (
        "/import/{draft}/figure",
        ADMIN,
        {"iid": "i1", "name": "地区生产总值", "value": "", "growth": "6"},
        False,
    ),
    (f"/plans/{PID}/assign/confirm", ADMIN, {"task": "1"}, False),
    (f"/plans/{PID}/tasks/1/assign", ADMIN, {"lead": "财政局", "leader": "某副县长"}, False),
    (
        f"/plans/{PID}/tasks/1/notice",
        ADMIN,
        {"kind": "催办", "text": "请报送进度", "answer_by": "2023-07-20"},
        False,
    ),
    ("/notices/{notice}/answer", "发改局", {"text": "已报送"}, False),
    (
        f"/plans/{PID}/tasks/1/progress",
        "发改局",
        {"period": "2023-07", "percent": "50", "submission": "s1"},
        False,
    ),
    (f"/plans/{PID}/publish", ADMIN, {"published": "0"}, False),
]


def _state(web: Web) -> dict[str, Any]:
    with web.db() as s:
        out: dict[str, Any] = row_counts(s)
        out["published"] = board.is_published(s, PID)
        out["live sessions"] = sorted(
            w.token_hash for w in s.scalars(select(WebSession).where(WebSession.ended_at.is_(None)))
        )
    return out


def _fixtures(web: Web) -> dict[str, int]:
    """A draft to correct and a notice to answer (task 1 is led by 发展和改革局)."""
    with web.db() as s:
        d = drafts.start(s, REPORT.read_text("utf-8"), REPORT.name, "txt", ADMIN)
        admin = Person(1, ADMIN, "admin", None, None)
        n = notices.send(s, PID, "1", "催办", "一般", "请报送", TODAY, admin, today=TODAY)
        return {"draft": d.id, "notice": n.id}


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize(("path", "who", "fields", "upload"), ROUTES, ids=[r[0] for r in ROUTES])
def test_forms_need_the_sessions_csrf_token(
    web: Web, path: str, who: str, fields: dict[str, str], upload: bool, token: str
) -> None:
    path = path.format(**_fixtures(web)) if "{" in path else path
    client = web.as_(who)
    right = api_csrf(client)
    data = dict(fields)
    if token != "absent":
        data["csrf_token"] = {
            "empty": "",
            "forged": "A" * len(right),
            "another session's": api_csrf(web.as_(OTHER[who])),
            "right": right,
        }[token]
    files = {"file": (REPORT.name, REPORT.read_bytes(), "text/plain")} if upload else None
    before = _state(web)
    r = client.post(path, data=data, files=files, follow_redirects=False)
    after = _state(web)
    if token == "right":
        assert r.status_code == 303, r.text[:400]
        assert after != before  # the same request with the right token changes something
        return
    error_page(r, 403, "表单已过期或来源不明")
    assert after == before
    assert client.get("/api/v1/session").status_code == 200  # still logged in


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize(
    ("method", "path", "who", "body"),
    [
        ("PUT", f"/api/v1/plans/{PID}/tasks/1/assignment", ADMIN, {"lead": "财政局"}),
        ("POST", f"/api/v1/plans/{PID}/tasks/1/progress", "发改局", {"period": "2023-07", "percent": 50}),
        ("POST", f"/api/v1/plans/{PID}/tasks/1/progress", ADMIN, {"period": "2023-07", "percent": 60}),
    ],
)
def test_api_writes_need_the_csrf_header(
    web: Web, method: str, path: str, who: str, body: dict[str, object], token: str
) -> None:
    client = web.as_(who)
    right = api_csrf(client)
    headers = (
        {}
        if token == "absent"
        else {"X-CSRF-Token": {"empty": "", "forged": right[::-1], "right": right}.get(token, "")}
    )
    if token == "another session's":
        headers["X-CSRF-Token"] = api_csrf(web.as_(OTHER[who]))
    with web.db() as s:
        before = row_counts(s)
    r = client.request(method, path, json=body, headers=headers)
    with web.db() as s:
        after = row_counts(s)
    if token == "right":
        assert r.status_code in (200, 201), r.text
        assert after != before
        return
    assert r.status_code == 403
    assert r.json()["error"] == "表单已过期或来源不明，请刷新页面后重试"
    assert after == before


def test_the_token_in_a_form_is_in_a_cookie_nowhere(web: Web) -> None:
    """The CSRF token is served in pages and the session API, never as a cookie."""
    client = web.login(ADMIN)
    token = api_csrf(client)
    assert token not in "".join(client.cookies.values())
    assert f'name="csrf_token" value="{token}"' in client.get("/dashboard").text
