"""The parts of a 督查通报 (track.bulletin): counts, work areas, flagged tasks, units, notices,
chart rows. Frozen dataclasses that the writers render as they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Notice, TaskRow
from bihuan.track.lifecycle import notice_overdue, notice_state
from bihuan.track.status import LIGHT_ZH, TaskStatus

ON_TRACK = ("正常推进", "待报送")
BEHIND = ("滞后", "未启动", "未报送")


def period_zh(period: str) -> str:
    return f"{int(period[:4])}年{int(period[5:7])}月"


def short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass(frozen=True, slots=True)
class Counts:
    tasks: int = 0
    completed: int = 0
    on_track: int = 0
    behind: int = 0
    overdue: int = 0
    not_handed: int = 0
    red: int = 0
    yellow: int = 0
    green: int = 0
    due_reports: int = 0  # tasks owing the period's report
    missing_reports: int = 0  # of those, none sent by the bulletin's date
    late_reports: int = 0  # of those, the first sent after the due day


def count(items: Sequence[TaskStatus]) -> Counts:
    states = [it.status.state for it in items]
    lights = [it.status.light for it in items]
    return Counts(
        tasks=len(items),
        completed=states.count("已完成"),
        on_track=sum(s in ON_TRACK for s in states),
        behind=sum(s in BEHIND for s in states),
        overdue=states.count("逾期"),
        not_handed=states.count("未交办"),
        red=lights.count("red"),
        yellow=lights.count("yellow"),
        green=lights.count("green"),
    )


@dataclass(frozen=True, slots=True)
class AreaPart:
    """One work area's paragraph: its counts and its red tasks."""

    name: str
    counts: Counts
    red_tasks: tuple[int, ...]

    @classmethod
    def of(cls, name: str, items: Sequence[TaskStatus]) -> AreaPart:
        return cls(name, count(items), tuple(it.number for it in items if it.status.light == "red"))

    @property
    def said(self) -> str:
        c = self.counts
        text = (
            f"共 {c.tasks} 项任务，已完成 {c.completed} 项，正常推进 {c.on_track} 项，"
            f"滞后 {c.behind} 项，逾期 {c.overdue} 项"
        )
        text += f"，尚未交办 {c.not_handed} 项" if c.not_handed else ""
        if self.red_tasks:
            text += f"。亮红灯的是第 {'、'.join(map(str, self.red_tasks))} 项，请牵头单位加快推进"
        return text + "。"


@dataclass(frozen=True, slots=True)
class FlaggedTask:
    """A red or yellow task in the bulletin's table."""

    number: int
    light: str  # red | yellow
    state: str
    text: str
    lead: str
    deadline: dt.date
    latest: str  # the latest report's figure, in words, or 未报送
    reason: str

    @classmethod
    def of(cls, it: TaskStatus, latest: str, width: int) -> FlaggedTask:
        return cls(
            it.number,
            it.status.light,
            it.status.state,
            short(it.text, width),
            it.lead or "未分配",
            it.deadline,
            latest,
            "；".join(it.status.reasons),
        )

    @property
    def light_zh(self) -> str:
        return LIGHT_ZH[self.light]


@dataclass(frozen=True, slots=True)
class UnitTasks:
    """A unit and task numbers: those not reported, or done early (`tasks`) and ahead (`ahead`)."""

    unit: str
    tasks: tuple[int, ...]
    ahead: tuple[int, ...] = ()

    @property
    def said(self) -> str:
        parts = []
        if self.tasks:
            parts.append(f"第 {'、'.join(map(str, self.tasks))} 项")
        if self.ahead:
            parts.append(f"第 {'、'.join(map(str, self.ahead))} 项进度超前")
        return "；".join(parts)


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """A notice sent in the bulletin's window, as it stood on the bulletin's date."""

    id: int
    kind: str
    grade: str
    unit: str
    task_number: int | None
    sent: dt.date
    answer_by: dt.date | None
    state: str
    overdue: bool
    answered: dt.date | None
    answer: str | None


def notice_lines(
    session: Session, notices: Sequence[Notice], on: dt.date, tasks: Sequence[TaskRow]
) -> list[NoticeLine]:
    """Each notice's state from its steps up to the end of `on` (later answers are not known yet);
    rule drafts not yet approved by then are left out."""
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time())
    hist = queries.notice_histories(session, [n.id for n in notices])
    names = {u.id: u.name for u in queries.units(session)}
    numbers = {t.key: t.number for t in tasks}
    out = []
    for n in notices:
        events = [e for e in hist[n.id][0] if e.created_at < end]
        answers = [a for a in hist[n.id][1] if a.created_at < end]
        state = notice_state(n, events, answers)
        if state == "待发出":
            continue
        last = answers[-1] if answers else None
        out.append(
            NoticeLine(
                n.id, n.kind, n.grade or "一般", names.get(n.unit_id, "?"), numbers.get(n.task_key),
                n.created_at.date(), n.answer_by, state, notice_overdue(n, state, on),
                last.created_at.date() if last else None, last.text if last else None,
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True, slots=True)
class LightRow:
    """A chart's row: a work area's or a unit's tasks by light."""

    name: str
    red: int
    yellow: int
    green: int

    @property
    def counts(self) -> dict[str, int]:
        return {"red": self.red, "yellow": self.yellow, "green": self.green}


def light_rows(
    groups: Sequence[tuple[str, Sequence[TaskStatus]]], by_red: bool = False
) -> tuple[LightRow, ...]:
    rows = [
        LightRow(name, *(sum(it.status.light == x for it in items) for x in ("red", "yellow", "green")))
        for name, items in groups
    ]
    if by_red:  # units: most red first, then most yellow
        rows.sort(key=lambda r: (-r.red, -r.yellow, r.name))
    return tuple(rows)
