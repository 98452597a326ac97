"""One quantified statement as the stages build it, before it becomes an Indicator."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Fact:
    name: str
    kind: str
    period: str
    start: int
    end: int
    quote: str
    value: float | None = None
    unit: str | None = None
    growth_pct: float | None = None
    basis: str | None = None
    qualifier: str | None = None
    growth_qualifier: str | None = None
    range: tuple[float, float] | None = None
    estimated: bool = False
    section: str | None = None
