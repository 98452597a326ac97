"""What kind of quantity an indicator is, which says how its reported value is judged.

A `ceiling` is met by staying at or under it, a `level` (a rate, a share, a stock) is judged by
its latest value against the target, a `flow` is an amount built up over the year whose reported
value is cumulative to date.

The engine's measure dictionary (bihuan/extract/rules/measures.toml) is the one place that says
what a known measure is: its type and direction give the judging type. The word rules in
data/measures.toml decide for the names the dictionary does not know, and for what the
statement itself says (控制在…以内 is a ceiling whatever it bounds). Rules passed in by a caller
replace all of this, as before.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from bihuan.extract.measures import measure as known_measure
from bihuan.extract.measures import measure_of_name
from bihuan.track.errors import TrackError

Measure = Literal["ceiling", "flow", "level"]
MEASURES: tuple[Measure, ...] = ("ceiling", "flow", "level")
MEASURE_ZH = {"ceiling": "上限", "flow": "累计量", "level": "水平值"}
# what a report gives for each type, as the forms say it
FILL = {"ceiling": "填最新值，不超过目标", "flow": "填累计完成值", "level": "填最新值"}
# A value in one of these is a rate or share itself; in a change unit it is a change of a rate.
RATE_UNITS = frozenset({"%", "％", "‰"})
CHANGE_UNITS = frozenset({"个百分点", "百分点"})


@dataclass(frozen=True, slots=True)
class MeasureRule:
    measure: Measure
    qualifiers: frozenset[str]
    units: frozenset[str]
    names: tuple[str, ...]

    def matches(self, name: str, unit: str | None, qualifier: str | None) -> bool:
        return (
            (qualifier is not None and qualifier in self.qualifiers)
            or (unit is not None and unit.strip() in self.units)
            or any(w in name for w in self.names)
        )


def parse_rules(text: str) -> tuple[MeasureRule, ...]:
    """The rules of a measures TOML, validated: known sections and keys, lists of strings."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TrackError("指标类型规则文件格式有误", f"bad measures file: {e}") from e
    rules = []
    for section, body in raw.items():
        if section not in MEASURES or not isinstance(body, dict):
            raise TrackError(f"指标类型规则中有未知类型“{section}”", f"unknown measure {section!r}")
        unknown = set(body) - {"qualifiers", "units", "names"}
        lists = [body.get(k, []) for k in ("qualifiers", "units", "names")]
        if unknown or not all(
            isinstance(v, list) and all(isinstance(w, str) and w for w in v) for v in lists
        ):
            raise TrackError(
                f"指标类型规则“{section}”只能有 qualifiers、units、names 三个词表",
                f"measure {section!r} takes only lists of words: qualifiers, units, names",
            )
        rules.append(MeasureRule(section, frozenset(lists[0]), frozenset(lists[1]), tuple(lists[2])))
    order = {m: n for n, m in enumerate(MEASURES)}
    return tuple(sorted(rules, key=lambda r: order[r.measure]))


@cache
def shipped_rules() -> tuple[MeasureRule, ...]:
    return parse_rules(resources.files("bihuan.track").joinpath("data/measures.toml").read_text("utf-8"))


def measure_of(
    name: str,
    unit: str | None,
    qualifier: str | None = None,
    rules: tuple[MeasureRule, ...] | None = None,
) -> Measure:
    """The type of an indicator from its name, unit and qualifier; a flow when nothing says otherwise.

    With `rules`, those rules alone decide (first match in ceiling, flow, level order). Without,
    a bound stated in the text (the shipped rules' qualifiers) decides first, then the measure
    dictionary, then the shipped word rules."""
    if rules is None:
        return _shipped_measure(name, unit, qualifier)
    for rule in rules:
        if rule.matches(name, unit, qualifier):
            return rule.measure
    return "flow"


def dictionary_measure(name: str, unit: str | None) -> Measure | None:
    """The judging type the measure dictionary gives the name, or None when it does not know the
    name or the unit says the value is not the measure itself (a growth in % of an amount, a
    change in 个百分点 of a rate)."""
    mid = measure_of_name(name)
    if mid is None:
        return None
    m = known_measure(mid)
    u = unit.strip() if unit else None
    if u in CHANGE_UNITS:
        return None
    if u is not None and (u in RATE_UNITS) != (m.unit_family in ("percent", "permille")):
        return None
    if m.type == "ceiling" or m.direction == "down":
        return "ceiling"
    return "flow" if m.type == "flow" else "level"


@lru_cache(maxsize=4096)
def _shipped_measure(name: str, unit: str | None, qualifier: str | None) -> Measure:
    rules = shipped_rules()
    for rule in rules:
        if qualifier is not None and qualifier in rule.qualifiers:
            return rule.measure
    return dictionary_measure(name, unit) or measure_of(name, unit, qualifier, rules)
