"""Running the app under uvicorn, tuned for a long-lived server process; with several workers
each process builds its own app from the environment (uvicorn's factory mode)."""

from __future__ import annotations

import datetime as dt
import gc
import os

from fastapi import FastAPI

from bihuan.web.app import create_app
from bihuan.web.settings import WebSettings

ENV_DB, ENV_SECURE, ENV_TODAY = "BIHUAN_WEB_DB", "BIHUAN_WEB_SECURE_COOKIES", "BIHUAN_WEB_TODAY"


def tune_gc() -> None:
    """Each request loads thousands of short-lived rows; with Python's default thresholds the
    collector then runs full collections over every long-lived object (the app, its templates,
    SQLAlchemy's mappers) many times a second. Move what exists at start-up out of the
    collector's view and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def app_from_env() -> FastAPI:
    """The app of one worker process, from the settings `run` put in the environment."""
    day = os.environ.get(ENV_TODAY)
    fixed = dt.date.fromisoformat(day) if day else None
    settings = WebSettings(
        db=os.environ.get(ENV_DB) or None,
        secure_cookies=os.environ.get(ENV_SECURE) == "1",
        today=(lambda: fixed) if fixed else dt.date.today,  # type: ignore[arg-type,return-value]
    )
    app = create_app(settings)
    tune_gc()
    return app


def run(
    settings: WebSettings, host: str, port: int, workers: int = 1, fixed_day: dt.date | None = None
) -> None:
    import uvicorn

    if workers <= 1:
        app = create_app(settings)
        tune_gc()
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    os.environ[ENV_DB] = settings.db or ""
    os.environ[ENV_SECURE] = "1" if settings.secure_cookies else ""
    os.environ[ENV_TODAY] = fixed_day.isoformat() if fixed_day else ""
    uvicorn.run(
        "bihuan.web.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
