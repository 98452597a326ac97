"""The 督查通报 as PDF: the printable HTML (export.bulletin_html) drawn by WeasyPrint, offline,
with the machine's CJK fonts (fontconfig; Debian fonts-noto-cjk) subset and embedded, so the text
can be searched and copied. Nothing is fetched: the document has no external resource and the
URL fetcher refuses any."""

from __future__ import annotations

from bihuan.export import ExportError
from bihuan.export.bulletin_html import document
from bihuan.track.bulletin import Bulletin


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"bulletins fetch nothing: {url}")


def pdf_bytes(b: Bulletin) -> bytes:
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
