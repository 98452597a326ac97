"""The flat indicator table: where region and year come from, one row per indicator, the files."""

from __future__ import annotations

import csv
import json
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from bihuan.export.batch import plan_json
from bihuan.export.indicator_table import COLUMN_NAMES, IndicatorTable, engine_plan_rows, layout_of, plan_rows
from bihuan.extract import Plan, extract_text
from bihuan.ingest import read_path

EXAMPLES = ("shixian-2022-report.txt", "shishi-2023-report.txt")


@pytest.mark.parametrize(
    ("path", "layout"),
    [
        ("/data/provinces/河北省/2011.md", ("河北省", 2011)),
        ("/data/河北省/1998.txt", ("河北省", 1998)),
        ("/data/河北省/2011年报告.md", (None, None)),  # the stem is no bare year
        ("/data/河北省/report.docx", (None, None)),
        ("/2011.md", (None, 2011)),  # no folder to name a region
    ],
)
def test_layout(path: str, layout: tuple[str | None, int | None]) -> None:
    assert layout_of(PurePosixPath(path)) == layout


def plan_with(document: dict[str, Any], indicators: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    base = {"title": None, "region": None, "report_date": None, "plan_year": None}
    return {"schema": "bihuan.plan/1", "document": {**base, **document}, "indicators": indicators or [{}]}


@pytest.mark.parametrize(
    ("document", "layout", "want"),
    [
        # (region, region_from, report_year, year_from, plan_year)
        ({"region": "甲县", "report_date": "2021-12-08", "plan_year": 2022}, ("乙县", 2021),
         ("甲县", "document", 2021, "document", 2022)),
        ({"plan_year": 2022}, ("乙县", 2021), ("乙县", "layout", 2021, "layout", 2022)),
        ({"plan_year": 2022}, (None, None), (None, None, 2022, "document", 2022)),  # delivered in its plan year
        ({}, (None, None), (None, None, None, None, None)),
        ({"region": "", "report_date": "2023-01-10"}, ("乙县", None), ("乙县", "layout", 2023, "document", None)),
    ],
)  # fmt: skip
def test_region_and_year(document: dict[str, Any], layout: Any, want: tuple[Any, ...]) -> None:
    (row,) = plan_rows(plan_with(document), "x.md", layout)
    got = dict(zip(COLUMN_NAMES, row, strict=True))
    assert (got["region"], got["region_from"], got["report_year"], got["year_from"], got["plan_year"]) == want


def test_one_row_per_indicator_in_column_order(sample_plan: Plan) -> None:
    data = sample_plan.to_dict()
    rows = [dict(zip(COLUMN_NAMES, r, strict=True)) for r in plan_rows(data, "示例/2022.txt")]
    assert len(rows) == len(sample_plan.indicators)
    ranged = next(r for r in rows if r["range_low"] is not None)
    assert (ranged["range_low"], ranged["range_high"], ranged["qualifier"]) == (6.0, 6.5, "range")
    first = rows[0]
    assert first["source"] == "示例/2022.txt" and first["measure"] is None
    assert (first["name"], first["value"], first["unit"], first["growth_pct"]) == (
        "地区生产总值",
        169.7,
        "亿元",
        7.5,
    )
    assert first["estimated"] is True and first["quote"].startswith("地区生产总值")


def test_the_files_keep_the_rows_in_key_order(sample_plan: Plan, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    table = IndicatorTable()
    rows = plan_rows(sample_plan.to_dict(), "b.txt")
    table.add(2, rows)
    table.add(1, plan_rows(sample_plan.to_dict(), "a.txt"))
    table.add(3, [])
    assert table.rows == 2 * len(rows)
    table.write(tmp_path / "t.parquet", tmp_path / "t.csv")
    read = pq.read_table(tmp_path / "t.parquet").to_pylist()
    assert [r["source"] for r in read] == ["a.txt"] * len(rows) + ["b.txt"] * len(rows)
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [r["source"] for r in csv.DictReader(handle)] == [r["source"] for r in read]


def test_an_empty_table_still_has_its_columns(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    IndicatorTable().write(tmp_path / "t.parquet", tmp_path / "t.csv")
    assert tuple(pq.read_table(tmp_path / "t.parquet").column_names) == COLUMN_NAMES
    assert (tmp_path / "t.csv").read_text("utf-8-sig").splitlines()[0].replace('"', "").split(",") == list(
        COLUMN_NAMES
    )


# ---------------------------------------------------------------- the batch's fast paths
def example_plans(repo_root: Path) -> list[Plan]:
    plans = []
    for name in EXAMPLES:
        source = read_path(repo_root / "examples" / name)
        plans.append(extract_text(source.text, source.source_format))
    return plans


def test_plan_json_is_to_dict_plus_made_by(repo_root: Path, sample_plan: Plan) -> None:
    """A batch writes a plan with orjson straight from the dataclasses: the same data as
    to_dict (which `bihuan extract --json` prints), whatever fields the engine adds."""
    made_by = {"bihuan": "0.1.0+abc", "source": "a/2022.txt", "source_bytes": 1, "source_mtime_ns": 2}
    for plan in [*example_plans(repo_root), sample_plan]:
        assert json.loads(plan_json(plan, made_by)) == {**plan.to_dict(), "made_by": made_by}


def test_rows_off_the_plan_are_the_rows_of_its_json(repo_root: Path, sample_plan: Plan) -> None:
    for plan in [*example_plans(repo_root), sample_plan]:
        layout = ("乙县", 2021)
        assert engine_plan_rows(plan, "s.txt", layout) == plan_rows(plan.to_dict(), "s.txt", layout)
