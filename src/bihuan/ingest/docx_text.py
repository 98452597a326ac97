"""Text of a .docx: paragraphs and table cells in document order, one paragraph per line."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from bihuan.ingest import errors
from bihuan.ingest.archive import MAX_PARAGRAPHS, ArchiveTooLarge, check_archive


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


class _TooManyParagraphs(Exception):
    pass


def _capped(lines: Iterator[str], limit: int) -> Iterator[str]:
    for n, line in enumerate(lines, start=1):
        if n > limit:
            raise _TooManyParagraphs()
        yield line


def docx_text(data: bytes, name: str, max_paragraphs: int = MAX_PARAGRAPHS) -> str:
    """Paragraph texts joined by "\\n"; raises ReadError for a corrupt or non-Word file, for one
    that would unpack to too much (checked before parsing) or that has too many paragraphs."""
    try:
        check_archive(data)
    except ArchiveTooLarge as exc:
        raise errors.archive_too_large(name, exc.zh, exc.en) from exc
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_capped(_lines(document), max_paragraphs))
    except _TooManyParagraphs as exc:
        raise errors.too_many_paragraphs(name, max_paragraphs) from exc
    except Exception as exc:  # BadZipFile, KeyError, lxml syntax errors, "not a Word file" ValueError ...
        raise errors.corrupt(name, "docx") from exc
