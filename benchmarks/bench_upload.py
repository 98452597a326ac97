"""Do other users' pages keep answering while an upload is read? `python3 benchmarks/bench_upload.py`

Builds the demo ledger (`bihuan demo`'s), starts the real app under uvicorn (one worker, in a
subprocess) on a free loopback port, logs in 督查室 and 县长 through the login form, and while
one thread polls /healthz and another the task page /plans/1/tasks/1 (as 县长), every
--interval seconds, 督查室 uploads
  1. an unpacking bomb: a ~60 KB .docx whose document.xml is 18 MB of empty paragraphs, and
  2. a --size-mb (default 15) MB text report: the example report repeated.
Prints, for the quiet seconds before and for each upload, the upload's time and answer and the
polls' p50/p95/max; the bar: /healthz p95 < 200 ms during both uploads. --timeout sets the
server's import time limit (default: the app's own, 60 s). The server and everything it started
are stopped at the end, whatever ends the script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import docx
import httpx
from common import print_machine  # benchmarks/common.py

from bihuan.cli.web_cmds import DEMO_PASSWORD, build_demo
from bihuan.web.settings import WebSettings

REPORT = Path(__file__).resolve().parents[1] / "examples" / "shixian-2022-report.txt"
TODAY = dt.date(2023, 7, 10)
BAR_MS = 200.0
SERVER = """
import sys, uvicorn
from bihuan.web.app import create_app
from bihuan.web.settings import WebSettings
app = create_app(WebSettings(db=sys.argv[1], import_timeout_s=float(sys.argv[3])))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False,
            timeout_graceful_shutdown=5)
"""


def bomb_docx(paragraphs: int = 3_000_000) -> bytes:
    """A Word file whose body starts with `paragraphs` empty paragraphs, deflated at level 9."""
    base = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("示例县2024年政府工作报告")
    document.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>", 1)
                data = head + b"<w:body>" + b"<w:p/>" * paragraphs + tail
            dst.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, timeout: float) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port), str(timeout)])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).text == "ok":
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_server(proc)
    raise SystemExit("the server did not answer /healthz within 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def login(url: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=300, follow_redirects=False)
    pre = re.search(r'name="pre" value="([^"]+)"', client.get("/login").text)
    assert pre, "no login form"
    r = client.post("/login", data={"pre": pre.group(1), "name": name, "password": DEMO_PASSWORD})
    assert r.status_code == 303, (r.status_code, r.text[:200])
    return client


@dataclass
class Poller:
    client: httpx.Client
    path: str
    interval: float
    polls: list[tuple[float, float, int]] = field(default_factory=list)  # start, end, status
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                status = self.client.get(self.path).status_code
            except httpx.HTTPError:
                status = 0
            self.polls.append((t0, time.monotonic(), status))
            self.stop.wait(self.interval)

    def figures(self, a: float, b: float) -> tuple[str, float]:
        """A line of figures for the polls made within [a, b], and their p95 in ms."""
        got = [(e - s) * 1000 for s, e, _ in self.polls if a <= s and e <= b]
        errors = sum(1 for s, e, st in self.polls if a <= s and e <= b and st != 200)
        if not got:
            return f"{self.path:<18} no poll answered within the window", float("inf")
        ms = sorted(got)
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
        slow = sorted(((e - s) * 1000, s - a) for s, e, _ in self.polls if a <= s and e <= b)[-3:]
        line = (
            f"{self.path:<18} {len(ms):5d} polls  p50 {statistics.median(ms):7.1f} ms  "
            f"p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms  errors {errors}; slowest at "
            + ", ".join(f"+{at:.1f} s" for _, at in reversed(slow))
        )
        return line, p95


def upload(client: httpx.Client, name: str, data: bytes) -> tuple[httpx.Response, float, float]:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/import").text)
    assert csrf, "no import form"
    t0 = time.monotonic()
    r = client.post("/import", data={"csrf_token": csrf.group(1)}, files={"file": (name, data)})
    return r, t0, time.monotonic()


def answer(r: httpx.Response) -> str:
    if r.status_code == 303:
        return f"303 → {r.headers['location']}"
    said = re.search(r"<h1>\d+ · ([^<]*)</h1>", r.text)
    return f"{said.group(1).strip() if said else r.status_code}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=15.0, help="size of the text report (MB)")
    ap.add_argument("--timeout", type=float, default=WebSettings().import_timeout_s)
    ap.add_argument("--interval", type=float, default=0.05, help="seconds between a poller's requests")
    ap.add_argument("--quiet", type=float, default=3.0, help="seconds of polling before the uploads")
    args = ap.parse_args()

    def _terminate(_sig: int, _frame: FrameType | None) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, _terminate)  # so that the `finally` below stops the server
    print_machine()
    big = REPORT.read_bytes() * max(1, int(args.size_mb * 1024 * 1024 // REPORT.stat().st_size))
    bomb = bomb_docx()
    print(
        f"uploads: bomb.docx {len(bomb) / 1024:.0f} KB (document.xml 18 MB); big.txt {len(big) / 1e6:.1f} MB"
    )
    print(
        f"server: one uvicorn worker, import time limit {args.timeout:g} s; polls every {args.interval:g} s"
    )
    with tempfile.TemporaryDirectory(prefix="bihuan-bench-upload-") as tmp:
        db = Path(tmp) / "demo.db"
        build_demo(db, TODAY)
        proc, url = start_server(db, args.timeout)
        clients: list[httpx.Client] = []
        pollers: list[Poller] = []
        try:
            admin, leader = login(url, "督查室"), login(url, "县长")
            clients += [admin, leader]
            health = Poller(httpx.Client(base_url=url, timeout=300), "/healthz", args.interval)
            task = Poller(leader, "/plans/1/tasks/1", args.interval)
            pollers = [health, task]
            clients.append(health.client)
            threads = [threading.Thread(target=p.run, daemon=True) for p in pollers]
            for t in threads:
                t.start()
            q0 = time.monotonic()
            time.sleep(args.quiet)
            q1 = time.monotonic()
            r_bomb, b0, b1 = upload(admin, "bomb.docx", bomb)
            time.sleep(1)
            r_big, t0, t1 = upload(admin, "big.txt", big)
            time.sleep(0.5)
            review = ""
            if r_big.status_code == 303:
                v0 = time.monotonic()
                page = admin.get(r_big.headers["location"])
                review = (
                    f"its review page: {len(page.content) / 1024:.0f} KB in {time.monotonic() - v0:.1f} s"
                )
        finally:
            for p in pollers:
                p.stop.set()
            time.sleep(args.interval + 0.5)
            for c in clients:
                c.close()
            stop_server(proc)
    worst = 0.0
    for label, a, b, r in (
        ("no upload", q0, q1, None),
        ("bomb.docx", b0, b1, r_bomb),
        (f"big.txt ({len(big) / 1e6:.1f} MB)", t0, t1, r_big),
    ):
        print(f"\n{label}: {b - a:.1f} s" + (f", answered {answer(r)}" if r is not None else ""))
        for p in pollers:
            line, p95 = p.figures(a, b)
            print("  " + line)
            if r is not None and p.path == "/healthz":
                worst = max(worst, p95)
    if review:
        print(review)
    ok = worst < BAR_MS
    print(
        f"\nbar: /healthz p95 < {BAR_MS:.0f} ms during both uploads: {'met' if ok else 'NOT met'} ({worst:.1f} ms)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
