"""兑现: next year's report closes the loop. Each target a plan sets for its year is matched with
the figure the next year's report states for that year, and judged met, not met or not stated.

Pure functions over plans and indicators (no database): the CLI, the batch's table and the
dashboard all call `attain` or `attain_indicators`.

Matching, for a target of period P among the actuals of period P:
1. same measure id (the engine's dictionary) — two different measure ids never match, unless the
   settings make them one series (国民生产总值 and 国内生产总值 across the 1993 change);
2. else the same name once region prefixes (全省, 我县 …), lead verbs and growth tails are dropped,
   or one name containing the other (unless the longer is another quantity: 人均…, …率);
and the actual must state the same kind of figure: a growth target needs a growth of the same
basis, an amount needs an amount in the same unit (at any scale: 万吨, 亿吨). The first actual
in the best rank wins. How a figure is judged: attain_judge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

from bihuan.extract import Indicator, Plan
from bihuan.extract.measures import clean, dictionary
from bihuan.extract.rules import words
from bihuan.track.attain_judge import Verdict, judge, norm_unit, parts
from bihuan.track.attain_settings import AttainSettings, shipped_settings
from bihuan.track.errors import TrackError

Status = Literal["met", "not_met", "not_stated"]
STATUSES: tuple[Status, ...] = ("met", "not_met", "not_stated")
STATUS_ZH: dict[Status, str] = {"met": "完成", "not_met": "未完成", "not_stated": "未提及"}
MatchedBy = Literal["measure", "series", "name"]
_MATCHED_BY: tuple[MatchedBy, ...] = ("measure", "series", "name", "name")
# An actual stated as a bound (控制在…以内, a range) is often the old target restated in the
# review ("去年提出要把涨幅控制在10%以内"): it is taken only when no plain figure is found.
_BOUNDS = frozenset({"at_most", "range"})


@dataclass(frozen=True, slots=True)
class Attainment:
    target: Indicator
    actual: Indicator | None
    status: Status
    verdicts: tuple[Verdict, ...] = ()
    matched_by: MatchedBy | None = None

    @property
    def measure(self) -> str | None:
        return self.target.measure

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def status_zh(self) -> str:
        return STATUS_ZH[self.status]

    def why_zh(self) -> str:
        """The judgement in words: 增长 实际12.8% ≥ 目标6%."""
        if not self.verdicts:
            return "下一年报告未提及该年的实际数"
        out = []
        for v in self.verdicts:
            what = "增长" if v.part == "growth" else "数值"
            # 45万头左右 met by 44.2万头: short of the figure, within the tolerance of 左右
            near = v.met and (v.actual > v.target if v.lower_better else v.actual < v.target)
            sign = (
                "≈"
                if near
                else ("≤" if v.lower_better else "≥")
                if v.met
                else (">" if v.lower_better else "<")
            )
            unit = "%" if v.part == "growth" else (self.target.unit or "")
            note = "（左右，在容差内）" if near else ""
            out.append(f"{what}实际{v.actual:g}{unit} {sign} 目标{v.target:g}{unit}{note}")
        return "；".join(out)


def review_year(plan: Plan) -> int:
    year = plan.document.plan_year
    if year is None:
        raise TrackError("报告中没有读出计划年度，无法对照兑现", "the report's plan year is unknown")
    return year


def review_targets(old: Plan, new: Plan) -> list[Indicator]:
    """The OLD plan's targets for its own year, and its multi-year targets whose exact period the
    NEW plan states actuals for; a target stated twice in the same words counts once."""
    year = str(review_year(old))
    reviewed = {i.period for i in new.indicators if i.kind == "actual" and "-" in i.period}
    out: list[Indicator] = []
    seen: set[tuple[Any, ...]] = set()
    for i in old.indicators:
        if i.kind != "target" or not (i.period == year or i.period in reviewed) or not parts(i):
            continue
        key = (i.measure or bare_name(i.name), i.period, i.value, norm_unit(i.unit), i.growth_pct, i.basis)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


def attain(old: Plan, new: Plan, settings: AttainSettings | None = None) -> list[Attainment]:
    """Every target of `old` reviewed by `new`, with its actual and status, in `old`'s order."""
    return attain_indicators(review_targets(old, new), new.indicators, settings)


def attain_indicators(
    targets: Iterable[Indicator], actuals: Sequence[Indicator], settings: AttainSettings | None = None
) -> list[Attainment]:
    """Each target matched with the actuals of its period (see the module's docstring)."""
    s = settings or shipped_settings()
    by_period: dict[str, list[tuple[Indicator, str]]] = {}
    for a in actuals:
        if a.kind == "actual":
            by_period.setdefault(a.period, []).append((a, bare_name(a.name)))
    indexed: dict[str, _Actuals] = {}  # built for the periods targets ask about only

    def of(period: str) -> _Actuals:
        if period not in indexed:
            indexed[period] = _Actuals(by_period.get(period, []))
        return indexed[period]

    return [_one(t, of(t.period), s) for t in targets]


class _Actuals:
    """The actuals of one period, indexed so that a target is held only against those that can
    match it: the same measure id or series, the same bare name, or a name sharing two characters
    in a row with it (one name within the other shares all of the shorter's)."""

    def __init__(self, items: list[tuple[Indicator, str]]) -> None:
        self.items = items
        self.by_measure: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        self.by_pair: dict[str, list[int]] = {}
        for n, (a, bare) in enumerate(items):
            if a.measure:
                self.by_measure.setdefault(a.measure, []).append(n)
            self.by_name.setdefault(bare, []).append(n)
            for pair in {bare[k : k + 2] for k in range(len(bare) - 1)}:
                self.by_pair.setdefault(pair, []).append(n)

    def candidates(self, target: Indicator, bare: str, s: AttainSettings) -> list[int]:
        if s.min_contained < 2:
            return list(range(len(self.items)))
        found = set(self.by_name.get(bare, ()))
        for k in range(len(bare) - 1):
            found.update(self.by_pair.get(bare[k : k + 2], ()))
        if target.measure:
            for m, ns in self.by_measure.items():
                if m == target.measure or s.one_series(target.measure, m):
                    found.update(ns)
        return sorted(found)


def _one(target: Indicator, indexed: _Actuals, s: AttainSettings) -> Attainment:
    best: tuple[tuple[int, bool, int, int], Indicator, tuple[Verdict, ...]] | None = None
    growth, value = target.growth_pct is not None, target.value is not None
    bare = bare_name(target.name)
    for n in indexed.candidates(target, bare, s):
        a, a_bare = indexed.items[n]
        if not ((growth and a.growth_pct is not None) or (value and a.value is not None)):
            continue  # nothing to compare: cheaper to know than the names
        rank = _rank(target, a, bare, a_bare, s)
        if rank is None:
            continue
        verdicts = tuple(v for v in (judge(target, a, p, s) for p in parts(target)) if v is not None)
        if not verdicts:
            continue
        key = (rank, a.qualifier in _BOUNDS, -len(verdicts), n)
        if best is None or key < best[0]:
            best = (key, a, verdicts)
    if best is None:
        return Attainment(target, None, "not_stated")
    key, actual, verdicts = best
    status: Status = "met" if all(v.met for v in verdicts) else "not_met"
    return Attainment(target, actual, status, verdicts, _MATCHED_BY[key[0]])


def _rank(target: Indicator, actual: Indicator, bare: str, a_bare: str, s: AttainSettings) -> int | None:
    """0: the same measure id; 1: one series (settings.same_series); 2: the same bare name;
    3: one name within the other; None: no match."""
    if target.measure is not None and actual.measure is not None:
        if target.measure == actual.measure:
            return 0
        return 1 if s.one_series(target.measure, actual.measure) else None
    found = _same_bare(bare, a_bare, s)
    return None if found is None else found + 1


def same_name(a: str, b: str, s: AttainSettings) -> int | None:
    """1 when the bare names are equal, 2 when one contains the other and the longer is not
    another quantity (settings.other_quantity), else None."""
    return _same_bare(bare_name(a), bare_name(b), s)


def _same_bare(x: str, y: str, s: AttainSettings) -> int | None:
    if x == y:
        return 1 if x else None
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) < s.min_contained or short not in long_:
        return None
    if any(w in long_ and w not in short for w in s.other_quantity):
        return None
    return 2


@cache
def _affixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = dictionary()
    heads = (*words()["names"]["region_prefix"], *d.lead)
    return tuple(sorted(heads, key=len, reverse=True)), tuple(sorted(d.tail, key=len, reverse=True))


@lru_cache(maxsize=65536)
def bare_name(name: str) -> str:
    """The name without spaces and quotes, region prefixes (全省, 我县 …), lead verbs and the
    growth words a name may end with (增长, 增速 …)."""
    text = clean(name)
    heads, tails = _affixes()
    changed = True
    while changed:
        changed = False
        for h in heads:
            if text.startswith(h) and len(text) > len(h):
                text, changed = text[len(h) :], True
                break
        for t in tails:
            if text.endswith(t) and len(text) > len(t):
                text, changed = text[: -len(t)], True
                break
    return text
