"""考核 on the web: the ranking and each unit's breakdown for the office and leaders, every point
linked to its task's page, and the 考核表 as Excel. Units are refused: the ranking compares
units, and the office decides when to tell them (a unit sees its tasks' events on its own pages).

The rules are the shipped ones, or the file of the web setting `assess_rules`."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from sqlalchemy.orm import Session

from bihuan.export.assess_xlsx import assessment_book
from bihuan.track.assess import Assessment, assess
from bihuan.track.assess_rules import AssessRules, rule_zh
from bihuan.track.current import PlanChoice, plan_choices
from bihuan.web.deps import Db, Me, form_date, plan_id, request_day, require
from bihuan.web.pages import known_ids, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(known_ids)])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EVENTS = 3000  # more events than this on one page: subtotals, and each unit's events on its own


@dataclass(frozen=True, slots=True)
class AssessPage:
    """What assess.html is given (besides me and csrf)."""

    pid: int
    on: dt.date
    plans: list[PlanChoice]
    result: Assessment
    unit: str | None  # the one unit whose breakdown is shown; None: every unit
    detail: bool  # every event listed; else each unit's subtotals by rule (a large plan)


def _assessment(request: Request, db: Session, plan: int | None, on: str | None) -> Assessment | None:
    pid = plan_id(db, plan)
    if pid is None:
        return None
    path = request.app.state.settings.assess_rules
    rules = AssessRules.load(Path(path) if path else None)
    day = form_date(on, "考核日期") or request_day(request)
    return assess(db, pid, day, rules, request.app.state.settings.status)


@router.get("/assess")
def assess_page(
    request: Request, db: Db, me: Me, plan: int | None = None, on: str | None = None, unit: str | None = None
) -> HTMLResponse:
    require(me, "admin", "leader")
    result = _assessment(request, db, plan, on)
    if result is None:
        return render(request, "empty.html", me)
    events = sum(len(u.events) for u in result.units)
    page = AssessPage(result.document_id, result.on, plan_choices(db), result, unit or None,
                      bool(unit) or events <= MAX_EVENTS)  # fmt: skip
    return render(request, "assess.html", me, page=page, rule_zh=rule_zh)


@router.get("/assess.xlsx")
def assess_xlsx(
    request: Request, db: Db, me: Me, plan: int | None = None, on: str | None = None
) -> StreamingResponse:
    require(me, "admin", "leader")
    result = _assessment(request, db, plan, on)
    if result is None:
        from bihuan.track.errors import TrackError

        raise TrackError("还没有计划，无可考核", "no plan yet")
    buf = io.BytesIO()
    assessment_book(result).save(buf)
    buf.seek(0)
    name = f"{result.region}{result.plan_year}年考核表（截至{result.on.isoformat()}）.xlsx"
    return StreamingResponse(
        buf, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    )
