"""Settings of the web face, passed to create_app; nothing is read at import time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from bihuan.ledger.db import Pool
from bihuan.track.status import Settings

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class WebSettings:
    db: str | None = None  # --db PATH or a URL; None: BIHUAN_DATABASE_URL, else ./bihuan.db
    max_upload_mb: float = 20.0
    session_hours: float = 12.0
    secure_cookies: bool = False  # True behind HTTPS
    status: Settings = field(default_factory=Settings)
    today: Callable[[], dt.date] = dt.date.today  # the demo and the tests fix the date
    # Load shedding, per worker process (see bihuan.web.shed): requests served at once, how many
    # more may wait for a turn (holding no thread and no connection) and for how long; beyond
    # that a quick 503 with Retry-After.
    max_active: int = 16
    max_waiting: int = 256
    wait_seconds: float = 10.0
    # Database connections per worker: one per admitted request (a request never holds two), a
    # few spare; a request that still finds none within db_wait_seconds gets a 503, not a hang.
    db_wait_seconds: float = 5.0

    @property
    def pool(self) -> Pool:
        return Pool(size=self.max_active, overflow=4, timeout=self.db_wait_seconds)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * MB)
