"""Workbooks of the ledger: the 任务分解表, a unit's progress-collection workbook and reading
that workbook (or a unit directory) back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from bihuan.export import ExportError
from bihuan.export.xlsx import append_row, clean
from bihuan.ingest.archive import MAX_ROWS, ArchiveTooLarge, check_archive
from bihuan.track.progress import ProgressInput
from bihuan.track.views import PlanView, TaskLine

TABLE_HEADER = ("序号", "重点任务", "牵头单位", "配合单位", "责任领导", "完成时限", "量化指标")
SHEET_HEADER = (
    "序号",
    "任务编号",
    "重点任务",
    "量化指标",
    "目标值",
    "计量单位",
    "本期累计完成值",
    "形象进度（%）",
    "进展情况",
    "存在问题",
    "下步打算",
)
META_SHEET = "_bihuan"
PROGRESS_SHEET = "进度报送"
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_AREA_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


def _deadline(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日前" if d else ""


def task_table(view: PlanView) -> Workbook:
    """The 任务分解表 as governments publish it: grouped by work area, quantified tasks first."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "任务分解表"
    title = f"{view.region}{view.plan_year}年政府工作报告重点任务分解表"
    append_row(ws, [title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TABLE_HEADER))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    append_row(ws, TABLE_HEADER)
    for c in ws[2]:
        c.font = _BOLD
    areas: dict[str, list[TaskLine]] = {}
    for t in view.tasks:
        areas.setdefault(t.area, []).append(t)
    n = 0
    for area, lines in areas.items():
        append_row(ws, [area])
        row = ws.max_row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(TABLE_HEADER))
        ws.cell(row, 1).font = _BOLD
        ws.cell(row, 1).fill = _AREA_FILL
        for t in sorted(lines, key=lambda t: (not t.quantities, t.number)):
            n += 1
            append_row(
                ws,
                [
                    n,
                    clean(t.text),
                    t.lead or "",
                    "、".join(t.cooperating),
                    t.leader or "",
                    _deadline(t.deadline),
                    clean("；".join(q.text for q in t.quantities)),
                ],
            )
    _layout(ws, (6, 60, 16, 24, 12, 16, 30), header_row=2)
    return wb


def progress_book(view: PlanView, unit: str, period: str, lines: tuple[TaskLine, ...]) -> Workbook:
    """One unit's workbook for one period: a row per task and indicator, yellow cells to fill."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = PROGRESS_SHEET
    append_row(ws, [f"{view.region}{view.plan_year}年重点任务进度报送表（{unit}，{period}）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SHEET_HEADER))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    append_row(ws, SHEET_HEADER)
    for c in ws[2]:
        c.font = _BOLD
    for t in lines:
        quantities = [q for q in t.quantities if q.value is not None] or [None]
        for q in quantities:
            append_row(
                ws,
                [
                    t.number,
                    t.key,
                    clean(t.text),
                    clean(q.name) if q else "",
                    q.value if q else None,
                    (q.unit or "") if q else "",
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
            )
            for col in range(7, 12):
                ws.cell(ws.max_row, col).fill = _INPUT_FILL
    _layout(ws, (6, 18, 50, 20, 10, 10, 14, 12, 30, 24, 24), header_row=2)
    meta = wb.create_sheet(META_SHEET)
    for k, v in (
        ("document_id", view.document_id),
        ("revision", view.revision),
        ("unit", unit),
        ("period", period),
        ("schema", "bihuan.progress/1"),
    ):
        append_row(meta, [k, v])
    meta.sheet_state = "hidden"
    return wb


def _layout(ws: Worksheet, widths: tuple[int, ...], header_row: int) -> None:
    for k, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(header_row, k).column_letter].width = w
    for row in ws.iter_rows(min_row=header_row + 1):
        for c in row:
            c.alignment = _WRAP
    ws.freeze_panes = ws.cell(header_row + 1, 1)


@dataclass(frozen=True, slots=True)
class ProgressFile:
    document_id: int
    unit: str
    period: str
    rows: tuple[ProgressInput, ...]


MAX_BOOK_BYTES = 20 * 1024 * 1024  # a workbook file read back (real ones: well under 1 MB)


@contextmanager
def _book(path: Path, read_only: bool = True) -> Iterator[Any]:
    """The workbook open for reading; the sheets are parsed while rows are read, so damage found
    then is an ExportError as well. `read_only=False` loads it whole (merged cells are known)."""
    wb = _open(path, read_only)
    try:
        yield wb
    except ExportError:
        raise
    except Exception as e:  # zipfile.BadZipFile (a CRC error), lxml syntax errors ...
        raise ExportError(f"Excel 文件已损坏：{path}", f"damaged workbook {path}: {type(e).__name__}") from e
    finally:
        wb.close()


def _open(path: Path, read_only: bool = True) -> Any:
    """The workbook, read-only by default (rows are streamed, so the row cap bounds the work),
    after its size and its zip directory are checked against the limits of bihuan.ingest.archive
    (which also bound a workbook loaded whole)."""
    if not path.is_file():
        raise ExportError(f"找不到文件：{path}", f"no such file: {path}")
    if path.stat().st_size > MAX_BOOK_BYTES:
        mb = MAX_BOOK_BYTES // (1024 * 1024)
        raise ExportError(f"Excel 文件超过 {mb} MB：{path}", f"workbook larger than {mb} MB: {path}")
    try:
        check_archive(path)
    except ArchiveTooLarge as e:
        raise ExportError(f"{e.zh}：{path}", f"{e.en}: {path}") from e
    try:
        return load_workbook(path, data_only=True, read_only=read_only)
    except (InvalidFileException, KeyError, ValueError, OSError, EOFError) as e:
        raise ExportError(
            f"不是可读取的 Excel（.xlsx）文件：{path}", f"not a readable .xlsx workbook: {path}"
        ) from e
    except Exception as e:  # zipfile.BadZipFile and other damage
        raise ExportError(f"Excel 文件已损坏：{path}", f"damaged workbook {path}: {type(e).__name__}") from e


def _rows(ws: Any, path: Path, min_row: int, max_rows: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(Excel row number, values) of a sheet from min_row on; ExportError past max_rows rows."""
    for n, cells in enumerate(ws.iter_rows(min_row=min_row, values_only=True), start=min_row):
        if n - min_row >= max_rows:
            raise ExportError(
                f"工作表行数过多（超过 {max_rows} 行）：{path}",
                f"more than {max_rows} rows in a sheet: {path}",
            )
        yield n, cells


def read_progress_book(path: Path, max_rows: int = MAX_ROWS) -> ProgressFile:
    """Read a filled progress workbook back into rows (Excel row numbers kept for errors)."""
    with _book(path) as wb:
        return _progress(wb, path, max_rows)


def _progress(wb: Any, path: Path, max_rows: int) -> ProgressFile:
    if META_SHEET not in wb.sheetnames or PROGRESS_SHEET not in wb.sheetnames:
        raise ExportError(
            f"这不是 bihuan 导出的进度报送表（缺少“{PROGRESS_SHEET}”或说明页）：{path}",
            f"not a progress workbook exported by bihuan: {path}",
        )
    meta = {str(r[0]): r[1] for _, r in _rows(wb[META_SHEET], path, 1, 100) if r and r[0]}
    try:
        document_id = int(meta["document_id"])
        unit, period = str(meta["unit"]), str(meta["period"])
    except (KeyError, TypeError, ValueError) as e:
        raise ExportError(
            f"进度报送表的说明页被改动：{path}", f"the workbook's metadata sheet was changed: {path}"
        ) from e
    ws = wb[PROGRESS_SHEET]
    header = [str(v or "").strip() for v in next(ws.iter_rows(min_row=2, max_row=2, values_only=True), ())]
    if tuple(header[: len(SHEET_HEADER)]) != SHEET_HEADER:
        raise ExportError(
            f"进度报送表的表头被改动：{path}", f"the header row of the workbook was changed: {path}"
        )
    grouped: dict[str, dict[str, Any]] = {}
    for n, cells in _rows(ws, path, 3, max_rows):
        if not cells or all(v is None or str(v).strip() == "" for v in cells):
            continue
        row = dict(zip(SHEET_HEADER, cells, strict=False))
        key = str(row["任务编号"] or "").strip()
        g = grouped.setdefault(key or f"row{n}", {"row": n, "task": key, "values": {}, "value_rows": {}})
        name = str(row["量化指标"] or "").strip()
        done = row["本期累计完成值"]
        if done is not None and str(done).strip() != "":
            g["values"][name] = done  # "" when the task has no quantity: the check says so
            g["value_rows"][name] = n
        for field_, col in (
            ("percent", "形象进度（%）"),
            ("narrative", "进展情况"),
            ("problems", "存在问题"),
            ("next_steps", "下步打算"),
        ):
            v = row[col]
            if v is not None and str(v).strip() != "" and field_ not in g:
                g[field_] = v if field_ == "percent" else str(v)
    rows = tuple(
        ProgressInput(
            row=g["row"],
            task=g["task"] or "（空）",
            period=period,
            values=g["values"],
            percent=g.get("percent"),
            narrative=g.get("narrative"),
            problems=g.get("problems"),
            next_steps=g.get("next_steps"),
            value_rows=g["value_rows"],
        )
        for g in grouped.values()
        if g["values"] or any(k in g for k in ("percent", "narrative", "problems", "next_steps"))
    )
    return ProgressFile(document_id, unit, period, rows)


UNIT_COLUMNS = {
    "单位名称": "name",
    "名称": "name",
    "简称": "short",
    "别名": "aliases",
    "关键词": "keywords",
    "邮箱": "email",
    "钉钉机器人": "dingtalk_webhook",
    "钉钉加签密钥": "dingtalk_secret",
    "企业微信机器人": "wecom_webhook",
}


def read_units_book(path: Path, max_rows: int = MAX_ROWS) -> list[dict[str, Any]]:
    """A unit directory kept in Excel: columns 单位名称, 简称, 别名, 关键词 (lists separated by 、or ,),
    and optionally the contacts 邮箱, 钉钉机器人, 钉钉加签密钥, 企业微信机器人 (a column that is not there
    keeps the contacts as they are; an empty cell clears that contact)."""
    with _book(path) as wb:
        return _units(wb.worksheets[0], path, max_rows)


def _units(ws: Any, path: Path, max_rows: int) -> list[dict[str, Any]]:
    first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    header = [UNIT_COLUMNS.get(str(v or "").strip()) for v in first]
    if "name" not in header:
        raise ExportError(
            f"单位名录表第一行须有“单位名称”列：{path}", f"the first row needs a 单位名称 column: {path}"
        )
    rows = []
    for n, cells in _rows(ws, path, 2, max_rows):
        if not cells or all(v is None or str(v).strip() == "" for v in cells):
            continue
        rows.append({"_row": n, **{k: v for k, v in zip(header, cells, strict=False) if k}})
    return rows
