"""`bihuan remind run` against an SMTP sink (aiosmtpd) and a webhook server on loopback: what it
queues is delivered, once; an SMTP outage only delays mail; a sender killed mid-batch loses
nothing; two runs at once never send a message twice. On SQLite and PostgreSQL."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from remind_helpers import (
    A_LIAISON,
    A_MAIL,
    B_MAIL,
    DAY,
    OFFICE_MAIL,
    bihuan,
    cli_env,
    remind_json,
    rules_file,
    set_contacts,
    smtp_env,
)
from sqlalchemy import func, select

from bihuan.ledger.models import Delivery, OutboxMessage

pytest.importorskip("aiosmtpd")
from sinks import free_port, smtp_sink, webhook_server


def channels(data: dict[str, Any], channel: str) -> list[str]:
    return sorted(c["recipient"] for q in data["queued"] for c in q["channels"] if c["channel"] == channel)


def test_run_delivers_each_message_once(demo_url: str) -> None:
    with smtp_sink() as sink, webhook_server() as hooks:
        set_contacts(demo_url, hooks.url(""))
        first = remind_json(demo_url, env=smtp_env(sink.port))
        emails = channels(first, "email")
        # unit A's contact and its liaison, unit B's contact and the office all have mail
        assert {A_MAIL, A_LIAISON, B_MAIL, OFFICE_MAIL} <= set(emails)
        assert sink.recipients() == emails
        assert all(a["ok"] for a in first["sent"]), [a for a in first["sent"] if not a["ok"]]
        assert len(first["sent"]) == sum(len(q["channels"]) for q in first["queued"])
        # a 催办 of a missed report reached unit A by mail, with the link to the task page
        urge = [m for m in sink.mails if A_MAIL in m.to and "催办" in m.subject]
        assert urge and "http://bihuan.example.org/plans/" in urge[0].body and "为什么收到" in urge[0].body
        # 钉钉 posts are signed with the unit's secret (the server checked it); 企业微信 plain
        ding = [p for p in hooks.posts if p.path.startswith("/dingtalk")]
        wecom = [p for p in hooks.posts if p.path.startswith("/wecom")]
        assert len(ding) == len(channels(first, "dingtalk")) > 0
        assert len(wecom) == len(channels(first, "wecom")) > 0
        assert all(p.signed_ok for p in ding)
        assert all(p.query["access_token"] == ["tok-a"] for p in ding)
        assert all(
            p.body["msgtype"] == "text" and "【闭环】" in p.body["text"]["content"] for p in hooks.posts
        )

        second = remind_json(demo_url, env=smtp_env(sink.port))
        assert second["queued"] == [] and second["sent"] == []
        assert sink.recipients() == emails and len(hooks.posts) == len(ding) + len(wecom)


def test_email_off_stays_queued_and_says_so(sqlite_url: str) -> None:
    with webhook_server() as hooks:
        set_contacts(sqlite_url, hooks.url(""))
        done = bihuan("remind", "run", "--db", sqlite_url, "--on", DAY.isoformat())
        assert done.returncode == 0, done.stderr
        assert "邮件未配置" in done.stdout
        data = remind_json(sqlite_url)
        assert data["email"] == "off" and data["email_waiting"] > 0 and data["sent"] == []
        with smtp_sink() as sink:
            later = remind_json(sqlite_url, env=smtp_env(sink.port))
            assert later["queued"] == []
            assert len(sink.mails) == data["email_waiting"] == sum(1 for a in later["sent"] if a["ok"])


def test_smtp_down_then_back(demo_url: str, tmp_path: Path, ledger_of: Any) -> None:
    rules = rules_file(tmp_path, retry_first_minutes=0.005)  # retry after 0.3 s
    port = free_port()  # nothing listens yet
    with webhook_server() as hooks:
        set_contacts(demo_url, hooks.url(""))
        down = remind_json(demo_url, "--rules", str(rules), env=smtp_env(port))
        emails = channels(down, "email")
        failed = [a for a in down["sent"] if a["channel"] == "email"]
        # the first mail finds the server down; the others wait for the next round, untried
        assert len(failed) == 1 and not failed[0]["ok"] and "无法连接 SMTP 服务器" in failed[0]["error"]
        assert all(a["ok"] for a in down["sent"] if a["channel"] != "email")
        with ledger_of(demo_url).sessions() as s:
            waiting = s.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
            )
            assert waiting == len(emails)
        time.sleep(0.5)
        with smtp_sink(port) as sink:
            back = remind_json(demo_url, "--rules", str(rules), env=smtp_env(port))
            assert back["queued"] == []
            assert sink.recipients() == emails
            assert all(a["ok"] for a in back["sent"])
        with ledger_of(demo_url).sessions() as s:
            assert (
                s.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                )
                == 0
            )
            # every attempt is kept: the failed one, and each delivery
            deliveries = dict(s.execute(select(Delivery.ok, func.count()).group_by(Delivery.ok)).all())
            assert deliveries == {False: 1, True: len(down["sent"]) - 1 + len(emails)}


def test_sender_killed_mid_batch_loses_nothing(demo_url: str, tmp_path: Path, ledger_of: Any) -> None:
    rules = rules_file(tmp_path, lease_seconds=6.0, timeout_seconds=1.5)
    with smtp_sink(hold_at=3, hold_seconds=1.0) as sink:
        set_contacts(demo_url, None)
        args = ["remind", "run", "--db", demo_url, "--on", DAY.isoformat(), "--rules", str(rules)]
        proc = subprocess.Popen(
            [sys.executable, "-m", "bihuan.cli", *args],
            env=cli_env(smtp_env(sink.port)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            assert sink.holding.wait(300), "the sender never reached the third message"
            os.kill(proc.pid, signal.SIGKILL)  # while it waits for the sink's answer
        finally:
            proc.wait(60)
        assert proc.returncode == -signal.SIGKILL
        sink.hold_at = None
        with ledger_of(demo_url).sessions() as s:
            ids = set(s.scalars(select(OutboxMessage.id).where(OutboxMessage.channel == "email")))
            unsent = s.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
            )
        assert unsent and len(ids) > 3
        time.sleep(6.5)  # the dead sender's lease runs out
        again = bihuan(*args, env=smtp_env(sink.port))
        assert again.returncode == 0, again.stderr
        received = collections.Counter(m.message_id for m in sink.mails)
        assert {f"<bihuan.outbox.{i}@example.org>" for i in ids} == set(received)
        assert sum(received.values()) - len(received) <= 1  # at most the one in flight, twice
        with ledger_of(demo_url).sessions() as s:
            assert (
                s.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                )
                == 0
            )


def test_two_runs_at_once_send_each_message_once(demo_url: str, ledger_of: Any) -> None:
    with smtp_sink(delay=0.02) as sink:
        set_contacts(demo_url, None, every_unit=True)
        args = ["remind", "run", "--db", demo_url, "--on", DAY.isoformat(), "--json"]
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "bihuan.cli", *args],
                env=cli_env(smtp_env(sink.port)),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=600) for p in procs]
        assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
        import json

        runs = [json.loads(o) for o, _ in outs]
        with ledger_of(demo_url).sessions() as s:
            ids = set(s.scalars(select(OutboxMessage.id)))
            assert (
                s.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                )
                == 0
            )
        # queued once between them, and every message received exactly once
        assert sum(len(r["queued"]) for r in runs) > 0
        assert sum(sum(len(q["channels"]) for q in r["queued"]) for r in runs) == len(ids)
        received = collections.Counter(m.message_id for m in sink.mails)
        assert set(received) == {f"<bihuan.outbox.{i}@example.org>" for i in ids}
        assert set(received.values()) == {1}
        assert sum(len(r["sent"]) for r in runs) == len(ids)
