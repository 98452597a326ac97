"""One flat table of the indicators of many plans: a row per indicator, with where it came from.

The rows are made from a plan's bihuan.plan/1 JSON data (as `Plan.to_dict` or a plan file
gives it), so a plan read back from disk yields the same rows as one just extracted. Writing
the table needs pyarrow, imported only by `write_parquet`.

Region and report year: the plan's document first; where the document lacks them, the folder
layout `<region>/<year>.<ext>` fills the gap (`region_from` / `year_from` say "layout").
The report year is the year of `document.report_date`; else the layout's year; else
`document.plan_year` (a report delivered in year Y usually sets the targets of year Y, so the
plan year is the report year more often than not; the layout is still the better guess).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bihuan.extract import Plan

# (name, pyarrow type name) in table order; the types are mapped in `_arrow_schema`.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "string"),
    ("region", "string"),
    ("region_from", "string"),
    ("report_year", "int32"),
    ("year_from", "string"),
    ("plan_year", "int32"),
    ("measure", "string"),
    ("name", "string"),
    ("kind", "string"),
    ("period", "string"),
    ("value", "float64"),
    ("unit", "string"),
    ("growth_pct", "float64"),
    ("basis", "string"),
    ("qualifier", "string"),
    ("growth_qualifier", "string"),
    ("range_low", "float64"),
    ("range_high", "float64"),
    ("estimated", "bool"),
    ("quote", "string"),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)

Row = tuple[Any, ...]

_YEAR = re.compile(r"[12]\d{3}")
_DATE_YEAR = re.compile(r"([12]\d{3})")


def readable_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (a name written in GBK, say) become �."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def layout_of(path: PurePath) -> tuple[str | None, int | None]:
    """(region, year) from `<region>/<year>.<ext>`: the stem is a year, the folder its region."""
    if not _YEAR.fullmatch(path.stem):
        return None, None
    region = readable_name(path.parent.name) or None
    return region, int(path.stem)


def _head(
    region: str | None,
    report_date: str | None,
    plan_year: int | None,
    source: str,
    layout: tuple[str | None, int | None],
) -> tuple[Any, ...]:
    """(source, region, region_from, report_year, year_from, plan_year) of a plan's rows."""
    layout_region, layout_year = layout
    region_from: str | None = "document"
    if not region:
        region, region_from = layout_region, ("layout" if layout_region else None)
    found = _DATE_YEAR.match(report_date or "")
    report_year = int(found.group(1)) if found else None
    year_from: str | None = "document"
    if report_year is None:
        if layout_year is not None:
            report_year, year_from = layout_year, "layout"
        else:
            report_year, year_from = plan_year, ("document" if plan_year is not None else None)
    return (source, region, region_from, report_year, year_from, plan_year)


# The indicator fields the table takes as they are, in COLUMNS order after the head.
_FIELDS = (
    "measure",
    "name",
    "kind",
    "period",
    "value",
    "unit",
    "growth_pct",
    "basis",
    "qualifier",
    "growth_qualifier",
)


def _row(head: tuple[Any, ...], fields: tuple[Any, ...], low_high: Any, estimated: Any, quote: Any) -> Row:
    low, high = low_high or (None, None)
    return (*head, *fields, low, high, bool(estimated), quote)


def plan_rows(
    plan: dict[str, Any], source: str, layout: tuple[str | None, int | None] = (None, None)
) -> list[Row]:
    """The table rows of one plan (its JSON data), in COLUMNS order; `source` names the file."""
    document = plan.get("document") or {}
    head = _head(
        document.get("region"), document.get("report_date"), document.get("plan_year"), source, layout
    )
    return [
        _row(head, tuple(i.get(f) for f in _FIELDS), i.get("range"), i.get("estimated"), i.get("quote"))
        for i in plan.get("indicators") or ()
    ]


def engine_plan_rows(
    plan: Plan, source: str, layout: tuple[str | None, int | None] = (None, None)
) -> list[Row]:
    """The same rows as `plan_rows(plan.to_dict(), ...)`, read off the engine's Plan directly."""
    document = plan.document
    head = _head(document.region, document.report_date, document.plan_year, source, layout)
    return [
        _row(head, tuple(getattr(i, f) for f in _FIELDS), i.range, i.estimated, i.quote)
        for i in plan.indicators
    ]


def _arrow_schema() -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "int32": pa.int32(), "float64": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(name, types[kind]) for name, kind in COLUMNS])


class IndicatorTable:
    """The rows of many plans, gathered as one Arrow record batch per plan as the plans come
    in (in any order), and written out in the order of their keys."""

    def __init__(self) -> None:
        self._batches: dict[int, Any] = {}
        self._schema: Any = None
        self.rows = 0

    def add(self, key: int, rows: Sequence[Row]) -> None:
        if not rows:
            return
        import pyarrow as pa

        if self._schema is None:
            self._schema = _arrow_schema()
        columns = zip(*rows, strict=True)
        arrays = [pa.array(col, type=f.type) for f, col in zip(self._schema, columns, strict=True)]
        self._batches[key] = pa.RecordBatch.from_arrays(arrays, schema=self._schema)
        self.rows += len(rows)

    def table(self) -> Any:
        """A pyarrow Table of all rows, by key."""
        import pyarrow as pa

        schema = self._schema if self._schema is not None else _arrow_schema()
        return pa.Table.from_batches([self._batches[k] for k in sorted(self._batches)], schema=schema)

    def write(self, parquet: Path, csv_path: Path) -> None:
        """Both files at once: each writer spends its time in Arrow's C++, outside the GIL."""
        from concurrent.futures import ThreadPoolExecutor

        table = self.table()
        with ThreadPoolExecutor(1) as other:
            csv_done = other.submit(write_csv, table, csv_path)
            write_parquet(table, parquet)
            csv_done.result()


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to write; it replaces `path` when the block ends well and
    is removed when it does not, so `path` is always the old file or the whole new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_parquet(table: Any, path: Path) -> None:
    """The table as a Parquet file (written to a temp file, then moved into place)."""
    import pyarrow.parquet as pq

    with replacing(path) as tmp:
        pq.write_table(table, tmp)


def write_csv(table: Any, path: Path) -> None:
    """The table as CSV in UTF-8 with a byte-order mark, so that Excel reads the Chinese right.
    Text is quoted; a missing value is an empty cell; estimated is true/false."""
    import pyarrow.csv as pcsv

    with replacing(path) as tmp, tmp.open("wb") as handle:
        handle.write("\ufeff".encode())
        pcsv.write_csv(table, handle)
