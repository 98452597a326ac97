"""Status per task on a date, with a light and the reasons.

States: 未交办 (not handed over yet: no reporting duty), 待报送 (handed over, first report not
due yet), 未报送 (reports due and none came), 未启动 (reported, but nothing done), 正常推进,
滞后, 逾期, 已完成.

How a task is judged:
- Reporting duty starts at the task's first 交办 date: the monthly reports due are those from the
  交办 month on. A task not handed over never goes red or yellow for missing reports (its reasons
  say so); its deadline still counts (逾期, 临近时限).
- Time progress and the expected share run from the plan year's start to the deadline, not from
  the 交办 date: the plan's tasks are the year's work, whenever the office handed them over.
  Missing figures alone are judged by the missed reports, so a plan handed over late is not red
  on its first day.
- Each target is judged by its type (track/measures.py): a flow by its cumulative value against
  the share of the year gone (or the milestones), a level by its latest value against the target,
  a ceiling by staying at or under it. Reported figures set the light before 形象进度 does, and
  the reasons say which one did.
- Only the lead unit's reports count (the report queries leave out cooperating units').
- An approved 延期 replaces the deadline; an accepted 办结销号 makes the task 已完成.

`judge` is pure: it takes what is known about one task and the thresholds. `statuses` loads
what it needs for every task of a plan in a handful of queries, then judges each.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Assignment, IndicatorRow, ProgressReport, TaskRow
from bihuan.track.datafile import read_toml
from bihuan.track.errors import TrackError
from bihuan.track.measures import Measure, measure_of

State = Literal["未交办", "待报送", "未报送", "未启动", "正常推进", "滞后", "逾期", "已完成"]
STATES: tuple[State, ...] = ("未交办", "待报送", "未报送", "未启动", "正常推进", "滞后", "逾期", "已完成")
Light = Literal["green", "yellow", "red"]
LIGHT_ZH = {"green": "绿", "yellow": "黄", "red": "红"}
_RANK = {"green": 0, "yellow": 1, "red": 2}
NOT_HANDED_OVER = "尚未交办，暂不计报送"


@dataclass(frozen=True, slots=True)
class Settings:
    yellow_gap: float = 0.10
    red_gap: float = 0.30
    report_day: int = 5
    missed_reports_red: int = 2
    due_soon_days: int = 10
    not_started_grace: float = 0.10  # no longer used (reporting duty starts at 交办); still accepted

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """The shipped thresholds, or a deployment's own TOML file."""
        raw = read_toml("status.toml", path, "状态阈值文件", "status settings")
        known = set(cls.__dataclass_fields__)
        unknown = set(raw) - known
        if unknown:
            raise TrackError(
                f"状态阈值文件中有未知设置：{'、'.join(sorted(unknown))}",
                f"unknown status settings: {', '.join(sorted(unknown))}",
            )
        s = cls(**raw)
        if not (0 <= s.yellow_gap <= s.red_gap <= 1) or not 1 <= s.report_day <= 28:
            raise TrackError(
                "状态阈值不合理：须 0 ≤ yellow_gap ≤ red_gap ≤ 1，report_day 在 1–28 之间",
                "bad thresholds: need 0 <= yellow_gap <= red_gap <= 1 and report_day in 1-28",
            )
        return s


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    name: str
    value: float
    unit: str | None
    measure: Measure = "flow"


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """Everything the judgement of one task uses. `values` and `percent` are the lead unit's
    latest report; `periods` the periods the lead unit reported."""

    key: str
    start: dt.date
    end: dt.date
    targets: tuple[Target, ...] = ()
    milestones: tuple[Mapping[str, Any], ...] = ()
    values: Mapping[str, float] = field(default_factory=dict)
    percent: float | None = None
    periods: frozenset[str] = frozenset()
    handed_over: dt.date | None = None  # the first 交办 date; None: not handed over
    extension: dt.date | None = None  # the deadline of an approved 延期
    closed: dt.date | None = None  # the day the office accepted the 办结销号


@dataclass(frozen=True, slots=True)
class Status:
    state: State
    light: Light
    reasons: tuple[str, ...]
    time_progress: float
    expected: float
    progress: float | None
    deadline: dt.date | None = None  # the deadline judged against (an approved extension's)
    handed_over: dt.date | None = None
    judged_by: str = ""  # 指标数值 | 形象进度 | "" (nothing reported): what set the light


def month_of(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def prev_month(period: str) -> str:
    y, m = int(period[:4]), int(period[5:7])
    return f"{y - 1:04d}-12" if m == 1 else f"{y:04d}-{m - 1:02d}"


def _next_month(period: str) -> str:
    y, m = int(period[:4]), int(period[5:7])
    return f"{y + 1:04d}-01" if m == 12 else f"{y:04d}-{m + 1:02d}"


def due_periods(facts: TaskFacts, on: dt.date, s: Settings) -> list[str]:
    """Periods whose report is due by `on`, newest first, from the 交办 month to the deadline's."""
    if facts.handed_over is None or facts.handed_over > on:
        return []
    last = prev_month(month_of(on))
    if on.day <= s.report_day:
        last = prev_month(last)
    out: list[str] = []
    first = month_of(facts.handed_over)
    p = min(last, month_of(facts.extension or facts.end))
    while p >= first and len(out) < 24:
        out.append(p)
        p = prev_month(p)
    return out


@dataclass(frozen=True, slots=True)
class _Part:
    target: Target
    got: float

    @property
    def share(self) -> float:
        """How much of the target this is, 0-1 (a ceiling: 1 while under it)."""
        t, got = self.target, self.got
        if t.measure == "ceiling":
            return 1.0 if got <= t.value else (t.value / got if got > 0 else 0.0)
        return min(1.0, max(0.0, got / t.value))

    @property
    def met(self) -> bool:
        return (
            self.got <= self.target.value
            if self.target.measure == "ceiling"
            else self.got >= self.target.value
        )

    def said(self) -> str:
        t, unit = self.target, self.target.unit or ""
        if t.measure == "ceiling":
            return f"{t.name} 最新 {self.got:g}{unit}（上限 {t.value:g}{unit}）"
        if t.measure == "level":
            return f"{t.name} 最新 {self.got:g}{unit}（目标 {t.value:g}{unit}）"
        return f"{t.name} {self.got:g}/{t.value:g}{unit}"


@dataclass(frozen=True, slots=True)
class Reading:
    """What the latest report says: the share done, in words, and what it was read from."""

    progress: float | None  # all targets together, 0-1
    flow: float | None  # the part judged against time: flows, else 形象进度
    parts: tuple[_Part, ...]
    said: str
    by: str  # 指标数值 | 形象进度 | ""
    note: str  # which one set the light, when there was a choice


def read_progress(facts: TaskFacts) -> Reading:
    """Share done and how it was read: from the indicator values, else the 形象进度 percent."""
    parts = tuple(
        _Part(t, got)
        for t in facts.targets
        if (got := facts.values.get(t.key)) is not None and t.value > 0 and math.isfinite(got)
    )
    if parts:
        flows = [p.share for p in parts if p.target.measure == "flow"]
        note = f"以指标数值判断（形象进度 {facts.percent:g}% 仅供参考）" if facts.percent is not None else ""
        return Reading(
            sum(p.share for p in parts) / len(parts),
            sum(flows) / len(flows) if flows else None,
            parts,
            "，".join(p.said() for p in parts),
            "指标数值",
            note,
        )
    if facts.percent is not None:
        note = "以形象进度判断（本期未填指标完成值）" if facts.targets else ""
        share = facts.percent / 100
        return Reading(share, share, (), f"形象进度 {facts.percent:g}%", "形象进度", note)
    return Reading(None, None, (), "", "", "")


def progress_of(facts: TaskFacts) -> tuple[float | None, str]:
    """Share done and how it was read (see `read_progress`)."""
    r = read_progress(facts)
    return r.progress, r.said


def expected_of(facts: TaskFacts, on: dt.date) -> tuple[float, float, str]:
    """(time progress, expected progress, how the expectation was set), from the plan year's
    start to the deadline (an approved extension's, if any)."""
    end = facts.extension or facts.end
    span = max(1, (end - facts.start).days)
    time = min(1.0, max(0.0, (on - facts.start).days / span))
    reached = [m for m in facts.milestones if m.get("pct") is not None and str(m["due"]) <= on.isoformat()]
    if reached:
        m = reached[-1]
        label = f"（{m['label']}）" if m.get("label") else ""
        return time, float(m["pct"]) / 100, f"节点 {m['due']} 应完成 {float(m['pct']):g}%{label}"
    return time, time, f"时间已过 {time:.0%}"


def judge(facts: TaskFacts, on: dt.date, s: Settings) -> Status:
    end = facts.extension or facts.end
    time, expected, basis = expected_of(facts, on)
    reading = read_progress(facts)
    progress = reading.progress
    handed = facts.handed_over if facts.handed_over is not None and facts.handed_over <= on else None
    duty: list[str] = []  # about the reporting duty: said first
    notes = [f"已批准延期至 {end.isoformat()}（原时限 {facts.end.isoformat()}）"] if facts.extension else []

    def status(state: State, light: Light, reasons: Sequence[str]) -> Status:
        said = [*duty, *reasons, *notes] + ([reading.note] if reading.note else [])
        return Status(state, light, tuple(said), time, expected, progress, end, handed, reading.by)

    if facts.closed is not None:
        return status("已完成", "green", [f"已办结销号（{facts.closed.isoformat()}）"])
    over = on > end
    if reading.parts:
        all_met = all(p.met for p in reading.parts)
        has_flow = any(p.target.measure == "flow" for p in reading.parts)
        complete = all_met and (has_flow or over)  # a level or ceiling is done only when its time is up
    else:
        complete = reading.flow is not None and reading.flow >= 1
    if complete:
        return status("已完成", "green", [f"已完成：{reading.said}"])
    if over:
        days = (on - end).days
        done = f"，目前完成 {progress:.0%}（{reading.said}）" if progress is not None else "，尚无完成数据"
        return status("逾期", "red", [f"已过完成时限 {end.isoformat()}（逾期 {days} 天）{done}"])

    lights: list[tuple[Light, str]] = []
    state: State
    due = due_periods(facts, on, s)
    if not facts.periods:
        if handed is None:
            state = "未交办"
            duty.append(NOT_HANDED_OVER)
        elif not due:
            state = "待报送"
            first = month_of(handed)
            by = dt.date.fromisoformat(f"{_next_month(first)}-{s.report_day:02d}")
            duty.append(f"已于 {handed.isoformat()} 交办，{first} 的进度应于 {by.isoformat()} 前报送")
        else:
            state = "未报送"
            light: Light = "red" if len(due) >= s.missed_reports_red else "yellow"
            lights.append(
                (
                    light,
                    f"自 {handed.isoformat()} 交办以来未报送进度：{'、'.join(sorted(due))} 的进度未按时报送"
                    f"（每月 {s.report_day} 日前报上月）",
                )
            )
    else:
        started = [p for p in reading.parts if p.target.measure != "ceiling"]
        idle = (bool(started) and all(p.got == 0 for p in started)) or (
            not reading.parts and facts.percent == 0
        )
        state = "未启动" if idle else "正常推进"
        if reading.flow is not None:
            gap = expected - reading.flow
            light = _gap_light(gap, s)
            if light != "green":
                state = "未启动" if idle else "滞后"
                lights.append(
                    (
                        light,
                        ("已报送，但尚无实际进展：" if idle else "")
                        + f"应完成 {expected:.0%}（{basis}），实际 {reading.flow:.0%}（{reading.said}），"
                        f"落后 {gap * 100:.0f} 个百分点",
                    )
                )
        for p in reading.parts:
            if p.met or p.target.measure == "flow":
                continue
            t, unit = p.target, p.target.unit or ""
            if t.measure == "ceiling":
                state = "滞后"
                lights.append(("red", f"{t.name} 最新 {p.got:g}{unit}，超过上限 {t.value:g}{unit}"))
                continue
            short = 1 - p.got / t.value
            light = _gap_light(short, s)
            if light != "green":
                state = "未启动" if idle else "滞后"
                lights.append(
                    (
                        light,
                        f"{t.name} 最新 {p.got:g}{unit}，距目标 {t.value:g}{unit} 还差 {short:.0%}"
                        "（水平值看最新一期，不累加）",
                    )
                )
        if handed is None:
            duty.append(NOT_HANDED_OVER)
        else:
            missed: list[str] = []
            for period in due:
                if period in facts.periods:
                    break
                missed.append(period)
            if missed:
                light = "red" if len(missed) >= s.missed_reports_red else "yellow"
                lights.append(
                    (light, f"{'、'.join(sorted(missed))} 的进度未按时报送（每月 {s.report_day} 日前报上月）")
                )
    left = (end - on).days
    if 0 <= left <= s.due_soon_days:
        lights.append(("yellow", f"距完成时限 {end.isoformat()} 只剩 {left} 天，尚未完成"))
    if not lights:
        if state == "未启动":
            why = f"已报送，尚无实际进展（{reading.said}），{basis}"
        elif reading.flow is not None:
            why = f"应完成 {expected:.0%}，实际 {reading.flow:.0%}（{reading.said}）"
        elif reading.parts:
            why = ("已达标：" if all(p.met for p in reading.parts) else "接近目标：") + reading.said
        elif facts.periods:
            why = f"已报送文字进展，未填完成值或形象进度（{basis}）"
        else:
            why = basis
        return status(state, "green", [why])
    worst = max(lights, key=lambda x: _RANK[x[0]])[0]
    return status(state, worst, [r for _, r in lights])


def _gap_light(gap: float, s: Settings) -> Light:
    gap = round(gap, 9)  # exactly 30 points behind is 30, not 30.000000000000004
    if gap > s.red_gap:
        return "red"
    if gap > s.yellow_gap:
        return "yellow"
    return "green"


@dataclass(frozen=True, slots=True)
class TaskStatus:
    number: int
    key: str
    text: str
    area: str | None
    lead: str | None
    cooperating: tuple[str, ...]
    leader: str | None
    deadline: dt.date  # the deadline judged against: an approved extension's, if any
    status: Status


@dataclass(frozen=True, slots=True)
class Supervision:
    """What the supervision rows say about a plan's tasks, loaded once for all of them."""

    handed_over: Mapping[str, dt.date] = field(default_factory=dict)
    extensions: Mapping[str, dt.date] = field(default_factory=dict)
    closed: Mapping[str, dt.date] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, document_id: int, key: str | None = None) -> Supervision:
        return cls(
            queries.handover_dates(session, document_id, key),
            queries.approved_deadlines(session, document_id, key),
            {k: d.created_at.date() for k, d in queries.closed_tasks(session, document_id, key).items()},
        )


def statuses(
    session: Session,
    document_id: int,
    on: dt.date,
    settings: Settings,
    unit_id: int | None = None,
) -> list[TaskStatus]:
    """The status of every task of a plan's newest revision (only a unit's tasks with `unit_id`).
    A fixed number of queries, whatever the number of tasks."""
    return PlanStatuses(session, document_id, settings).at(on, unit_id)


class PlanStatuses:
    """A plan's statuses on one or more days: what does not depend on the day (tasks,
    indicators, assignments, supervision rows) is loaded once; each day adds two queries for its
    reports (the reported periods are loaded once, for the latest day asked first, and filtered)."""

    def __init__(self, session: Session, document_id: int, settings: Settings) -> None:
        doc = queries.document(session, document_id)
        rev = queries.latest_revision(session, document_id)
        if doc is None or rev is None:
            raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
        self.session, self.document_id, self.settings = session, document_id, settings
        self.plan_year = doc.plan_year
        self.rows = queries.tasks(session, rev.id)
        self.inds = {i.iid: i for i in queries.indicators(session, rev.id)}
        self.assigned = queries.current_assignments(session, document_id)
        self.names = {u.id: u.name for u in queries.units(session)}
        self.sup = Supervision.load(session, document_id)
        self._periods: tuple[str, dict[str, set[str]]] | None = None

    def _reported(self, period: str) -> dict[str, set[str]]:
        if self._periods is None or self._periods[0] < period:
            self._periods = (period, queries.reported_periods(self.session, self.document_id, period))
        loaded, periods = self._periods
        if loaded == period:
            return periods
        return {k: {p for p in ps if p <= period} for k, ps in periods.items()}

    def at(self, on: dt.date, unit_id: int | None = None, keys: set[str] | None = None) -> list[TaskStatus]:
        """Statuses on `on`: of a unit's tasks with `unit_id`, of the tasks `keys` with `keys`."""
        period = month_of(on)
        reports = queries.latest_reports(self.session, self.document_id, period)
        periods = self._reported(period)
        out = []
        for t in self.rows:
            if keys is not None and t.key not in keys:
                continue
            a = self.assigned.get(t.key)
            if unit_id is not None and (
                a is None or (a.lead_unit_id != unit_id and unit_id not in a.cooperating_unit_ids)
            ):
                continue
            out.append(
                _status(
                    self.plan_year,
                    t,
                    a,
                    self.inds,
                    self.names,
                    reports.get(t.key),
                    periods.get(t.key, set()),
                    on,
                    self.settings,
                    self.sup,
                )
            )
        return out


def task_status(
    session: Session,
    document_id: int,
    plan_year: int,
    task: TaskRow,
    assignment: Assignment | None,
    inds: Mapping[str, IndicatorRow],
    names: Mapping[int, str],
    on: dt.date,
    settings: Settings,
) -> TaskStatus:
    """One task's status from what the caller already loaded: a few queries for its reports
    and its supervision rows."""
    period = month_of(on)
    reports = queries.latest_reports(session, document_id, period, task.key)
    periods = queries.reported_periods(session, document_id, period, task.key)
    return _status(
        plan_year,
        task,
        assignment,
        inds,
        names,
        reports.get(task.key),
        periods.get(task.key, set()),
        on,
        settings,
        Supervision.load(session, document_id, task.key),
    )


def targets_of(task: TaskRow, inds: Mapping[str, IndicatorRow]) -> tuple[Target, ...]:
    """The task's quantified targets, each with its type (ceiling, flow or level)."""
    return tuple(
        Target(i.key, i.name, i.value, i.unit, measure_of(i.name, i.unit, i.qualifier))
        for iid in task.indicator_iids
        if (i := inds.get(iid)) is not None and i.value is not None and i.kind == "target"
    )


def deadline_of(
    plan_year: int, task: TaskRow, assignment: Assignment | None, extension: dt.date | None = None
) -> dt.date:
    """The deadline in force: an approved extension, else the assignment's, else the report
    text's, else the end of the plan year."""
    return (
        extension
        or (assignment.deadline if assignment is not None else None)
        or task.deadline
        or dt.date(plan_year, 12, 31)
    )


def _status(
    plan_year: int,
    t: TaskRow,
    a: Assignment | None,
    inds: Mapping[str, IndicatorRow],
    names: Mapping[int, str],
    r: ProgressReport | None,
    periods: set[str],
    on: dt.date,
    settings: Settings,
    sup: Supervision,
) -> TaskStatus:
    start = dt.date(plan_year, 1, 1)
    end = deadline_of(plan_year, t, a)  # the extension, if any, is judged apart (facts.extension)
    facts = TaskFacts(
        key=t.key,
        start=min(start, end),
        end=end,
        targets=targets_of(t, inds),
        milestones=tuple(a.milestones) if a else (),
        values=r.values if r else {},
        percent=r.percent if r else None,
        periods=frozenset(periods),
        handed_over=sup.handed_over.get(t.key),
        extension=sup.extensions.get(t.key),
        closed=sup.closed.get(t.key),
    )
    status = judge(facts, on, settings)
    return TaskStatus(
        t.number,
        t.key,
        t.text,
        t.area,
        names.get(a.lead_unit_id) if a else None,
        tuple(names.get(u, "?") for u in a.cooperating_unit_ids) if a else (),
        a.leader if a else None,
        status.deadline or end,
        status,
    )


def summary(items: Sequence[TaskStatus]) -> dict[str, int]:
    counts = {"red": 0, "yellow": 0, "green": 0}
    for it in items:
        counts[it.status.light] += 1
    return counts
