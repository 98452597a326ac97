"""兑现 over the provincial corpus: the GDP growth target each province set for year Y (report Y)
against the growth report Y+1 states for Y, from the attainment table `bihuan batch` writes.
Run with -s for the pairs found, the met rate and how the targets compare with the economists'
table (../shared/gold/province-gdp-targets.csv)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from bihuan.export.batch import find_reports, run_batch, write_tables

# Measured 2026-12-03: 730 region-years with a one-year GDP growth target, 581 with the next
# report's actual (met 427, not met 154); of the targets, 387 agree with the table (a range
# agrees when it holds the table's figure), 16 differ and
# 327 have no row (the table ends in 2017). The floors leave room for small changes of the engine.
MIN_TARGETS = 650
MIN_PAIRS = 520
MIN_AGREE = 0.9


def gdp_rows(rows: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """One row per region and year: the one-year GDP growth target (a row with an actual first)."""
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for r in rows:
        if r["measure"] != "gdp" or r["target_growth_pct"] is None or r["period"] != str(r["year"]):
            continue
        if r["target_basis"] not in (None, "yoy"):
            continue
        key = (r["region"], r["year"])
        if key not in out or (out[key]["status"] == "not_stated" and r["status"] != "not_stated"):
            out[key] = r
    return out


@pytest.fixture(scope="module")
def attainment(provinces: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("batch")
    reports, failures = find_reports([str(provinces)], out)
    assert not failures
    result = run_batch(reports, jobs=2)
    assert not result.failures and result.done == len(reports)
    write_tables(result, out)
    assert result.attainment_rows > 0
    table = pq.read_table(out / "attainment.parquet")
    assert table.num_rows == result.attainment_rows
    assert (out / "attainment.csv").read_bytes().startswith("\ufeff".encode())
    return table.to_pylist()


def test_gdp_growth_targets_paired_with_next_year(attainment: list[dict[str, Any]], shared_dir: Path) -> None:
    pairs = gdp_rows(attainment)
    stated = {k: r for k, r in pairs.items() if r["status"] != "not_stated"}
    status = Counter(r["status"] for r in stated.values())
    met_rate = status["met"] / len(stated) if stated else 0.0
    print(
        f"\nGDP growth targets of year Y: {len(pairs)} region-years; with the actual of report Y+1: "
        f"{len(stated)} (met {status['met']}, not met {status['not_met']}; met rate {met_rate:.3f})"
    )
    table = {
        (r["region"], int(r["year"])): float(r["gdp_growth_target_pct"])
        for r in csv.DictReader((shared_dir / "gold" / "province-gdp-targets.csv").open(encoding="utf-8"))
    }
    compared: Counter[str] = Counter()
    differ = []
    for key, r in sorted(pairs.items()):
        want = table.get(key)
        if want is None:
            compared["no row"] += 1
        elif abs(want - r["target_growth_pct"]) < 1e-9 or (
            r["range_low"] is not None and r["range_low"] <= want <= r["range_high"]
        ):  # the table gives a range's middle (6.5%-7% as 6.75)
            compared["agree"] += 1
        else:
            compared["disagree"] += 1
            differ.append(f"  {key[0]} {key[1]}: table {want}, read {r['target_growth_pct']}")
    print(f"targets against the table: {dict(compared)}")
    print("\n".join(differ))
    assert len(pairs) >= MIN_TARGETS
    assert len(stated) >= MIN_PAIRS
    assert 0.3 <= met_rate <= 0.95  # provinces miss their targets too, but not most of the time
    assert compared["agree"] / (compared["agree"] + compared["disagree"]) >= MIN_AGREE
    for r in stated.values():  # every pair carries both quotes and both sources
        assert r["target_quote"] and r["actual_quote"] and r["old_source"] != r["new_source"]
