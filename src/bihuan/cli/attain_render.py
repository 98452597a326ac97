"""兑现 as a Rich table: each target beside its actual, the status and the two quotes."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bihuan.track.attain import Attainment
from bihuan.track.attain_views import figure_text

STYLE = {"met": "green", "not_met": "red", "not_stated": "dim"}


def show_attainment(rows: Sequence[Attainment], year: int, console: Console) -> None:
    met = sum(1 for r in rows if r.status == "met")
    missed = sum(1 for r in rows if r.status == "not_met")
    title = (
        f"{year}年目标兑现（{len(rows)} 项：完成 {met}，未完成 {missed}，未提及 {len(rows) - met - missed}）"
    )
    if not rows:
        console.print(f"[bold]{title}[/bold]：[dim]（上一年报告中没有该年的目标）[/dim]")
        return
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("指标", overflow="fold")
    table.add_column("名称", overflow="fold", min_width=6)
    table.add_column("目标", overflow="fold")
    table.add_column("实际", overflow="fold")
    table.add_column("状态", min_width=4)
    table.add_column("目标原文", overflow="fold", ratio=2)
    table.add_column("实际原文", overflow="fold", ratio=2)
    for r in rows:
        target = figure_text(r.target) + ("" if r.target.period == str(year) else f"（{r.target.period}）")
        table.add_row(
            escape(r.measure or ""),
            escape(r.name),
            escape(target),
            escape(figure_text(r.actual)) if r.actual else "",
            f"[{STYLE[r.status]}]{r.status_zh}[/{STYLE[r.status]}]",
            escape(r.target.quote),
            escape(r.actual.quote) if r.actual else "",
        )
    console.print(table)
