"""The outbox: claiming messages to send and recording how each attempt went.

A sender `claim`s a batch: the rows due (not sent, not given up, next attempt reached) that no
live lease holds. On PostgreSQL the rows are picked with SELECT … FOR UPDATE SKIP LOCKED, so two
senders at once pick different rows; on SQLite the write transaction (BEGIN IMMEDIATE) does the
same. Either way the claim is a lease (`claimed_by`, `claimed_until`) committed at once: the
sender sends outside any transaction, then `record`s each outcome. If it dies in between, the
lease runs out and another sender retries the message — at most one duplicate, never a loss.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Delivery, OutboxMessage, Reminder, utcnow
from bihuan.track.reminder_rules import Rules
from bihuan.track.tx import transaction

CHANNELS = ("email", "dingtalk", "wecom")
CHANNEL_ZH = {"email": "邮件", "dingtalk": "钉钉", "wecom": "企业微信"}


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message a sender holds until `until`, with what it needs to send it."""

    id: int
    channel: str
    recipient: str
    secret: str | None  # the unit's 钉钉 signing secret
    subject: str
    body: str
    link: str
    why: str
    attempts: int
    until: dt.datetime


def _due(now: dt.datetime) -> list[object]:
    return [
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.gave_up_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    ]


def claim(
    session: Session,
    sender: str,
    limit: int,
    lease: dt.timedelta,
    channels: Collection[str] = CHANNELS,
    exclude: Collection[int] = (),
    now: dt.datetime | None = None,
) -> list[Claimed]:
    """Take up to `limit` due messages of these channels for `sender`, for `lease`."""
    now = now or utcnow()
    until = now + lease
    with transaction(session):
        q = (
            select(OutboxMessage, Reminder)
            .join(Reminder, Reminder.id == OutboxMessage.reminder_id)
            .where(*_due(now), OutboxMessage.channel.in_(list(channels)))  # type: ignore[arg-type]
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=OutboxMessage)  # PostgreSQL; SQLite: BEGIN IMMEDIATE
        )
        if exclude:
            q = q.where(OutboxMessage.id.not_in(list(exclude)))
        rows = session.execute(q).all()
        for m, _ in rows:
            m.claimed_by = sender
            m.claimed_until = until
    if not rows:
        return []
    secrets = {}
    if any(m.channel == "dingtalk" for m, _ in rows):
        secrets = {u: c.dingtalk_secret for u, c in queries.unit_contacts(session).items()}
    out = [
        Claimed(
            m.id, m.channel, m.recipient,
            (secrets.get(m.unit_id) or None) if m.channel == "dingtalk" and m.unit_id is not None else None,
            r.subject, r.body, r.link, r.why, m.attempts, until,
        )
        for m, r in rows
    ]  # fmt: skip
    session.rollback()  # end the read: the sender holds no transaction while it sends
    return out


def record(
    session: Session,
    message_id: int,
    sender: str,
    ok: bool,
    error: str | None,
    rules: Rules,
    now: dt.datetime | None = None,
) -> None:
    """Record one attempt: sent, or failed with the reason and the next attempt after a doubling
    wait (given up after `rules.max_attempts`). Every attempt is also a Delivery row."""
    now = now or utcnow()
    with transaction(session):
        m = session.get(OutboxMessage, message_id, with_for_update=True)
        if m is None:
            return
        m.attempts += 1
        session.add(
            Delivery(
                outbox_id=m.id, at=now, sender=sender[:100], ok=ok, error=(error or None) and error[:2000]
            )
        )
        if ok:
            m.sent_at = m.sent_at or now
            m.last_error = None
        elif m.sent_at is None:
            m.last_error = (error or "未知错误")[:2000]
            if m.attempts >= rules.max_attempts:
                m.gave_up_at = now
            else:
                m.next_attempt_at = now + rules.retry_after(m.attempts)
        if m.claimed_by == sender:  # a lease another sender took over stays theirs
            m.claimed_by = None
            m.claimed_until = None


def release(session: Session, message_ids: Sequence[int], sender: str) -> None:
    """Give back claimed messages not attempted (a sender stopping early)."""
    if not message_ids:
        return
    with transaction(session):
        for m in session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.id.in_(list(message_ids)), OutboxMessage.claimed_by == sender
            )
        ):
            m.claimed_by = None
            m.claimed_until = None


# --- what the office sees --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failing:
    id: int
    channel: str
    recipient: str  # shown without a webhook's token
    subject: str
    attempts: int
    last_error: str
    next_attempt_at: dt.datetime | None  # None: given up
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Overview:
    queued: dict[str, int]  # by channel: waiting to be sent (including retries)
    sent: dict[str, int]
    gave_up: dict[str, int]
    retrying: int
    failing: list[Failing]

    def total(self, which: str) -> int:
        counts: dict[str, int] = getattr(self, which)
        return sum(counts.values())


def shown_recipient(channel: str, recipient: str) -> str:
    """An email address as it is; a webhook as its host and path (its token is a secret)."""
    if channel == "email":
        return recipient
    parts = urlsplit(recipient)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")


def overview(session: Session, limit: int = 50) -> Overview:
    def counts(*where: object) -> dict[str, int]:
        rows = session.execute(
            select(OutboxMessage.channel, func.count()).where(*where).group_by(OutboxMessage.channel)  # type: ignore[arg-type]
        ).all()
        return {c: n for c, n in rows}

    queued = counts(OutboxMessage.sent_at.is_(None), OutboxMessage.gave_up_at.is_(None))
    sent = counts(OutboxMessage.sent_at.is_not(None))
    gave_up = counts(OutboxMessage.sent_at.is_(None), OutboxMessage.gave_up_at.is_not(None))
    retrying = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.gave_up_at.is_(None), OutboxMessage.attempts > 0
        )
    )
    rows = session.execute(
        select(OutboxMessage, Reminder.subject)
        .join(Reminder, Reminder.id == OutboxMessage.reminder_id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts > 0)
        .order_by(OutboxMessage.gave_up_at.is_(None), OutboxMessage.attempts.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).all()
    failing = [
        Failing(
            m.id, m.channel, shown_recipient(m.channel, m.recipient), subject, m.attempts,
            m.last_error or "", None if m.gave_up_at else m.next_attempt_at, m.created_at,
        )
        for m, subject in rows
    ]  # fmt: skip
    return Overview(queued, sent, gave_up, retrying or 0, failing)
