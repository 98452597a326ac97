"""An uploaded report under review: each correction (a figure, merging or splitting tasks) is a
new draft row, so nothing typed is lost; confirming imports the corrected plan."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bihuan.extract import Plan, Task, extract_text
from bihuan.ledger.models import Draft, DraftConfirmation
from bihuan.track.errors import TrackError
from bihuan.track.plans import ImportResult, import_plan
from bihuan.track.tx import transaction


def start(session: Session, text: str, source_name: str, source_format: str | None, user: str) -> Draft:
    plan = extract_text(text, source_format)
    return _save(session, None, source_name, source_format, text, _json(plan), "上传", user)


def start_extracted(
    session: Session, text: str, source_name: str, source_format: str | None, plan_json: str, user: str
) -> int:
    """Store a draft whose plan was extracted elsewhere (the web face extracts in a child process
    and hands over ``json.dumps(extract_text(text, source_format).to_dict())``); its id. (Only
    the id: reading back a large report's row just to name it would cost as much as writing it.)"""
    if not plan_json.startswith("{"):
        raise TrackError("读出的计划格式不对", "the extracted plan is not a JSON object")
    return _save(session, None, source_name, source_format, text, plan_json, "上传", user).id


def _json(plan: Plan) -> str:
    return json.dumps(plan.to_dict(), ensure_ascii=False)


def _save(
    session: Session,
    parent: Draft | None,
    name: str,
    fmt: str | None,
    text: str,
    plan_json: str,
    note: str,
    user: str,
) -> Draft:
    with transaction(session):
        d = Draft(
            parent_id=parent.id if parent else None,
            source_name=name[:500],
            source_format=fmt,
            text=text,
            plan_json=plan_json,
            note=note,
            created_by=user,
        )
        session.add(d)
        session.flush()
    return d


def get(session: Session, draft_id: int) -> tuple[Draft, Plan]:
    d = draft(session, draft_id)
    return d, Plan.from_dict(json.loads(d.plan_json))


def draft(session: Session, draft_id: int) -> Draft:
    d = session.get(Draft, draft_id)
    if d is None:
        raise TrackError("没有这份待确认的报告", "no such draft")
    return d


def plan_part(d: Draft, keep: Callable[[tuple[int, int]], bool]) -> tuple[Plan, int, int]:
    """The draft's plan holding only the figures and tasks whose span `keep` accepts, and the
    whole plan's numbers of figures and tasks: a page of a large report's review builds a few
    hundred objects, not every one of its tens of thousands."""
    data = json.loads(d.plan_json)
    counts = len(data["indicators"]), len(data["tasks"])
    for kind in ("indicators", "tasks"):
        data[kind] = [x for x in data[kind] if keep((x["span"][0], x["span"][1]))]
    return Plan.from_dict(data), *counts


def _number(text: str, what: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError as e:
        raise TrackError(f"{what}应为数字，收到“{text[:20]}”", f"{what}: not a number") from e
    if not math.isfinite(value):
        raise TrackError(f"{what}应为有限的数字", f"{what}: not a finite number")
    return value


def correct_figure(
    session: Session, draft_id: int, iid: str, name: str, value: str, unit: str, growth: str, user: str
) -> Draft:
    d, plan = get(session, draft_id)
    inds = {i.id: i for i in plan.indicators}
    if iid not in inds:
        raise TrackError(f"没有指标 {iid}", f"no indicator {iid}")
    name = name.strip()
    if not name or len(name) > 200:
        raise TrackError("指标名称不能为空，且不超过 200 字", "the name must be 1-200 characters")
    fixed = replace(
        inds[iid],
        name=name,
        value=_number(value, "数值"),
        unit=unit.strip()[:40] or None,
        growth_pct=_number(growth, "增速"),
    )
    if fixed.value is None and fixed.growth_pct is None:
        raise TrackError("数值和增速不能都为空", "give a value or a growth")
    new = replace(plan, indicators=tuple(fixed if i.id == iid else i for i in plan.indicators))
    return _save(session, d, d.source_name, d.source_format, d.text, _json(new), f"更正指标 {iid}", user)


def merge_tasks(session: Session, draft_id: int, tid: str, user: str) -> Draft:
    """Merge a task with the one after it in the same section."""
    d, plan = get(session, draft_id)
    tasks = list(plan.tasks)
    k = next((n for n, t in enumerate(tasks) if t.id == tid), None)
    if k is None or k + 1 >= len(tasks) or tasks[k + 1].section != tasks[k].section:
        raise TrackError(
            "只能与同一工作领域中的下一项任务合并", "a task merges only with the next one in its section"
        )
    a, b = tasks[k], tasks[k + 1]
    merged = replace(
        a,
        text=f"{a.text}；{b.text}",
        span=(min(a.span[0], b.span[0]), max(a.span[1], b.span[1])),
        indicators=tuple(dict.fromkeys(a.indicators + b.indicators)),
        deadline=max(filter(None, (a.deadline, b.deadline)), default=None),
    )
    tasks[k : k + 2] = [merged]
    return _save(
        session,
        d,
        d.source_name,
        d.source_format,
        d.text,
        _json(_renumber(plan, tasks)),
        f"合并任务 {a.id}、{b.id}",
        user,
    )


def split_task(session: Session, draft_id: int, tid: str, at: str, user: str) -> Draft:
    """Split a task before the words `at` (which must stand inside its text)."""
    d, plan = get(session, draft_id)
    tasks = list(plan.tasks)
    k = next((n for n, t in enumerate(tasks) if t.id == tid), None)
    if k is None:
        raise TrackError(f"没有任务 {tid}", f"no task {tid}")
    t = tasks[k]
    at = at.strip()
    pos = t.text.find(at) if at else -1
    if pos <= 0:
        raise TrackError("拆分处须是任务文字中间的一段话", "split at words inside the task, not at its start")
    first, second = t.text[:pos].rstrip("，；、 "), t.text[pos:]
    cut = (
        t.span[0] + pos if t.span[1] - t.span[0] == len(t.text) else t.span[0] + (t.span[1] - t.span[0]) // 2
    )
    ids = {i.id: i for i in plan.indicators}

    def inside(iid: str, lo: int, hi: int) -> bool:
        i = ids.get(iid)
        return i is not None and lo <= i.span[0] < hi

    one = replace(
        t,
        text=first,
        span=(t.span[0], cut),
        indicators=tuple(i for i in t.indicators if not inside(i, cut, t.span[1])),
    )
    two = replace(
        t,
        text=second,
        span=(cut, t.span[1]),
        indicators=tuple(i for i in t.indicators if inside(i, cut, t.span[1])),
    )
    tasks[k : k + 1] = [one, two]
    return _save(
        session,
        d,
        d.source_name,
        d.source_format,
        d.text,
        _json(_renumber(plan, tasks)),
        f"拆分任务 {t.id}",
        user,
    )


def _renumber(plan: Plan, tasks: list[Task]) -> Plan:
    return replace(plan, tasks=tuple(replace(t, id=f"t{n}") for n, t in enumerate(tasks, start=1)))


def confirm(session: Session, draft_id: int, region: str | None, year: int | None, user: str) -> ImportResult:
    """Import the draft's plan, once: a draft already confirmed is refused (confirmed again with
    another region or year it would have become a second plan)."""
    d, plan = get(session, draft_id)
    _not_confirmed(session, draft_id)

    def record(document_id: int) -> None:  # in the import's own transaction
        session.add(DraftConfirmation(draft_id=draft_id, document_id=document_id, created_by=user))
        session.flush()

    try:
        return import_plan(
            session, plan, text=d.text, source_name=d.source_name, user=user, region=region, year=year,
            then=record,
        )  # fmt: skip
    except IntegrityError:  # confirmed at the same moment by another request: nothing was stored
        session.rollback()
        _not_confirmed(session, draft_id)
        raise


def _not_confirmed(session: Session, draft_id: int) -> None:
    done = session.scalar(select(DraftConfirmation).where(DraftConfirmation.draft_id == draft_id))
    if done is not None:
        raise TrackError(
            f"这份报告已于 {done.created_at:%Y-%m-%d %H:%M} 由{done.created_by}确认导入"
            f"（计划编号 {done.document_id}），不能再次确认",
            f"this draft was confirmed already (plan {done.document_id}); it is not imported again",
        )


def history(session: Session, draft_id: int) -> list[dict[str, Any]]:
    """The chain of corrections that led to this draft, oldest first."""
    out: list[dict[str, Any]] = []
    d = session.get(Draft, draft_id)
    while d is not None and len(out) < 500:
        out.append({"id": d.id, "note": d.note, "at": d.created_at, "by": d.created_by})
        d = session.get(Draft, d.parent_id) if d.parent_id else None
    return list(reversed(out))
