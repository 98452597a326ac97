"""The 督查通报's files: both drawn in memory first, then each written through a temporary file
beside it and renamed into place, so a failure leaves no half-written file."""

from __future__ import annotations

from pathlib import Path

from bihuan.export import ExportError
from bihuan.export.indicator_table import replacing
from bihuan.track.bulletin import Bulletin


def render(b: Bulletin, with_pdf: bool) -> tuple[bytes, bytes | None]:
    """The .docx bytes, and the .pdf's when asked for."""
    from bihuan.export.bulletin_docx import docx_bytes

    if not with_pdf:
        return docx_bytes(b), None
    from bihuan.export.bulletin_pdf import pdf_bytes

    return docx_bytes(b), pdf_bytes(b)


def check_target(path: Path, suffix: str) -> Path:
    """A path the file may be written to: the right ending, an existing folder, not a folder."""
    if path.suffix.lower() != suffix:
        raise ExportError(f"文件名须以 {suffix} 结尾：{path}", f"the file name must end in {suffix}: {path}")
    if not path.parent.is_dir():
        raise ExportError(f"目录不存在：{path.parent}", f"no such directory: {path.parent}")
    if path.is_dir():
        raise ExportError(f"这是一个目录：{path}", f"is a directory: {path}")
    return path


def save(path: Path, data: bytes) -> Path:
    try:
        with replacing(path) as tmp:
            tmp.write_bytes(data)
    except OSError as e:
        raise ExportError(f"无法写入 {path}：{e.strerror}", f"cannot write {path}: {e.strerror}") from e
    return path
