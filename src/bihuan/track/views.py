"""Read-only views of the ledger for the faces: the 任务分解表 and a unit's progress sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.track.errors import TrackError
from bihuan.track.measures import FILL, measure_of


@dataclass(frozen=True, slots=True)
class Quantity:
    key: str
    name: str
    value: float | None
    unit: str | None
    text: str  # 建成高标准农田 34万亩
    fill: str = "填累计完成值"  # what a report gives: a flow's cumulative value, else the latest


@dataclass(frozen=True, slots=True)
class TaskLine:
    number: int
    key: str
    area: str
    text: str
    lead: str | None
    cooperating: tuple[str, ...]
    leader: str | None
    deadline: dt.date | None
    quantities: tuple[Quantity, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    document_id: int
    region: str
    plan_year: int
    revision: int
    title: str | None
    tasks: tuple[TaskLine, ...]


def _fmt(value: float | None, unit: str | None) -> str:
    if value is None:
        return ""
    return f"{value:g}{unit or ''}"


def plan_view(session: Session, document_id: int) -> PlanView:
    doc = queries.document(session, document_id)
    rev = queries.latest_revision(session, document_id)
    if doc is None or rev is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    inds = {i.iid: i for i in queries.indicators(session, rev.id)}
    assigned = queries.current_assignments(session, document_id)
    names = {u.id: u.name for u in queries.units(session)}
    lines = []
    for t in queries.tasks(session, rev.id):
        a = assigned.get(t.key)
        qs = []
        for iid in t.indicator_iids:
            i = inds.get(iid)
            if i is None:
                continue
            text = i.name + (
                _fmt(i.value, i.unit) or (f"增长{i.growth_pct:g}%" if i.growth_pct is not None else "")
            )
            qs.append(
                Quantity(i.key, i.name, i.value, i.unit, text, FILL[measure_of(i.name, i.unit, i.qualifier)])
            )
        lines.append(
            TaskLine(
                t.number,
                t.key,
                t.area or "其他",
                t.text,
                names.get(a.lead_unit_id) if a else None,
                tuple(names.get(u, "?") for u in a.cooperating_unit_ids) if a else (),
                a.leader if a else None,
                (a.deadline if a else None) or t.deadline,
                tuple(qs),
            )
        )
    return PlanView(doc.id, doc.region, doc.plan_year, rev.number, rev.title, tuple(lines))


def unit_tasks(view: PlanView, unit: str) -> tuple[TaskLine, ...]:
    """The tasks a unit leads or cooperates on."""
    return tuple(t for t in view.tasks if t.lead == unit or unit in t.cooperating)
