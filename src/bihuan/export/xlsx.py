"""A plan as an Excel workbook: sheet 指标 (every figure beside its quote) and sheet 任务."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bihuan.export import ExportError
from bihuan.export.views import BASIS_ZH, KIND_ZH, QUALIFIER_ZH, number_text, span_text
from bihuan.extract.types import Indicator, Plan

Cell = str | float | None

INDICATOR_HEADER = (
    "编号", "指标名称", "类型", "期间", "数值", "单位", "增速%", "口径", "限定", "预计", "所在章节", "原文",
)  # fmt: skip
TASK_HEADER = ("编号", "工作领域", "任务", "完成时限", "关联指标", "原文位置")
MAX_WIDTH = 60
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
# What a spreadsheet may take for the start of a formula (or a DDE call) when text begins with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_xlsx(plan: Plan, path: str | os.PathLike[str]) -> Path:
    """Write the plan's workbook to `path` atomically; return the path written. Raises ExportError."""
    return save_workbook(lambda: build_workbook(plan), path)


def save_workbook(build: Callable[[], Workbook], path: str | os.PathLike[str]) -> Path:
    """Check `path`, build the workbook and write it through a temporary file, so a reader never
    sees half a file and a failure leaves any earlier file as it was."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ExportError(
            f"Excel 文件名须以 .xlsx 结尾：{target}", f"the workbook name must end in .xlsx: {target}"
        )
    directory = target.parent
    if not directory.is_dir():
        raise ExportError(f"目录不存在：{directory}", f"no such directory: {directory}")
    if target.is_dir():
        raise ExportError(f"这是一个目录，不能写成 Excel 文件：{target}", f"is a directory: {target}")
    workbook = build()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as e:
        raise ExportError(
            f"无法写入目录 {directory}：{e.strerror}", f"cannot write in {directory}: {e.strerror}"
        ) from e
    try:
        os.close(fd)
        workbook.save(tmp)
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except OSError as e:
        raise ExportError(f"无法写入 {target}：{e.strerror}", f"cannot write {target}: {e.strerror}") from e
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def build_workbook(plan: Plan) -> Workbook:
    headings = {s.id: s.heading for s in plan.sections}
    names = {i.id: i.name for i in plan.indicators}
    workbook = Workbook()
    indicators = workbook.active
    assert indicators is not None
    indicators.title = "指标"
    _fill(indicators, INDICATOR_HEADER, (_indicator_row(i, headings) for i in plan.indicators), wrap=(12,))
    tasks = workbook.create_sheet("任务")
    rows = (
        (t.id, headings.get(t.section, t.section), t.text, t.deadline,
         "、".join(names.get(i, i) for i in t.indicators), span_text(t.span))
        for t in plan.tasks
    )  # fmt: skip
    _fill(tasks, TASK_HEADER, rows, wrap=(3,))
    return workbook


def _indicator_row(ind: Indicator, headings: dict[str, str]) -> tuple[Cell, ...]:
    qualifier = QUALIFIER_ZH.get(ind.qualifier or "", "")
    if ind.range is not None:
        qualifier = f"{qualifier} {number_text(ind.range[0])}–{number_text(ind.range[1])}".strip()
    if ind.growth_qualifier:
        qualifier = f"{qualifier}（增速{QUALIFIER_ZH[ind.growth_qualifier]}）"
    return (
        ind.id, ind.name, KIND_ZH.get(ind.kind, ind.kind), ind.period, ind.value, ind.unit, ind.growth_pct,
        BASIS_ZH.get(ind.basis or "", ""), qualifier, "预计" if ind.estimated else "",
        headings.get(ind.section or "", ""), ind.quote,
    )  # fmt: skip


def _fill(
    sheet: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Cell]], wrap: Sequence[int]
) -> None:
    """Header row bold, frozen and filtered; text cells kept text; widths fitted to the content."""
    append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [display_width(h) for h in header]
    for row in rows:
        append_row(sheet, row)
        for col, value in enumerate(row):
            widths[col] = max(widths[col], display_width(value))
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if cell.column in wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(width + 2, MAX_WIDTH)
    sheet.auto_filter.ref = sheet.dimensions


def append_row(sheet: Worksheet, values: Sequence[Cell]) -> None:
    """Append one row: values cleaned, and text that a spreadsheet could run as a formula
    (=HYPERLINK(…), +…, -…, @…) kept as the same text. Every workbook writer goes through here."""
    sheet.append([clean(v) for v in values])
    for cell in sheet[sheet.max_row]:
        keep_text(cell)


def keep_text(cell: Any) -> None:
    """A text cell stays text: stored as a string (never as a formula) and marked with Excel's
    quote prefix, so editing it in Excel does not turn it into one either. The value read back
    is unchanged."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def clean(value: Cell) -> Cell:
    """No control characters (openpyxl rejects them), no more than Excel holds in a cell."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS] if isinstance(value, str) else value


def display_width(value: Cell) -> int:
    """Display width: CJK and full-width characters count double."""
    text = value if isinstance(value, str) else ("" if value is None else number_text(value))
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _file_mode(target: Path) -> int:
    """Keep the mode of a file we replace; a new one gets the usual mode under the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
