"""People and their sessions: argon2 password hashes, server-side sessions, roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger.models import Unit, User, WebSession, utcnow
from bihuan.track.contacts import check_field
from bihuan.track.directory import ensure_directory, find_unit
from bihuan.track.errors import TrackError
from bihuan.track.tx import transaction

Role = Literal["admin", "unit", "leader"]
ROLES: tuple[Role, ...] = ("admin", "unit", "leader")
ROLE_ZH = {"admin": "督查室", "unit": "责任单位", "leader": "领导"}
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("bihuan-dummy-password")  # verify against it when the name is unknown


@dataclass(frozen=True, slots=True)
class Person:
    """The logged-in user as the pages see it."""

    id: int
    name: str
    role: Role
    unit_id: int | None
    unit_name: str | None

    @property
    def role_zh(self) -> str:
        return ROLE_ZH[self.role]


def add_user(
    session: Session, name: str, password: str, role: str, unit: str | None, by: str, email: str | None = None
) -> User:
    name = name.strip()
    if not name or len(name) > 100:
        raise TrackError("用户名不能为空，且不超过 100 个字", "the user name must be 1-100 characters")
    if role not in ROLES:
        raise TrackError(f"角色须为 {'、'.join(ROLES)} 之一", f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise TrackError(
            f"密码至少 {MIN_PASSWORD} 位", f"the password needs at least {MIN_PASSWORD} characters"
        )
    unit_id = None
    if role == "unit":
        if not unit:
            raise TrackError("责任单位用户须用 --unit 指定单位", "a unit user needs --unit")
        unit_id = find_unit(ensure_directory(session, by), unit).id
    elif unit:
        raise TrackError("只有 unit 角色的用户属于某个单位", "only unit users belong to a unit")
    address = check_field("email", email)
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise TrackError(f"用户“{name}”已存在", f"user {name!r} exists")
    with transaction(session):
        user = User(
            name=name,
            password_hash=_HASHER.hash(password),
            role=role,
            unit_id=unit_id,
            email=address,
            created_by=by,
        )
        session.add(user)
        session.flush()
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.name == name.strip()))
    if user is None or user.disabled:
        try:
            _HASHER.verify(_DUMMY, password)  # same cost whether or not the name exists
        except VerificationError:
            pass
        return None
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, hours: float = 12) -> tuple[str, str]:
    """A new session: (the browser's token, the session's CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    with transaction(session):
        session.add(
            WebSession(
                token_hash=_digest(token),
                user_id=user.id,
                csrf_token=csrf,
                expires_at=utcnow() + dt.timedelta(hours=hours),
            )
        )
    return token, csrf


def session_user(session: Session, token: str | None) -> tuple[Person, str] | None:
    """The person and CSRF token behind a browser token, if the session is live (one query)."""
    if not token:
        return None
    row = session.execute(
        select(WebSession, User, Unit.name)
        .join(User, User.id == WebSession.user_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .where(WebSession.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    ws, user, unit_name = row
    if ws.ended_at is not None or ws.expires_at < utcnow() or user.disabled:
        return None
    return Person(user.id, user.name, user.role, user.unit_id, unit_name), ws.csrf_token  # type: ignore[arg-type]


def end_session(session: Session, token: str | None) -> None:
    if not token:
        return
    with transaction(session):
        ws = session.get(WebSession, _digest(token))
        if ws is not None and ws.ended_at is None:
            ws.ended_at = utcnow()
