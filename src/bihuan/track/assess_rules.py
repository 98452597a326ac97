"""考核 rules as data (data/assess.toml, or a deployment's own file) and their pure application.

`AssessRules.load` reads and validates a rule file and records its sha256. `score` turns facts
(what happened: a report on time, a 督办 received …, found in the ledger by track.assess) into
each unit's events with points, caps and a ranking. Facts never depend on the rules, so a
different rule file changes points, caps and ranks, and nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from bihuan.track.errors import TrackError
from bihuan.track.lifecycle import NOTICE_GRADES

SUPERVISED = "supervised."  # + grade: a 督办 of that grade received
RULES_ZH: dict[str, str] = {
    "report_on_time": "按时报送",
    "report_late": "迟报",
    "report_missing": "漏报",
    "task_on_time": "按期完成",
    "task_completed_late": "超期完成",
    "task_overdue": "逾期未完成",
    **{f"{SUPERVISED}{g}": f"督办（{g}）" for g in NOTICE_GRADES},
    "answer_late": "答复超期",
    "closed_accepted": "办结销号",
}
RULE_IDS: tuple[str, ...] = tuple(RULES_ZH)
CAP = "cap."  # + rule id, or "total": a capping event
SHIPPED = "内置规则"


def rule_zh(rule: str) -> str:
    """A rule id (or a capping event's) in words."""
    if rule == f"{CAP}total":
        return "总分封顶"
    if rule.startswith(CAP):
        return f"封顶：{RULES_ZH.get(rule[len(CAP) :], rule)}"
    return RULES_ZH.get(rule, rule)


def _bad(zh: str, en: str) -> TrackError:
    return TrackError(f"考核规则文件有误：{zh}", f"bad assessment rules: {en}")


def _number(value: object, where: str, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(f"{where} 应为数字，收到 {value!r}", f"{where} must be a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise _bad(f"{where} 不能小于 {minimum:g}", f"{where} must be at least {minimum:g}")
    return float(value)


def _table(raw: Mapping[str, Any], key: str, where: str, known: Sequence[str] | None) -> dict[str, Any]:
    value = raw.get(key, {})
    path = f"{where}.{key}" if where else key
    if not isinstance(value, dict):
        raise _bad(f"{path} 应为表（[{path}]）", f"{path} must be a table")
    if known is not None:
        unknown = sorted(set(value) - set(known))
        if unknown:
            names = [f"{path}.{k}" for k in unknown]
            raise _bad(f"未知设置 {'、'.join(names)}", f"unknown keys {', '.join(names)}")
    return value


@dataclass(frozen=True, slots=True)
class AssessRules:
    points: Mapping[str, float]  # every rule id → its points (0: the rule does not count)
    base: float = 100.0
    area_weights: Mapping[str, float] | None = None
    task_weights: Mapping[int, float] | None = None  # by task 序号
    rule_caps: Mapping[str, float] | None = None  # rule id → the largest |sum| per unit
    total_min: float | None = None
    total_max: float | None = None
    sha256: str = ""
    source: str = SHIPPED

    @classmethod
    def load(cls, path: Path | None = None) -> AssessRules:
        """The shipped rules, or a deployment's own file; its sha256 is that of the file's bytes."""
        try:
            if path is None:
                data = resources.files("bihuan.track").joinpath("data/assess.toml").read_bytes()
            else:
                data = path.read_bytes()
            raw = tomllib.loads(data.decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            where = path or SHIPPED
            raise TrackError(
                f"无法读取考核规则文件 {where}：{e}", f"cannot read assessment rules {where}: {e}"
            ) from e
        sha = hashlib.sha256(data).hexdigest()
        return cls.from_mapping(raw, sha, SHIPPED if path is None else str(path))

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], sha256: str = "", source: str = SHIPPED) -> AssessRules:
        """Validated rules: an unknown key, a wrong type or an impossible value is one error."""
        unknown = sorted(set(raw) - {"base", "points", "weights", "caps"})
        if unknown:
            raise _bad(f"未知设置 {'、'.join(unknown)}", f"unknown keys {', '.join(unknown)}")
        plain = [r for r in RULE_IDS if not r.startswith(SUPERVISED)]
        points_raw = _table(raw, "points", "", [*plain, "supervised"])
        graded = _table(points_raw, "supervised", "points", NOTICE_GRADES)
        points = {r: _number(points_raw.get(r, 0), f"points.{r}") for r in plain}
        points.update(
            {f"{SUPERVISED}{g}": _number(graded.get(g, 0), f"points.supervised.{g}") for g in NOTICE_GRADES}
        )
        weights = _table(raw, "weights", "", ["areas", "tasks"])
        areas = {
            str(k): _number(v, f"weights.areas.{k}", 0)
            for k, v in _table(weights, "areas", "weights", None).items()
        }
        tasks: dict[int, float] = {}
        for k, v in _table(weights, "tasks", "weights", None).items():
            if not str(k).isdigit() or int(k) < 1:
                raise _bad(
                    f"weights.tasks 的键应为任务序号，收到“{k}”",
                    f"weights.tasks keys must be task numbers, got {k!r}",
                )
            tasks[int(k)] = _number(v, f"weights.tasks.{k}", 0)
        caps = _table(raw, "caps", "", ["per_rule", "total_min", "total_max"])
        per_rule = {str(k): _number(v, f"caps.per_rule.{k}", 0)
                    for k, v in _table(caps, "per_rule", "caps", RULE_IDS).items()}  # fmt: skip
        low = _number(caps["total_min"], "caps.total_min") if "total_min" in caps else None
        high = _number(caps["total_max"], "caps.total_max") if "total_max" in caps else None
        if low is not None and high is not None and low > high:
            raise _bad(
                "caps.total_min 不能大于 caps.total_max", "caps.total_min must not exceed caps.total_max"
            )
        base = _number(raw.get("base", 100), "base")
        return cls(points, base, areas, tasks, per_rule, low, high, sha256, source)

    def weight(self, task_number: int | None, area: str | None) -> float:
        """A task's weight: its own, else its work area's, else 1."""
        if task_number is not None and self.task_weights and task_number in self.task_weights:
            return self.task_weights[task_number]
        if area is not None and self.area_weights and area in self.area_weights:
            return self.area_weights[area]
        return 1.0


class Fact(NamedTuple):
    """Something that happened, for a unit, found in the ledger: no points yet. (Named tuples:
    a year's assessment of a large plan holds tens of thousands.)"""

    rule: str
    unit_id: int
    task_number: int | None
    task_key: str | None
    area: str | None
    day: dt.date | None
    reason: str  # in Chinese, never mentioning points: the rules do not change it


class Event(NamedTuple):
    """A fact with the points it earned (weight applied), or a capping event (no task)."""

    rule: str
    points: float
    task_number: int | None
    task_key: str | None
    day: dt.date | None
    reason: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class UnitScore:
    unit_id: int
    unit: str
    score: float
    rank: int
    events: tuple[Event, ...]

    def subtotal(self, rule: str) -> float:
        return round(sum(e.points for e in self.events if e.rule == rule), 2)

    def by_rule(self) -> list[tuple[str, int, float]]:
        """(rule, events, subtotal) of each rule with events, in the events' order."""
        out: dict[str, tuple[int, float]] = {}
        for e in self.events:
            n, total = out.get(e.rule, (0, 0.0))
            out[e.rule] = (n + 1, total + e.points)
        return [(rule, n, round(total, 2)) for rule, (n, total) in out.items()]


def _when(e: Event) -> tuple[dt.date, int]:
    return (e.day or dt.date.min, e.task_number or 0)


def _events(facts: Sequence[Fact], rules: AssessRules) -> list[Event]:
    """A unit's events: by rule (in RULE_IDS order), each rule's by date and task, its capping
    event (if any) last."""
    by_rule: dict[str, list[Event]] = {}
    points = {rule: round(p, 2) for rule, p in rules.points.items()}
    weighted = bool(rules.task_weights or rules.area_weights)
    for f in facts:
        weight = rules.weight(f.task_number, f.area) if weighted else 1.0
        p = round(points.get(f.rule, 0.0) * weight, 2) if weighted else points.get(f.rule, 0.0)
        if p != 0:
            by_rule.setdefault(f.rule, []).append(
                Event(f.rule, p, f.task_number, f.task_key, f.day, f.reason, weight)
            )
    caps = rules.rule_caps or {}
    out: list[Event] = []
    for rule in RULE_IDS:
        events = sorted(by_rule.get(rule, ()), key=_when)
        out += events
        cap = caps.get(rule)
        total = round(sum(e.points for e in events), 2)
        if cap is not None and abs(total) > cap:
            over = round(math.copysign(cap, total) - total, 2)
            said = "加分" if total > 0 else "扣分"
            out.append(Event(f"{CAP}{rule}", over, None, None, None,
                             f"“{RULES_ZH[rule]}”累计{said} {abs(total):g} 分，超过上限 {cap:g} 分，按上限计"))  # fmt: skip
    return out


def score(facts: Sequence[Fact], units: Mapping[int, str], rules: AssessRules) -> tuple[UnitScore, ...]:
    """Every unit of `units` (and every unit a fact names) with its events, score and rank.

    Score = base + the events' points, caps applied. Ranking: higher score first; equal scores
    (to the cent) share a rank and the next rank skips (1, 2, 2, 4); units of equal score are
    listed in directory order (unit id)."""
    by_unit: dict[int, list[Fact]] = {uid: [] for uid in units}
    for f in facts:
        by_unit.setdefault(f.unit_id, []).append(f)
    scored: list[tuple[int, float, list[Event]]] = []
    for uid, mine in by_unit.items():
        events = _events(mine, rules)
        total = round(rules.base + sum(e.points for e in events), 2)
        bounded = total
        if rules.total_min is not None:
            bounded = max(bounded, rules.total_min)
        if rules.total_max is not None:
            bounded = min(bounded, rules.total_max)
        if bounded != total:
            which = "上限" if bounded < total else "下限"
            events.append(Event(f"{CAP}total", round(bounded - total, 2), None, None, None,
                                f"总分 {total:g} 超出{which} {bounded:g}，按{which}计"))  # fmt: skip
        scored.append((uid, bounded, events))
    scored.sort(key=lambda x: (-x[1], x[0]))
    out: list[UnitScore] = []
    for i, (uid, total, events) in enumerate(scored):
        rank = out[-1].rank if out and out[-1].score == total else i + 1
        out.append(UnitScore(uid, units.get(uid, f"单位{uid}"), total, rank, tuple(events)))
    return tuple(out)
