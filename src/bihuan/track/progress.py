"""Progress reports: checked row by row, stored all together or not at all."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import ProgressReport, TaskRow
from bihuan.track.directory import DirectoryUnit, directory, find_unit
from bihuan.track.errors import RowErrors, TrackError
from bihuan.track.plans import find_task_in
from bihuan.track.tx import transaction

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
# No figure a government report states reaches this, even in 元 (a national GDP is about 1.3e14
# 元); a larger value is a slip or an attack, and beyond 1e15 floats stop holding whole numbers.
MAX_VALUE = 1e15


@dataclass(frozen=True, slots=True)
class ProgressInput:
    """One report as a person wrote it (a command's options, or a workbook row)."""

    row: int
    task: str  # 序号 (12 or t12) or task key
    period: str
    values: Mapping[str, object] = field(default_factory=dict)  # indicator name or key → number
    percent: object = None
    narrative: str | None = None
    problems: str | None = None
    next_steps: str | None = None
    value_rows: Mapping[str, int] = field(default_factory=dict)  # where each value was written


def parse_period(text: str) -> str | None:
    m = _PERIOD.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return m.group()


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(float(value)) else None
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        f = float(text)
    except ValueError:
        return None
    return f if math.isfinite(f) else None


_NUMBER_UNIT = re.compile(r"^([-+]?(?:[0-9][0-9,，]*(?:\.[0-9]+)?|\.[0-9]+))\s*+(.*)$", re.S)
_UNIT_SAME = str.maketrans({"％": "%", " ": "", "\u3000": ""})


def unit_key(unit: str | None) -> str:
    """A unit as compared: full-width percent and spaces do not make a different unit."""
    return (unit or "").translate(_UNIT_SAME)


def number_and_unit(value: object) -> tuple[float | None, str | None]:
    """A reported value as a number and the unit written after it, if any: "12.5亿元" →
    (12.5, "亿元"); "12.5", 12.5 → (12.5, None). A bare number is in the target's unit."""
    if isinstance(value, bool) or not isinstance(value, str):
        return _number(value), None
    text = value.strip()
    plain = _number(text)
    if plain is not None:
        return plain, None
    m = _NUMBER_UNIT.match(text)
    if m is None:
        return None, None
    return _number(m.group(1)), m.group(2).strip() or None


def check_rows(
    session: Session,
    document_id: int,
    rows: Sequence[ProgressInput],
    today: dt.date,
    unit: DirectoryUnit | None = None,
) -> tuple[list[tuple[TaskRow, ProgressInput, dict[str, float], float | None]], list[tuple[int, str, str]]]:
    """Resolve and check every row; return the good ones and the problems (row, zh, en)."""
    doc = queries.document(session, document_id)
    rev = queries.latest_revision(session, document_id)
    if doc is None or rev is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    inds = {i.iid: i for i in queries.indicators(session, rev.id)}
    assigned = queries.current_assignments(session, document_id)
    this_month = f"{today.year:04d}-{today.month:02d}"
    good = []
    problems: list[tuple[int, str, str]] = []
    for r in rows:
        bad = len(problems)
        task = find_task_in(session, rev.id, str(r.task))
        if task is None:
            problems.append((r.row, f"任务“{r.task}”不存在", f"unknown task {r.task!r}"))
            continue
        if unit is not None:
            a = assigned.get(task.key)
            if a is None or (a.lead_unit_id != unit.id and unit.id not in a.cooperating_unit_ids):
                problems.append(
                    (
                        r.row,
                        f"任务 {task.number} 不由“{unit.name}”承担",
                        f"task {task.number} is not {unit.name}'s",
                    )
                )
        period = parse_period(str(r.period))
        if period is None:
            problems.append(
                (r.row, f"期间“{r.period}”应写作 年-月，如 2022-06", f"period {r.period!r} is not YYYY-MM")
            )
        elif period > this_month:
            problems.append(
                (
                    r.row,
                    f"期间 {period} 还没到（今天是 {today.isoformat()}）",
                    f"period {period} is in the future",
                )
            )
        elif int(period[:4]) < doc.plan_year:
            problems.append(
                (
                    r.row,
                    f"期间 {period} 早于计划年度 {doc.plan_year}",
                    f"period {period} is before the plan year",
                )
            )
        targets = {inds[i].name: inds[i] for i in task.indicator_iids if i in inds}
        by_key = {i.key: i for i in targets.values()}
        values: dict[str, float] = {}
        for name, raw in r.values.items():
            if raw is None or str(raw).strip() == "":
                continue
            at = r.value_rows.get(name, r.row)
            if not name:
                zh = f"任务 {task.number} 没有量化指标，完成值无处记录（请填形象进度）"
                problems.append((at, zh, f"task {task.number} has no quantity for a value (give a percent)"))
                continue
            ind = targets.get(str(name)) or by_key.get(str(name))
            if ind is None:
                zh = f"任务 {task.number} 没有指标“{name}”"
                problems.append((at, zh, f"task {task.number} has no indicator {name!r}"))
                continue
            number, unit_given = number_and_unit(raw)
            if number is None:
                problems.append(
                    (at, f"“{name}”应填数字，收到“{raw}”", f"{name}: expected a number, got {raw!r}")
                )
                continue
            if unit_given is not None and unit_key(unit_given) != unit_key(ind.unit):
                want = f"“{ind.unit}”" if ind.unit else "无单位的数字"
                problems.append(
                    (
                        at,
                        f"“{name}”的单位应与目标一致，为{want}，收到“{raw}”（请换算后填写，或只填数字）",
                        f"{name}: the target is in {ind.unit or 'no unit'}, got {raw!r}",
                    )
                )
                continue
            if abs(number) >= MAX_VALUE:
                problems.append(
                    (at, f"“{name}”的完成值大得不合理：{raw}", f"{name}: value {raw!r} is absurdly large")
                )
                continue
            if number < 0:
                problems.append(
                    (at, f"“{name}”的完成值不能为负数：{raw}", f"{name}: a value reached cannot be negative")
                )
                continue
            values[ind.key] = number
        percent = None
        if r.percent is not None and str(r.percent).strip() != "":
            percent = _number(str(r.percent).strip().rstrip("%％"))
            if percent is None or not 0 <= percent <= 100:
                problems.append(
                    (
                        r.row,
                        f"形象进度应为 0–100 的数字，收到“{r.percent}”",
                        f"percent must be 0-100, got {r.percent!r}",
                    )
                )
        if len(problems) == bad:
            good.append((task, r, values, percent))
    return good, problems


def add_reports(
    session: Session,
    document_id: int,
    rows: Sequence[ProgressInput],
    *,
    author: str,
    today: dt.date,
    unit_name: str | None = None,
    submission: str | None = None,
) -> int:
    """Store every row as a new report in one transaction, or none if any row is bad.
    With `submission` (a form's one-time token), a form saved twice stores one report."""
    return _store(session, document_id, rows, author, today, unit_name, submission, False).stored


@dataclass(frozen=True, slots=True)
class ImportResult:
    stored: int  # rows stored, each as a new version
    unchanged: int  # rows equal to the latest stored report: not stored again


def import_reports(
    session: Session,
    document_id: int,
    rows: Sequence[ProgressInput],
    *,
    author: str,
    today: dt.date,
    unit_name: str | None = None,
) -> ImportResult:
    """A filled workbook, checked like `add_reports` (every row or none). A row equal to the
    latest stored report for its task, period and unit is not stored again, so the same
    workbook imported twice stores nothing the second time, and a changed one stores only the
    rows that differ, as new versions."""
    return _store(session, document_id, rows, author, today, unit_name, None, True)


def _same(a: ProgressReport, b: ProgressReport) -> bool:
    return (a.values or {}) == (b.values or {}) and (a.percent, a.narrative, a.problems, a.next_steps) == (
        b.percent,
        b.narrative,
        b.problems,
        b.next_steps,
    )


def _latest(
    session: Session, document_id: int, unit_id: int | None, keys_periods: set[tuple[str, str]]
) -> dict[tuple[str, str], ProgressReport]:
    """The newest stored report of each (task, period) for this unit."""
    if not keys_periods:
        return {}
    found = session.scalars(
        select(ProgressReport)
        .where(
            ProgressReport.document_id == document_id,
            ProgressReport.task_key.in_({k for k, _ in keys_periods}),
            ProgressReport.period.in_({p for _, p in keys_periods}),
            ProgressReport.unit_id.is_(None) if unit_id is None else ProgressReport.unit_id == unit_id,
        )
        .order_by(ProgressReport.id)
    )
    return {(r.task_key, r.period): r for r in found}  # the last one wins


def _store(
    session: Session,
    document_id: int,
    rows: Sequence[ProgressInput],
    author: str,
    today: dt.date,
    unit_name: str | None,
    submission: str | None,
    skip_unchanged: bool,
) -> ImportResult:
    if submission is not None and (
        len(submission) > 64
        or session.scalar(select(ProgressReport.id).where(ProgressReport.submission == submission))
        is not None
    ):
        return ImportResult(0, 0)
    unchanged = 0
    try:
        with transaction(session):
            unit = None
            if unit_name:
                unit = find_unit(directory(session), unit_name)
            good, problems = check_rows(session, document_id, rows, today, unit)
            if problems:
                raise RowErrors(problems, "进度报送", "progress report")
            latest: dict[tuple[str, str], ProgressReport] = {}
            if skip_unchanged:
                wanted = {(task.key, parse_period(str(r.period)) or "") for task, r, _, _ in good}
                latest = _latest(session, document_id, unit.id if unit else None, wanted)
            for task, r, values, percent in good:
                report = ProgressReport(
                    document_id=document_id,
                    task_key=task.key,
                    period=parse_period(str(r.period)) or "",
                    values=values,
                    percent=percent,
                    narrative=(r.narrative or "").strip() or None,
                    problems=(r.problems or "").strip() or None,
                    next_steps=(r.next_steps or "").strip() or None,
                    unit_id=unit.id if unit else None,
                    author=author,
                    submission=submission if len(good) == 1 else None,
                )
                before = latest.get((report.task_key, report.period))
                if before is not None and _same(before, report):
                    unchanged += 1
                    continue
                session.add(report)
    except IntegrityError:
        # the same form, saved twice at once: the other request stored it
        session.rollback()
        if submission is not None and session.scalar(
            select(ProgressReport.id).where(ProgressReport.submission == submission)
        ):
            return ImportResult(0, 0)
        raise
    return ImportResult(len(good) - unchanged, unchanged)
