"""Logging in with throttling, and the audit log of every attempt.

After `failures` failed logins for one name within `window`, that name is locked for `lock` from
the failure that reached the count; the same for one client address after `address_failures`.
The name is counted as typed, whether or not such a user exists, so the answers (and, through
the dummy hash in `authenticate`, the time taken) never tell whether a name exists. A success
clears the name's count, not the address's (one's own good login must not reset an attacker's
address). The counts are read from the audit log, so every server worker sees the same lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bihuan.ledger.models import LoginEvent, User, utcnow
from bihuan.track.tx import transaction
from bihuan.track.users import authenticate

Outcome = Literal["ok", "bad", "lockout", "locked"]
OUTCOME_ZH = {
    "ok": "成功",
    "bad": "用户名或密码不对",
    "lockout": "失败过多，开始锁定",
    "locked": "锁定中，未核对",
}


@dataclass(frozen=True, slots=True)
class Throttle:
    failures: int = 5
    address_failures: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    lock: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Attempt:
    user: User | None  # the user logged in, or None
    outcome: Outcome


def _key(name: str) -> str:
    return name.strip()[:100]


def _locked_until(times: Sequence[dt.datetime], count: int, rules: Throttle) -> dt.datetime | None:
    """The end of the latest lock started by `count` failures within the window (times ascending)."""
    until = None
    for i in range(count - 1, len(times)):
        if times[i] - times[i - count + 1] <= rules.window:
            until = times[i] + rules.lock
    return until


def _failures(session: Session, since: dt.datetime, by_name: bool, value: str) -> list[dt.datetime]:
    field = LoginEvent.name if by_name else LoginEvent.address
    if by_name:  # a good login clears the name's count
        last_ok = session.scalar(
            select(func.max(LoginEvent.at)).where(field == value, LoginEvent.outcome == "ok")
        )
        if last_ok is not None and last_ok > since:
            since = last_ok
    rows = session.scalars(
        select(LoginEvent.at)
        .where(field == value, LoginEvent.outcome == "bad", LoginEvent.at > since)
        .order_by(LoginEvent.at)
    )
    return list(rows)


def is_locked(session: Session, name: str, address: str, rules: Throttle, now: dt.datetime) -> bool:
    since = now - rules.window - rules.lock
    for times, count in (
        (_failures(session, since, True, _key(name)), rules.failures),
        (_failures(session, since, False, address[:64]), rules.address_failures),
    ):
        until = _locked_until(times, count, rules)
        if until is not None and until > now:
            return True
    return False


def _record(session: Session, name: str, address: str, *outcomes: Outcome) -> None:
    with transaction(session):
        for outcome in outcomes:
            session.add(LoginEvent(name=_key(name), address=address[:64], outcome=outcome))


def attempt(session: Session, name: str, password: str, address: str, rules: Throttle) -> Attempt:
    """Check a login, unless the name or the address is locked; record the attempt either way."""
    if is_locked(session, name, address, rules, utcnow()):
        _record(session, name, address, "locked")
        return Attempt(None, "locked")
    user = authenticate(session, name, password)
    if user is not None:
        _record(session, name, address, "ok")
        return Attempt(user, "ok")
    _record(session, name, address, "bad")
    if is_locked(session, name, address, rules, utcnow()):
        _record(session, name, address, "lockout")
        return Attempt(None, "lockout")
    return Attempt(None, "bad")


@dataclass(frozen=True, slots=True)
class LogPage:
    events: list[LoginEvent]
    older: int | None  # the id to pass as `before` for the next page, if there is one


def recent(session: Session, limit: int = 100, before: int | None = None) -> LogPage:
    """The audit log, newest first, `limit` rows older than the row `before`."""
    query = select(LoginEvent).order_by(LoginEvent.id.desc()).limit(limit + 1)
    if before is not None:
        query = query.where(LoginEvent.id < before)
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return LogPage(rows, rows[-1].id if more and rows else None)
