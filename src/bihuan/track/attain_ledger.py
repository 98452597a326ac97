"""兑现 for plans in the ledger: a plan as stored, the same region's plan of the next year, and
the attainment of a plan once that next-year report has been imported."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.extract import Plan
from bihuan.ledger import queries
from bihuan.ledger.models import Document
from bihuan.track.attain import Attainment, attain
from bihuan.track.attain_settings import AttainSettings
from bihuan.track.attain_views import figure_text


@dataclass(frozen=True, slots=True)
class StoredPlan:
    document_id: int
    region: str
    plan_year: int
    source_name: str
    plan: Plan


LIGHT = {"met": "green", "not_met": "red", "not_stated": ""}


@dataclass(frozen=True, slots=True)
class AttainLine:
    """One target as the pages show it: words, not indicator fields."""

    name: str
    target: str
    actual: str
    status: str
    status_zh: str
    light: str  # green: met, red: not met, "": not stated
    why: str
    target_quote: str
    actual_quote: str


@dataclass(frozen=True, slots=True)
class PlanAttainment:
    """A plan's targets against the next year's report (`new`)."""

    old: StoredPlan
    new: StoredPlan
    rows: tuple[Attainment, ...]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def lines(self) -> list[AttainLine]:
        return [
            AttainLine(
                r.name,
                figure_text(r.target)
                + ("" if r.target.period == str(self.old.plan_year) else f"（{r.target.period}）"),
                figure_text(r.actual) if r.actual else "—",
                r.status,
                r.status_zh,
                LIGHT[r.status],
                r.why_zh(),
                r.target.quote,
                r.actual.quote if r.actual else "",
            )
            for r in self.rows
        ]


def stored_plan(session: Session, document_id: int) -> StoredPlan | None:
    """The plan of the document's newest revision, its region and plan year those of the ledger
    (which an import may have set by hand); None for an unknown id."""
    document = queries.document(session, document_id)
    revision = queries.latest_revision(session, document_id) if document is not None else None
    if document is None or revision is None:
        return None
    plan = Plan.from_dict(json.loads(revision.plan_json))
    doc = dataclasses.replace(plan.document, region=document.region, plan_year=document.plan_year)
    return StoredPlan(
        document.id,
        document.region,
        document.plan_year,
        revision.source_name,
        dataclasses.replace(plan, document=doc),
    )


def next_year_plan(session: Session, document_id: int) -> int | None:
    """The id of the same region's plan of the following year, if the ledger holds it."""
    document = queries.document(session, document_id)
    if document is None:
        return None
    return session.scalar(
        select(Document.id).where(
            Document.region == document.region, Document.plan_year == document.plan_year + 1
        )
    )


def plan_attainment(
    session: Session, document_id: int, settings: AttainSettings | None = None
) -> PlanAttainment | None:
    """The plan's 兑现 once the ledger holds the same region's report of the next year; else None."""
    new_id = next_year_plan(session, document_id)
    if new_id is None:
        return None  # the usual case on every dashboard: no plan is read
    old, new = stored_plan(session, document_id), stored_plan(session, new_id)
    if old is None or new is None:
        return None
    return PlanAttainment(old, new, tuple(attain(old.plan, new.plan, settings)))
