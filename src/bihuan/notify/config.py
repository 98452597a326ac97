"""Delivery settings from the environment: BIHUAN_SMTP_URL, BIHUAN_MAIL_FROM, BIHUAN_BASE_URL.

BIHUAN_SMTP_URL is smtp://[user:password@]host:port (STARTTLS with ?starttls=1) or smtps://…
(implicit TLS). The password may be in the URL (percent-encoded) or, to keep it out of the URL,
in BIHUAN_SMTP_PASSWORD. Without BIHUAN_SMTP_URL email is off: email messages stay queued and
the office's 消息发送 page says so."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from bihuan.track.errors import TrackError

SMTP_URL_ENV = "BIHUAN_SMTP_URL"
SMTP_PASSWORD_ENV = "BIHUAN_SMTP_PASSWORD"
MAIL_FROM_ENV = "BIHUAN_MAIL_FROM"
BASE_URL_ENV = "BIHUAN_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_FROM = "bihuan@localhost"


@dataclass(frozen=True, slots=True)
class Smtp:
    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never print the password
        return f"Smtp({self.host}:{self.port}, tls={self.implicit_tls}, starttls={self.starttls}, user={self.user})"

    @property
    def shown(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        who = f"{self.user}@" if self.user else ""
        return f"{scheme}://{who}{self.host}:{self.port}" + ("（STARTTLS）" if self.starttls else "")


def parse_smtp_url(url: str, password: str | None = None) -> Smtp:
    bad = TrackError(
        f"{SMTP_URL_ENV} 应形如 smtp://用户:密码@主机:端口 或 smtps://主机:465",
        f"{SMTP_URL_ENV} must look like smtp://user:password@host:port or smtps://host:465",
    )
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as e:
        raise bad from e
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise bad
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes")
    implicit = parts.scheme == "smtps"
    if implicit and starttls:
        raise TrackError(
            "smtps:// 已是加密连接，不能再加 starttls=1", "smtps:// is TLS already; drop starttls=1"
        )
    user = unquote(parts.username) if parts.username else None
    secret = unquote(parts.password) if parts.password is not None else (password if user else None)
    return Smtp(parts.hostname, port or (465 if implicit else 25), implicit, starttls, user, secret)


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    smtp: Smtp | None
    mail_from: str
    base_url: str

    @property
    def email_on(self) -> bool:
        return self.smtp is not None

    def channels(self) -> tuple[str, ...]:
        """The channels a sender delivers now: email only when it is configured."""
        return ("email", "dingtalk", "wecom") if self.email_on else ("dingtalk", "wecom")

    def link(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> NotifyConfig:
        env = os.environ if environ is None else environ
        url = env.get(SMTP_URL_ENV, "").strip()
        smtp = parse_smtp_url(url, env.get(SMTP_PASSWORD_ENV) or None) if url else None
        base = env.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL
        if not base.startswith(("http://", "https://")):
            raise TrackError(
                f"{BASE_URL_ENV} 应以 http:// 或 https:// 开头：{base}",
                f"{BASE_URL_ENV} must be an http(s) URL",
            )
        mail_from = env.get(MAIL_FROM_ENV, "").strip() or DEFAULT_FROM
        if "@" not in mail_from:
            raise TrackError(
                f"{MAIL_FROM_ENV} 不是邮件地址：{mail_from}", f"{MAIL_FROM_ENV} is no email address"
            )
        return cls(smtp, mail_from, base)
