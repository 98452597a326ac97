"""What kind of quantity an indicator is, which says how its reported value is judged.

The words live in data/measures.toml: a `ceiling` is met by staying at or under it, a `level`
(a rate, a share, a stock) is judged by its latest value against the target, a `flow` is an
amount built up over the year whose reported value is cumulative to date.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from bihuan.track.errors import TrackError

Measure = Literal["ceiling", "flow", "level"]
MEASURES: tuple[Measure, ...] = ("ceiling", "flow", "level")
MEASURE_ZH = {"ceiling": "上限", "flow": "累计量", "level": "水平值"}
# what a report gives for each type, as the forms say it
FILL = {"ceiling": "填最新值，不超过目标", "flow": "填累计完成值", "level": "填最新值"}


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
    """The type of an indicator from its name, unit and qualifier; a flow when nothing says otherwise."""
    if rules is None:
        return _shipped_measure(name, unit, qualifier)
    for rule in rules:
        if rule.matches(name, unit, qualifier):
            return rule.measure
    return "flow"


@lru_cache(maxsize=4096)
def _shipped_measure(name: str, unit: str | None, qualifier: str | None) -> Measure:
    return measure_of(name, unit, qualifier, shipped_rules())
