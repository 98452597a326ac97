"""The office's contact pages: units with their email and group-robot webhooks, users with
their email. Admin only. A bad entry answers 400 with the page itself, the message beside the
row and the row's fields as typed; the 钉钉 secret is never shown back (an empty secret field
keeps the saved one)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from bihuan.ledger.models import Unit, User
from bihuan.track import contacts
from bihuan.track.errors import TrackError
from bihuan.track.users import ROLE_ZH
from bihuan.web.deps import Db, Me, check_csrf, form_text, require
from bihuan.web.pages import known_ids, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(known_ids)])


def _units_page(
    request: Request, db: Db, me: Any, saved: int | None = None, typed: dict[str, Any] | None = None
) -> HTMLResponse:
    return render(request, "admin_units.html", me, units=contacts.unit_lines(db), saved=saved,
                  typed=typed or {})  # fmt: skip


@router.get("/admin/units")
def units_page(request: Request, db: Db, me: Me, saved: int | None = None) -> HTMLResponse:
    require(me, "admin")
    return _units_page(request, db, me, saved)


@router.post("/admin/units/{unit_id}/contacts", response_model=None)
async def save_contacts(request: Request, db: Db, me: Me, unit_id: int) -> RedirectResponse | HTMLResponse:
    require(me, "admin")
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    if db.get(Unit, unit_id) is None:
        raise HTTPException(404, "no such unit")
    given: dict[str, object] = {f: form_text(form, f, contacts.LIMITS[f] + 100) for f in contacts.FIELDS}
    clear_secret = form.get("secret_action") == "clear"
    if clear_secret:
        given["dingtalk_secret"] = ""
    try:
        contacts.set_contact(db, unit_id, given, me.name, keep_blank_secret=not clear_secret)
    except TrackError as e:
        typed = {
            "unit_id": unit_id,
            "error": e.zh,
            **{f: given[f] for f in contacts.FIELDS if f != "dingtalk_secret"},
        }
        resp = _units_page(request, db, me, typed=typed)
        resp.status_code = 400
        return resp
    return RedirectResponse(f"/admin/units?saved={unit_id}#unit-{unit_id}", status_code=303)


def _users_page(
    request: Request, db: Db, me: Any, saved: int | None = None, typed: dict[str, Any] | None = None
) -> HTMLResponse:
    return render(request, "admin_users.html", me, users=contacts.users(db), saved=saved, typed=typed or {},
                  roles=ROLE_ZH)  # fmt: skip


@router.get("/admin/users")
def users_page(request: Request, db: Db, me: Me, saved: int | None = None) -> HTMLResponse:
    require(me, "admin")
    return _users_page(request, db, me, saved)


@router.post("/admin/users/{user_id}/email", response_model=None)
async def save_email(request: Request, db: Db, me: Me, user_id: int) -> RedirectResponse | HTMLResponse:
    require(me, "admin")
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))  # type: ignore[arg-type]
    if db.get(User, user_id) is None:
        raise HTTPException(404, "no such user")
    email = form_text(form, "email", contacts.LIMITS["email"] + 100)
    try:
        contacts.set_user_email(db, user_id, email, me.name)
    except TrackError as e:
        resp = _users_page(request, db, me, typed={"user_id": user_id, "email": email, "error": e.zh})
        resp.status_code = 400
        return resp
    return RedirectResponse(f"/admin/users?saved={user_id}#user-{user_id}", status_code=303)
