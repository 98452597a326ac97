"""The plan as Rich tables for a person at a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bihuan.export.views import CHECK_ZH, Headline, growth_text, headline, period_text, value_text
from bihuan.extract.types import Check, Document, Indicator, Plan

NONE_LINE = "[dim]（无）[/dim]"


def show_plan(plan: Plan, console: Console) -> None:
    view = headline(plan)
    console.print(document_line(plan.document))
    year = view.plan_year
    if year is None:
        console.print("[yellow]未能识别计划年度：下表按期间列出全部指标。[/yellow]")
        _indicators(console, "全部指标", plan.indicators, with_period=True)
    else:
        _indicators(console, "上年主要指标完成情况", view.last_year)
        _indicators(console, "今后五年/中长期目标", view.long_term, with_period=True)
        _indicators(console, f"{year}年主要预期目标", view.plan_targets)
    _work_areas(console, view)
    _checks(console, plan.checks, view)


def document_line(doc: Document) -> str:
    """标题 · 地区 · 日期 · 计划年度 · 报告人 · 会议, the ones the engine recognised."""
    fields = (
        ("标题", doc.title),
        ("地区", doc.region),
        ("日期", doc.report_date),
        ("计划年度", None if doc.plan_year is None else str(doc.plan_year)),
        ("报告人", doc.speaker),
        ("会议", doc.meeting),
    )
    known = [f"[bold]{label}[/bold]：{_esc(value)}" for label, value in fields if value]
    return "　".join(known) if known else "[yellow]未能识别报告的标题、地区、日期等信息。[/yellow]"


def indicator_table(title: str, rows: Sequence[Indicator], with_period: bool = False) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("指标", overflow="fold", min_width=8)
    table.add_column("数值", justify="right")
    table.add_column("增速", justify="right")
    table.add_column("说明", overflow="fold")
    for ind in rows:
        notes = [period_text(ind.period)] if with_period else []
        if ind.estimated:
            notes.append("预计")
        table.add_row(_esc(ind.name), _esc(value_text(ind)), growth_text(ind), "，".join(notes))
    return table


def _indicators(console: Console, title: str, rows: Sequence[Indicator], with_period: bool = False) -> None:
    console.print()
    if rows:
        console.print(indicator_table(title, rows, with_period))
    else:
        console.print(f"[bold]{title}[/bold]：{NONE_LINE}")


def _work_areas(console: Console, view: Headline) -> None:
    title = "各工作领域任务数" if view.plan_year is None else f"{view.plan_year}年各工作领域任务数"
    console.print()
    if not view.work_areas:
        console.print(f"[bold]{title}[/bold]：{NONE_LINE}")
        return
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("工作领域", overflow="fold")
    table.add_column("任务", justify="right")
    table.add_column("关联指标", justify="right")
    for area in view.work_areas:
        table.add_row(_esc(area.heading), str(area.tasks), str(area.indicators))
    tasks = sum(a.tasks for a in view.work_areas)
    table.add_row("[bold]合计[/bold]", str(tasks), str(sum(a.indicators for a in view.work_areas)))
    console.print(table)


def _checks(console: Console, checks: Sequence[Check], view: Headline) -> None:
    console.print()
    if not checks:
        console.print(f"[bold]核查[/bold]：{NONE_LINE}")
        return
    failed = view.failed_checks
    if not failed:
        console.print(f"[bold]核查[/bold]：全部 {len(checks)} 项通过")
        return
    table = Table(
        title=f"未通过的核查（{len(failed)}/{len(checks)}）", title_justify="left", title_style="bold"
    )
    table.add_column("类型", min_width=6)
    table.add_column("说明", overflow="fold", min_width=24)  # the check's whole message, wrapped
    for check in failed:
        table.add_row(_esc(CHECK_ZH.get(check.type, check.type)), _esc(check.message))
    console.print(table)


def _esc(text: str) -> str:
    """Report text is data, not Rich markup: "[1]" must print as "[1]"."""
    return escape(text)
