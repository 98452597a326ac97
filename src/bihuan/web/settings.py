"""Settings of the web face, passed to create_app; nothing is read at import time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

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

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * MB)
