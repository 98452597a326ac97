"""Evidence for the matcher from what offices decided: the ledger's confirmed and changed
assignments (every plan's), and published 任务分解表 loaded with `bihuan assign learn`."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bihuan.ledger.models import AssignEvidence, Assignment, Revision, TaskRow
from bihuan.track.assign_evidence import Evidence, NeighbourModel
from bihuan.track.directory import DirectoryUnit
from bihuan.track.errors import RowErrors, TrackError
from bihuan.track.tx import transaction

# what a 任务分解表 puts around a unit's name: 县/市 before it, (牵头) after it
_PREFIX = re.compile(r"^(?:[县市区旗]委?(?:政府)?)")
_NOTE = re.compile(r"[（(][^）)]*[）)]$")


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row of a published 任务分解表: its task and the units as the table names them."""

    row: int
    text: str
    lead: str
    cooperating: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LearnResult:
    added: int
    already: int  # rows this source had given before
    unknown: tuple[str, ...]  # lead units the directory does not know (their rows are kept)


def resolve(units: Sequence[DirectoryUnit], name: str) -> DirectoryUnit | None:
    """A unit as a table names it: 县发改局, 发展和改革局（牵头）, 县委宣传部 …"""
    wanted = name.strip()
    for candidate in (wanted, _NOTE.sub("", wanted).strip()):
        for text in (candidate, _PREFIX.sub("", candidate)):
            for u in units:
                if text and text in u.names:
                    return u
    return None


def ledger_evidence(session: Session, units: Sequence[DirectoryUnit]) -> list[Evidence]:
    """Every plan's tasks with their current assignment, and every loaded table's rows."""
    by_id = {u.id: u for u in units}
    newest = select(func.max(Assignment.id)).group_by(Assignment.document_id, Assignment.task_key)
    rows = session.execute(
        select(Assignment, TaskRow.text)
        .join(Revision, Revision.document_id == Assignment.document_id)
        .join(TaskRow, (TaskRow.revision_id == Revision.id) & (TaskRow.key == Assignment.task_key))
        .where(Assignment.id.in_(newest))
        .order_by(Assignment.id, Revision.number.desc())
    ).all()
    out: list[Evidence] = []
    seen: set[int] = set()
    for a, text in rows:
        lead = by_id.get(a.lead_unit_id)
        if a.id in seen or lead is None:
            continue
        seen.add(a.id)
        coop = tuple(by_id[i].name for i in a.cooperating_unit_ids if i in by_id)
        out.append(
            Evidence(
                text,
                lead.name,
                coop,
                f"计划 {a.document_id}",
                (a.document_id, a.task_key),
                a.origin == "confirmed",
            )
        )
    for e in session.scalars(select(AssignEvidence).order_by(AssignEvidence.id)):
        unit = resolve(units, e.lead)
        if unit is not None:
            coop = tuple(u.name for u in (resolve(units, c) for c in e.cooperating) if u is not None)
            out.append(Evidence(e.text, unit.name, coop, e.source))
    return out


def ledger_model(
    session: Session, units: Sequence[DirectoryUnit], plan: int | None = None
) -> NeighbourModel | None:
    """The model of the ledger's evidence for suggesting the tasks of `plan`: every decision of
    other plans and every loaded table row, and of `plan` itself only the office's changes — the
    suggestions it accepted as they were are the matcher's own answers, not evidence. Built once
    per state of the ledger: while no assignment, revision, loaded row or unit changes, the same
    (fitted) model serves every suggestion run."""
    state = select(
        *(
            select(f(col)).scalar_subquery()
            for col in (
                Assignment.id,
                Assignment.created_at,
                AssignEvidence.id,
                AssignEvidence.created_at,
                Revision.id,
                Revision.created_at,
            )
            for f in (func.count, func.max)
        )
    )
    bind = session.get_bind()
    url = str(bind.engine.url)
    stamp = (url, tuple(session.execute(state).one()), tuple(units), plan)
    with _models_lock:
        if stamp in _models:
            return _models[stamp]
    items = [
        e
        for e in ledger_evidence(session, units)
        if not (e.accepted and e.key is not None and e.key[0] == plan)
    ]
    model = NeighbourModel(items) if items else None
    with _models_lock:
        if len(_models) >= MODELS_KEPT:
            _models.pop(next(iter(_models)))
        _models[stamp] = model
    return model


MODELS_KEPT = 8  # ledgers (or states of one) whose model is kept in memory
_models: dict[object, NeighbourModel | None] = {}
_models_lock = threading.Lock()


def learn_table(
    session: Session, rows: Sequence[TableRow], source: str, units: Sequence[DirectoryUnit], user: str
) -> LearnResult:
    """Store a 任务分解表's rows as evidence (one transaction; a row this source gave before is
    not stored twice). Rows without a task or a lead unit reject the whole table."""
    problems = [
        (r.row, "缺少重点任务或牵头单位", "missing task text or lead unit")
        for r in rows
        if not r.text.strip() or not r.lead.strip()
    ]
    if problems:
        raise RowErrors(problems, "任务分解表", "task table")
    if not rows:
        raise TrackError("任务分解表中没有任务行", "the task table has no task rows")
    added = already = 0
    with transaction(session):
        have = {
            (t, lead)
            for t, lead in session.execute(
                select(AssignEvidence.text, AssignEvidence.lead).where(AssignEvidence.source == source)
            )
        }
        for r in rows:
            key = (r.text.strip(), r.lead.strip())
            if key in have:
                already += 1
                continue
            have.add(key)
            session.add(
                AssignEvidence(
                    text=key[0],
                    lead=key[1],
                    cooperating=[c.strip() for c in r.cooperating if c.strip()],
                    source=source,
                    row=r.row,
                    created_by=user,
                )
            )
            added += 1
    unknown = tuple(dict.fromkeys(r.lead.strip() for r in rows if resolve(units, r.lead) is None))
    return LearnResult(added, already, unknown)
