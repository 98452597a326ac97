"""The 督查通报 as PDF: the printable HTML (export.bulletin_html) drawn by WeasyPrint, offline,
with the machine's CJK fonts (fontconfig; Debian fonts-noto-cjk) subset and embedded, so the text
can be searched and copied. Nothing is fetched: the document has no external resource and the
URL fetcher refuses any."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

from bihuan.export import ExportError
from bihuan.export.bulletin_html import document
from bihuan.track.bulletin import Bulletin


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"bulletins fetch nothing: {url}")


@cache
def cjk_font_missing() -> bool:
    """Whether fontconfig says the machine has no Chinese font (the PDF's text would be blank).
    False when it cannot tell (no fc-list): WeasyPrint is then left to try. Asked once a process."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and not out.stdout.strip()


def pdf_bytes(b: Bulletin) -> bytes:
    if cjk_font_missing():
        raise ExportError(
            "无法生成 PDF：本机没有中文字体，PDF 里的字会是空白（apt-get install fonts-noto-cjk）；Word 版不受影响",
            "cannot draw the PDF: no Chinese font installed (fonts-noto-cjk); the Word file is not affected",
        )
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as e:  # the package, or the Pango library under it
        raise ExportError(
            "无法生成 PDF：缺少 WeasyPrint 或 Pango 库（pip install weasyprint；apt-get install libpango-1.0-0）",
            f"cannot draw the PDF: {e}",
        ) from e
    out = HTML(string=document(b), url_fetcher=_no_fetch).write_pdf()
    assert isinstance(out, bytes)
    return out
