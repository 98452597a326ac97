"""The result of reading a report file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

SourceFormat = Literal["txt", "md", "docx", "pdf", "html"]


@dataclass(frozen=True)
class Source:
    """Decoded report text; span offsets used downstream index ``text``.

    ``source_format`` is one of "txt", "md", "docx", "pdf", "html"; ``name`` is the path as given
    (or "-" for standard input).
    """

    text: str
    source_format: str
    name: str
