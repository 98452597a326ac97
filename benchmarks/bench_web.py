"""How fast the web face answers under load: `python3 benchmarks/bench_web.py` prints latencies.

Builds a ledger (SQLite in a temporary folder, or with --pg a fresh PostgreSQL database on
127.0.0.1:5432, user postgres, dropped at the end) with one plan of 500 tasks (each with a
quantified target), assigned to the default units, with six monthly periods of progress
(2023-01 … 2023-06), and an admin user; starts the real app under uvicorn (in a subprocess of
its own process group) on a free loopback port, as on 2023-07-10; logs in once through the
login form and gives --users client sessions (default 20) a session each, and lets each, in its
own thread, make --requests requests (default 40; or run for --duration seconds): the dashboard
(/dashboard) with probability --dashboard-share, otherwise the page of a random task
(/plans/1/tasks/N), with --think seconds between a user's requests (default 1: people reading
the page they asked for; each pause drawn from 0.5-1.5 times that, and each user starting at
a random moment within the first pause, as people do not click in step; --think 0 is a stress
test: all users at once, no pause at all). --workers N serves
with N processes, exactly as `bihuan serve --workers N` does. Prints p50/p95/p99 and requests
per second for each kind of page, errors by kind (503 = load shed), the server's CPU per request
(all its processes), the machine, and the target: no errors, p95 < 150 ms at 100 users.

--profile also times single renders of each page in this process (the page functions called
directly: no HTTP, no concurrency; the dashboard cold, from a new app with empty caches, and
warm) and prints a cProfile of a cold dashboard render and of a task page render.
Traffic goes to 127.0.0.1 only; the request loops are bounded. However the benchmark ends
(normally, an error, Ctrl+C, SIGTERM), it stops the server's whole process group and drops the
PostgreSQL database it made.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import cProfile
import datetime as dt
import gc
import json
import os
import pstats
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from common import print_machine, synthetic_plan  # benchmarks/common.py
from sqlalchemy import insert

from bihuan.ledger import queries
from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import Assignment, ProgressReport
from bihuan.track import directory, plans
from bihuan.track.users import add_user

TASKS = 500
PERIODS = ("2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06")
TODAY = dt.date(2023, 7, 10)
ADMIN, PASSWORD = "督查室", "bench-password"
TARGET_MS = 150.0
TARGET_USERS = 100
STOP = threading.Event()  # set when the run ends early: the users stop asking
PG_ADMIN = os.environ.get("BIHUAN_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


# ---------------------------------------------------------------- the ledger
def build(url: str, n: int) -> tuple[int, float]:
    """The plan, its assignments, progress for every task and period, and the admin user."""
    t0 = time.perf_counter()
    ledger = open_ledger(url)
    try:
        with ledger.sessions() as s:
            doc = plans.import_plan(
                s, synthetic_plan(n, 2023), text="基准" * 10, source_name="bench", user="bench"
            ).document_id
            units = directory.ensure_directory(s, "bench")
            rev = queries.latest_revision(s, doc)
            assert rev is not None
            tasks = queries.tasks(s, rev.id)
            inds = {i.iid: i.key for i in queries.indicators(s, rev.id)}
            s.execute(
                insert(Assignment),
                [
                    dict(document_id=doc, task_key=t.key, lead_unit_id=units[t.number % len(units)].id,
                         cooperating_unit_ids=[units[(t.number + 7) % len(units)].id], milestones=[],
                         origin="set", created_by="bench", deadline=dt.date(2023, 12, 31))
                    for t in tasks
                ],
            )  # fmt: skip
            rows = []
            for t in tasks:
                target = float(t.number % 50 + 10)
                for p, period in enumerate(PERIODS):
                    reached = target * (p + 1) / 12 * (0.55 + 0.5 * ((t.number * 7 + p) % 10) / 10)
                    rows.append(
                        dict(document_id=doc, task_key=t.key, period=period,
                             values={inds[t.indicator_iids[0]]: round(reached, 2)}, percent=None,
                             narrative="按计划推进", author="bench")
                    )  # fmt: skip
            s.execute(insert(ProgressReport), rows)
            s.commit()
            add_user(s, ADMIN, PASSWORD, "admin", None, "bench")
    finally:
        ledger.close()
    return doc, time.perf_counter() - t0


# ---------------------------------------------------------------- the server
def serve_workers(db: str, port: int, workers: int) -> None:
    """The child process with several workers: exactly as `bihuan serve --workers N` runs."""
    from bihuan.web.server import run
    from bihuan.web.settings import WebSettings

    run(WebSettings(db=db), "127.0.0.1", port, workers, fixed_day=TODAY)


def serve(db: str, port: int, gc_file: str) -> None:
    """The child process: the app under uvicorn, one worker, as on TODAY."""
    import uvicorn

    from bihuan.web.app import create_app
    from bihuan.web.server import tune_gc, uvicorn_options
    from bihuan.web.settings import WebSettings

    app = create_app(WebSettings(db=db, today=lambda: TODAY))
    tune_gc()  # as `bihuan serve` does
    began: list[float] = []
    spent = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}  # generation: collections, seconds

    def track(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began.append(time.perf_counter())
        elif began:
            spent[info["generation"]][0] += 1
            spent[info["generation"]][1] += time.perf_counter() - began.pop()

    gc.callbacks.append(track)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **uvicorn_options()))
    # Stop on SIGTERM without re-raising it afterwards (as uvicorn's own handler does), so that
    # the figures below get written.
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    signal.signal(signal.SIGTERM, lambda *_: setattr(server, "should_exit", True))
    server.run()
    Path(gc_file).write_text(json.dumps(spent))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group (Linux /proc; elsewhere just the leader, if alive)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.kill(pgid, 0)
            return [pgid]
        except OSError:
            return []
    found = []
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


class Servers:
    """Every server process group this benchmark started, stopped at the end whatever happens."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []
        atexit.register(self.stop_all)

    def start(self, db: str, workers: int, gc_file: Path) -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", db, str(port), str(workers), str(gc_file)],
            start_new_session=True,
        )
        self.procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited with code {proc.returncode}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).text == "ok":
                    return proc, url
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise SystemExit("the server did not answer /healthz within 60 s")

    def stop(self, proc: subprocess.Popen[bytes], grace: float = 10) -> None:
        """SIGTERM to the whole group; SIGKILL to whatever is left after `grace` seconds."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and (proc.poll() is None or group_members(proc.pid)):
            time.sleep(0.05)
        if proc.poll() is None or group_members(proc.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self) -> None:
        for proc in list(self.procs):
            self.stop(proc)


def group_cpu(pgid: int) -> float:
    """CPU seconds used so far by the live processes of a server's group."""
    return sum(cpu_seconds(pid) for pid in group_members(pgid))


# ---------------------------------------------------------------- PostgreSQL
class PgDatabase:
    """A fresh PostgreSQL database for one run, dropped at the end whatever happens."""

    def __init__(self, admin: str = PG_ADMIN) -> None:
        import psycopg

        self.admin = admin
        self.name = f"bihuan_bench_{uuid.uuid4().hex[:10]}"
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
        except psycopg.Error as e:
            raise SystemExit(f"cannot create a PostgreSQL database at {admin}: {e}") from e
        atexit.register(self.drop)
        base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        self.url = f"{base}/{self.name}"

    def drop(self) -> None:
        import psycopg

        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(self.admin, autocommit=True, connect_timeout=5) as conn,
        ):
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# ---------------------------------------------------------------- the clients
def login(url: str) -> httpx.Client:
    """One login through the form, as a browser does."""
    client = httpx.Client(base_url=url, timeout=120, follow_redirects=False)
    form = client.get("/login")
    pre = re.search(r'name="pre" value="([^"]+)"', form.text)
    assert pre, "no login form"
    r = client.post(
        "/login", data={"pre": pre.group(1), "name": ADMIN, "password": PASSWORD, "next": "/dashboard"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/dashboard", (r.status_code, r.text[:200])
    return client


def sessions(url: str, db: str, n: int) -> list[httpx.Client]:
    """`n` clients with a session each: the first logged in through the form, the others given a
    session made in the ledger directly (the password hash would otherwise take most of the
    set-up time, and logins are not what is measured)."""
    from bihuan.track.users import authenticate, start_session
    from bihuan.web.deps import COOKIE

    clients = [login(url)]
    ledger = open_ledger(db)
    try:
        with ledger.sessions() as s:
            user = authenticate(s, ADMIN, PASSWORD)
            assert user is not None
            for _ in range(n - 1):
                token, _ = start_session(s, user)
                clients.append(
                    httpx.Client(base_url=url, timeout=120, follow_redirects=False, cookies={COOKIE: token})
                )
    finally:
        ledger.close()
    return clients


@dataclass
class Samples:
    ms: dict[str, list[float]] = field(default_factory=lambda: {"dashboard": [], "task": []})
    errors: list[str] = field(default_factory=list)
    client_cpu: float = 0.0  # CPU seconds the simulated users (this process) used
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.ms[kind].append(ms)
            if error:
                self.errors.append(error)


def user_loop(
    client: httpx.Client,
    seed: int,
    n_tasks: int,
    requests: int,
    duration: float | None,
    share: float,
    think: float,
    start: threading.Barrier,
    samples: Samples,
) -> None:
    rng = random.Random(seed)
    start.wait()
    until = None if duration is None else time.monotonic() + duration
    if think:  # people do not click in step: each starts somewhere within one think time
        time.sleep(rng.uniform(0, think))
    done = 0
    while not STOP.is_set() and ((done < requests) if until is None else (time.monotonic() < until)):
        kind = "dashboard" if rng.random() < share else "task"
        path = "/dashboard" if kind == "dashboard" else f"/plans/1/tasks/{rng.randint(1, n_tasks)}"
        t0 = time.perf_counter()
        error = None
        try:
            r = client.get(path)
            if r.status_code != 200:
                error = f"{r.status_code} {path}"
        except httpx.HTTPError as e:
            error = f"{type(e).__name__} {path}"
        except RuntimeError:  # the run was stopped and the client closed under this thread
            return
        samples.add(kind, (time.perf_counter() - t0) * 1000, error)
        done += 1
        if think:
            time.sleep(think * rng.uniform(0.5, 1.5))  # on average `think` seconds


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far; NaN where /proc is not there."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def pct(values: list[float], p: float) -> float:
    """The p-th percentile, nearest rank."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


# ---------------------------------------------------------------- profiling
class InProcess:
    """The page functions called directly in this thread (no HTTP, no concurrency), so that
    cProfile sees all of their work. A fresh app has empty in-memory caches: a cold render."""

    def __init__(self, db: str) -> None:
        from bihuan.track.users import authenticate, start_session

        self.db = db
        self.apps: list[object] = []
        app = self.app()
        with app.state.ledger.sessions() as s:  # type: ignore[attr-defined]
            user = authenticate(s, ADMIN, PASSWORD)
            assert user is not None
            self.token, _ = start_session(s, user)

    def app(self) -> object:
        from bihuan.web.app import create_app
        from bihuan.web.settings import WebSettings

        app = create_app(WebSettings(db=self.db, today=lambda: TODAY))
        self.apps.append(app)
        return app

    def render(self, app: object, kind: str, number: int = 1) -> int:
        from starlette.requests import Request

        from bihuan.track.users import session_user
        from bihuan.web import pages

        path = "/dashboard" if kind == "dashboard" else f"/plans/1/tasks/{number}"
        request = Request({"type": "http", "method": "GET", "path": path, "headers": [],
                           "query_string": b"", "app": app, "state": {}})  # fmt: skip
        with app.state.ledger.sessions() as s:  # type: ignore[attr-defined]
            state = session_user(s, self.token)
            assert state is not None
            request.state.csrf = state[1]
            if kind == "dashboard":
                response = pages.dashboard_page(request, s, state[0])
            else:
                response = pages.task_detail(request, s, state[0], 1, number)
            return len(response.body)

    def close(self) -> None:
        for app in self.apps:
            app.state.ledger.close()  # type: ignore[attr-defined]


def gc_pauses(here: InProcess, app: object, renders: int = 40) -> None:
    """How much of the render time the cyclic garbage collector takes (cProfile charges it to
    whatever function happened to allocate when a collection started)."""
    began: list[float] = []
    spent: dict[int, list[float]] = {0: [], 1: [], 2: []}

    def track(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began.append(time.perf_counter())
        elif began:
            spent[info["generation"]].append((time.perf_counter() - began.pop()) * 1000)

    gc.callbacks.append(track)
    t0 = time.perf_counter()
    try:
        for k in range(renders):
            here.render(app, "dashboard" if k % 2 else "task", 1 + k * 37 % TASKS)
    finally:
        gc.callbacks.remove(track)
    total = (time.perf_counter() - t0) * 1000
    print(f"\ngarbage collection during {renders} renders (half warm dashboards, half task pages), "
          f"{total:.0f} ms in all; {len(gc.get_objects())} objects tracked:")  # fmt: skip
    for gen, ms in spent.items():
        if ms:
            print(f"  generation {gen}: {len(ms):>4} collections, {sum(ms):>6.0f} ms in all "
                  f"({sum(ms) / total * 100:.0f}%), longest {max(ms):.1f} ms")  # fmt: skip


def profile_pages(db: str, top: int) -> None:
    """Time single renders of each page, cold and warm, then cProfile a cold dashboard render
    and a task page render."""
    here = InProcess(db)
    try:
        warm = here.app()
        here.render(warm, "dashboard")  # templates compiled, caches filled
        here.render(warm, "task")
        print("\nsingle renders in this process (no HTTP, no concurrency), median of 5:")
        for label, kind, fresh in (
            ("dashboard, cold (new app, empty caches)", "dashboard", True),
            ("dashboard, warm (same app again)", "dashboard", False),
            ("task page", "task", False),
        ):
            times, size = [], 0
            for k in range(5):
                app = here.app() if fresh else warm
                t0 = time.perf_counter()
                size = here.render(app, kind, 1 + k * 97 % TASKS)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"  {label:<42}{statistics.median(times):>7.1f} ms  ({size / 1024:.0f} KB of HTML)")
        gc_pauses(here, warm)
        for label, kind, fresh in (
            ("a cold dashboard render", "dashboard", True),
            ("a task page render", "task", False),
        ):
            app = here.app() if fresh else warm
            prof = cProfile.Profile()
            prof.enable()
            here.render(app, kind, 250)
            prof.disable()
            stats = pstats.Stats(prof)
            stats.strip_dirs()
            print(f"\ncProfile of {label}, top {top} by cumulative time:")
            stats.sort_stats("cumulative").print_stats(top)
            print(f"cProfile of {label}, top {top} by own time:")
            stats.sort_stats("tottime").print_stats(top)
    finally:
        here.close()


# ---------------------------------------------------------------- main
def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument(
        "--users", type=int, default=TARGET_USERS, help=f"concurrent client sessions ({TARGET_USERS})"
    )
    ap.add_argument("--requests", type=int, default=40, help="requests per user (40)")
    ap.add_argument("--duration", type=float, help="run for this many seconds instead of --requests")
    ap.add_argument("--tasks", type=int, default=TASKS, help="tasks in the plan (500)")
    ap.add_argument("--dashboard-share", type=float, default=0.5, help="share of dashboard requests (0.5)")
    ap.add_argument(
        "--think", type=float, default=1.0, help="seconds each user waits between requests (1; 0 = stress)"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", action="store_true", help="also time and cProfile single page renders")
    ap.add_argument("--top", type=int, default=25, help="functions shown by --profile (25)")
    ap.add_argument("--serve", nargs=4, metavar=("DB", "PORT", "WORKERS", "GC"), help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help="server worker processes (1)")
    ap.add_argument(
        "--pg", action="store_true", help=f"PostgreSQL instead of SQLite: a fresh database at {PG_ADMIN}"
    )
    args = ap.parse_args()
    if args.serve:
        from bihuan.web.server import end_with_parent

        end_with_parent()  # even if this benchmark is killed outright, its server goes too
        if int(args.serve[2]) > 1:
            serve_workers(args.serve[0], int(args.serve[1]), int(args.serve[2]))
        else:
            serve(args.serve[0], int(args.serve[1]), args.serve[3])
        return 0
    if (
        args.users < 1
        or args.requests < 1
        or args.tasks < 1
        or args.workers < 1
        or (args.duration is not None and args.duration <= 0)
    ):
        ap.error("--users, --requests, --tasks, --workers and --duration must be positive")
    if args.duration is not None and args.duration > 600:
        ap.error("--duration is at most 600 seconds")
    # SIGTERM (e.g. from `timeout`) ends the run like Ctrl+C: the finally blocks and the atexit
    # hooks stop the server's process group and drop the PostgreSQL database.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    servers = Servers()
    try:
        return measure(args, servers)
    finally:
        servers.stop_all()


def measure(args: argparse.Namespace, servers: Servers) -> int:
    with tempfile.TemporaryDirectory(prefix="bihuan-bench-web-") as tmp:
        pg = PgDatabase() if args.pg else None
        try:
            url_db = pg.url if pg else f"sqlite:///{Path(tmp) / 'bench.db'}"
            _, built = build(url_db, args.tasks)
            gc_file = Path(tmp) / "server.gc.json"
            proc, url = servers.start(url_db, args.workers, gc_file)
            samples, logins, wall, server_cpu = load(args, url_db, proc, url)
            servers.stop(proc)
            server_gc = json.loads(gc_file.read_text()) if gc_file.exists() else {}
            report(
                args,
                samples,
                logins,
                wall,
                server_cpu,
                server_gc,
                built,
                url,
                "PostgreSQL" if pg else "SQLite",
            )
            if args.profile:
                profile_pages(url_db, args.top)
        finally:
            servers.stop_all()  # before the folder and the database go
            if pg:
                pg.drop()
        return 1 if samples.errors else 0


def load(
    args: argparse.Namespace, db: str, proc: subprocess.Popen[bytes], url: str
) -> tuple[Samples, float, float, float]:
    """Log the users in, then let them all browse at once: (samples, login s, wall s, server CPU s)."""
    clients: list[httpx.Client] = []
    try:
        t0 = time.perf_counter()
        clients = sessions(url, db, args.users)
        logins = time.perf_counter() - t0
        for path in ("/dashboard", "/plans/1/tasks/1"):  # warm-up: templates compiled, caches filled
            for client in clients[: args.workers * 4]:  # likely to reach every worker
                r = client.get(path)
                assert r.status_code == 200, (path, r.status_code, r.text[:300])
        samples = Samples()
        barrier = threading.Barrier(args.users + 1)
        threads = []
        for k, client in enumerate(clients):
            threads.append(threading.Thread(target=user_loop, daemon=True, args=(client, args.seed * 1000 + k,
                           args.tasks, args.requests, args.duration, args.dashboard_share, args.think, barrier,
                           samples)))  # fmt: skip
        for t in threads:
            t.start()
        cpu0, mine0 = group_cpu(proc.pid), time.process_time()
        barrier.wait()
        started = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        server_cpu = group_cpu(proc.pid) - cpu0
        samples.client_cpu = time.process_time() - mine0
    finally:
        STOP.set()
        for c in clients:
            c.close()
    return samples, logins, wall, server_cpu


def report(
    args: argparse.Namespace,
    samples: Samples,
    logins: float,
    wall: float,
    server_cpu: float,
    server_gc: dict[str, list[float]],
    built: float,
    url: str,
    database: str,
) -> None:
    total = sum(len(v) for v in samples.ms.values())
    print_machine()
    print(f"ledger:  {database}; {args.tasks} tasks, each with a quantified target, assigned; "
          f"{len(PERIODS)} periods of progress ({args.tasks * len(PERIODS)} reports); built in {built:.1f} s")  # fmt: skip
    print(f"server:  uvicorn, {args.workers} worker(s), in a subprocess on {url}; the app's date {TODAY}")
    load_text = f"{args.duration:g} s" if args.duration is not None else f"{args.requests} requests each"
    print(f"load:    {args.users} concurrent sessions (set up in {logins:.1f} s), {load_text}, "
          f"dashboard share {args.dashboard_share:g}, think time {args.think:g} s (0.5-1.5x); "
          f"{total} requests in {wall:.1f} s = {total / wall:.1f} req/s")  # fmt: skip
    print(f"server:  {server_cpu:.1f} s of CPU in the load phase (all its processes) = "
          f"{server_cpu / wall * 100:.0f}% of one core, {server_cpu / max(total, 1) * 1000:.0f} ms of CPU per request")  # fmt: skip
    print(f"clients: {samples.client_cpu:.1f} s of CPU in this process (the simulated users, same machine); "
          f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    if server_gc:
        print("server:  garbage collection over its life (logins and warm-up included): " + "; ".join(
            f"gen {g}: {n} collections, {sec:.1f} s" for g, (n, sec) in server_gc.items()))  # fmt: skip
    print()
    print(f"{'page':<12}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'req/s':>8}")
    verdicts = []
    for kind, label in (("dashboard", "/dashboard"), ("task", "task page")):
        ms = samples.ms[kind]
        if not ms:
            print(f"{label:<12}{0:>7}")
            continue
        p95 = pct(ms, 95)
        print(f"{label:<12}{len(ms):>7}{pct(ms, 50):>9.0f}{p95:>9.0f}{pct(ms, 99):>9.0f}{max(ms):>9.0f}"
              f"{len(ms) / wall:>8.1f}")  # fmt: skip
        verdicts.append(f"{label} p95 {p95:.0f} ms {'met' if p95 < TARGET_MS else 'MISSED'}")
    print()
    print(f"target:  no errors and p95 < {TARGET_MS:g} ms at {TARGET_USERS} concurrent users"
          + ("" if args.users == TARGET_USERS else f" (this run: {args.users} users)")
          + ": " + "; ".join(verdicts) + f"; {len(samples.errors)} errors")  # fmt: skip
    if samples.errors:
        kinds: dict[str, int] = {}
        for e in samples.errors:
            kinds[e.split(" ", 1)[0]] = kinds.get(e.split(" ", 1)[0], 0) + 1
        print(f"errors:  {len(samples.errors)} ({', '.join(f'{k}: {n}' for k, n in sorted(kinds.items()))}), "
              f"e.g. {samples.errors[:3]}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
