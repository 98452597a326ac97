"""Rich tables and JSON for the ledger commands.

Rich is imported when a command prints, not when `bihuan` starts. Columns wrap instead of
cutting text: the column that matters most (a reason, a date) gets a minimum width and folds
long words, so at 80 columns every character is still on the screen."""

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
    """A column: its header and, for a key column, the width it never shrinks below."""

    header: str
    min_width: int | None = None
    justify: str = "left"


def escape(text: str) -> str:
    """Ledger text is data, not Rich markup: "[1]" must print as "[1]"."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def console() -> Console:
    from rich.console import Console

    return Console()


def new_table(title: str, columns: Sequence[str | Col]) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for c in columns:
        col = c if isinstance(c, Col) else Col(c)
        table.add_column(
            col.header,
            justify=col.justify,  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=False,
            min_width=col.min_width,
        )
    return table


def print_json(data: Any) -> None:
    """Stdout holds only this JSON document (for scripts)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
