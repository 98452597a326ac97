"""`bihuan batch` writes the attainment table: every region's reports of consecutive years paired,
each target of year Y with the actual report Y+1 states, in Parquet and CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import Result

from bihuan.export.attainment import COLUMNS, attainment_table, consecutive_pairs
from bihuan.extract import Document, Plan

# Fictional reports written for this test: 青石县 2023 and 2024 (a pair), 2026 (no 2025: no pair),
# and 白水县 2024 (another region: no pair with 青石县 2023).
REPORTS = {
    "青石县/2023.txt": """青石县政府工作报告
一、2022年工作回顾
全县地区生产总值增长6.1%。
二、2023年主要预期目标
2023年主要预期目标是：地区生产总值增长7%左右；一般公共预算收入增长6%以上；城镇登记失业率控制在4.5%以内。
""",
    "青石县/2024.txt": """青石县政府工作报告
一、2023年工作回顾
2023年，全县地区生产总值增长6.7%；一般公共预算收入增长5.2%。
二、2024年主要预期目标
地区生产总值增长6%左右。
""",
    "青石县/2026.txt": """青石县政府工作报告
一、2025年工作回顾
2025年，全县地区生产总值增长5.5%。
二、2026年主要预期目标
地区生产总值增长5%左右。
""",
    "白水县/2024.txt": """白水县政府工作报告
一、2023年工作回顾
2023年，全县地区生产总值增长3.1%。
二、2024年主要预期目标
地区生产总值增长5%。
""",
}


def test_batch_writes_the_attainment_table(invoke: Callable[..., Result], tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    for name, text in REPORTS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("batch", str(folder), "--out", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "兑现表 / attainment table（3 行 / rows）" in result.stdout
    rows = pq.read_table(out / "attainment.parquet").to_pylist()
    assert [c for c, _ in COLUMNS] == list(rows[0])
    got = {(r["region"], r["year"], r["name"]): r["status"] for r in rows}
    assert got == {
        ("青石县", 2023, "地区生产总值"): "met",
        ("青石县", 2023, "一般公共预算收入"): "not_met",
        ("青石县", 2023, "城镇登记失业率"): "not_stated",
    }
    gdp = next(r for r in rows if r["name"] == "地区生产总值")
    assert gdp["target_growth_pct"] == 7.0 and gdp["qualifier"] == "about" and gdp["actual_growth_pct"] == 6.7
    assert gdp["old_source"] == "青石县/2023.txt" and gdp["new_source"] == "青石县/2024.txt"
    assert "7%左右" in gdp["target_quote"] and "6.7%" in gdp["actual_quote"]
    raw = (out / "attainment.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    with (out / "attainment.csv").open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [(r["region"], r["year"], r["name"], r["status"]) for r in read] == [
        (r["region"], str(r["year"]), r["name"], r["status"]) for r in rows
    ]
    assert not list(out.glob(".*.tmp"))


def test_pairs_only_consecutive_years_of_one_region() -> None:
    def plan(region: str | None, year: int | None) -> Plan:
        return Plan(Document(region=region, plan_year=year))

    plans = {
        "a/2020.md": plan("甲省", 2020),
        "a/2021.md": plan("甲省", 2021),
        "a/2021b.md": plan("甲省", 2021),  # a second report of one year: the first name stands
        "a/2023.md": plan("甲省", 2023),
        "b/2021.md": plan("乙省", 2021),
        "c/x.md": plan(None, 2022),
    }
    assert consecutive_pairs(plans) == [("a/2020.md", "a/2021.md")]


def test_an_empty_table_has_every_column() -> None:
    table = attainment_table([])
    assert table.num_rows == 0 and table.column_names == [c for c, _ in COLUMNS]
