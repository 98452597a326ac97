"""The attainment (兑现) of many reports as one table: for every region with reports of two
consecutive years Y and Y+1 in a batch, each target of report Y with the actual that report Y+1
states for it — a research dataset of targets and outcomes, every figure with its quote.

Made from the batch's indicator table (bihuan.export.indicator_table), so no plan is read again;
written like it: Parquet and CSV, each through a temporary file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bihuan.export.indicator_table import write_csv, write_parquet
from bihuan.extract import Document, Indicator, Plan
from bihuan.track.attain import Attainment, attain

COLUMNS: tuple[tuple[str, str], ...] = (
    ("region", "string"),
    ("year", "int32"),
    ("measure", "string"),
    ("name", "string"),
    ("period", "string"),
    ("target_value", "float64"),
    ("target_unit", "string"),
    ("target_growth_pct", "float64"),
    ("target_basis", "string"),
    ("qualifier", "string"),
    ("growth_qualifier", "string"),
    ("range_low", "float64"),
    ("range_high", "float64"),
    ("actual_name", "string"),
    ("actual_value", "float64"),
    ("actual_unit", "string"),
    ("actual_growth_pct", "float64"),
    ("status", "string"),
    ("matched_by", "string"),
    ("target_quote", "string"),
    ("actual_quote", "string"),
    ("old_source", "string"),
    ("new_source", "string"),
)
_FIELDS = ("value", "unit", "growth_pct", "basis", "qualifier", "growth_qualifier", "estimated", "measure")


def _indicator(n: int, row: dict[str, Any]) -> Indicator:
    low, high = row.get("range_low"), row.get("range_high")
    fields: dict[str, Any] = {f: row.get(f) for f in _FIELDS if row.get(f) is not None}
    return Indicator(
        id=f"i{n}",
        name=row["name"],
        kind=row["kind"],
        period=row["period"],
        quote=row.get("quote") or "",
        span=(0, 0),
        range=(low, high) if low is not None and high is not None else None,
        **fields,
    )


def plans_of(rows: Sequence[dict[str, Any]]) -> dict[str, Plan]:
    """The plans of an indicator table's rows, by source: region, year and indicators. The year is
    the plan year the engine read, else the report year."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["source"], []).append(row)
    plans = {}
    for source, mine in grouped.items():
        head = mine[0]
        year = head.get("plan_year") or head.get("report_year")
        document = Document(region=head.get("region"), plan_year=year)
        plans[source] = Plan(document, indicators=tuple(_indicator(n, r) for n, r in enumerate(mine)))
    return plans


def consecutive_pairs(plans: dict[str, Plan]) -> list[tuple[str, str]]:
    """(old source, new source) for each region's reports of years Y and Y+1; when a region has
    two reports of one year, the first source (in name order) stands for it."""
    by_key: dict[tuple[str, int], str] = {}
    for source in sorted(plans):
        doc = plans[source].document
        if doc.region and doc.plan_year is not None:
            by_key.setdefault((doc.region, doc.plan_year), source)
    return [
        (source, by_key[(region, year + 1)])
        for (region, year), source in sorted(by_key.items())
        if (region, year + 1) in by_key
    ]


def _row(a: Attainment, region: str, year: int, old: str, new: str) -> tuple[Any, ...]:
    t, x = a.target, a.actual
    low, high = t.range or (None, None)
    return (
        region, year, t.measure, t.name, t.period, t.value, t.unit, t.growth_pct, t.basis,
        t.qualifier, t.growth_qualifier, low, high,
        x.name if x else None, x.value if x else None, x.unit if x else None,
        x.growth_pct if x else None, a.status, a.matched_by, t.quote, x.quote if x else None, old, new,
    )  # fmt: skip


def attainment_rows(indicators: Any) -> list[tuple[Any, ...]]:
    """The attainment rows (COLUMNS order) of a pyarrow table of indicator rows."""
    plans = plans_of(indicators.to_pylist())
    rows = []
    for old, new in consecutive_pairs(plans):
        doc = plans[old].document
        assert doc.region is not None and doc.plan_year is not None
        for a in attain(plans[old], plans[new]):
            rows.append(_row(a, doc.region, doc.plan_year, old, new))
    return rows


def attainment_table(rows: Sequence[tuple[Any, ...]]) -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "int32": pa.int32(), "float64": pa.float64()}
    schema = pa.schema([(name, types[kind]) for name, kind in COLUMNS])
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    return pa.Table.from_arrays(
        [pa.array(c, type=f.type) for f, c in zip(schema, columns, strict=True)], schema=schema
    )


def write_attainment(indicators: Any, out: Path) -> tuple[Path, Path, int]:
    """OUT/attainment.parquet and OUT/attainment.csv from the batch's indicator table; the number
    of rows."""
    rows = attainment_rows(indicators)
    table = attainment_table(rows)
    parquet, csv_path = out / "attainment.parquet", out / "attainment.csv"
    write_parquet(table, parquet)
    write_csv(table, csv_path)
    return parquet, csv_path, len(rows)
