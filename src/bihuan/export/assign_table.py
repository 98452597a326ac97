"""Reading a published 任务分解表 (.xlsx): the header row is found by its words (重点任务,
牵头单位, 配合单位 …) in the first rows of each sheet, and each row below it gives a task and units.
Tables as offices publish them: a unit's cell merged down over the several tasks it leads counts
for each of them, and part headings (一、… （二）…) between the tasks are not tasks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bihuan.export import ExportError
from bihuan.export.ledger_books import _book, _rows
from bihuan.ingest.archive import MAX_ROWS
from bihuan.track.assign_learn import TableRow

HEADER_SEARCH = 10  # the header is within a sheet's first rows (a title may come first)
TASK_WORDS = ("重点任务", "工作任务", "任务内容", "主要任务", "目标任务", "任务", "工作内容", "事项")
LEAD_WORDS = ("牵头单位", "牵头部门", "责任单位", "牵头")
COOP_WORDS = ("配合单位", "协办单位", "配合部门", "参与单位", "配合")
_SPLIT = re.compile(r"[、，,；;/\s]+")
# a part heading in the task column: 一、… （二）… 第三部分 …
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[部分章节])"
)


def _column(header: list[str], words: tuple[str, ...]) -> int | None:
    for word in words:  # the most specific word first
        for k, cell in enumerate(header):
            if word in cell:
                return k
    return None


def read_assign_table(path: Path, max_rows: int = MAX_ROWS) -> list[TableRow]:
    """Every sheet's task rows. A lead cell naming several units (责任单位: 县发改局、县财政局)
    gives the first as lead and the others as cooperating units."""
    out: list[TableRow] = []
    with _book(path, read_only=False) as wb:  # whole, so that merged cells are known
        for ws in wb.worksheets:
            out.extend(_sheet(ws, path, max_rows))
    if not out:
        raise ExportError(
            f"没有找到任务分解表的表头（需有“重点任务”“牵头单位”等列）：{path}",
            f"no task table header (columns like 重点任务 and 牵头单位) in {path}",
        )
    return out


def _cell(values: list[str], k: int | None) -> str:
    return values[k] if k is not None and k < len(values) else ""


def _units(cell: str) -> list[str]:
    return [u for u in _SPLIT.split(cell) if u]


def _merged_down(ws: Any) -> dict[tuple[int, int], Any]:
    """(row, column) → value for the cells under the first of a range merged down one column
    (a lead unit's cell over its tasks). Ranges across columns (a heading row) are left out."""
    out: dict[tuple[int, int], Any] = {}
    for r in ws.merged_cells.ranges:
        if r.min_col == r.max_col and r.max_row > r.min_row:
            value = ws.cell(r.min_row, r.min_col).value
            for row in range(r.min_row + 1, r.max_row + 1):
                out[(row, r.min_col - 1)] = value
    return out


def _sheet(ws: Any, path: Path, max_rows: int) -> list[TableRow]:
    cols: tuple[int, int, int | None] | None = None
    out: list[TableRow] = []
    merged = _merged_down(ws)
    for n, cells in _rows(ws, path, 1, max_rows):
        if merged:
            cells = tuple(merged.get((n, k), v) for k, v in enumerate(cells))
        values = [str(v).strip() if v is not None else "" for v in cells]
        if cols is None:
            if n > HEADER_SEARCH:
                return []
            task, lead = _column(values, TASK_WORDS), _column(values, LEAD_WORDS)
            if task is not None and lead is not None and task != lead:
                cols = (task, lead, _column(values, COOP_WORDS))
            continue
        task_col, lead_col, coop_col = cols
        text, leads = _cell(values, task_col), _units(_cell(values, lead_col))
        if not text and not leads:
            continue
        if text and not leads and _HEADING.match(text):
            continue  # a part heading between the tasks
        coop = _units(_cell(values, coop_col))
        out.append(TableRow(n, text, leads[0] if leads else "", tuple(leads[1:] + coop)))
    return out
