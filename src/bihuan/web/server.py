"""Running the app under uvicorn, tuned for a long-lived server process."""

from __future__ import annotations

import gc

from bihuan.web.app import create_app
from bihuan.web.settings import WebSettings


def tune_gc() -> None:
    """Each request loads thousands of short-lived rows; with Python's default thresholds the
    collector then runs full collections over every long-lived object (the app, its templates,
    SQLAlchemy's mappers) many times a second. Move what exists at start-up out of the
    collector's view and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def run(settings: WebSettings, host: str, port: int) -> None:
    import uvicorn

    app = create_app(settings)
    tune_gc()
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
