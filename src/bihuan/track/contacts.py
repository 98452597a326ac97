"""Where a unit's messages go (email, 钉钉 and 企业微信 group robots) and people's email addresses.

A unit's contacts are UnitContact rows; the newest row of a unit holds, and saving contacts that
did not change adds no row. The 钉钉 signing secret is never shown back in full (`mask_secret`),
and a webhook's access token is shortened wherever contacts are listed (`mask_url`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Unit, UnitContact, User
from bihuan.track.errors import TrackError
from bihuan.track.tx import transaction

FIELDS = ("email", "dingtalk_webhook", "dingtalk_secret", "wecom_webhook")
FIELD_ZH = {"email": "邮箱", "dingtalk_webhook": "钉钉机器人", "dingtalk_secret": "钉钉加签密钥",
            "wecom_webhook": "企业微信机器人"}  # fmt: skip
LIMITS = {"email": 300, "dingtalk_webhook": 500, "dingtalk_secret": 200, "wecom_webhook": 500}
# Simple on purpose: one @, no spaces, a dot in the domain. Whether it reaches anyone, only
# sending tells.
_EMAIL = re.compile(r"[^@\s,;<>()\[\]\"]+@[^@\s,;<>()\[\]\"]+\.[^@\s,;<>()\[\]\".]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Contact:
    email: str | None = None
    dingtalk_webhook: str | None = None
    dingtalk_secret: str | None = None
    wecom_webhook: str | None = None

    def merged(self, given: Mapping[str, str | None]) -> Contact:
        """These contacts with the given fields replaced (a field not given is kept)."""
        values = {f: given[f] if f in given else getattr(self, f) for f in FIELDS}
        return Contact(**values)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f) for f in FIELDS)

    @classmethod
    def of(cls, row: UnitContact | None) -> Contact:
        if row is None:
            return cls()
        return cls(row.email, row.dingtalk_webhook, row.dingtalk_secret, row.wecom_webhook)


def check_email(text: str) -> str:
    value = text.strip()
    if len(value) > LIMITS["email"] or not _EMAIL.fullmatch(value):
        raise TrackError(
            f"邮箱“{_short(value)}”格式不对，应如 name@example.org",
            f"email {_short(value)!r} is not an address like name@example.org",
        )
    return value


def check_webhook(text: str, field: str) -> str:
    value = text.strip()
    zh = FIELD_ZH[field]
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not host
        or len(value) > LIMITS[field]
        or any(c.isspace() for c in value)
        or _CONTROL.search(value)
    ):
        raise TrackError(
            f"{zh}地址“{_short(value)}”不对：须为 http:// 或 https:// 开头的网址",
            f"{field} {_short(value)!r} must be an http:// or https:// URL",
        )
    return value


def check_secret(text: str) -> str:
    value = text.strip()
    if len(value) > LIMITS["dingtalk_secret"] or any(c.isspace() for c in value) or _CONTROL.search(value):
        raise TrackError(
            f"钉钉加签密钥不对：不能有空格，且不超过 {LIMITS['dingtalk_secret']} 个字符",
            "the dingtalk secret must have no spaces and at most 200 characters",
        )
    return value


def check_field(field: str, raw: object) -> str | None:
    """One contact field as typed (None or blank: no value), checked."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    if field == "email":
        return check_email(text)
    if field == "dingtalk_secret":
        return check_secret(text)
    return check_webhook(text, field)


def check_fields(given: Mapping[str, object]) -> dict[str, str | None]:
    """The contact fields present in `given`, each checked; every problem in one error."""
    out: dict[str, str | None] = {}
    problems: list[TrackError] = []
    for f in FIELDS:
        if f in given:
            try:
                out[f] = check_field(f, given[f])
            except TrackError as e:
                problems.append(e)
    if problems:
        raise TrackError("；".join(p.zh for p in problems), "; ".join(p.en for p in problems))
    return out


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def mask_secret(secret: str | None) -> str:
    """Enough of a secret to tell which one is set, never the whole of it."""
    if not secret:
        return ""
    return f"已设置（…{secret[-4:]}）" if len(secret) >= 12 else "已设置"


def mask_url(url: str | None) -> str:
    """A webhook without its token: every query value shortened to its first 4 characters."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return "（无法显示）"
    query = "&".join(f"{k}={v[:4]}…" if len(v) > 4 else f"{k}={v}" for k, v in pairs)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{query}" if query else "")


def set_contact(
    session: Session,
    unit_id: int,
    given: Mapping[str, object],
    user: str,
    *,
    keep_blank_secret: bool = False,
) -> bool:
    """Save a unit's contacts: the fields in `given` replace the current ones (blank clears),
    fields not given are kept. With `keep_blank_secret` (the web form, which never shows the
    secret) a blank secret keeps the old one. Adds a row only if something changed; returns
    whether it did. One transaction."""
    if session.get(Unit, unit_id) is None:
        raise TrackError(f"没有编号为 {unit_id} 的单位", f"no unit {unit_id}")
    fields = check_fields(given)
    if keep_blank_secret and not fields.get("dingtalk_secret"):
        fields.pop("dingtalk_secret", None)
    with transaction(session):
        return _store(session, unit_id, fields, queries.unit_contacts(session).get(unit_id), user)


def store_contacts(session: Session, given: Mapping[int, Mapping[str, str | None]], user: str) -> int:
    """Within the caller's transaction: checked fields per unit id; a row for each unit whose
    contacts change. Returns how many rows were added."""
    current = queries.unit_contacts(session)
    return sum(_store(session, uid, fields, current.get(uid), user) for uid, fields in given.items())


def _store(
    session: Session, unit_id: int, fields: Mapping[str, str | None], row: UnitContact | None, user: str
) -> bool:
    old = Contact.of(row)
    new = old.merged(fields)
    if new == old:
        return False
    session.add(UnitContact(unit_id=unit_id, created_by=user, **{f: getattr(new, f) for f in FIELDS}))
    session.flush()
    return True


@dataclass(frozen=True, slots=True)
class UnitLine:
    """A unit with its contacts, as the office's list shows them (the secret masked)."""

    id: int
    name: str
    short: str | None
    email: str | None
    dingtalk_webhook: str | None
    dingtalk_secret_set: bool
    dingtalk_secret_masked: str
    wecom_webhook: str | None
    changed_by: str | None

    @property
    def dingtalk_masked(self) -> str:
        return mask_url(self.dingtalk_webhook)

    @property
    def wecom_masked(self) -> str:
        return mask_url(self.wecom_webhook)


def unit_lines(session: Session) -> list[UnitLine]:
    """Every unit of the directory with its current contacts (three queries)."""
    contacts = queries.unit_contacts(session)
    profiles = queries.unit_profiles(session)
    out = []
    for u in queries.units(session):
        c = contacts.get(u.id)
        p = profiles.get(u.id)
        out.append(
            UnitLine(
                u.id,
                u.name,
                p.short_name if p else None,
                c.email if c else None,
                c.dingtalk_webhook if c else None,
                bool(c and c.dingtalk_secret),
                mask_secret(c.dingtalk_secret if c else None),
                c.wecom_webhook if c else None,
                c.created_by if c else None,
            )
        )
    return out


def users(session: Session) -> list[tuple[User, str | None]]:
    """Every user with the name of their unit, by id."""
    names = {u.id: u.name for u in queries.units(session)}
    rows = session.scalars(select(User).order_by(User.id)).all()
    return [(u, names.get(u.unit_id) if u.unit_id else None) for u in rows]


def set_user_email(session: Session, user_id: int, email: str | None, by: str) -> bool:
    """Set (or, blank, clear) a user's email. The users table keeps one address per person, so
    this one column is updated in place. Returns whether it changed. One transaction."""
    value = check_field("email", email)
    user = session.get(User, user_id)
    if user is None:
        raise TrackError(f"没有编号为 {user_id} 的用户", f"no user {user_id}")
    if user.email == value:
        return False
    with transaction(session):
        user = session.get(User, user_id)
        assert user is not None
        user.email = value
    return True
