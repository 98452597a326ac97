"""Decide a file's format: from its extension first, else from its first bytes."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

# Extension (without dot, lower case) -> format we read.
SUPPORTED_EXTENSIONS: dict[str, str] = {
    "txt": "txt",
    "text": "txt",
    "md": "md",
    "markdown": "md",
    "docx": "docx",
    "pdf": "pdf",
    "html": "html",
    "htm": "html",
    "shtml": "html",
    "xhtml": "html",
}

# Extensions we know and do not read: a clear "unsupported" error unless the bytes say otherwise.
UNSUPPORTED_EXTENSIONS = frozenset(
    "doc dot docm dotx wps wpt rtf odt ott pages xls xlsx xlsm xlsb et csv ods ppt pptx dps odp "
    "ofd caj kdh nh epub mobi djvu xps "
    "zip rar 7z gz tgz bz2 xz tar "
    "png jpg jpeg gif bmp tif tiff webp heic svg ico "
    "mp3 wav mp4 avi mov mkv exe dll so bin iso".split()
)

_HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta[\s>]")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # OLE2: old .doc/.xls/.ppt/.wps
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gz"),
    (b"{\\rtf", "rtf"),
)


def extension(name: str) -> str:
    """The lower-case extension of ``name`` without the dot ("" when there is none)."""
    if name == "-":
        return ""
    return PurePath(name).suffix.lower().lstrip(".")


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return "zip"
    return "docx" if "word/document.xml" in names else "zip"


def sniff(data: bytes) -> str:
    """Guess a format from content: pdf, docx, html, txt, or the name of an unsupported kind."""
    head = data[:1024]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if _HTML_START.search(stripped):
        return "html"
    return "txt"


def detect_format(name: str, data: bytes) -> str:
    """The format to read ``data`` as: "txt", "md", "docx", "pdf", "html", or an unsupported kind.

    A known extension wins; a known unsupported extension is still read when the bytes are
    clearly pdf, docx or html (government sites often serve HTML named ``.doc``).
    """
    ext = extension(name)
    if ext in SUPPORTED_EXTENSIONS:
        return SUPPORTED_EXTENSIONS[ext]
    kind = sniff(data)
    if ext in UNSUPPORTED_EXTENSIONS:
        return kind if kind in {"pdf", "docx", "html"} else ext
    return kind
