"""`bihuan assign suggest --json` and `bihuan assign learn`: a published 任务分解表 read back from
a real workbook becomes evidence, named in the next suggestions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner, Result

from bihuan.cli.main import app

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "shixian-2023-report.txt")
ERROR_LINE = re.compile(r"^错误：.*[\u4e00-\u9fff].* / Error: .*[A-Za-z].*$")


def bihuan(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "500", "BIHUAN_USER": "督查室"})


def ok(*args: str) -> str:
    result = bihuan(*args)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "督查.db")
    ok("plan", "import", EXAMPLE, "--db", path)
    return path


def _table(path: Path, rows: list[list[str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["示例县2022年政府工作报告重点任务分解表"])
    ws.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    for k, r in enumerate(rows, start=1):
        ws.append([k, *r, "2022年12月"])
    wb.save(path)
    return path


def test_suggest_json_gives_confidence_and_reasons_for_every_task(db: str) -> None:
    rows = json.loads(ok("assign", "suggest", "--json", "--db", db))["suggestions"]
    assert len(rows) == 13
    for r in rows:
        assert r["lead"] and r["confidence"] in {"high", "medium", "low"} and r["reason"]
    fields = next(r for r in rows if "高标准农田" in r["text"])
    assert (
        fields["lead"] == "农业农村局" and fields["confidence"] == "high" and "高标准农田" in fields["words"]
    )


def test_learned_table_decides_and_is_named(db: str, tmp_path: Path) -> None:
    before = {
        r["number"]: r for r in json.loads(ok("assign", "suggest", "--json", "--db", db))["suggestions"]
    }
    bonds = next(n for n, r in before.items() if "专项债券" in r["text"])
    assert before[bonds]["lead"] == "发展和改革局"
    book = _table(
        tmp_path / "2022年任务分解表.xlsx",
        [
            ["积极争取地方政府专项债券资金8亿元以上", "县财政局", "县发改局"],
            ["全年实施重点项目150个", "县发改局", "各乡镇"],
            ["完成某项工作", "县某某中心", ""],
        ],
    )
    out = ok("assign", "learn", str(book), "--db", db)
    assert out.splitlines()[0] == "已学习任务分解表：新增 3 行，已有 0 行"
    assert "县某某中心" in out
    assert (
        ok("assign", "learn", str(book), "--db", db).splitlines()[0]
        == "已学习任务分解表：新增 0 行，已有 3 行"
    )
    after = {r["number"]: r for r in json.loads(ok("assign", "suggest", "--json", "--db", db))["suggestions"]}
    assert after[bonds]["lead"] == "财政局"
    assert after[bonds]["similar_task"] == "积极争取地方政府专项债券资金8亿元以上"
    assert "已确认的任务" in after[bonds]["reason"]


def test_a_table_as_offices_publish_it(db: str, tmp_path: Path) -> None:
    """A title merged across the columns, part headings between the tasks (one merged across, one
    only in the task column), a lead unit's cell merged down over its two tasks and a cooperating
    cell merged down too: four tasks, each with its units."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["示例县2022年政府工作报告重点任务分解表"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "重点任务", "牵头单位", "配合单位", "责任领导"])
    ws.append(["一、坚持项目为王"])
    ws.merge_cells("A3:E3")
    ws.append([1, "全年实施重点项目150个", "县发改局", "各乡镇、县财政局", "张三"])
    ws.append([2, "新开工亿元以上项目40个", None, None, None])
    ws.merge_cells("C4:C5")
    ws.merge_cells("D4:D5")
    ws.append([None, "（二）做强特色农业", None, None, None])
    ws.append([3, "新建高标准农田5万亩", "县农业农村局（牵头）", "县自然资源局", "李四"])
    ws.append([4, "积极争取地方政府专项债券资金8亿元以上", "县财政局", None, "王五"])
    path = tmp_path / "分解表.xlsx"
    wb.save(path)
    from bihuan.export.assign_table import read_assign_table

    rows = read_assign_table(path)
    assert [(r.row, r.text, r.lead, r.cooperating) for r in rows] == [
        (4, "全年实施重点项目150个", "县发改局", ("各乡镇", "县财政局")),
        (5, "新开工亿元以上项目40个", "县发改局", ("各乡镇", "县财政局")),
        (7, "新建高标准农田5万亩", "县农业农村局（牵头）", ("县自然资源局",)),
        (8, "积极争取地方政府专项债券资金8亿元以上", "县财政局", ()),
    ]
    assert ok("assign", "learn", str(path), "--db", db).splitlines() == [
        "已学习任务分解表：新增 4 行，已有 0 行"
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("not a workbook", "utf-8"), "Excel"),
        (lambda p: _no_header(p), "表头"),
        (lambda p: _table(p, [["完成某项工作", "", ""]]), "缺少重点任务或牵头单位"),
    ],
)
def test_bad_tables_are_one_clear_line(db: str, tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "表.xlsx"
    make(path)  # type: ignore[operator]
    result = bihuan("assign", "learn", str(path), "--db", db)
    assert result.exit_code == 2
    assert ERROR_LINE.match(result.output.strip().splitlines()[-1]) and message in result.output


def test_missing_file_is_refused(db: str, tmp_path: Path) -> None:
    result = bihuan("assign", "learn", str(tmp_path / "无.xlsx"), "--db", db)
    assert result.exit_code == 2 and ERROR_LINE.match(result.output.strip())


def _no_header(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["甲", "乙"])
    wb.save(path)
