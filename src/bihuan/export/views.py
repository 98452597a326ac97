"""Read-only views of a Plan for people: the headline groups and figures as text.

Shared by the terminal tables (bihuan.cli.render) and the workbook (bihuan.export.xlsx).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bihuan.extract.types import Check, Indicator, Plan, Section, Span

KIND_ZH = {"actual": "实际", "target": "目标"}
BASIS_ZH = {"yoy": "同比", "annual_avg": "年均", "cumulative": "累计"}
CHECK_ZH = {"growth_consistency": "目标与上年数、增速不符", "list_length": "分别列举的项数与数值个数不符"}
QUALIFIER_ZH = {"about": "左右", "at_least": "以上", "at_most": "以内", "range": "范围"}
_YEAR_SPAN = re.compile(r"(\d{4})-(\d{4})")


@dataclass(frozen=True, slots=True)
class WorkArea:
    """One work area of the plan year: a section with role "tasks" and what it commits to."""

    section: str
    heading: str
    tasks: int
    indicators: int


@dataclass(frozen=True, slots=True)
class Headline:
    """What a person reads first: last year's results, the goals, the work, the failed checks."""

    plan_year: int | None
    last_year: tuple[Indicator, ...]
    long_term: tuple[Indicator, ...]
    plan_targets: tuple[Indicator, ...]
    work_areas: tuple[WorkArea, ...]
    failed_checks: tuple[Check, ...]


def headline(plan: Plan) -> Headline:
    year = plan.document.plan_year
    sections = {s.id: s for s in plan.sections}
    inds = plan.indicators
    last_year: tuple[Indicator, ...] = ()
    long_term: tuple[Indicator, ...] = ()
    plan_targets: tuple[Indicator, ...] = ()
    if year is not None:
        last_year = tuple(i for i in inds if i.kind == "actual" and i.period == str(year - 1))
        long_term = tuple(i for i in inds if i.kind == "target" and _is_long_term(i.period, year))
        this_year = tuple(i for i in inds if i.kind == "target" and i.period == str(year))
        in_goals = tuple(i for i in this_year if _in_role(i.section, "goals", sections))
        plan_targets = in_goals or this_year
    return Headline(
        plan_year=year,
        last_year=last_year,
        long_term=long_term,
        plan_targets=plan_targets,
        work_areas=work_areas(plan),
        failed_checks=tuple(c for c in plan.checks if not c.ok),
    )


def work_areas(plan: Plan) -> tuple[WorkArea, ...]:
    """Task counts per work area, in document order.

    A work area is a "tasks" section that holds tasks itself or has no "tasks" subsection;
    each task counts once, under the nearest such section it stands in. Tasks outside every
    work area are gathered under "其他".
    """
    sections = {s.id: s for s in plan.sections}
    task_roles = [s for s in plan.sections if s.role == "tasks"]
    has_task_child = {s.parent for s in task_roles if s.parent}
    owners = {t.section for t in plan.tasks}
    areas = [s for s in task_roles if s.id in owners or s.id not in has_task_child]
    area_ids = {s.id for s in areas}
    counts: dict[str | None, int] = {s.id: 0 for s in areas}
    linked: dict[str | None, set[str]] = {s.id: set() for s in areas}
    for task in plan.tasks:
        area = _nearest(task.section, area_ids, sections)
        counts[area] = counts.get(area, 0) + 1
        linked.setdefault(area, set()).update(task.indicators)
    rows = [WorkArea(s.id, s.heading, counts[s.id], len(linked[s.id])) for s in areas]
    if None in counts:
        rows.append(WorkArea("", "其他", counts[None], len(linked[None])))
    return tuple(rows)


def number_text(x: float) -> str:
    """169.7 -> "169.7", 33025.0 -> "33025": no exponent, no float noise."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def range_is_growth(ind: Indicator) -> bool:
    """Whether ind.range bounds the growth rather than the value (see the contract)."""
    if ind.range is None or ind.growth_pct is None:
        return False
    low, high = ind.range
    return ind.value is None or low <= ind.growth_pct <= high


def value_text(ind: Indicator) -> str:
    """The amount with its unit and qualifier: 169.7亿元, 7%左右, 6–6.5%; "" when none."""
    unit = ind.unit or ""
    if ind.qualifier == "range" and ind.range is not None and not range_is_growth(ind):
        low, high = ind.range
        return f"{number_text(low)}–{number_text(high)}{unit}"
    if ind.value is None:
        return ""
    qualifier = QUALIFIER_ZH.get(ind.qualifier or "", "")
    return f"{number_text(ind.value)}{unit}{qualifier}"


def growth_text(ind: Indicator) -> str:
    """The growth with its basis and qualifier: 7.5%, 年均6.5%左右, -9.52%; "" when none."""
    if ind.growth_pct is None:
        return ""
    basis = BASIS_ZH.get(ind.basis or "", "") if ind.basis != "yoy" else ""
    if range_is_growth(ind) and ind.range is not None:
        low, high = ind.range
        return f"{basis}{number_text(low)}%–{number_text(high)}%"
    own = ind.growth_qualifier or (ind.qualifier if ind.value is None else None)
    qualifier = QUALIFIER_ZH.get(own or "", "") if own != "range" else ""
    return f"{basis}{number_text(ind.growth_pct)}%{qualifier}"


def period_text(period: str) -> str:
    """A period for a person: 2023-2027 -> 2023–2027年, 2025 -> 2025年."""
    match = _YEAR_SPAN.fullmatch(period)
    if match:
        return f"{match[1]}–{match[2]}年"
    return f"{period}年" if period.isdigit() else period


def span_text(span: Span) -> str:
    return f"{span[0]}–{span[1]}"


def _is_long_term(period: str, plan_year: int) -> bool:
    if _YEAR_SPAN.fullmatch(period):
        return True
    return period.isdigit() and len(period) == 4 and int(period) > plan_year


def _in_role(section_id: str | None, role: str, sections: dict[str, Section]) -> bool:
    return any(s in sections and sections[s].role == role for s in _ancestry(section_id, sections))


def _nearest(section_id: str | None, targets: set[str], sections: dict[str, Section]) -> str | None:
    return next((s for s in _ancestry(section_id, sections) if s in targets), None)


def _ancestry(section_id: str | None, sections: dict[str, Section]) -> Iterator[str]:
    """The section and its parents, innermost first; safe against unknown ids and cycles."""
    seen: set[str] = set()
    while section_id is not None and section_id not in seen:
        yield section_id
        seen.add(section_id)
        section = sections.get(section_id)
        section_id = section.parent if section else None
