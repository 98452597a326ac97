"""Suggesting who leads a task and who cooperates, and recording what a person decides."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Assignment, TaskRow
from bihuan.track.assign_learn import ledger_model
from bihuan.track.assign_match import Matcher, Suggestion
from bihuan.track.directory import DirectoryUnit, ensure_directory, find_unit
from bihuan.track.errors import TrackError
from bihuan.track.plans import find_task
from bihuan.track.tx import transaction

__all__ = ["Matcher", "Suggestion"]


def parse_milestone(text: str) -> dict[str, Any]:
    """`2022-06-30:50` or `2022-06-30:50%:主体完工` → {"due", "pct", "label"}."""
    parts = [p.strip() for p in re.split(r"[:：]", text.strip(), maxsplit=2)]
    try:
        due = dt.date.fromisoformat(parts[0])
        pct = float(parts[1].rstrip("%％")) if len(parts) > 1 and parts[1] else None
    except ValueError as e:
        raise TrackError(
            f"节点“{text}”格式不对，应为 日期:进度%[:说明]，如 2022-06-30:50%:主体完工",
            f"milestone {text!r} should be DATE:PCT[:LABEL], e.g. 2022-06-30:50%:done",
        ) from e
    if pct is not None and not 0 <= pct <= 100:
        raise TrackError(f"节点进度须在 0–100 之间：{text}", f"milestone percent must be 0-100: {text}")
    return {"due": due.isoformat(), "pct": pct, "label": parts[2] if len(parts) > 2 else None}


def milestone_text(m: dict[str, Any]) -> str:
    """A stored milestone as parse_milestone reads it back: `2022-06-30:50%:主体完工`."""
    pct = m.get("pct")
    text = str(m.get("due", ""))
    if pct is not None or m.get("label"):
        text += ":" + (f"{float(pct):g}%" if pct is not None else "")
    if m.get("label"):
        text += f":{m['label']}"
    return text


def milestones_text(stones: Sequence[dict[str, Any]]) -> str:
    """A task's milestones on one line, separated by ；(what a form field shows)."""
    return "；".join(milestone_text(m) for m in stones)


def milestone_lines(text: str) -> list[str]:
    """Milestones typed in a form: one per line or separated by ；/;."""
    return [p.strip() for p in re.split(r"[\n；;]", text) if p.strip()]


def record(
    session: Session,
    *,
    document_id: int,
    task_key: str,
    lead: DirectoryUnit,
    cooperating: Sequence[DirectoryUnit] = (),
    leader: str | None = None,
    deadline: dt.date | None = None,
    milestones: Sequence[dict[str, Any]] = (),
    origin: str = "set",
    reason: str | None = None,
    user: str,
) -> Assignment:
    """Add an assignment row (the task's newest). Call inside a transaction."""
    coop_ids = [u.id for u in cooperating if u.id != lead.id]
    row = Assignment(
        document_id=document_id,
        task_key=task_key,
        lead_unit_id=lead.id,
        cooperating_unit_ids=list(dict.fromkeys(coop_ids)),
        leader=(leader or "").strip() or None,
        deadline=deadline,
        milestones=sorted(milestones, key=lambda m: str(m["due"])),
        origin=origin,
        reason=reason,
        created_by=user,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class TaskSuggestion:
    task: TaskRow
    suggestion: Suggestion
    current: Assignment | None


def suggest_plan(session: Session, document_id: int, user: str) -> list[TaskSuggestion]:
    """A suggestion for every task of the plan's newest revision, beside its current assignment."""
    units = ensure_directory(session, user)
    matcher = Matcher(units, ledger_model(session, units, document_id))
    rev = queries.latest_revision(session, document_id)
    if rev is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    current = queries.current_assignments(session, document_id)
    return [
        TaskSuggestion(t, matcher.suggest(t.text, t.area, (document_id, t.key)), current.get(t.key))
        for t in queries.tasks(session, rev.id)
    ]


def confirm(session: Session, document_id: int, refs: Sequence[str], user: str) -> tuple[int, list[int]]:
    """Accept the suggestion for the given tasks (all unassigned ones if `refs` is empty).
    Returns (assigned, numbers of tasks with no suggestion). One transaction."""
    items = suggest_plan(session, document_id, user)
    wanted: set[int] | None = None
    if refs:
        wanted = set()
        for ref in refs:
            task = find_task(session, document_id, ref)
            if task is None:
                raise TrackError(f"任务“{ref}”不存在", f"unknown task {ref!r}")
            wanted.add(task.number)
    done, skipped = 0, []
    with transaction(session):
        for it in items:
            if wanted is None and it.current is not None:
                continue
            if wanted is not None and it.task.number not in wanted:
                continue
            s = it.suggestion
            if s.lead is None:
                skipped.append(it.task.number)
                continue
            record(
                session,
                document_id=document_id,
                task_key=it.task.key,
                lead=s.lead,
                cooperating=s.cooperating,
                deadline=it.task.deadline,
                origin="confirmed",
                reason=s.reason,
                user=user,
            )
            done += 1
    return done, skipped


def set_assignment(
    session: Session,
    document_id: int,
    ref: str,
    *,
    lead: str | None,
    cooperating: Sequence[str] | None,
    leader: str | None,
    deadline: dt.date | None,
    milestones: Sequence[str] | None,
    user: str,
) -> Assignment:
    """Change a task's assignment; what is not given is kept from the current one."""
    units = ensure_directory(session, user)
    task = find_task(session, document_id, ref)
    if task is None:
        raise TrackError(f"任务“{ref}”不存在", f"unknown task {ref!r}")
    current = queries.current_assignments(session, document_id).get(task.key)
    by_id = {u.id: u for u in units}
    if lead is not None:
        lead_unit = find_unit(units, lead)
    elif current is not None:
        lead_unit = by_id[current.lead_unit_id]
    else:
        raise TrackError(
            f"任务 {task.number} 尚未分配，请用 --lead 指定牵头单位", "task not assigned yet: give --lead"
        )
    if cooperating is not None:
        coop = [find_unit(units, c) for c in cooperating if c.strip()]
    else:
        coop = [by_id[i] for i in (current.cooperating_unit_ids if current else []) if i in by_id]
    stones = (
        [parse_milestone(m) for m in milestones]
        if milestones is not None
        else (list(current.milestones) if current else [])
    )
    with transaction(session):
        return record(
            session,
            document_id=document_id,
            task_key=task.key,
            lead=lead_unit,
            cooperating=coop,
            leader=leader if leader is not None else (current.leader if current else None),
            deadline=deadline or (current.deadline if current else None) or task.deadline,
            milestones=stones,
            origin="set",
            user=user,
        )
