"""A missing argument or command is a usage error: the usage line, one bilingual error line,
exit status 2 (not the help and exit 0). `bihuan user add` never needs a terminal."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import Result

from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import User
from bihuan.track.users import authenticate

Invoke = Callable[..., Result]
ERROR_LINE = re.compile(r"^错误：.*[\u4e00-\u9fff].* / Error: .*[A-Za-z].*$")
PASSWORD = "long-enough-1"


@pytest.mark.parametrize(
    ("args", "zh"),
    [
        ((), "缺少命令"),
        (("extract",), "缺少参数 FILE"),
        (("batch",), "缺少参数 PATH..."),
        (("plan",), "缺少命令"),
        (("plan", "import"), "缺少参数 FILE"),
        (("plan", "export"), "缺少参数 OUT.xlsx"),
        (("assign", "set"), "缺少参数 TASK"),
        (("progress", "add"), "缺少参数 TASK"),
        (("progress", "import"), "缺少参数 FILE..."),
        (("user", "add"), "缺少参数 NAME"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_a_missing_argument_is_the_usage_and_exit_2(invoke: Invoke, args: tuple[str, ...], zh: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    usage, error = result.stderr.splitlines()
    assert usage.startswith("用法 / Usage: ") and " ".join(args) in usage
    assert ERROR_LINE.match(error) and zh in error, error


def test_bare_bihuan_names_the_commands(invoke: Invoke) -> None:
    error = invoke().stderr.splitlines()[-1]
    assert all(name in error for name in ("extract", "batch", "plan", "status", "demo"))


def test_the_installed_entry_exits_2_without_arguments() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bihuan.cli", "extract"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[0].startswith("用法 / Usage: ")


# ---------------------------------------------------------------- user add without a terminal
def stored(db: str, name: str, password: str) -> bool:
    ledger = open_ledger(db)
    try:
        with ledger.sessions() as s:
            return authenticate(s, name, password) is not None
    finally:
        ledger.close()


def users(db: str) -> list[str]:
    ledger = open_ledger(db)
    try:
        with ledger.sessions() as s:
            return list(s.scalars(select(User.name)))
    finally:
        ledger.close()


def test_password_stdin_reads_one_line(invoke: Invoke, tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    result = invoke("user", "add", "督查室小王", "--role", "admin", "--password-stdin", "--db", db,
                    input=f"{PASSWORD}\nignored second line\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "已添加用户 督查室小王（admin）"
    assert stored(db, "督查室小王", PASSWORD)


@pytest.mark.parametrize(
    ("extra", "stdin", "zh"),
    [
        ((), "", "没有终端可以输入密码"),  # no terminal, no --password-stdin
        (("--password-stdin",), "", "标准输入为空"),
        (("--password-stdin", "--password", PASSWORD), PASSWORD, "只能用一个"),
    ],
    ids=["no-terminal", "empty-stdin", "both"],
)
def test_no_password_is_one_line_and_exit_2(
    invoke: Invoke, tmp_path: Path, extra: tuple[str, ...], stdin: str, zh: str
) -> None:
    db = str(tmp_path / "u.db")
    result = invoke("user", "add", "甲", "--role", "admin", *extra, "--db", db, input=stdin)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert ERROR_LINE.match(line) and zh in line, line
    assert "Warning" not in result.output and "Repeat" not in result.output
    assert not Path(db).exists() or users(db) == []


def test_at_a_terminal_the_prompts_are_chinese(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bihuan.cli.web_cmds.stdin_is_terminal", lambda: True)
    db = str(tmp_path / "u.db")
    result = invoke("user", "add", "甲", "--role", "admin", "--db", db, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "密码：" in result.output and "再输入一次密码：" in result.output
    assert "Repeat" not in result.output and "Password" not in result.output
    assert stored(db, "甲", PASSWORD)

    differ = invoke("user", "add", "乙", "--role", "admin", "--db", db, input=f"{PASSWORD}\nother-password\n")
    assert differ.exit_code == 2 and "两次输入的密码不一致" in differ.stderr
    assert users(db) == ["甲"]
