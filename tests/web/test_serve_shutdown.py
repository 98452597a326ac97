"""`bihuan serve --workers 2` stops everything it started, promptly, however it is stopped.

Issue 8: stopped with SIGTERM while a client kept a connection open, the server waited for that
connection for good, and a worker process with its resource tracker outlived the command. Here
the real command runs in its own process group, with a keep-alive connection and a client that
never finishes sending its request; after the signal no process of the group may be left."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

GUARD = 60.0  # start-up hang guard (seconds)
STOP_BOUND = 20.0  # every process of the server gone within this after the signal

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process table from /proc"
)


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            found.append(int(entry.name))
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`python -m bihuan.launch serve --workers N` (N = 2 unless parametrized) in a process
    group of its own."""
    workers = str(getattr(request, "param", 2))
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bihuan.launch", "serve", "--workers", workers,
         "--db", str(tmp_path / "ledger.db"), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + GUARD
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().read() == b"ok":
                    conn.close()
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start: {(tmp_path / 'serve.log').read_text()}")
            time.sleep(0.1)
        yield proc, port
    finally:
        for pid in group_members(proc.pid):  # whatever the test found, leave nothing behind
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        log.close()


def gone_within(proc: subprocess.Popen[bytes], seconds: float) -> list[int]:
    """Wait until the command and every process of its group have ended; what is left."""
    deadline = time.monotonic() + seconds
    left = group_members(proc.pid)
    while time.monotonic() < deadline:
        proc.poll()
        left = group_members(proc.pid)
        if proc.returncode is not None and not left:
            return []
        time.sleep(0.1)
    return sorted(set(left) | ({proc.pid} if proc.poll() is None else set()))


@pytest.mark.parametrize(
    ("served", "sig"),
    [(2, signal.SIGTERM), (2, signal.SIGINT), (1, signal.SIGTERM)],
    ids=["2 workers, SIGTERM", "2 workers, SIGINT", "1 worker, SIGTERM"],
    indirect=["served"],
)
def test_serve_stops_everything_on_a_signal(
    served: tuple[subprocess.Popen[bytes], int], sig: signal.Signals
) -> None:
    proc, port = served
    idle = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)  # kept alive
    idle.request("GET", "/login")
    response = idle.getresponse()
    response.read()
    assert response.status == 200
    assert response.getheader("server") is None  # no "Server: uvicorn" banner
    assert response.getheader("connection", "keep-alive").lower() != "close"
    stuck = socket.create_connection(("127.0.0.1", port), timeout=GUARD)  # a request never finished
    stuck.sendall(
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 100000\r\n\r\nname="
    )
    time.sleep(0.5)
    try:
        os.kill(proc.pid, sig)
        left = gone_within(proc, STOP_BOUND)
    finally:
        idle.close()
        stuck.close()
    assert left == [], f"still running {STOP_BOUND:g} s after {sig.name}: {left}"


def test_workers_end_when_the_command_is_killed(
    served: tuple[subprocess.Popen[bytes], int],
) -> None:
    """Even SIGKILL, which the command cannot catch, leaves no worker behind."""
    proc, _ = served
    workers = [pid for pid in group_members(proc.pid) if pid != proc.pid]
    assert workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=GUARD)
    deadline = time.monotonic() + STOP_BOUND
    while time.monotonic() < deadline and group_members(proc.pid):
        time.sleep(0.1)
    assert group_members(proc.pid) == []
