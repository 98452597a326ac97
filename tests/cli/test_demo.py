"""`bihuan demo`: a busy port is one line and exit 2 before anything is built or printed, and
whatever ends the demo, what it created is gone (its temporary folder; a --db file that never
got served)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

Invoke = Callable[..., Result]


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where tempfile makes folders during the test (the demo's bihuan-demo-* folder)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("with_db", [False, True], ids=["temporary", "db"])
def test_a_busy_port_is_one_line_and_builds_nothing(
    invoke: Invoke, temp_root: Path, tmp_path: Path, busy_port: int, with_db: bool
) -> None:
    db = tmp_path / "demo.db"
    result = invoke("demo", "--port", str(busy_port), *(("--db", str(db)) if with_db else ()))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""  # no logins printed as if started
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"错误：端口 {busy_port} 已被占用") and " / Error: " in line
    assert list(temp_root.iterdir()) == [] and not db.exists()
    # so the next run does not refuse: the same --db works once the port is free
    assert "演示库已存在" not in invoke("demo", "--port", "70000", "--db", str(db)).stderr


@pytest.mark.parametrize("ending", ["returns", "ctrl-c"])
def test_the_temporary_folder_goes_when_the_demo_ends(
    invoke: Invoke, temp_root: Path, monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    served: list[Path] = []

    def fake_run(settings: Any, host: str, port: int, *args: object, **kw: object) -> None:
        db = Path(str(settings.db))
        assert db.is_file() and db.parent.parent == temp_root
        served.append(db)
        if ending == "ctrl-c":
            raise KeyboardInterrupt

    monkeypatch.setattr("bihuan.web.server.run", fake_run)
    result = invoke("demo", "--port", str(free_port()))
    assert served and "演示账号" in result.stdout
    assert (result.exit_code == 0) is (ending == "returns"), result.output
    assert list(temp_root.iterdir()) == []


def test_a_db_that_never_served_is_removed(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failed_run(*args: object, **kw: object) -> None:
        raise SystemExit(3)  # what uvicorn does when it cannot start

    monkeypatch.setattr("bihuan.web.server.run", failed_run)
    db = tmp_path / "demo.db"
    result = invoke("demo", "--port", str(free_port()), "--db", str(db))
    assert result.exit_code == 2 and "网页服务未能启动" in result.stderr
    assert list(tmp_path.iterdir()) == []
    # and a demo that was served keeps its --db for `bihuan serve --db`
    monkeypatch.setattr("bihuan.web.server.run", lambda *a, **k: None)
    assert invoke("demo", "--port", str(free_port()), "--db", str(db)).exit_code == 0
    assert db.is_file()


def test_help_tells_where_the_demo_database_goes(invoke: Invoke) -> None:
    out = " ".join(invoke("demo", "--help", env={"COLUMNS": "300"}).stdout.split())
    assert "bihuan.db" not in out
    assert "临时目录" in out and "删除" in out


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_ends_the_real_demo_and_removes_its_folder(tmp_path: Path, sig: signal.Signals) -> None:
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    child = subprocess.Popen(
        [sys.executable, "-m", "bihuan.launch", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120  # a hang guard, not a speed test
        while True:
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the demo did not start"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        assert [p.name[:12] for p in tmp_path.iterdir()] == ["bihuan-demo-"]
        child.send_signal(sig)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert "演示账号" in out and "Traceback" not in err, err
    assert list(tmp_path.iterdir()) == []


def test_serve_checks_the_port_first_too(invoke: Invoke, tmp_path: Path, busy_port: int) -> None:
    result = invoke("serve", "--port", str(busy_port), "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"错误：端口 {busy_port} 已被占用")


def test_no_serve_builds_the_demo_ledger_and_exits(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import select

    from bihuan.cli.web_cmds import DEMO_USERS
    from bihuan.ledger import queries
    from bihuan.ledger.db import open_ledger
    from bihuan.ledger.models import User
    from bihuan.track.current import current

    def no_server(*args: object, **kw: object) -> None:
        raise AssertionError("--no-serve started the server")

    monkeypatch.setattr("bihuan.web.server.run", no_server)
    db = tmp_path / "demo.db"
    result = invoke("demo", "--db", str(db), "--no-serve")
    assert result.exit_code == 0, result.output
    assert f"已建演示库：{db}" in result.stdout and "演示日期：2023-07-10" in result.stdout
    for name, _, _ in DEMO_USERS:
        assert f"· {name} — " in result.stdout  # which login sees what
    assert f"bihuan serve --db {db}" in result.stdout
    ledger = open_ledger(str(db))
    try:
        with ledger.sessions() as s:
            units = queries.units(s)
            mail = {c.unit_id: c.email for c in queries.unit_contacts(s).values()}
            assert len(mail) == len(units) > 30
            assert all(m and m.endswith("@example.org") for m in mail.values())
            assert len(set(mail.values())) == len(units)  # one address per unit
            by_name = {u.name: mail[u.id] for u in units}
            assert by_name["发展和改革局"] == "fgj@example.org"
            users = s.scalars(select(User)).all()
            assert {u.name for u in users} == {n for n, _, _ in DEMO_USERS}
            assert all(u.email and u.email.endswith("@example.org") for u in users)
            c = current(s)
            assert c is not None and c.how == "chosen" and c.document_id == queries.documents(s)[0].id
    finally:
        ledger.close()
    # built once: a second run refuses to overwrite it
    again = invoke("demo", "--db", str(db), "--no-serve")
    assert again.exit_code == 2 and "演示库已存在" in again.stderr


def test_no_serve_needs_a_db(invoke: Invoke, temp_root: Path) -> None:
    result = invoke("demo", "--no-serve")
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("错误：--no-serve 须与 --db 一起用")
    assert list(temp_root.iterdir()) == []
