"""兑现 as an Excel workbook: one sheet, a row per target with its actual, status and both quotes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from bihuan.export.xlsx import Cell, _fill, save_workbook
from bihuan.track.attain import Attainment
from bihuan.track.attain_views import figure_text

HEADER = ("指标", "名称", "期间", "目标", "实际", "状态", "判断", "目标原文", "实际原文")


def _row(a: Attainment) -> tuple[Cell, ...]:
    actual = figure_text(a.actual) if a.actual else ""
    return (
        a.measure, a.name, a.target.period, figure_text(a.target), actual, a.status_zh, a.why_zh(),
        a.target.quote, a.actual.quote if a.actual else "",
    )  # fmt: skip


def build_workbook(rows: Sequence[Attainment]) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "兑现"
    _fill(sheet, HEADER, (_row(a) for a in rows), wrap=(8, 9))
    return workbook


def write_attainment_xlsx(rows: Sequence[Attainment], path: str | os.PathLike[str]) -> Path:
    """The workbook written to `path` atomically; raises ExportError for a bad path."""
    return save_workbook(lambda: build_workbook(rows), path)
