"""`bihuan serve` runs the reminder job in-process when `remind_at` is set: the rules once a day
at that time (local time) and the sender every `remind_send_minutes` (retries and anything
queued since), with APScheduler's BackgroundScheduler.

With several workers (or several servers on one PostgreSQL) every worker runs the same jobs:
that is safe — reminders are unique by their dedupe key (a second run adds nothing) and a sender
only sends the outbox rows it claimed (FOR UPDATE SKIP LOCKED / a lease), so each message goes
out once."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from bihuan.track.errors import TrackError

log = logging.getLogger("bihuan.remind")
_AT = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_at(text: str) -> tuple[int, int]:
    """ "07:30" → (7, 30)."""
    m = _AT.fullmatch(text.strip())
    if m is None:
        raise TrackError(
            f"提醒时间应形如 07:30，收到“{text}”", f"remind time must look like 07:30, got {text!r}"
        )
    return int(m.group(1)), int(m.group(2))


def start_schedule(app: Any) -> Any:
    """Start the jobs if the settings ask for them; returns the scheduler (None when off)."""
    settings = app.state.settings
    if not settings.remind_at:
        return None
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from bihuan.notify.config import NotifyConfig
    from bihuan.notify.jobs import remind_and_send, send_due
    from bihuan.track.reminder_rules import Rules

    hour, minute = parse_at(settings.remind_at)
    rules = Rules.load(Path(settings.remind_rules) if settings.remind_rules else None)
    config = NotifyConfig.from_env()
    sessions = app.state.ledger.sessions

    def daily() -> None:
        queued, sent = remind_and_send(sessions, settings.today(), rules, config)
        log.info("reminders: %d queued, %d sent", len(queued.reminders), sum(a.ok for a in sent))

    def often() -> None:
        send_due(sessions, rules, config)

    scheduler = BackgroundScheduler(daemon=True)
    # coalesce: a server that was down at 07:30 runs the day's job once when it is back (within the grace)
    scheduler.add_job(daily, CronTrigger(hour=hour, minute=minute), id="remind", coalesce=True,
                      max_instances=1, misfire_grace_time=6 * 3600)  # fmt: skip
    scheduler.add_job(often, IntervalTrigger(minutes=settings.remind_send_minutes), id="send",
                      coalesce=True, max_instances=1)  # fmt: skip
    scheduler.start()
    app.state.remind_scheduler = scheduler
    return scheduler
