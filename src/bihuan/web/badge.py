"""The 待办 badge on the navigation of every page: how many things the viewer has to act on.

A Jinja context processor, so every page rendered with the app's templates gets `todo_count`.
It uses the route's own database session (a request never holds two connections) and is cached
by the ledger's stamp: an unchanged ledger costs one query per page. It runs only in a worker
thread: an error page rendered on the event loop shows no badge rather than wait for the
database there.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Request

from bihuan.ledger import queries
from bihuan.track.todo import todo_counts


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def todo_badge(request: Request) -> dict[str, Any]:
    person = getattr(request.state, "person", None)
    db = getattr(request.state, "db", None)
    if person is None or db is None or _on_event_loop():
        return {}
    app = request.app
    day = app.state.settings.today()
    try:
        key = ("todo", person, day, queries.stamp(db))
        count = app.state.todo_cache.get(key, lambda: todo_counts(db, person, day, app.state.settings.status))
    except Exception:  # the badge never breaks the page it decorates
        db.rollback()
        return {}
    return {"todo_count": count}
