"""Request dependencies: a database session, the logged-in person, role and CSRF checks; and the
small readers every page module shares (the request's day, a form's text and date fields)."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from bihuan.track.users import Person, session_user

COOKIE = "bihuan_session"
MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds (PostgreSQL): beyond it nothing exists


class LoginRequired(Exception):
    """No live session: pages redirect to the login form, the API answers 401."""


class NotAllowed(Exception):
    """A role that may not do this: 403."""

    def __init__(self, zh: str = "没有权限", en: str = "forbidden") -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


class BadCsrf(Exception):
    """A form or API write without the session's CSRF token: 403."""


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.ledger.sessions() as session:
        request.state.db = session  # the nav's 待办 badge reads with the route's own session
        yield session


# One session per request, closed as soon as the route function returns (scope="function"),
# before the response is sent to a client that may read it slowly. The login look-up gives its
# connection back at once (optional_person); the route's own queries hold one connection from
# the first query until the route returns. So a request never holds a connection while it
# waits for a worker thread or for the client, and never holds two.
Db = Annotated[Session, Depends(get_db, scope="function")]


def login_state(request: Request, db: Db) -> tuple[Person, str] | None:
    return session_user(db, request.cookies.get(COOKIE))


def optional_person(request: Request, db: Db) -> Person | None:
    try:
        state = login_state(request, db)
    finally:
        # Each sync dependency and the sync route function run in separate calls into the
        # thread pool. Holding this read's connection until the route's own call got a thread
        # let every thread wait for a connection while every connection waited for a thread:
        # the whole server stood still until the pool timed out. End the read here; the route
        # takes a connection again when it queries, inside its one thread call.
        db.rollback()
    request.state.person = None if state is None else state[0]
    if state is not None:
        request.state.csrf = state[1]
        return state[0]
    return None


def person(request: Request, db: Db) -> Person:
    found = optional_person(request, db)
    if found is None:
        raise LoginRequired()
    return found


Viewer = Annotated[Person | None, Depends(optional_person)]
Me = Annotated[Person, Depends(person)]


def require(who: Person, *roles: str) -> None:
    if who.role not in roles:
        raise NotAllowed()


def check_csrf(request: Request, token: str | None) -> None:
    expected = getattr(request.state, "csrf", None)
    if not expected or not token or not hmac.compare_digest(str(expected), str(token)):
        raise BadCsrf()


def plan_id(db: Session, plan: int | None) -> int | None:
    """The plan asked for, else the current plan (the office's choice: track.current)."""
    from bihuan.ledger import queries
    from bihuan.track.current import current_plan
    from bihuan.track.errors import TrackError

    if plan is not None:
        if queries.document(db, plan) is None:
            raise TrackError(f"没有编号为 {plan} 的计划", f"no plan {plan}")
        return plan
    return current_plan(db)


def request_day(request: Request) -> dt.date:
    """Today, as the app's settings say (a demo or a test fixes it)."""
    return request.app.state.settings.today()  # type: ignore[no-any-return]


def form_text(form: Any, name: str, limit: int = 5000) -> str:
    """A form field's text ("" when absent or a file); longer than `limit`: a 400."""
    from bihuan.track.errors import TrackError

    value = form.get(name)
    text = value if isinstance(value, str) else ""
    if len(text) > limit:
        raise TrackError(f"“{name}”太长（不超过 {limit} 字）", f"{name} is too long")
    return text


def form_date(text: str | None, what: str = "日期") -> dt.date | None:
    """A YYYY-MM-DD field; empty: None; anything else: a 400 naming the field (`what`)."""
    from bihuan.track.errors import TrackError

    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise TrackError(f"{what}应写作 2023-06-30，收到“{text[:20]}”", "date must be YYYY-MM-DD") from e


def back_to(form: Any, default: str) -> str:
    """The form's `back` address when it is a path on this site, else `default`."""
    back = form_text(form, "back", 200)
    return back if back.startswith("/") and not back.startswith("//") else default
