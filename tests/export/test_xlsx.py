"""The workbook: two sheets, bold frozen header, the quote beside each figure, written atomically."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bihuan.export import ExportError
from bihuan.export.xlsx import INDICATOR_HEADER, TASK_HEADER, write_xlsx
from bihuan.extract.types import Document, Plan


def test_workbook_sheets_headers_and_rows(sample_plan: Plan, tmp_path: Path) -> None:
    out = write_xlsx(sample_plan, tmp_path / "plan.xlsx")
    book = load_workbook(out)
    assert book.sheetnames == ["指标", "任务"]
    figures, tasks = book["指标"], book["任务"]
    assert [c.value for c in figures[1]] == list(INDICATOR_HEADER)
    assert [c.value for c in tasks[1]] == list(TASK_HEADER)
    for sheet in (figures, tasks):
        assert sheet.freeze_panes == "A2"
        assert all(c.font.b for c in sheet[1])
        assert sheet.column_dimensions["B"].width > 8
    first = {h: c.value for h, c in zip(INDICATOR_HEADER, figures[2], strict=True)}
    assert first == {
        "编号": "i1", "指标名称": "地区生产总值", "类型": "实际", "期间": "2021", "数值": 169.7, "单位": "亿元",
        "增速%": 7.5, "口径": "同比", "限定": None, "预计": "预计", "所在章节": "一、2021年工作回顾",
        "原文": "地区生产总值实现169.7亿元，增长7.5%",
    }  # fmt: skip
    assert figures.max_row == len(sample_plan.indicators) + 1
    assert all(row[11].value for row in figures.iter_rows(min_row=2))  # every figure has its quote
    task = {h: c.value for h, c in zip(TASK_HEADER, tasks[2], strict=True)}
    assert task == {
        "编号": "t1", "工作领域": "（一）推动工业提质增效", "任务": "建设高标准农田3万亩。",
        "完成时限": "2022-12-31", "关联指标": "高标准农田", "原文位置": "215–230",
    }  # fmt: skip


def test_qualifiers_and_range_are_spelled_out(sample_plan: Plan, tmp_path: Path) -> None:
    sheet = load_workbook(write_xlsx(sample_plan, tmp_path / "p.xlsx"))["指标"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert rows["i4"][8] == "以上（增速以上）"
    assert rows["i6"][8] == "范围 6–6.5"
    assert rows["i7"][7] == "年均"


def test_report_text_stays_text(sample_plan: Plan, tmp_path: Path) -> None:
    odd = dataclasses.replace(sample_plan.indicators[0], quote="=SUM(A1:A9)\x07 增长", name="x" * 40_000)
    plan = dataclasses.replace(sample_plan, indicators=(odd,))
    row = load_workbook(write_xlsx(plan, tmp_path / "p.xlsx"))["指标"][2]
    assert row[11].value == "=SUM(A1:A9) 增长"
    assert row[11].data_type == "s"
    assert len(row[1].value) == 32_767


def test_empty_plan_still_has_both_sheets(tmp_path: Path) -> None:
    book = load_workbook(write_xlsx(Plan(Document()), tmp_path / "empty.xlsx"))
    assert book.sheetnames == ["指标", "任务"]
    assert book["任务"].max_row == 1


def test_replacing_keeps_the_old_mode(sample_plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    out.write_bytes(b"old")
    out.chmod(0o640)
    write_xlsx(sample_plan, out)
    assert out.stat().st_mode & 0o777 == 0o640
    assert load_workbook(out).sheetnames == ["指标", "任务"]


@pytest.mark.parametrize("name", ["/nonexistent/dir/x.xlsx", "plan.csv", "."])
def test_bad_targets_raise_export_error(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExportError) as info:
        write_xlsx(Plan(Document()), name)
    assert info.value.zh and info.value.en
    assert str(info.value) == f"{info.value.zh} / {info.value.en}"


def test_a_failed_save_leaves_nothing_behind(
    sample_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "p.xlsx"
    out.write_bytes(b"previous workbook")

    def broken_save(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("openpyxl.Workbook.save", broken_save)
    with pytest.raises(ExportError, match="No space left"):
        write_xlsx(sample_plan, out)
    assert out.read_bytes() == b"previous workbook"
    assert os.listdir(tmp_path) == ["p.xlsx"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only directory")
def test_read_only_directory(sample_plan: Plan, tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(ExportError):
            write_xlsx(sample_plan, tmp_path / "p.xlsx")
    finally:
        tmp_path.chmod(0o700)
