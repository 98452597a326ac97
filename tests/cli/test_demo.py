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
