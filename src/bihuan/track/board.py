"""What the web pages show: the dashboard, a task's page with its timeline, the public page,
notices and publishing; and who may see which task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import (
    Assignment,
    IndicatorRow,
    Publication,
    TaskRow,
)
from bihuan.track.errors import Forbidden, TrackError
from bihuan.track.measures import measure_of
from bihuan.track.notice_views import NoticeView, task_notices
from bihuan.track.plans import find_task
from bihuan.track.status import Settings, TaskStatus, statuses, task_status
from bihuan.track.supervise_log import timeline_rows
from bihuan.track.tx import transaction
from bihuan.track.users import Person


def visible_unit(person: Person) -> int | None:
    """None: sees every task; else the unit whose tasks only are visible."""
    return person.unit_id if person.role == "unit" else None


def check_task_access(person: Person, assignment: Assignment | None) -> None:
    if person.role != "unit":
        return
    if assignment is None or (
        assignment.lead_unit_id != person.unit_id and person.unit_id not in assignment.cooperating_unit_ids
    ):
        raise Forbidden("这项任务不属于你的单位", "this task is not your unit's")


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    red: int = 0
    yellow: int = 0
    green: int = 0
    done: int = 0

    @property
    def total(self) -> int:
        return self.red + self.yellow + self.green


@dataclass(frozen=True, slots=True)
class TargetLine:
    task_number: int
    name: str
    target: float
    unit: str | None
    latest: float | None
    period: str | None
    progress: float | None
    time_progress: float
    light: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    document_id: int
    region: str
    plan_year: int
    on: dt.date
    items: tuple[TaskStatus, ...]
    counts: dict[str, int]
    states: dict[str, int]
    areas: tuple[Group, ...]
    units: tuple[Group, ...]
    targets: tuple[TargetLine, ...] = field(default=())


def _group(items: Sequence[TaskStatus], key: str) -> tuple[Group, ...]:
    out: dict[str, dict[str, int]] = {}
    for it in items:
        names = [it.area or "其他"] if key == "area" else [it.lead or "未分配"]
        for n in names:
            g = out.setdefault(n, {"red": 0, "yellow": 0, "green": 0, "done": 0})
            g[it.status.light] += 1
            g["done"] += it.status.state == "已完成"
    groups = [Group(n, **c) for n, c in out.items()]
    if key == "unit":  # the league table: fewest red, then fewest yellow, then most done
        groups.sort(key=lambda g: (g.red / max(1, g.total), g.yellow / max(1, g.total), -g.done, g.name))
    return tuple(groups)


def dashboard(
    session: Session, document_id: int, on: dt.date, person: Person, settings: Settings
) -> Dashboard:
    doc = queries.document(session, document_id)
    rev = queries.latest_revision(session, document_id)
    if doc is None or rev is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    items = statuses(session, document_id, on, settings, visible_unit(person))
    counts = {"red": 0, "yellow": 0, "green": 0}
    states: dict[str, int] = {}
    for it in items:
        counts[it.status.light] += 1
        states[it.status.state] = states.get(it.status.state, 0) + 1
    return Dashboard(
        document_id,
        doc.region,
        doc.plan_year,
        on,
        tuple(items),
        counts,
        states,
        _group(items, "area"),
        _group(items, "unit"),
        tuple(_targets(session, rev.id, document_id, items, on)),
    )


def _targets(
    session: Session, revision_id: int, document_id: int, items: Sequence[TaskStatus], on: dt.date
) -> list[TargetLine]:
    """Plan-year targets that a task carries, with the latest value reported against each."""
    by_number = {it.number: it for it in items}
    inds = {i.iid: i for i in queries.indicators(session, revision_id)}
    reports = queries.latest_reports(session, document_id, f"{on.year:04d}-{on.month:02d}")
    out = []
    for t in queries.tasks(session, revision_id):
        it = by_number.get(t.number)
        if it is None:
            continue
        r = reports.get(t.key)
        for iid in t.indicator_iids:
            i = inds.get(iid)
            if i is None or i.kind != "target" or i.value is None:
                continue
            latest = r.values.get(i.key) if r else None
            progress = (latest / i.value) if latest is not None and i.value else None
            if progress is not None and latest and measure_of(i.name, i.unit, i.qualifier) == "ceiling":
                progress = 1.0 if latest <= i.value else i.value / latest  # a ceiling: met while under
            out.append(
                TargetLine(
                    t.number, i.name, i.value, i.unit, latest, r.period if r else None,
                    None if progress is None else min(1.0, max(0.0, progress)),
                    it.status.time_progress, it.status.light,
                )
            )  # fmt: skip
    return out


@dataclass(frozen=True, slots=True)
class Event:
    when: dt.datetime
    kind: str  # 进度 | 分工 | 提醒 | 催办 | 督办 | 答复 | 签收 | 退回 | 办结 | 发出
    who: str
    text: str
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TaskPage:
    document_id: int
    task: TaskRow
    indicators: tuple[IndicatorRow, ...]
    status: TaskStatus
    notices: tuple[NoticeView, ...]
    timeline: tuple[Event, ...]
    unit_names: dict[int, str]


def require_task_access(session: Session, document_id: int, ref: str, person: Person) -> TaskRow:
    """The task, if it exists and this person may see it (a unit: one it leads or cooperates on)."""
    task = find_task(session, document_id, ref)
    if task is None:
        raise TrackError(f"任务“{ref}”不存在", f"unknown task {ref!r}")
    check_task_access(person, queries.current_assignments(session, document_id, task.key).get(task.key))
    return task


def task_page(
    session: Session, document_id: int, ref: str, on: dt.date, person: Person, settings: Settings
) -> TaskPage:
    task = find_task(session, document_id, ref)
    if task is None:
        raise TrackError(f"任务“{ref}”不存在", f"unknown task {ref!r}")
    current = queries.current_assignments(session, document_id, task.key).get(task.key)
    check_task_access(person, current)
    doc = queries.document(session, document_id)
    assert doc is not None  # find_task found the task in one of its revisions
    inds = {i.iid: i for i in queries.indicators_by_iid(session, task.revision_id, task.indicator_iids)}
    names = {u.id: u.name for u in queries.units(session)}
    status = task_status(session, document_id, doc.plan_year, task, current, inds, names, on, settings)
    keys = {i.key: i.name for i in inds.values()}
    events: list[Event] = []
    for r in queries.task_reports(session, document_id, task.key):
        values = "，".join(f"{keys.get(k, k)} {v:g}" for k, v in r.values.items())
        pct = f"形象进度 {r.percent:g}%" if r.percent is not None else ""
        detail = {
            k: v
            for k, v in (("进展情况", r.narrative), ("存在问题", r.problems), ("下步打算", r.next_steps))
            if v
        }
        # a cooperating unit reports its own part: shown, but never the task's figures
        helper = r.unit_id is not None and current is not None and r.unit_id != current.lead_unit_id
        said = f"{r.period}：{'；'.join(x for x in (values, pct) if x) or '文字报送'}"
        if helper:
            said = f"【配合单位报送：{names.get(r.unit_id or 0, '?')}，不计入任务进度】{said}"
        events.append(Event(r.created_at, "进度", r.author, said, detail))
    for a in queries.assignment_history(session, document_id, task.key):
        coop = "、".join(names.get(u, "?") for u in a.cooperating_unit_ids)
        text = f"牵头 {names.get(a.lead_unit_id, '?')}" + (f"，配合 {coop}" if coop else "")
        text += f"，责任领导 {a.leader}" if a.leader else ""
        text += f"，时限 {a.deadline.isoformat()}" if a.deadline else ""
        events.append(Event(a.created_at, "分工", a.created_by, text, {"依据": a.reason} if a.reason else {}))
    notices = task_notices(session, document_id, task.key, on, person)
    events += _notice_events(notices)
    events += [Event(*row) for row in timeline_rows(session, document_id, task.key, names)]
    events.sort(key=lambda e: e.when, reverse=True)
    return TaskPage(
        document_id,
        task,
        tuple(inds[i] for i in task.indicator_iids if i in inds),
        status,
        notices,
        tuple(events),
        names,
    )


def _notice_events(notices: Sequence[NoticeView]) -> list[Event]:
    """Each notice's sending and every later step, for the task's timeline."""
    out = []
    for v in notices:
        n = v.notice
        for step in v.history:
            if step.action in ("发送", "草拟"):
                detail = {"等级": n.grade or "一般", "状态": v.state}
                if n.answer_by:
                    detail["答复期限"] = n.answer_by.isoformat() + ("（已逾期）" if v.overdue else "")
                if v.copies or n.copy_leader:
                    detail["抄送"] = "、".join((*v.copies, *((n.copy_leader,) if n.copy_leader else ())))
                kind = n.kind + ("草稿" if step.action == "草拟" else "")
                out.append(Event(step.when, kind, step.who, f"致 {v.unit}：{n.text}", detail))
            elif step.action == "答复":
                out.append(Event(step.when, "答复", step.who, step.text or ""))
            else:
                text = f"{n.kind}{step.action}" + (f"：{step.text}" if step.text else "")
                out.append(Event(step.when, step.action, step.who, text))
    return out


def set_published(session: Session, document_id: int, published: bool, person: Person) -> None:
    if person.role != "admin":
        raise Forbidden("只有督查室可以发布", "only the office publishes")
    if queries.document(session, document_id) is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    with transaction(session):
        session.add(Publication(document_id=document_id, published=published, created_by=person.name))


def is_published(session: Session, document_id: int) -> bool:
    row = session.scalar(
        select(Publication)
        .where(Publication.document_id == document_id)
        .order_by(Publication.id.desc())
        .limit(1)
    )
    return bool(row and row.published)


def published_plans(session: Session) -> list[int]:
    return [d.id for d in queries.documents(session) if is_published(session, d.id)]
