"""read_path / read_bytes: a report file in, decoded text out, or one clear ReadError."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

from bihuan.ingest import errors
from bihuan.ingest.decode import decode_text
from bihuan.ingest.sniff import detect_format
from bihuan.ingest.source import DEFAULT_MAX_BYTES, Source

STDIN = "-"


# The docx, pdf and html readers load their libraries (python-docx with lxml, pdfminer) when a
# file of theirs arrives, not when bihuan starts: `bihuan extract report.txt` never needs them.
def _docx(data: bytes, name: str) -> str:
    from bihuan.ingest.docx_text import docx_text

    return docx_text(data, name)


def _pdf(data: bytes, name: str) -> str:
    from bihuan.ingest.pdf_text import pdf_text

    return pdf_text(data, name)


def _html(data: bytes, name: str) -> str:
    from bihuan.ingest.html_main import html_text

    return html_text(data, name)


_READERS: dict[str, Callable[[bytes, str], str]] = {
    "txt": decode_text,
    "md": decode_text,
    "html": _html,
    "docx": _docx,
    "pdf": _pdf,
}


def _os_error(name: str, exc: OSError) -> errors.ReadError:
    if isinstance(exc, FileNotFoundError):
        return errors.not_found(name)
    if isinstance(exc, IsADirectoryError):
        return errors.is_directory(name)
    if isinstance(exc, PermissionError):
        return errors.no_permission(name)
    if exc.errno == errno.ENOTDIR:
        return errors.not_found(name)
    return errors.unreadable(name, exc.strerror or type(exc).__name__)


def _read_stdin(max_bytes: int) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise errors.unreadable(STDIN, "no standard input")
    try:
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise _os_error(STDIN, exc) from exc
    if len(data) > max_bytes:
        raise errors.too_large(STDIN, max_bytes)
    return bytes(data)


def _read_file(path: Path, name: str, max_bytes: int) -> bytes:
    try:
        if path.is_dir():
            raise errors.is_directory(name)
        if path.stat().st_size > max_bytes:
            raise errors.too_large(name, max_bytes)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the size may change, or a device may not report one
    except OSError as exc:
        raise _os_error(name, exc) from exc
    except ValueError as exc:  # e.g. a NUL byte in the path
        raise errors.unreadable(name, str(exc)) from exc
    if len(data) > max_bytes:
        raise errors.too_large(name, max_bytes)
    return data


def read_bytes(data: bytes, name: str = STDIN, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Decode report bytes; the format comes from ``name``'s extension, else from the content."""
    if len(data) > max_bytes:
        raise errors.too_large(name, max_bytes)
    if not data.strip():
        raise errors.empty(name)
    fmt = detect_format(name, data)
    reader = _READERS.get(fmt)
    if reader is None:
        raise errors.unsupported(name, fmt)
    text = reader(data, name)
    if not text.strip():
        raise errors.empty(name)
    return Source(text=text, source_format=fmt, name=name)


def read_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read a report file; ``"-"`` reads standard input. Raises ReadError, never anything else."""
    name = os.fspath(path)
    data = _read_stdin(max_bytes) if name == STDIN else _read_file(Path(name), name, max_bytes)
    return read_bytes(data, name, max_bytes)
