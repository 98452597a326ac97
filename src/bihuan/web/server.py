"""Running the app under uvicorn, tuned for a long-lived server process; with several workers
each process builds its own app from the environment (uvicorn's factory mode).

Stopping is prompt whatever stops it: SIGTERM or SIGINT ends the requests still running after
GRACE_SECONDS (uvicorn would otherwise wait for every open connection), and on Linux a worker
process also ends when the process that started it dies, even by SIGKILL, so none is left
behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import os
import signal
import sys
from typing import Any

from fastapi import FastAPI

from bihuan.web.app import create_app
from bihuan.web.settings import WebSettings

ENV_SETTINGS, ENV_TODAY = "BIHUAN_WEB_SETTINGS", "BIHUAN_WEB_TODAY"
GRACE_SECONDS = 3  # how long a stopping server lets running requests finish


def uvicorn_options() -> dict[str, Any]:
    """What every bihuan server passes to uvicorn: quiet, no `Server: uvicorn` banner, a short
    graceful shutdown."""
    return {
        "log_level": "warning",
        "access_log": False,
        "server_header": False,
        "timeout_graceful_shutdown": GRACE_SECONDS,
    }


def tune_gc() -> None:
    """Each request loads thousands of short-lived rows; with Python's default thresholds the
    collector then runs full collections over every long-lived object (the app, its templates,
    SQLAlchemy's mappers) many times a second. Move what exists at start-up out of the
    collector's view and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def end_with_parent() -> None:
    """Linux: have the kernel send this process SIGTERM when its parent dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):  # no libc to call: the supervisor's own stop still works
        return
    if os.getppid() == 1:  # the parent died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


def _plain(settings: WebSettings) -> dict[str, Any]:
    """The settings a worker process can be given through the environment (plain values)."""
    out = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        if value is None or isinstance(value, (str, int, float, bool)):
            out[f.name] = value
    return out


def app_from_env() -> FastAPI:
    """The app of one worker process, from the settings `run` put in the environment."""
    end_with_parent()
    day = os.environ.get(ENV_TODAY)
    fixed = dt.date.fromisoformat(day) if day else None
    plain = json.loads(os.environ.get(ENV_SETTINGS) or "{}")
    settings = WebSettings(
        **plain,
        today=(lambda: fixed) if fixed else dt.date.today,
    )
    app = create_app(settings)
    tune_gc()
    return app


def run(
    settings: WebSettings,
    host: str,
    port: int,
    workers: int = 1,
    fixed_day: dt.date | None = None,
    **options: Any,
) -> None:
    """Serve until SIGINT or SIGTERM; `options` go to uvicorn over uvicorn_options()."""
    import uvicorn

    config = {**uvicorn_options(), **options}
    if workers <= 1:
        app = create_app(settings)
        tune_gc()
        uvicorn.run(app, host=host, port=port, **config)
        return
    os.environ[ENV_SETTINGS] = json.dumps(_plain(settings))
    os.environ[ENV_TODAY] = fixed_day.isoformat() if fixed_day else ""
    uvicorn.run(
        "bihuan.web.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        **config,
    )
