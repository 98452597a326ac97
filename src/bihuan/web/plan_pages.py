"""Plan control: the office makes a plan the current one; the plan selector of the assignment
table. Every page with a plan defaults to the current plan (track.current)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from bihuan.track.current import set_current_plan
from bihuan.web.deps import Db, Me, check_csrf, plan_id, require
from bihuan.web.pages import known_ids

router = APIRouter(include_in_schema=False, dependencies=[Depends(known_ids)])


@router.post("/plans/{pid}/current")
async def make_current(request: Request, db: Db, me: Me, pid: int) -> RedirectResponse:
    require(me, "admin")
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    set_current_plan(db, pid, me.name)
    return RedirectResponse(f"/dashboard?plan={pid}", status_code=303)


@router.get("/assign")
def assign_of(db: Db, me: Me, plan: int | None = None) -> RedirectResponse:
    """The plan selector of the assignment table: the chosen plan's table (else the current one)."""
    require(me, "admin", "leader")
    pid = plan_id(db, plan)
    return RedirectResponse(f"/plans/{pid}/assign" if pid else "/dashboard", status_code=303)
