"""Settings of the web face, passed to create_app; nothing is read at import time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bihuan.ledger.db import Pool
from bihuan.track.bulletin_settings import BulletinSettings
from bihuan.track.handover import SuperviseSettings
from bihuan.track.logins import Throttle
from bihuan.track.status import Settings

KB = 1024
MB = 1024 * KB
# 办结销号 with its files (supervise_pages); a notice or an answer with its file (notice_pages)
EVIDENCE_PATH = re.compile(r"/plans/\d+/tasks/\d+/(close|notice)|/notices/\d+/answer")


@dataclass(frozen=True, slots=True)
class WebSettings:
    db: str | None = None  # --db PATH or a URL; None: BIHUAN_DATABASE_URL, else ./bihuan.db
    max_upload_mb: float = 20.0
    session_hours: float = 12.0
    secure_cookies: bool = False  # True behind HTTPS
    status: Settings = field(default_factory=Settings)
    today: Callable[[], dt.date] = dt.date.today  # the demo and the tests fix the date
    # Request bodies, refused with 413 before they are read (guard.py). A form's longest fields
    # (three 5000-character narratives, percent-encoded at 9 bytes a Chinese character) need
    # about 140 KB; the login form needs well under 4 KB; the upload adds multipart overhead.
    login_body_kb: int = 16
    form_body_kb: int = 256
    api_body_kb: int = 1024
    upload_overhead_kb: int = 64
    # Login throttling (track/logins.py): after `login_failures` failed logins for one name
    # within `login_window_minutes`, that name is locked for `login_lock_minutes`; the same for
    # one client address after `login_address_failures` (higher: many people share an office's
    # address behind NAT).
    login_failures: int = 5
    login_address_failures: int = 20
    login_window_minutes: float = 15.0
    login_lock_minutes: float = 15.0
    # Load shedding, per worker process (see bihuan.web.shed): requests served at once, how many
    # more may wait for a turn (holding no thread and no connection) and for how long; beyond
    # that a quick 503 with Retry-After.
    max_active: int = 16
    max_waiting: int = 256
    wait_seconds: float = 10.0
    # Database connections per worker: one per admitted request (a request never holds two), a
    # few spare; a request that still finds none within db_wait_seconds gets a 503, not a hang.
    db_wait_seconds: float = 5.0
    # An upload is read and extracted in a child process (bihuan.web.jobs): at most this many at
    # once, each killed after this many seconds (a real report takes under 1 s; a 3 MB one 7 s)
    # or past this much memory (a 3 MB text report peaks at 130 MB).
    import_workers: int = 2
    import_timeout_s: float = 60.0
    import_memory_mb: int = 1536
    # 督导: the 签收 deadline and the evidence files' types, size and count (track/data/supervise.toml)
    supervise: SuperviseSettings = field(default_factory=SuperviseSettings.load)
    # 督查通报: the issuing office, the 文号 and title patterns (track/data/bulletin.toml)
    bulletin: BulletinSettings = field(default_factory=BulletinSettings.load)
    # Reminders (bihuan.web.remind_schedule): "07:30" runs the rules daily at that local time and
    # the sender every remind_send_minutes; None: no schedule (cron `bihuan remind run` instead).
    remind_at: str | None = None
    remind_send_minutes: float = 5.0
    remind_rules: str | None = None  # a rules TOML file; None: the shipped rules
    assess_rules: str | None = None  # the 考核 rules TOML file (track/data/assess.toml); None: shipped

    @property
    def pool(self) -> Pool:
        return Pool(size=self.max_active, overflow=4, timeout=self.db_wait_seconds)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * MB)

    @property
    def throttle(self) -> Throttle:
        return Throttle(
            self.login_failures,
            self.login_address_failures,
            dt.timedelta(minutes=self.login_window_minutes),
            dt.timedelta(minutes=self.login_lock_minutes),
        )

    def body_limit(self, method: str, path: str) -> int:
        """The largest request body accepted for this route, in bytes."""
        if path.startswith("/api/"):
            return self.api_body_kb * KB
        if method == "POST" and path == "/import":
            return self.max_upload_bytes + self.upload_overhead_kb * KB
        if method == "POST" and EVIDENCE_PATH.fullmatch(path):
            files = self.supervise.attachment_max_bytes * self.supervise.attachment_max_files
            return files + self.upload_overhead_kb * KB + self.form_body_kb * KB
        if path == "/login":
            return self.login_body_kb * KB
        return self.form_body_kb * KB
