"""The sender: claims due outbox messages, sends each, records each outcome right away.

Any number of senders may run at once (several `bihuan serve` workers or nodes, a cron
`bihuan remind run`): claims keep them apart (see bihuan.track.outbox). A sender does not start
a send that could outlast its lease, so a slow batch is left to the next round rather than
risk a second sender taking the same message while the first is still sending it."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bihuan.ledger.models import utcnow
from bihuan.notify.channels import SendError, dingtalk_signed, post_robot, send_email
from bihuan.notify.config import NotifyConfig
from bihuan.track.outbox import Claimed, claim, record, release, shown_recipient
from bihuan.track.reminder_rules import Rules


@dataclass(frozen=True, slots=True)
class Attempt:
    id: int
    channel: str
    recipient: str  # as shown (a webhook without its token)
    subject: str
    ok: bool
    error: str | None


def sender_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def message_text(m: Claimed, config: NotifyConfig) -> str:
    return f"【闭环】{m.subject}\n{m.body}\n查看：{config.link(m.link)}"


def send_one(m: Claimed, config: NotifyConfig, rules: Rules) -> None:
    """Send one message; SendError says why it failed."""
    if m.channel == "email":
        if config.smtp is None:
            raise SendError("邮件未配置（BIHUAN_SMTP_URL）")
        domain = config.mail_from.rsplit("@", 1)[-1] or "localhost"
        text = (
            f"{m.body}\n\n查看：{config.link(m.link)}\n\n为什么收到这封邮件：{m.why}\n"
            "（本邮件由 bihuan 闭环 自动发送，请勿直接回复。）"
        )
        send_email(
            config.smtp, config.mail_from, m.recipient, f"【闭环】{m.subject}", text,
            rules.timeout_seconds, f"<bihuan.outbox.{m.id}@{domain}>",
        )  # fmt: skip
    elif m.channel == "dingtalk":
        url = dingtalk_signed(m.recipient, m.secret) if m.secret else m.recipient
        post_robot(url, message_text(m, config), rules.timeout_seconds)
    elif m.channel == "wecom":
        post_robot(m.recipient, message_text(m, config), rules.timeout_seconds)
    else:
        raise SendError(f"未知的发送渠道：{m.channel}")


def deliver(
    session: Session, rules: Rules, config: NotifyConfig, sender: str | None = None, limit: int | None = None
) -> list[Attempt]:
    """Send every message due now (at most `limit`), batch by batch; each is tried once per call."""
    sender = sender or sender_id()
    margin = dt.timedelta(seconds=3 * rules.timeout_seconds)
    seen: set[int] = set()
    down: set[str] = set()  # channels whose server did not answer: left for the next round
    out: list[Attempt] = []
    while limit is None or len(out) < limit:
        size = rules.batch if limit is None else min(rules.batch, limit - len(out))
        channels = [c for c in config.channels() if c not in down]
        batch = claim(session, sender, size, rules.lease, channels, exclude=seen) if channels else []
        if not batch:
            break
        skipped: list[int] = []
        for i, m in enumerate(batch):
            if utcnow() + margin >= m.until:  # this send could outlast the lease: claim afresh
                skipped += [x.id for x in batch[i:]]
                if i == 0:  # not even one fits in a lease: leave them to the next round
                    release(session, skipped, sender)
                    return out
                break
            if m.channel in down:  # its server is down: not tried again in this round
                skipped.append(m.id)
                continue
            seen.add(m.id)
            try:
                send_one(m, config, rules)
                ok, error = True, None
            except SendError as e:
                ok, error = False, str(e)
                if e.server_down and m.channel == "email":
                    down.add(m.channel)
            except Exception as e:  # a malformed address or URL: this message fails, not the sender
                ok, error = False, f"无法发送（{type(e).__name__}: {' '.join(str(e).split())[:200]}）"
            record(session, m.id, sender, ok, error, rules)
            out.append(
                Attempt(m.id, m.channel, shown_recipient(m.channel, m.recipient), m.subject, ok, error)
            )
        release(session, skipped, sender)
    return out
