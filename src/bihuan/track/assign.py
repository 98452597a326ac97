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
from bihuan.track.directory import DirectoryUnit, ensure_directory, find_unit
from bihuan.track.errors import TrackError
from bihuan.track.plans import find_task
from bihuan.track.tx import transaction

AREA_WEIGHT = 0.3  # words of the work area's heading count, but less than the task's own words
NAME_WEIGHT = 6.0  # a unit named in the task (由县发改局牵头) outweighs any keyword
COOPERATE_SHARE = 0.35  # a unit scoring this share of the lead's score is suggested to cooperate
MAX_COOPERATING = 3


@dataclass(frozen=True, slots=True)
class Suggestion:
    lead: DirectoryUnit | None
    cooperating: tuple[DirectoryUnit, ...]
    reason: str
    scores: tuple[tuple[str, float], ...] = ()


class Matcher:
    """All units' keywords and names in one pattern, matched longest first without overlaps."""

    def __init__(self, units: Sequence[DirectoryUnit]) -> None:
        self.units = list(units)
        self.owners: dict[str, list[tuple[int, float]]] = {}
        for k, u in enumerate(self.units):
            for name in u.names:
                self.owners.setdefault(name, []).append((k, NAME_WEIGHT))
            for word in u.keywords:
                self.owners.setdefault(word, []).append((k, _weight(word)))
        words = sorted(self.owners, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None

    def suggest(self, text: str, area: str | None = None) -> Suggestion:
        scores = [0.0] * len(self.units)
        hits: list[list[str]] = [[] for _ in self.units]
        for part, factor in ((text, 1.0), (area or "", AREA_WEIGHT)):
            if not part or self.pattern is None:
                continue
            for m in self.pattern.finditer(part):
                for k, w in self.owners[m.group()]:
                    scores[k] += w * factor
                    if m.group() not in hits[k]:
                        hits[k].append(m.group())
        ranked = sorted(range(len(self.units)), key=lambda k: (-scores[k], k))
        if not ranked or scores[ranked[0]] <= 0:
            return Suggestion(None, (), "没有匹配到任何单位的关键词，请人工指定")
        lead = ranked[0]
        coop = [k for k in ranked[1 : MAX_COOPERATING + 1] if scores[k] >= COOPERATE_SHARE * scores[lead]]
        reason = "；".join(
            f"{self.units[k].short or self.units[k].name}：{'、'.join('“' + h + '”' for h in hits[k][:5])}"
            for k in (lead, *coop)
        )
        table = tuple((self.units[k].name, round(scores[k], 2)) for k in ranked if scores[k] > 0)
        return Suggestion(self.units[lead], tuple(self.units[k] for k in coop), reason, table)


def _weight(word: str) -> float:
    """Longer keywords are more specific: 高标准农田 says more than 农业."""
    return 1.0 + 0.5 * max(0, len(word) - 2)


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
    matcher = Matcher(units)
    rev = queries.latest_revision(session, document_id)
    if rev is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    current = queries.current_assignments(session, document_id)
    return [
        TaskSuggestion(t, matcher.suggest(t.text, t.area), current.get(t.key))
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
