"""The senders one by one: SMTP settings, the 钉钉 signature, SMTP login, robot refusals and
HTTP errors recorded with their reason and retried later."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import Delivery, OutboxMessage, Reminder
from bihuan.notify.channels import SendError, dingtalk_signed, post_robot, send_email
from bihuan.notify.config import NotifyConfig, Smtp, parse_smtp_url
from bihuan.notify.deliver import deliver
from bihuan.track.errors import TrackError
from bihuan.track.reminder_rules import Rules

pytest.importorskip("aiosmtpd")
from sinks import smtp_sink, webhook_server


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("smtp://127.0.0.1:2525", Smtp("127.0.0.1", 2525)),
        ("smtp://mail.example.org", Smtp("mail.example.org", 25)),
        ("smtps://mail.example.org", Smtp("mail.example.org", 465, implicit_tls=True)),
        ("smtp://u%40x:p%3Aw@mail.example.org:587?starttls=1",
         Smtp("mail.example.org", 587, starttls=True, user="u@x", password="p:w")),
        ("smtp://bihuan@mail.example.org:587?starttls=true", Smtp("mail.example.org", 587, starttls=True,
                                                                  user="bihuan", password="from-env")),
    ],
)  # fmt: skip
def test_smtp_urls(url: str, want: Smtp) -> None:
    assert parse_smtp_url(url, password="from-env") == want
    assert "p:w" not in repr(want) and "from-env" not in repr(want)


@pytest.mark.parametrize(
    "url",
    ["mail.example.org", "http://mail.example.org", "smtp://", "smtp://h:99999", "smtps://h?starttls=1"],
)
def test_bad_smtp_urls_are_one_clear_error(url: str) -> None:
    with pytest.raises(TrackError):
        NotifyConfig.from_env({"BIHUAN_SMTP_URL": url})


def test_without_smtp_url_email_is_off() -> None:
    config = NotifyConfig.from_env({})
    assert not config.email_on and config.channels() == ("dingtalk", "wecom")
    assert config.link("/inbox") == "http://127.0.0.1:8000/inbox"


def test_dingtalk_signature_is_dingtalks() -> None:
    # 钉钉's documented recipe, computed independently: HmacSHA256("timestamp\nsecret", secret),
    # base64, then URL-encoded into &timestamp=…&sign=…
    url = dingtalk_signed(
        "https://oapi.dingtalk.com/robot/send?access_token=abc", "SECabc", now_ms=1700000000000
    )
    q = parse_qs(urlsplit(url).query)
    assert q["access_token"] == ["abc"] and q["timestamp"] == ["1700000000000"]
    want = base64.b64encode(hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()).decode()
    assert q["sign"] == [want]
    assert "+" not in url.split("sign=")[1] and "/" not in url.split("sign=")[1]  # URL-encoded


def test_smtp_login_and_message() -> None:
    from aiosmtpd.smtp import AuthResult

    seen: list[tuple[str, str]] = []

    def check(server: object, session: object, envelope: object, mechanism: str, data: object) -> AuthResult:
        seen.append((data.login.decode(), data.password.decode()))  # type: ignore[attr-defined]
        return AuthResult(success=data.password == b"s3cret")  # type: ignore[attr-defined]

    with smtp_sink(authenticator=check, auth_require_tls=False) as sink:
        smtp = Smtp("127.0.0.1", sink.port, user="bihuan", password="s3cret")
        send_email(
            smtp, "bihuan@example.org", "a@example.org", "【闭环】测试", "正文", 10, "<x.1@example.org>"
        )
        assert seen == [("bihuan", "s3cret")] and sink.mails[0].subject == "【闭环】测试"


def test_robot_refusals_and_http_errors() -> None:
    with webhook_server() as hooks:
        post_robot(hooks.url("/wecom/send?key=k"), "你好", 5)
        with pytest.raises(SendError, match="HTTP 500"):
            post_robot(hooks.url("/broken"), "你好", 5)
        with pytest.raises(SendError, match="sign not match"):
            post_robot(dingtalk_signed(hooks.url("/dingtalk/send?access_token=t"), "wrong-secret"), "你好", 5)
        with pytest.raises(SendError, match="http"):
            post_robot("file:///etc/passwd", "x", 5)


def test_a_failed_post_is_recorded_and_retried_later(sqlite_url: str) -> None:
    rules = Rules(retry_first_minutes=5)
    ledger = open_ledger(sqlite_url)
    try:
        with webhook_server() as hooks, ledger.sessions() as s:
            _queue_one(s, hooks.url("/broken/x?key=k"))
            first = deliver(s, rules, NotifyConfig.from_env({}))
            assert [(a.ok, a.recipient) for a in first] == [(False, hooks.url("/broken/x") + "?…")]
            m = s.scalars(select(OutboxMessage)).one()
            assert m.attempts == 1 and m.sent_at is None and m.claimed_by is None
            assert m.last_error == "机器人地址回答 HTTP 500"
            assert dt.timedelta(minutes=4) < m.next_attempt_at - s.scalars(select(Delivery.at)).one()
            assert deliver(s, rules, NotifyConfig.from_env({})) == []  # not due again yet
    finally:
        ledger.close()


def test_a_malformed_webhook_fails_alone(sqlite_url: str) -> None:
    ledger = open_ledger(sqlite_url)
    try:
        with webhook_server() as hooks, ledger.sessions() as s:
            _queue_one(s, "http://exa mple.org/robot?key=k", "t|bad")
            _queue_one(s, hooks.url("/wecom/send?key=k"), "t|good")
            sent = deliver(s, Rules(), NotifyConfig.from_env({}))
            assert [a.ok for a in sent] == [False, True]
            assert "InvalidURL" in (sent[0].error or "") and len(hooks.posts) == 1
            assert all(m.claimed_by is None for m in s.scalars(select(OutboxMessage)))
    finally:
        ledger.close()


def _queue_one(s: Session, url: str, dedupe: str = "t|1") -> None:
    with s.begin():
        r = Reminder(dedupe=dedupe, rule="report_due", day=dt.date(2023, 7, 10), subject="s", body="b",
                     link="/inbox", why="w")  # fmt: skip
        s.add(r)
        s.flush()
        s.add(OutboxMessage(reminder_id=r.id, channel="wecom", recipient=url))
