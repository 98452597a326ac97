"""What a report says against itself: targets that are not last year's actual times growth."""

from __future__ import annotations

from decimal import Decimal

from bihuan.extract.types import Check, Indicator

_SAME_MEASURE = ({"生产总值", "地区生产总值", "国内生产总值", "国民生产总值"},)


def _norm(name: str) -> str:
    return name.replace("“", "").replace("”", "")


def _same(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    return a == b or any(a in s and b in s for s in _SAME_MEASURE)


def _half_unit(x: float) -> float:
    exp = Decimal(repr(x)).normalize().as_tuple().exponent
    return 0.5 * 10.0 ** (exp if isinstance(exp, int) and exp < 0 else 0)


def growth_consistency(indicators: list[Indicator], plan_year: int | None) -> list[Check]:
    """A plan-year target with value and growth should equal last year's actual × (1 + growth),
    within the rounding of the three stated numbers."""
    if plan_year is None:
        return []
    last = str(plan_year - 1)
    actuals: dict[str | None, list[Indicator]] = {}
    for i in indicators:
        if i.kind == "actual" and i.period == last and i.value is not None:
            actuals.setdefault(i.unit, []).append(i)
    out: list[Check] = []
    for t in indicators:
        if t.kind != "target" or t.period != str(plan_year) or t.value is None or t.growth_pct is None:
            continue
        if t.basis not in (None, "yoy") or t.range:
            continue
        base = next((a for a in actuals.get(t.unit, ()) if _same(a.name, t.name)), None)
        if base is None or base.value is None:
            continue
        g = t.growth_pct
        lo = (base.value - _half_unit(base.value)) * (1 + (g - _half_unit(g)) / 100) - _half_unit(t.value)
        hi = (base.value + _half_unit(base.value)) * (1 + (g + _half_unit(g)) / 100) + _half_unit(t.value)
        expected = round(base.value * (1 + g / 100), 4)
        ok = lo <= t.value <= hi
        verdict = "一致" if ok else "不一致"
        out.append(
            Check(
                "growth_consistency",
                ok,
                f"{t.name}：上年{base.value:g}{t.unit}×(1+{g:g}%)≈{expected:g}{t.unit}，目标写{t.value:g}{t.unit}，{verdict}",
                (base.id, t.id),
                expected,
                t.value,
            )
        )
    return out
