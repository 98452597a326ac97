"""Status per task on a date: 未启动 / 正常推进 / 滞后 / 逾期 / 已完成, with a light and the reasons.

`judge` is pure: it takes what is known about one task and the thresholds. `statuses` loads
what it needs for every task of a plan in a handful of queries, then judges each.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Assignment, IndicatorRow, ProgressReport, TaskRow
from bihuan.track.errors import TrackError

State = Literal["未启动", "正常推进", "滞后", "逾期", "已完成"]
Light = Literal["green", "yellow", "red"]
LIGHT_ZH = {"green": "绿", "yellow": "黄", "red": "红"}
_RANK = {"green": 0, "yellow": 1, "red": 2}


@dataclass(frozen=True, slots=True)
class Settings:
    yellow_gap: float = 0.10
    red_gap: float = 0.30
    report_day: int = 5
    missed_reports_red: int = 2
    due_soon_days: int = 10
    not_started_grace: float = 0.10

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """The shipped thresholds, or a deployment's own TOML file."""
        try:
            if path is None:
                text = resources.files("bihuan.track").joinpath("data/status.toml").read_text("utf-8")
            else:
                text = path.read_text("utf-8")
            raw = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise TrackError(
                f"无法读取状态阈值文件 {path}", f"cannot read status settings {path}: {e}"
            ) from e
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


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """Everything the judgement of one task uses."""

    key: str
    start: dt.date
    end: dt.date
    targets: tuple[Target, ...] = ()
    milestones: tuple[Mapping[str, Any], ...] = ()
    values: Mapping[str, float] = field(default_factory=dict)
    percent: float | None = None
    periods: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Status:
    state: State
    light: Light
    reasons: tuple[str, ...]
    time_progress: float
    expected: float
    progress: float | None


def _month(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _prev_month(period: str) -> str:
    y, m = int(period[:4]), int(period[5:7])
    return f"{y - 1:04d}-12" if m == 1 else f"{y:04d}-{m - 1:02d}"


def due_periods(facts: TaskFacts, on: dt.date, s: Settings) -> list[str]:
    """Periods whose report is due by `on`, newest first, from the task's start month."""
    last = _prev_month(_month(on))
    if on.day <= s.report_day:
        last = _prev_month(last)
    out: list[str] = []
    first = _month(facts.start)
    end = _month(facts.end)
    p = min(last, end)
    while p >= first and len(out) < 24:
        out.append(p)
        p = _prev_month(p)
    return out


def progress_of(facts: TaskFacts) -> tuple[float | None, str]:
    """Share done and how it was read: from the indicator values, else the 形象进度 percent."""
    parts = []
    for t in facts.targets:
        got = facts.values.get(t.key)
        if got is not None and t.value > 0 and math.isfinite(got):
            parts.append((t, got, got / t.value))
    if parts:
        share = sum(min(r, 1.0) for *_, r in parts) / len(parts)
        said = "，".join(f"{t.name} {got:g}/{t.value:g}{t.unit or ''}" for t, got, _ in parts)
        return share, said
    if facts.percent is not None:
        return facts.percent / 100, f"形象进度 {facts.percent:g}%"
    return None, ""


def expected_of(facts: TaskFacts, on: dt.date) -> tuple[float, float, str]:
    """(time progress, expected progress, how the expectation was set)."""
    span = max(1, (facts.end - facts.start).days)
    time = min(1.0, max(0.0, (on - facts.start).days / span))
    reached = [m for m in facts.milestones if m.get("pct") is not None and str(m["due"]) <= on.isoformat()]
    if reached:
        m = reached[-1]
        label = f"（{m['label']}）" if m.get("label") else ""
        return time, float(m["pct"]) / 100, f"节点 {m['due']} 应完成 {float(m['pct']):g}%{label}"
    return time, time, f"时间已过 {time:.0%}"


def judge(facts: TaskFacts, on: dt.date, s: Settings) -> Status:
    time, expected, basis = expected_of(facts, on)
    progress, said = progress_of(facts)
    lights: list[tuple[Light, str]] = []
    if progress is not None and progress >= 1:
        return Status("已完成", "green", (f"已完成：{said}",), time, expected, progress)
    if on > facts.end:
        days = (on - facts.end).days
        done = f"，目前完成 {progress:.0%}（{said}）" if progress is not None else "，尚无完成数据"
        return Status(
            "逾期",
            "red",
            (f"已过完成时限 {facts.end.isoformat()}（逾期 {days} 天）{done}",),
            time,
            expected,
            progress,
        )
    state: State
    if not facts.periods:
        state = "未启动"
        gap = expected
        if expected > s.not_started_grace:
            lights.append((_gap_light(gap, s), f"尚未报送任何进度，而应完成 {expected:.0%}（{basis}）"))
    else:
        state = "正常推进"
        if progress is not None:
            gap = expected - progress
            light = _gap_light(gap, s)
            if light != "green":
                state = "滞后"
                lights.append(
                    (
                        light,
                        f"应完成 {expected:.0%}（{basis}），实际 {progress:.0%}（{said}），落后 {gap * 100:.0f} 个百分点",
                    )
                )
    missed = []
    for p in due_periods(facts, on, s):
        if p in facts.periods:
            break
        missed.append(p)
    if missed and (facts.periods or expected > s.not_started_grace):
        light = "red" if len(missed) >= s.missed_reports_red else "yellow"
        lights.append(
            (light, f"{'、'.join(sorted(missed))} 的进度未按时报送（每月 {s.report_day} 日前报上月）")
        )
    left = (facts.end - on).days
    if 0 <= left <= s.due_soon_days:
        lights.append(("yellow", f"距完成时限 {facts.end.isoformat()} 只剩 {left} 天，尚未完成"))
    if not lights:
        why = f"应完成 {expected:.0%}，实际 {progress:.0%}" if progress is not None else f"{basis}"
        return Status(state, "green", (why,), time, expected, progress)
    worst = max(lights, key=lambda x: _RANK[x[0]])[0]
    return Status(state, worst, tuple(r for _, r in lights), time, expected, progress)


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
    deadline: dt.date
    status: Status


def statuses(
    session: Session,
    document_id: int,
    on: dt.date,
    settings: Settings,
    unit_id: int | None = None,
) -> list[TaskStatus]:
    """The status of every task of a plan's newest revision (only a unit's tasks with `unit_id`)."""
    doc = queries.document(session, document_id)
    rev = queries.latest_revision(session, document_id)
    if doc is None or rev is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    rows = queries.tasks(session, rev.id)
    inds = {i.iid: i for i in queries.indicators(session, rev.id)}
    assigned = queries.current_assignments(session, document_id)
    period = _month(on)
    reports = queries.latest_reports(session, document_id, period)
    periods = queries.reported_periods(session, document_id, period)
    names = {u.id: u.name for u in queries.units(session)}
    out = []
    for t in rows:
        a = assigned.get(t.key)
        if unit_id is not None and (
            a is None or (a.lead_unit_id != unit_id and unit_id not in a.cooperating_unit_ids)
        ):
            continue
        out.append(
            _status(
                doc.plan_year, t, a, inds, names, reports.get(t.key), periods.get(t.key, set()), on, settings
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
    """One task's status from what the caller already loaded: two queries for its reports."""
    period = _month(on)
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
) -> TaskStatus:
    start = dt.date(plan_year, 1, 1)
    end = (a.deadline if a and a.deadline else None) or t.deadline or dt.date(plan_year, 12, 31)
    targets = tuple(
        Target(i.key, i.name, i.value, i.unit)
        for iid in t.indicator_iids
        if (i := inds.get(iid)) is not None and i.value is not None and i.kind == "target"
    )
    facts = TaskFacts(
        key=t.key,
        start=min(start, end),
        end=end,
        targets=targets,
        milestones=tuple(a.milestones) if a else (),
        values=r.values if r else {},
        percent=r.percent if r else None,
        periods=frozenset(periods),
    )
    return TaskStatus(
        t.number,
        t.key,
        t.text,
        t.area,
        names.get(a.lead_unit_id) if a else None,
        tuple(names.get(u, "?") for u in a.cooperating_unit_ids) if a else (),
        a.leader if a else None,
        end,
        judge(facts, on, settings),
    )


def summary(items: Sequence[TaskStatus]) -> dict[str, int]:
    counts = {"red": 0, "yellow": 0, "green": 0}
    for it in items:
        counts[it.status.light] += 1
    return counts
