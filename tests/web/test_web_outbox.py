"""The office's 消息发送 page (/admin/outbox) and the reminder schedule of `bihuan serve`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_helpers import ADMIN, TODAY, Web

from bihuan.ledger.models import OutboxMessage, Reminder, Unit, UnitContact, utcnow
from bihuan.track import remind
from bihuan.track.outbox import claim, record
from bihuan.track.reminder_rules import Rules


def _queue_and_fail(web: Web) -> None:
    """Queue the demo's reminders with one unit reachable by email and 钉钉; one email fails
    twice, one 钉钉 post fails until given up."""
    rules = Rules(max_attempts=2)
    with web.db() as s:
        s.add(UnitContact(unit_id=1, email="u1@example.org", created_by="测试",
                          dingtalk_webhook="https://oapi.example.org/robot/send?access_token=SECRET-TOKEN"))  # fmt: skip
        s.commit()
        assert remind.run(s, TODAY, rules).messages
        mail = claim(s, "t", 1, rules.lease, ("email",))[0]
        record(s, mail.id, "t", False, "无法连接 SMTP 服务器 mail.example.org:25（timeout）", rules)
        ding = claim(s, "t", 1, rules.lease, ("dingtalk",))[0]
        for _ in range(2):
            record(
                s,
                ding.id,
                "t",
                False,
                "机器人拒绝：310000 sign not match",
                rules,
                now=utcnow() + dt.timedelta(hours=1),
            )


def test_office_sees_email_off_and_failures(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BIHUAN_SMTP_URL", raising=False)
    _queue_and_fail(web)
    page = web.as_(ADMIN).get("/admin/outbox")
    assert page.status_code == 200
    html = page.text
    assert "邮件未配置" in html and "封邮件在队列中等待" in html
    assert "无法连接 SMTP 服务器" in html and "sign not match" in html and "已放弃" in html
    assert "SECRET-TOKEN" not in html  # a webhook's token is a secret
    assert '<a href="/admin/outbox">消息发送</a>' in html


def test_office_sees_email_configured(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIHUAN_SMTP_URL", "smtp://mailer:pa%40ss@mail.example.org:587?starttls=1")
    html = web.as_(ADMIN).get("/admin/outbox").text
    assert "已配置（smtp://mailer@mail.example.org:587（STARTTLS））" in html and "pa@ss" not in html
    assert "没有发送失败的消息" in html


def test_bad_smtp_setting_is_shown(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIHUAN_SMTP_URL", "mail.example.org")
    html = web.as_(ADMIN).get("/admin/outbox").text
    assert "邮件设置有误" in html


def test_serve_runs_the_reminders_on_a_schedule(
    web: Web, make_web: Callable[..., Web], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BIHUAN_SMTP_URL", raising=False)
    with web.db() as s:  # no webhooks whatever the demo carries: nothing leaves the machine
        s.add_all(UnitContact(unit_id=u.id, created_by="测试") for u in s.scalars(select(Unit)))
        s.commit()
    scheduled = make_web(web.db_url, remind_at="07:30", remind_send_minutes=1.0)
    with TestClient(scheduled.app):  # the lifespan starts the scheduler
        scheduler = scheduled.app.state.remind_scheduler
        daily, often = scheduler.get_job("remind"), scheduler.get_job("send")
        assert daily.next_run_time.hour == 7 and daily.next_run_time.minute == 30
        assert often is not None
        daily.func()  # what the scheduler runs at 07:30
        with scheduled.db() as s:
            count = s.scalar(select(func.count()).select_from(Reminder))
        assert count
        daily.func()  # every worker may run it: nothing doubles
        with scheduled.db() as s:
            assert s.scalar(select(func.count()).select_from(Reminder)) == count
            # the demo's users have email addresses: their mail is queued, and stays queued
            # (no BIHUAN_SMTP_URL); no webhook message was queued, nothing was sent
            queued = s.scalars(select(OutboxMessage)).all()
            assert queued and {m.channel for m in queued} == {"email"}
            assert all(m.sent_at is None for m in queued)
    assert not scheduler.running


def test_no_schedule_without_remind_at(web: Web) -> None:
    with TestClient(web.app):
        assert not hasattr(web.app.state, "remind_scheduler")
