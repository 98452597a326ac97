"""Text layer of a PDF with pdfminer.six; no OCR."""

from __future__ import annotations

import io
import logging
import re

from bihuan.ingest import errors

_CID = re.compile(r"\(cid:\d+\)")
_BLANK_RUN = re.compile(r"\n{3,}")


def _clean(raw: str) -> str:
    text = raw.replace("\x0c", "\n").replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip("\n")


def pdf_text(data: bytes, name: str) -> str:
    """The PDF's text, pages separated by a blank line; ReadError if encrypted, corrupt or scanned."""
    from pdfminer.high_level import extract_text
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)  # pdfminer warns about every odd CropBox; keep the console quiet
    try:
        raw = extract_text(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise errors.encrypted(name) from exc
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise errors.corrupt(name, "pdf") from exc
    finally:
        logger.setLevel(level)
    text = _clean(raw)
    if not text.strip():
        raise errors.no_text_layer(name)
    cid_chars = sum(len(m) for m in _CID.findall(text))
    if cid_chars > 0.5 * len(text.replace("\n", "").replace(" ", "")):
        raise errors.unmapped_pdf(name)
    return text
