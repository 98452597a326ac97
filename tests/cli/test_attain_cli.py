"""`bihuan attain OLD NEW`: report files or plan ids, the table, --json, --xlsx, and bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from bihuan.launch import app

ERROR_LINE = re.compile(r"^错误：.*[\u4e00-\u9fff].* / Error: .*[A-Za-z].*$")

# Two fictional reports of one county (written for this test): the 2023 plan and the next year's.
OLD = """青石县政府工作报告
——2023年1月6日在青石县第十八届人民代表大会第三次会议上
一、2022年工作回顾
全县地区生产总值增长6.1%。
二、2023年主要预期目标
2023年主要预期目标是：地区生产总值增长7%左右；一般公共预算收入增长6%以上；城镇登记失业率控制在4.5%以内。
三、2023年重点工作
（一）抓项目。新建5G基站200个。
"""
NEW = """青石县政府工作报告
——2024年1月8日在青石县第十八届人民代表大会第四次会议上
一、2023年工作回顾
2023年，全县地区生产总值增长6.7%；一般公共预算收入增长5.2%；新建5G基站230个。
二、2024年主要预期目标
地区生产总值增长6%左右。
三、2024年重点工作
（一）抓项目。新建5G基站100个。
"""
OTHER = NEW.replace("青石县", "白水县")


def bihuan(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "300", "BIHUAN_USER": "督查室"})


@pytest.fixture
def reports(tmp_path: Path) -> dict[str, str]:
    out = {}
    for name, text in (("old", OLD), ("new", NEW), ("other", OTHER)):
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        out[name] = str(path)
    return out


def statuses(result: Result) -> dict[str, str]:
    assert result.exit_code == 0, result.output
    return {row["name"]: row["status"] for row in json.loads(result.stdout)}


EXPECTED = {
    "地区生产总值": "met",
    "一般公共预算收入": "not_met",
    "城镇登记失业率": "not_stated",
    "新建5G基站": "met",
}


def test_files_json_shape(reports: dict[str, str]) -> None:
    result = bihuan("attain", reports["old"], reports["new"], "--json")
    rows = json.loads(result.stdout)
    assert statuses(result) == EXPECTED
    for row in rows:
        assert set(row) >= {"measure", "name", "target", "actual", "status"}
        assert row["target"]["kind"] == "target" and row["target"]["period"] == "2023"
        assert row["target"]["quote"]
        if row["status"] == "not_stated":
            assert row["actual"] is None
        else:
            assert row["actual"]["kind"] == "actual" and row["actual"]["period"] == "2023"
    gdp = next(r for r in rows if r["name"] == "地区生产总值")
    assert gdp["measure"] == "gdp" and gdp["target"]["qualifier"] == "about"
    assert gdp["actual"]["growth_pct"] == 6.7


def test_table_in_chinese(reports: dict[str, str]) -> None:
    result = bihuan("attain", reports["old"], reports["new"])
    assert result.exit_code == 0, result.output
    for word in ("2023年目标兑现", "完成", "未完成", "未提及", "增长7%左右", "增长6.7%"):
        assert word in result.stdout


def test_xlsx_read_back(reports: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "兑现.xlsx"
    result = bihuan("attain", reports["old"], reports["new"], "--xlsx", str(out))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["兑现"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("指标", "名称", "期间", "目标", "实际", "状态")
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["地区生产总值"][5] == "完成" and by_name["一般公共预算收入"][5] == "未完成"
    assert by_name["城镇登记失业率"][5] == "未提及" and by_name["城镇登记失业率"][4] is None
    assert "6.7" in by_name["地区生产总值"][4] and "7%" in by_name["地区生产总值"][7]


def test_plan_ids_in_the_ledger(reports: dict[str, str], tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    for name in ("old", "new"):
        imported = bihuan("plan", "import", reports[name], "--db", db)
        assert imported.exit_code == 0, imported.output
    listed = bihuan("plan", "list", "--db", db)
    assert listed.exit_code == 0
    by_ids = bihuan("attain", "1", "2", "--db", db, "--json")
    assert statuses(by_ids) == EXPECTED
    mixed = bihuan("attain", "1", reports["new"], "--db", db, "--json")
    assert statuses(mixed) == EXPECTED


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("attain", "missing.txt", "new"), "找不到文件"),
        (("attain", "new", "old"), "OLD 须早于 NEW"),
        (("attain", "old", "old"), "OLD 须早于 NEW"),
        (("attain", "old", "42"), "没有编号为 42 的计划"),
        (("attain", "old", "new", "--xlsx", "out.csv"), ".xlsx"),
    ],
)
def test_bad_input_one_line_exit_2(
    reports: dict[str, str], tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    argv = [reports.get(a, a) for a in args]
    result = bihuan(*argv, "--db", str(tmp_path / "empty.db"))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and ERROR_LINE.match(lines[0]) and words in lines[0], lines
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob("*.xlsx"))


def test_regions_differ_warns(reports: dict[str, str]) -> None:
    result = bihuan("attain", reports["old"], reports["other"], "--json")
    assert result.exit_code == 0
    assert "警告：两份报告的地区不同" in result.stderr and "Warning:" in result.stderr
    assert json.loads(result.stdout)


def test_own_settings_file(reports: dict[str, str], tmp_path: Path) -> None:
    """一般公共预算收入: 6%以上 against 5.2% is not met whatever the tolerance; 地区生产总值 7%左右
    against 6.7% is met within 0.5 points, not within 0.2."""
    own = tmp_path / "attain.toml"
    own.write_text("about_points = 0.2\n", encoding="utf-8")
    result = bihuan("attain", reports["old"], reports["new"], "--json", "--settings", str(own))
    assert statuses(result) == {**EXPECTED, "地区生产总值": "not_met"}
    own.write_text("about_points = -1\n", encoding="utf-8")
    bad = bihuan("attain", reports["old"], reports["new"], "--settings", str(own))
    assert bad.exit_code == 2 and ERROR_LINE.match(bad.stderr.strip()) and "about_points" in bad.stderr


def test_json_indicators_follow_the_plan_contract(reports: dict[str, str]) -> None:
    from jsonschema import Draft202012Validator

    from bihuan.contract import load_schema

    schema = load_schema()
    validator = Draft202012Validator(
        {"$defs": schema["$defs"], **schema["properties"]["indicators"]["items"]}
    )
    rows = json.loads(bihuan("attain", reports["old"], reports["new"], "--json").stdout)
    for row in rows:
        for ind in (row["target"], row["actual"]):
            if ind is not None:
                assert not list(validator.iter_errors(ind)), ind


def test_a_report_without_a_year(tmp_path: Path, reports: dict[str, str]) -> None:
    undated = tmp_path / "undated.txt"
    undated.write_text("青石县政府工作报告\n地区生产总值增长7%左右。\n", encoding="utf-8")
    result = bihuan("attain", str(undated), reports["new"])
    assert result.exit_code == 2 and ERROR_LINE.match(result.stderr.strip()), result.output
    assert "计划年度" in result.stderr
