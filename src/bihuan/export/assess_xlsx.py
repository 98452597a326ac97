"""The 考核表 as an Excel workbook: sheet 排名 (ranking, with a subtotal column per rule),
sheet 明细 (every event that earned or cost points) and sheet 规则 (the rule file's hash and
the points of each rule), written atomically (export.xlsx.save_workbook)."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from bihuan.export.xlsx import append_row, save_workbook
from bihuan.track.assess import Assessment
from bihuan.track.assess_rules import RULE_IDS, rule_zh

RANK_HEADER = ("名次", "单位", "得分", "扣加分事件数")
EVENT_HEADER = ("单位", "名次", "规则", "规则编号", "分值", "权重", "任务序号", "日期", "说明")


def write_assessment(assessment: Assessment, path: str | os.PathLike[str]) -> Path:
    """Write the 考核表 to `path` (.xlsx) through a temporary file. Raises ExportError."""
    return save_workbook(lambda: assessment_book(assessment), path)


def assessment_book(a: Assessment) -> Workbook:
    wb = Workbook()
    ranking = wb.active
    assert ranking is not None
    ranking.title = "排名"
    rules = [r for r in RULE_IDS if a.rules.points.get(r)]
    append_row(ranking, [f"{a.region}{a.plan_year}年度重点任务考核表（截至 {a.on.isoformat()}）"])
    ranking.cell(1, 1).font = Font(bold=True, size=14)
    append_row(ranking, [f"基础分 {a.rules.base:g}；规则：{a.rules.source}；sha256 {a.rules_sha256}"])
    append_row(ranking, [*RANK_HEADER, *(rule_zh(r) for r in rules), "封顶调整"])
    for cell in ranking[3]:
        cell.font = Font(bold=True)
    ranking.freeze_panes = "C4"
    for u in a.units:
        capped = round(sum(e.points for e in u.events if e.rule.startswith("cap.")), 2)
        append_row(ranking, [u.rank, u.unit, u.score, len(u.events), *(u.subtotal(r) for r in rules), capped])
    ranking.column_dimensions["B"].width = 24

    events = wb.create_sheet("明细")
    append_row(events, EVENT_HEADER)
    for cell in events[1]:
        cell.font = Font(bold=True)
    events.freeze_panes = "A2"
    for u in a.units:
        for e in u.events:
            append_row(events, [u.unit, u.rank, rule_zh(e.rule), e.rule, e.points, e.weight, e.task_number,
                                e.day.isoformat() if e.day else None, e.reason])  # fmt: skip
    for col, width in zip("ABCDEFGHI", (22, 6, 14, 22, 8, 6, 8, 12, 70), strict=True):
        events.column_dimensions[col].width = width
    events.auto_filter.ref = events.dimensions

    sheet = wb.create_sheet("规则")
    append_row(sheet, ("项目", "值"))
    append_row(sheet, ("规则文件", a.rules.source))
    append_row(sheet, ("sha256", a.rules_sha256))
    append_row(sheet, ("基础分", a.rules.base))
    for r in RULE_IDS:
        append_row(sheet, (f"{rule_zh(r)}（{r}）", a.rules.points.get(r, 0.0)))
    for r, cap in sorted((a.rules.rule_caps or {}).items()):
        append_row(sheet, (f"封顶：{rule_zh(r)}", cap))
    for area, w in sorted((a.rules.area_weights or {}).items()):
        append_row(sheet, (f"权重：工作领域 {area}", w))
    for number, w in sorted((a.rules.task_weights or {}).items()):
        append_row(sheet, (f"权重：任务序号 {number}", w))
    if a.rules.total_min is not None:
        append_row(sheet, ("总分下限", a.rules.total_min))
    if a.rules.total_max is not None:
        append_row(sheet, ("总分上限", a.rules.total_max))
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 70
    return wb
