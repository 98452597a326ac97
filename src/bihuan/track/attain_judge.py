"""Whether an actual figure meets a target: the comparison of one part of a target (its growth or
its value) with the same part of the actual, respecting the target's qualifier and whether the
measure is better higher or lower.

- 以上 (at_least): met when actual >= target; 以内/不超过/控制在 (at_most): actual <= target.
- 左右 (about): met within the tolerance (percentage points for rates, a share of the target for
  amounts), or when the actual is better than the target.
- a range (6%-7%): met from its lower bound up (higher is better) or its upper bound down.
- no qualifier: met when the actual is at least (or, lower being better, at most) the target.
Lower is better for a 以内 target, and for a measure the dictionary calls a ceiling or
"direction = down" (prices, energy intensity, unemployment …); otherwise higher is better.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from bihuan.extract import Indicator
from bihuan.extract.measures import measure as known_measure
from bihuan.track.attain_settings import AttainSettings
from bihuan.track.measures import measure_of

Part = Literal["growth", "value"]
POINT_UNITS = frozenset({"%", "‰", "个百分点", "百分点", "个千分点", "千分点"})


@dataclass(frozen=True, slots=True)
class Verdict:
    part: Part
    met: bool
    target: float  # the bound the actual was held against (a range's low or high end)
    actual: float
    lower_better: bool


def norm_unit(unit: str | None) -> str | None:
    return unicodedata.normalize("NFKC", unit).strip() if unit else None


def parts(target: Indicator) -> tuple[Part, ...]:
    """What of the target can be judged: its growth, its value, or both."""
    found: list[Part] = []
    if target.growth_pct is not None:
        found.append("growth")
    if target.value is not None:
        found.append("value")
    return tuple(found)


def qualifier_of(target: Indicator, part: Part) -> str | None:
    """The qualifier of one part: the value's is `qualifier`; the growth's is `growth_qualifier`
    when the target also has a value, else `qualifier`."""
    if part == "growth" and target.value is not None:
        return target.growth_qualifier
    return target.qualifier


def scale_of(unit: str | None, settings: AttainSettings) -> tuple[str, float]:
    """(base unit, factor): 亿吨 is (吨, 1e8); a unit that is only a scale word stays itself."""
    u = norm_unit(unit) or ""
    for word, factor in settings.scales:
        if u.startswith(word) and len(u) > len(word):
            return u[len(word) :], factor
    return u, 1.0


def actual_part(target: Indicator, actual: Indicator, part: Part, settings: AttainSettings) -> float | None:
    """The actual's figure for this part, in the target's unit; None when it has none or its unit
    is another quantity or its growth another basis (an annual average is no year-on-year)."""
    if part == "growth":
        if actual.growth_pct is None or (target.basis or "yoy") != (actual.basis or "yoy"):
            return None
        return actual.growth_pct
    if actual.value is None or target.value is None:
        return None
    t_base, t_factor = scale_of(target.unit, settings)
    a_base, a_factor = scale_of(actual.unit, settings)
    if t_base != a_base:
        return None
    return actual.value * a_factor / t_factor


def lower_is_better(target: Indicator, part: Part) -> bool:
    """A 以内 bound, or a measure that is a ceiling or better lower (dictionary first, then the
    track's word rules for names the dictionary does not know)."""
    qualifier = qualifier_of(target, part)
    if qualifier == "at_most":
        return True
    if qualifier == "at_least":
        return False
    if target.measure is not None:
        try:
            m = known_measure(target.measure)
        except KeyError:
            m = None
        if m is not None:
            return m.type == "ceiling" or m.direction == "down"
    unit = "%" if part == "growth" else target.unit
    return measure_of(target.name, unit, target.qualifier) == "ceiling"


def judge(target: Indicator, actual: Indicator, part: Part, settings: AttainSettings) -> Verdict | None:
    """The verdict on one part, or None when the actual does not state that part comparably."""
    got = actual_part(target, actual, part, settings)
    if got is None:
        return None
    lower = lower_is_better(target, part)
    qualifier = qualifier_of(target, part)
    aim = target.growth_pct if part == "growth" else target.value
    assert aim is not None  # parts() gives only the parts the target has
    if qualifier == "range" and target.range is not None:
        aim = max(target.range) if lower else min(target.range)
    slack = 0.0
    if qualifier == "about":
        is_points = part == "growth" or norm_unit(target.unit) in POINT_UNITS
        slack = settings.about_points if is_points else settings.about_share * abs(aim)
    eps = 1e-9
    met = got <= aim + slack + eps if lower else got >= aim - slack - eps
    return Verdict(part, met, aim, got, lower)
