"""Text of a .docx: paragraphs and table cells in document order, one paragraph per line."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from bihuan.ingest import errors


def _table_lines(table: Table, seen: set[Any]) -> Iterator[str]:
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell appears once per grid column it spans
                continue
            seen.add(cell._tc)
            for item in cell.iter_inner_content():
                if isinstance(item, Paragraph):
                    yield item.text
                else:
                    yield from _table_lines(item, seen)


def _lines(document: Any) -> Iterator[str]:
    seen: set[Any] = set()
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item.text
        elif isinstance(item, Table):
            yield from _table_lines(item, seen)


def docx_text(data: bytes, name: str) -> str:
    """Paragraph texts joined by "\\n"; raises ReadError for a corrupt or non-Word file."""
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_lines(document))
    except Exception as exc:  # BadZipFile, KeyError, lxml syntax errors, "not a Word file" ValueError ...
        raise errors.corrupt(name, "docx") from exc
