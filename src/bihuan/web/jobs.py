"""Reading and extracting an uploaded report in a child process with a time limit, so that the
server's request loop (and every other user's page) keeps answering while one import runs.

Each upload gets its own child process, forked from a fork server started on the first upload
with the reader and the extractor already imported (a fork then costs milliseconds, and no
thread or database connection of the server is inherited). A child that runs past the time
limit is killed, and the upload answered "报告太大或太复杂，读取超时"; a child past the memory
limit fails and is answered the same way. At most `import_workers` children run at once;
further uploads wait for a free slot within their own time limit. The children are killed when
the app shuts down (`shutdown`, called from its lifespan).

The child sends back the text and the plan already serialised (`plan_json`), so the server
process only stores two strings: it parses nothing large and re-serialises nothing.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import anyio
from fastapi import FastAPI

from bihuan.track.errors import TrackError

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the child read: the decoded text, its format and name, and the plan as JSON."""

    text: str
    source_format: str
    name: str
    plan_json: str


def timed_out(seconds: float) -> TrackError:
    return TrackError(
        f"报告太大或太复杂，读取超时（超过 {seconds:g} 秒）",
        f"the report is too large or too complex: reading timed out after {seconds:g} s",
    )


def _failed() -> TrackError:
    return TrackError(
        "报告太大或太复杂，读取失败（超出内存上限或读取进程意外退出）",
        "the report is too large or too complex: reading ran out of memory or its process died",
    )


def read_and_extract(data: bytes, name: str, max_bytes: int) -> Extracted:
    """Read the upload and extract its plan; what the child runs (in-process in tests)."""
    from bihuan.extract import extract_text
    from bihuan.ingest import read_bytes

    source = read_bytes(data, name, max_bytes)
    plan = extract_text(source.text, source.source_format)
    plan_json = json.dumps(plan.to_dict(), ensure_ascii=False)
    return Extracted(source.text, source.source_format, source.name, plan_json)


def _child(conn: Connection, data: bytes, name: str, max_bytes: int, memory_mb: int, seconds: float) -> None:
    """The child process: limit its memory and time, do the work, send ("ok", Extracted) or
    ("error", e). The alarm ends a child whose server died before it could kill it."""
    import signal

    signal.alarm(int(seconds) + 10)
    if memory_mb > 0:
        import resource

        limit = memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result: tuple[str, Any] = ("ok", read_and_extract(data, name, max_bytes))
    except MemoryError:
        result = ("memory", None)
    except Exception as e:  # ReadError (and TrackError) carry their own message; others are bugs
        result = ("error", e)
    del data
    try:
        conn.send(result)
    except Exception as e:  # an exception that does not pickle
        conn.send(("error", RuntimeError(f"{type(e).__name__}: {e}")))
    conn.close()


@dataclass
class Jobs:
    """The running children of one app, and the slots that bound how many run at once."""

    workers: int
    timeout: float
    memory_mb: int
    running: set[Any] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False
    slots: anyio.Semaphore | None = None

    def _start(self, data: bytes, name: str, max_bytes: int) -> tuple[Any, Connection]:
        ctx = _context()
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_child,
            args=(send, data, name, max_bytes, self.memory_mb, self.timeout),
            daemon=True,
        )
        with self.lock:
            if self.closed:
                raise TrackError("服务器正在关闭，请稍后重试", "the server is shutting down")
            try:
                proc.start()
            except OSError as e:  # the child died before it read its arguments (BrokenPipeError)
                send.close()
                recv.close()
                raise _failed() from e
            self.running.add(proc)
        send.close()
        return proc, recv

    def run(self, data: bytes, name: str, max_bytes: int, deadline: float) -> Extracted:
        """Blocking: start a child, wait for its answer until `deadline` (time.monotonic)."""
        proc, recv = self._start(data, name, max_bytes)
        try:
            if not recv.poll(max(0.0, deadline - time.monotonic())):
                raise timed_out(self.timeout)
            kind, payload = recv.recv()
        except EOFError:  # the child died without answering: killed at shutdown, or out of memory
            raise _failed() from None
        finally:
            recv.close()
            if proc.is_alive():
                proc.kill()
            proc.join(5)
            with self.lock:
                self.running.discard(proc)
        if kind == "ok":
            return payload  # type: ignore[no-any-return]
        if kind == "memory":
            raise _failed()
        raise payload

    def shutdown(self) -> None:
        with self.lock:
            self.closed = True
            procs = list(self.running)
        for proc in procs:
            if proc.is_alive():
                proc.kill()
        for proc in procs:
            proc.join(5)


_CONTEXT: Any = None


def _context() -> Any:
    """The fork-server context, its server preloaded with this module (reader and extractor)."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx = multiprocessing.get_context("forkserver")
        # "__main__" too, as multiprocessing does by default: a child whose fork server has not
        # imported the main script imports it again itself (the `bihuan` script: bihuan.launch).
        ctx.set_forkserver_preload(["__main__", "bihuan.web.jobs", "bihuan.ingest", "bihuan.extract"])
        _CONTEXT = ctx
    return _CONTEXT


def jobs_of(app: FastAPI) -> Jobs:
    """The app's Jobs, made on first use from its settings."""
    jobs: Jobs | None = getattr(app.state, "jobs", None)
    if jobs is None:
        s = app.state.settings
        jobs = Jobs(s.import_workers, s.import_timeout_s, s.import_memory_mb)
        app.state.jobs = jobs
    return jobs


async def extract_upload(app: FastAPI, data: bytes, name: str, max_bytes: int) -> Extracted:
    """Read and extract an upload in a child process, waiting without blocking the loop."""
    jobs = jobs_of(app)
    deadline = time.monotonic() + jobs.timeout
    if jobs.slots is None:
        jobs.slots = anyio.Semaphore(max(1, jobs.workers))
    with anyio.move_on_after(jobs.timeout) as wait:
        await jobs.slots.acquire()
    if wait.cancelled_caught:
        raise timed_out(jobs.timeout)
    try:
        return await anyio.to_thread.run_sync(jobs.run, data, name, max_bytes, deadline)
    finally:
        jobs.slots.release()


def shutdown(app: FastAPI) -> None:
    """Kill the app's running children (the app's lifespan calls this when it stops); an app
    started again gets new Jobs."""
    jobs: Jobs | None = getattr(app.state, "jobs", None)
    if jobs is not None:
        app.state.jobs = None
        jobs.shutdown()
