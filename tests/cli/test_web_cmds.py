"""`bihuan serve`, `bihuan demo` and `bihuan user add`: help, users, and bad input before any
server starts (the servers themselves run in tests/web)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import Result

from bihuan.cli.web_cmds import DEMO_PASSWORD, DEMO_USERS, build_demo
from bihuan.launch import DEMO_DAY
from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import User
from bihuan.track import board
from bihuan.track.status import Settings
from bihuan.track.users import Person, authenticate

Invoke = Callable[..., Result]


@pytest.mark.parametrize("command", [("serve",), ("demo",), ("user",), ("user", "add")])
def test_help_has_an_example(invoke: Invoke, command: tuple[str, ...]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0 and "示例" in result.stdout


def test_user_add_hashes_the_password(invoke: Invoke, tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    ok = invoke(
        "user",
        "add",
        "发改局小李",
        "--role",
        "unit",
        "--unit",
        "发改局",
        "--password",
        "long-enough-1",
        "--db",
        db,
    )
    assert ok.exit_code == 0, ok.stderr
    ledger = open_ledger(db)
    with ledger.sessions() as s:
        user = s.scalar(select(User).where(User.name == "发改局小李"))
        assert user is not None and user.role == "unit" and user.unit_id is not None
        assert user.password_hash.startswith("$argon2") and "long-enough-1" not in user.password_hash
        assert authenticate(s, "发改局小李", "long-enough-1") is not None
        assert authenticate(s, "发改局小李", "wrong-password") is None
    ledger.close()


@pytest.mark.parametrize(
    ("args", "zh"),
    [
        (("user", "add", "甲", "--role", "admin", "--password", "short"), "密码至少 8 位"),
        (("user", "add", "甲", "--role", "boss", "--password", "long-enough-1"), "角色须为"),
        (("user", "add", "甲", "--role", "unit", "--password", "long-enough-1"), "须用 --unit"),
        (
            ("user", "add", "甲", "--role", "unit", "--unit", "无此局", "--password", "long-enough-1"),
            "单位名录中没有",
        ),
        (("serve", "--workers", "99"), "--workers 须在 0–64 之间"),
        (("serve", "--port", "0"), "端口须在 1–65535 之间"),
        (("demo", "--port", "70000"), "端口须在 1–65535 之间"),
    ],
)
def test_bad_input_is_one_line(invoke: Invoke, tmp_path: Path, args: tuple[str, ...], zh: str) -> None:
    result = invoke(*args, "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and " / Error: " in lines[0] and zh in lines[0]


def test_serve_refuses_a_database_it_cannot_open(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("serve", "--db", str(tmp_path / "no" / "such" / "x.db"))
    assert result.exit_code == 2 and "目录不存在" in result.stderr


def test_demo_refuses_an_existing_database(invoke: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    db.write_bytes(b"")
    result = invoke("demo", "--db", str(db))
    assert result.exit_code == 2 and "演示库已存在" in result.stderr


def test_demo_ledger_is_populated(tmp_path: Path) -> None:
    pid = build_demo(tmp_path / "demo.db", DEMO_DAY)
    ledger = open_ledger(tmp_path / "demo.db")
    with ledger.sessions() as s:
        for name, _, _ in DEMO_USERS:
            assert authenticate(s, name, DEMO_PASSWORD) is not None
        assert board.is_published(s, pid)
        admin = Person(0, "督查室", "admin", None, None)
        view = board.dashboard(s, pid, DEMO_DAY, admin, Settings())
        assert len(view.items) > 40 and all(it.lead for it in view.items)
        assert sum(view.counts.values()) == len(view.items) and view.counts["green"] > 0
        assert any(t.latest is not None for t in view.targets)
    ledger.close()
