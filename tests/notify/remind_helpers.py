"""Helpers of the reminder tests: the demo ledger (SQLite, and PostgreSQL where a server answers) with contacts of our own:
loopback webhook URLs and example.org addresses, replacing whatever the demo itself carries."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import Unit, UnitContact, User

DAY = dt.date(2023, 7, 10)
LEAD_A, LEAD_B = "发展和改革局", "农业农村局"
A_MAIL, A_LIAISON, B_MAIL, OFFICE_MAIL = (
    "fgj@example.org",
    "fgj-liaison@example.org",
    "nync@example.org",
    "office@example.org",
)


def set_contacts(url: str, hooks_url: str | None, every_unit: bool = False) -> None:
    """Contacts of units A and B (A: email + 钉钉 with a secret; B: email + 企业微信), A's
    liaison and the office with an email; every other unit without any (or, with `every_unit`,
    each with an address of its own)."""
    from sinks import DINGTALK_SECRET

    ledger = open_ledger(url)
    try:
        with ledger.sessions() as s, s.begin():
            s.execute(update(User).values(email=None))
            for unit in s.scalars(select(Unit)):
                c = UnitContact(unit_id=unit.id, created_by="测试")
                if unit.name == LEAD_A:
                    c.email = A_MAIL
                    if hooks_url:
                        c.dingtalk_webhook = f"{hooks_url}/dingtalk/robot/send?access_token=tok-a"
                        c.dingtalk_secret = DINGTALK_SECRET
                elif unit.name == LEAD_B:
                    c.email = B_MAIL
                    if hooks_url:
                        c.wecom_webhook = f"{hooks_url}/wecom/webhook/send?key=key-b"
                elif every_unit:
                    c.email = f"unit{unit.id}@example.org"
                s.add(c)
            s.execute(update(User).where(User.name == "发改局").values(email=A_LIAISON))
            s.execute(update(User).where(User.name == "督查室").values(email=OFFICE_MAIL))
    finally:
        ledger.close()


def bihuan(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bihuan.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,  # a hang guard only
        env=cli_env(env),
    )


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("BIHUAN_SMTP", "BIHUAN_MAIL", "BIHUAN_BASE"))
    }
    return {**env, "COLUMNS": "200", **(extra or {})}


def remind_json(url: str, *extra: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = bihuan("remind", "run", "--db", url, "--on", DAY.isoformat(), "--json", *extra, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def smtp_env(port: int) -> dict[str, str]:
    return {
        "BIHUAN_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "BIHUAN_MAIL_FROM": "bihuan@example.org",
        "BIHUAN_BASE_URL": "http://bihuan.example.org",
    }


def rules_file(tmp_path: Path, **values: float) -> Path:
    """The shipped rules with some values changed."""
    from importlib import resources

    text = resources.files("bihuan.track").joinpath("data/reminders.toml").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.split("=")[0].strip() not in values]
    lines += [f"{k} = {v}" for k, v in values.items()]
    path = tmp_path / "rules.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
