"""兑现 in words and JSON: a figure as a person reads it (增长7%左右), an attainment as one row of
`bihuan attain --json` (the target and actual as the plan contract writes indicators)."""

from __future__ import annotations

from typing import Any

from bihuan.extract import Indicator
from bihuan.track.attain import Attainment

QUALIFIER_ZH = {"about": "左右", "at_least": "以上", "at_most": "以内", "range": ""}


def indicator_dict(i: Indicator) -> dict[str, Any]:
    """An indicator as the plan contract writes it."""
    return {
        "id": i.id,
        "name": i.name,
        "kind": i.kind,
        "period": i.period,
        "quote": i.quote,
        "span": list(i.span),
        "value": i.value,
        "unit": i.unit,
        "growth_pct": i.growth_pct,
        "basis": i.basis,
        "qualifier": i.qualifier,
        "growth_qualifier": i.growth_qualifier,
        "range": list(i.range) if i.range else None,
        "estimated": i.estimated,
        "section": i.section,
        "measure": i.measure,
    }


def attainment_dict(a: Attainment) -> dict[str, Any]:
    """One row of `bihuan attain --json`."""
    return {
        "measure": a.measure,
        "name": a.name,
        "target": indicator_dict(a.target),
        "actual": indicator_dict(a.actual) if a.actual is not None else None,
        "status": a.status,
        "matched_by": a.matched_by,
        "why": a.why_zh(),
    }


def figure_text(i: Indicator) -> str:
    """A figure as a person reads it: 增长6%左右, 9亿元以上、增长6%以上, 增长6%—6.5%."""
    bits = []
    if i.value is not None:
        if i.qualifier == "range" and i.range:
            bits.append(f"{i.range[0]:g}—{i.range[1]:g}{i.unit or ''}")
        else:
            bits.append(f"{i.value:g}{i.unit or ''}{QUALIFIER_ZH.get(i.qualifier or '', '')}")
    if i.growth_pct is not None:
        q = i.growth_qualifier if i.value is not None else i.qualifier
        word = "年均增长" if i.basis == "annual_avg" else "增长"
        if q == "range" and i.range and i.value is None:
            bits.append(f"{word}{i.range[0]:g}%—{i.range[1]:g}%")
        else:
            bits.append(f"{word}{i.growth_pct:g}%{QUALIFIER_ZH.get(q or '', '')}")
    return "、".join(bits)
