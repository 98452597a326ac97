"""`bihuan extract`: tables for a person, --json for programs, --xlsx for the office."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import Result

from bihuan.extract import Plan, extract_text

Invoke = Callable[..., Result]
AssertPlan = Callable[[dict[str, Any], int], None]


def test_json_is_the_plan_and_nothing_else(
    invoke: Invoke, tiny_report: str, tiny_text: str, assert_valid_plan: AssertPlan
) -> None:
    result = invoke("extract", tiny_report, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert_valid_plan(data, len(tiny_text))
    assert data == json.loads(json.dumps(extract_text(tiny_text, "txt").to_dict()))
    assert data["document"]["source_format"] == "txt"
    assert data["document"]["chars"] == len(tiny_text)
    assert "\\u" not in result.stdout  # Chinese stays readable
    assert result.stdout.startswith('{\n  "schema": "bihuan.plan/1"')


def test_stdin(invoke: Invoke, tiny_text: str, assert_valid_plan: AssertPlan) -> None:
    result = invoke("extract", "-", "--json", input=tiny_text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert_valid_plan(data, len(tiny_text))
    assert data["document"]["chars"] == len(tiny_text)


def test_default_output_shows_the_tables(invoke: Invoke, tiny_report: str, tiny_text: str) -> None:
    result = invoke("extract", tiny_report)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = result.stdout
    assert "标题" in out and "计划年度" in out
    year = extract_text(tiny_text, "txt").document.plan_year
    if year is None:
        assert "未能识别计划年度" in out and "全部指标" in out
        assert "各工作领域任务数" in out
    else:
        for title in (
            "上年主要指标完成情况",
            "今后五年/中长期目标",
            f"{year}年主要预期目标",
            f"{year}年各工作领域任务数",
        ):
            assert title in out
    assert "核查" in out


def test_tables_show_the_figures(
    invoke: Invoke, tiny_report: str, sample_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bihuan.extract.extract_text", lambda text, fmt=None: sample_plan)
    out = invoke("extract", tiny_report).stdout
    for text in (
        "政府工作报告", "某某县", "2022-01-05", "张三",
        "上年主要指标完成情况", "169.7亿元", "7.5%", "预计", "-9.52%",
        "今后五年/中长期目标", "年均6.5%", "2022–2026年", "2025年",
        "2022年主要预期目标", "7%左右", "9亿元以上", "3%以内", "6%–6.5%",
        "2022年各工作领域任务数", "（一）推动工业提质增效", "合计",
        "未通过的核查（1/2）", "地区生产总值目标与上年数×增速不符",
    ):  # fmt: skip
        assert text in out, text
    assert "高标准农田" not in out  # a task's target is not a headline goal


def test_report_text_is_not_markup(
    invoke: Invoke, tiny_report: str, sample_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = dataclasses.replace(sample_plan.indicators[0], name="[bold]指标[/bold]")
    plan = dataclasses.replace(sample_plan, indicators=(odd,))
    monkeypatch.setattr("bihuan.extract.extract_text", lambda text, fmt=None: plan)
    assert "[bold]指标[/bold]" in invoke("extract", tiny_report).stdout


def test_xlsx_from_the_engine(invoke: Invoke, tiny_report: str, tiny_text: str, tmp_path: Path) -> None:
    out = tmp_path / "任务分解.xlsx"
    result = invoke("extract", tiny_report, "--xlsx", str(out))
    assert result.exit_code == 0, result.output
    assert str(out) in result.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["指标", "任务"]
    plan = extract_text(tiny_text, "txt")
    assert book["指标"].max_row == len(plan.indicators) + 1
    assert book["任务"].max_row == len(plan.tasks) + 1
    assert all(row[11] for row in book["指标"].iter_rows(min_row=2, values_only=True))
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temp file left


def test_xlsx_has_the_quote_beside_each_figure(
    invoke: Invoke, tiny_report: str, sample_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bihuan.extract.extract_text", lambda text, fmt=None: sample_plan)
    out = tmp_path / "plan.xlsx"
    assert invoke("extract", tiny_report, "--xlsx", str(out)).exit_code == 0
    rows = list(load_workbook(out)["指标"].iter_rows(min_row=2, values_only=True))
    assert [r[11] for r in rows] == [i.quote for i in sample_plan.indicators]


def test_json_and_xlsx_together_keep_stdout_clean(invoke: Invoke, tiny_report: str, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = invoke("extract", tiny_report, "--json", "--xlsx", str(out))
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    assert out.is_file()
    assert "plan.xlsx" in result.stderr and "plan.xlsx" not in result.stdout
