"""The plan year's work items: one per actionable sentence of the work-area sections."""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Callable

from bihuan.extract.numbers import cn_to_number
from bihuan.extract.segment import Heading, Para, sentences
from bihuan.extract.types import Task

_MONTH_END = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月(?:底|末|份)(?:前)?")
_DAY = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})日前")
_QUARTER = re.compile(r"(?:第)?([一二三四1-4])季度(?:末|底)?(?:前)?")
_HALF = {"上半年": 6, "年中": 6, "下半年": 12, "年底": 12, "年末": 12, "年内": 12}
_MIN_CHARS = 9


def deadline(text: str, plan_year: int | None) -> str | None:
    """The date a task is due: the end of the plan year unless the text says 6月底前, 三季度末 …"""
    if plan_year is None:
        return None
    # The patterns open with no fixed character, so they run only where their word stands.
    m = _DAY.search(text) if "月" in text else None
    if m:
        mo, da = _n(m.group(1)), _n(m.group(2))
        if 1 <= mo <= 12 and 1 <= da <= calendar.monthrange(plan_year, mo)[1]:
            return f"{plan_year:04d}-{mo:02d}-{da:02d}"
    m = _MONTH_END.search(text) if "月" in text else None
    if m and 1 <= _n(m.group(1)) <= 12:
        return _month_end(plan_year, _n(m.group(1)))
    m = _QUARTER.search(text) if "季度" in text else None
    if m:
        return _month_end(plan_year, 3 * _n(m.group(1)))
    for word, month in _HALF.items():
        if word in text:
            return _month_end(plan_year, month)
    return f"{plan_year:04d}-12-31"


def _n(text: str) -> int:
    if text.isdigit():
        return int(text)
    value = cn_to_number(text)
    return int(value) if value is not None else 0


def _month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def work_areas(heads: list[Heading]) -> list[Heading]:
    """Sections whose text is the year's work: tasks-role sections without tasks-role children."""
    tasks = [h for h in heads if h.role == "tasks"]
    parents = {h.parent for h in tasks}
    leaves = [h for h in tasks if h.id not in parents]
    if leaves:
        return leaves
    return [h for h in heads if h.role == "goals"]


def extract_tasks(
    paras: list[Para],
    heads: list[Heading],
    targets: list[tuple[str, int, int]],
    plan_year: int | None,
    span_of: Callable[[int, int], tuple[int, int]] | None = None,
) -> list[Task]:
    """Tasks with spans in the repaired text, or the spans `span_of` maps them to (each task
    made once); `targets` are (id, start, end) of target facts."""
    targets = sorted(targets, key=lambda t: t[1])
    starts = [t[1] for t in targets]
    out: list[Task] = []
    para_starts = [p.start for p in paras]
    for area in work_areas(heads):
        for p in paras[bisect_left(para_starts, area.start) : bisect_left(para_starts, area.end)]:
            for k, (s, text) in enumerate(sentences(p)):
                if p.start == area.start and k == 0:
                    continue  # the heading sentence itself
                body = text.strip().rstrip("。；;！!")
                e = s + len(text.rstrip())
                lo, hi = bisect_left(starts, s), bisect_left(starts, e)
                linked = tuple(tid for tid, _, b in targets[lo:hi] if b <= e) if lo < hi else ()
                if len(body) < _MIN_CHARS and not linked:
                    continue
                out.append(
                    Task(
                        f"t{len(out) + 1}",
                        area.id,
                        body,
                        span_of(s, s + len(body)) if span_of else (s, s + len(body)),
                        linked,
                        deadline(body, plan_year),
                    )
                )
    return out
