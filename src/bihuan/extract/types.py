"""The plan the engine produces: frozen dataclasses that serialise to bihuan.plan/1 JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA = "bihuan.plan/1"

Span = tuple[int, int]
Kind = Literal["actual", "target"]
Basis = Literal["yoy", "annual_avg", "cumulative"]
Qualifier = Literal["about", "at_least", "at_most", "range"]
Role = Literal["review", "goals", "tasks", "self_building", "other"]


@dataclass(frozen=True, slots=True)
class Document:
    title: str | None = None
    region: str | None = None
    report_date: str | None = None
    plan_year: int | None = None
    speaker: str | None = None
    meeting: str | None = None
    source_format: str | None = None
    chars: int = 0
    source: str | None = None  # where it was published (a URL), when the file says
    markup: str | None = None  # "markdown" when the text was Markdown (source_format is then txt)


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    heading: str
    level: int
    span: Span
    parent: str | None = None
    role: Role = "other"


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    name: str
    kind: Kind
    period: str
    quote: str
    span: Span
    value: float | None = None
    unit: str | None = None
    growth_pct: float | None = None
    basis: Basis | None = None
    qualifier: Qualifier | None = None
    growth_qualifier: Qualifier | None = None
    range: tuple[float, float] | None = None
    estimated: bool = False
    section: str | None = None
    measure: str | None = None  # the canonical measure's id (rules/measures.toml), if any


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    section: str
    text: str
    span: Span
    indicators: tuple[str, ...] = ()
    deadline: str | None = None
    lead: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Check:
    type: str
    ok: bool
    message: str
    indicators: tuple[str, ...] = ()
    expected: float | None = None
    stated: float | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    document: Document
    sections: tuple[Section, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    tasks: tuple[Task, ...] = ()
    checks: tuple[Check, ...] = ()
    schema: str = field(default=SCHEMA)

    def to_dict(self) -> dict[str, Any]:
        """The plan as bihuan.plan/1 JSON-ready data."""
        document = _plain(self.document)
        if document["source_format"] is None:
            del document["source_format"]  # the contract's enum has no null
        return {
            "schema": self.schema,
            "document": document,
            "sections": [_plain(s) for s in self.sections],
            "indicators": [_plain(i) for i in self.indicators],
            "tasks": [_plain(t) for t in self.tasks],
            "checks": [_plain(c) for c in self.checks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """The plan back from its JSON data (as `to_dict` writes it)."""
        return cls(
            Document(**data["document"]),
            tuple(Section(**{**s, "span": tuple(s["span"])}) for s in data["sections"]),
            tuple(
                Indicator(
                    **{**i, "span": tuple(i["span"]), "range": tuple(i["range"]) if i.get("range") else None}
                )
                for i in data["indicators"]
            ),
            tuple(
                Task(
                    **{
                        **t,
                        "span": tuple(t["span"]),
                        "indicators": tuple(t["indicators"]),
                        "lead": tuple(t["lead"]) if t.get("lead") else None,
                    }
                )
                for t in data["tasks"]
            ),
            tuple(Check(**{**c, "indicators": tuple(c.get("indicators", ()))}) for c in data["checks"]),
        )


def _plain(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in obj.__slots__:
        value = getattr(obj, name)
        if isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out
