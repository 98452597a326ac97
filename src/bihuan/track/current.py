"""The current plan: the one every page and command works on unless told otherwise.

The office chooses it (a CurrentPlan row; the newest holds). Until the office has chosen, the
current plan is the only plan, else the newest plan that has been handed over (交办), else the
newest plan. Once the office has chosen, its choice holds: importing another report never
makes that report everyone's default, even after it is handed over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import CurrentPlan, Document, Handover
from bihuan.track.errors import TrackError
from bihuan.track.tx import transaction

How = Literal["chosen", "only", "handed over", "newest"]
HOW_ZH: dict[str, str] = {
    "chosen": "督查室设定",
    "only": "唯一的计划",
    "handed over": "督查室尚未设定，取最近交办的计划",
    "newest": "督查室尚未设定，取最近导入的计划",
}


@dataclass(frozen=True, slots=True)
class Current:
    document_id: int
    how: How
    chosen_by: str | None = None

    @property
    def how_zh(self) -> str:
        return HOW_ZH[self.how]


@dataclass(frozen=True, slots=True)
class PlanChoice:
    """A plan as a plan selector lists it."""

    id: int
    label: str
    current: bool


def current(session: Session) -> Current | None:
    """The current plan and how it was decided; None when there is no plan (at most 3 queries)."""
    row = session.scalar(select(CurrentPlan).order_by(CurrentPlan.id.desc()).limit(1))
    if row is not None:
        return Current(row.document_id, "chosen", row.created_by)
    ids = session.scalars(select(Document.id).order_by(Document.id.desc()).limit(2)).all()
    if not ids:
        return None
    if len(ids) == 1:
        return Current(ids[0], "only")
    handed = session.scalar(select(func.max(Handover.document_id)))
    if handed is not None:
        return Current(handed, "handed over")
    return Current(ids[0], "newest")


def current_plan(session: Session) -> int | None:
    """The id of the current plan (None when there is no plan at all)."""
    c = current(session)
    return c.document_id if c else None


def set_current_plan(session: Session, document_id: int, user: str) -> bool:
    """The office makes a plan the current one. Returns False (and adds nothing) when it already
    was the office's choice. One transaction."""
    if queries.document(session, document_id) is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan {document_id}")
    if queries.current_plan_id(session) == document_id:
        return False
    with transaction(session):
        session.add(CurrentPlan(document_id=document_id, created_by=user))
    return True


def plan_choices(session: Session) -> list[PlanChoice]:
    """Every plan for a plan selector, newest year first, the current one marked."""
    cur = current_plan(session)
    return [
        PlanChoice(d.id, f"{d.region} {d.plan_year} 年" + ("（当前）" if d.id == cur else ""), d.id == cur)
        for d in queries.documents(session)
    ]
