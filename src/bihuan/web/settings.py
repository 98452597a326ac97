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
    # An upload is read and extracted in a child process (bihuan.web.jobs): at most this many at
    # once, each killed after this many seconds (a real report takes under 1 s; a 3 MB one 7 s)
    # or past this much memory (a 3 MB text report peaks at 130 MB).
    import_workers: int = 2
    import_timeout_s: float = 60.0
    import_memory_mb: int = 1536

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * MB)
