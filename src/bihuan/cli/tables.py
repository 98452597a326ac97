"""Rich tables and JSON for the ledger commands.

Rich is imported when a command prints, not when `bihuan` starts. Columns wrap instead of
cutting text. When a table is wider than the terminal, short columns (a number, a date) keep
their full width and the text columns share the rest by their ratio, the column that matters
most (a reason) getting the largest share — so at 80 columns every character is still there."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


@dataclass(frozen=True, slots=True)
class Col:
    """A column: its header; `ratio` for a text column that shares the width of a narrow
    terminal (none: kept at its full width, for numbers and dates)."""

    header: str
    ratio: int | None = None
    justify: str = "left"


def escape(text: str) -> str:
    """Ledger text is data, not Rich markup: "[1]" must print as "[1]"."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def console() -> Console:
    from rich.console import Console

    return Console()


def new_table(title: str, columns: Sequence[str | Col]) -> Table:
    """A plain header is a text column of ratio 1."""
    from rich.table import Table

    table = Table(title=title)
    for c in columns:
        col = c if isinstance(c, Col) else Col(c, ratio=1)
        table.add_column(
            col.header,
            justify=col.justify,  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=col.ratio is None,
            ratio=col.ratio,
        )
    return table


def show(table: Table, out: Console | None = None) -> None:
    """Print the table; wider than the terminal, it is fitted to it by the columns' ratios."""
    out = out or console()
    if out.measure(table, options=out.options.update_width(1_000_000)).maximum > out.width:
        table.expand = True
    out.print(table)


def print_json(data: Any) -> None:
    """Stdout holds only this JSON document (for scripts)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
