"""Limits on what a zip-based office file (.docx, .xlsx) may unpack to, checked from the zip's
central directory before any member is decompressed or parsed.

A 61 KB .docx can hold an 18 MB document.xml of three million empty paragraphs (a compression
ratio of 300); parsed, it took the server 100 s and 650 MB. The numbers below are generous for
real files and refuse such bombs cheaply:

- a real work report .docx unpacks to under 5 MB (its document.xml to 1-5 MB) in 15-40 members;
  a progress or unit-directory workbook to under 5 MB;
- pictures are already compressed, so they unpack to about their packed size: the total is
  bounded by the upload limit (20 MB) times a little;
- XML compresses 5-20 times; a member that grows more than ``max_ratio`` times (and past
  ``ratio_floor``) is machine-made padding, not a report.

Python's zipfile stops each member at the size the central directory declares (and then fails
its CRC check), so a directory that lies about sizes cannot unpack to more than it declares.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    max_members: int = 2000  # a docx has 15-40 members, one with many pictures a few hundred
    max_unpacked: int = 100 * MB  # all members together (pictures unpack to their own size)
    max_xml: int = 32 * MB  # one .xml/.rels member: a real document.xml is 1-5 MB
    max_ratio: float = 100.0  # uncompressed / compressed size of one member ...
    ratio_floor: int = 1 * MB  # ... once it unpacks to more than this


DEFAULT_LIMITS = ArchiveLimits()
MAX_PARAGRAPHS = 100_000  # paragraphs and table-cell paragraphs read from a .docx (real: < 20,000)
MAX_ROWS = 50_000  # rows read from a sheet of a workbook (real: one per task and target, < 5,000)


class ArchiveTooLarge(Exception):
    """The archive would unpack to more than the limits allow; ``zh`` and ``en`` say how."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def _mb(n: float) -> str:
    return f"{n / MB:.3g} MB"


def check_infos(infos: list[zipfile.ZipInfo], limits: ArchiveLimits = DEFAULT_LIMITS) -> None:
    """Raise ArchiveTooLarge when the directory entries describe too much to unpack."""
    if len(infos) > limits.max_members:
        raise ArchiveTooLarge(
            f"压缩包内文件过多（{len(infos)} 个，上限 {limits.max_members}）",
            f"too many members in the archive ({len(infos)}, limit {limits.max_members})",
        )
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if total > limits.max_unpacked:
            raise ArchiveTooLarge(
                f"解压后内容过大（超过 {_mb(limits.max_unpacked)}）",
                f"unpacks to more than {_mb(limits.max_unpacked)}",
            )
        if info.filename.lower().endswith((".xml", ".rels")) and size > limits.max_xml:
            raise ArchiveTooLarge(
                f"文档内容过大（{info.filename} 解压后 {_mb(size)}，上限 {_mb(limits.max_xml)}）",
                f"{info.filename} unpacks to {_mb(size)} (limit {_mb(limits.max_xml)})",
            )
        if size > limits.ratio_floor and size > limits.max_ratio * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            raise ArchiveTooLarge(
                f"压缩比异常（{info.filename} 压缩了 {ratio:.0f} 倍），疑似“压缩炸弹”",
                f"abnormal compression ratio ({info.filename}: {ratio:.0f}x), likely a zip bomb",
            )


def check_archive(source: bytes | Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> None:
    """Check a zip file (bytes or a path) from its central directory; nothing is decompressed.

    A file that is not a readable zip passes: the reader after this reports it as corrupt."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return
    check_infos(infos, limits)
