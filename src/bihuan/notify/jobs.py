"""The reminder job as `bihuan remind run` and the server's schedule run it: evaluate and queue
(track), then send what is due (this layer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy.orm import Session

from bihuan.notify.config import NotifyConfig
from bihuan.notify.deliver import Attempt, deliver
from bihuan.track import remind
from bihuan.track.reminder_rules import Rules

Sessions = Callable[[], AbstractContextManager[Session]]


def remind_and_send(
    sessions: Sessions, on: dt.date, rules: Rules, config: NotifyConfig
) -> tuple[remind.Queued, list[Attempt]]:
    with sessions() as session:
        queued = remind.run(session, on, rules)
        return queued, deliver(session, rules, config)


def send_due(sessions: Sessions, rules: Rules, config: NotifyConfig) -> list[Attempt]:
    with sessions() as session:
        return deliver(session, rules, config)
