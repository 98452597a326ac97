"""The office's 消息发送 page: whether email is on, what is queued, sent and given up, and the
messages that keep failing, with the reason."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bihuan.notify.config import SMTP_URL_ENV, NotifyConfig
from bihuan.track.errors import TrackError
from bihuan.track.outbox import CHANNEL_ZH, CHANNELS, overview
from bihuan.web.app import templates
from bihuan.web.deps import Db, Me, require

router = APIRouter(include_in_schema=False)


@router.get("/admin/outbox")
def outbox_page(request: Request, db: Db, me: Me) -> HTMLResponse:
    require(me, "admin")
    view = overview(db)
    try:
        config = NotifyConfig.from_env()
        smtp, problem = (config.smtp.shown if config.smtp else None), None
        schedule = request.app.state.settings.remind_at
    except TrackError as e:
        smtp, problem, schedule = None, e.zh, None
    return templates.TemplateResponse(
        request,
        "outbox.html",
        {"me": me, "csrf": getattr(request.state, "csrf", None), "view": view, "smtp": smtp, "problem": problem,
         "env": SMTP_URL_ENV, "channels": CHANNELS, "channel_zh": CHANNEL_ZH, "schedule": schedule},
    )  # fmt: skip
