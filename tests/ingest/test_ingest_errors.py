"""Every way reading can fail: one ReadError with a clear Chinese and English line."""

from __future__ import annotations

import codecs
import io
import random
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from ingest_builders import REPORT, make_docx, make_pdf, make_zip
from reportlab.lib.pdfencrypt import StandardEncryption

from bihuan.ingest import ReadError, read_bytes, read_path

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + zlib.compress(b"\x00" * 200)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _owner_only() -> StandardEncryption:
    return StandardEncryption("", ownerPassword="owner", canCopy=0)


def _truncated_pdf() -> bytes:
    data = make_pdf()
    return data[: len(data) // 3]


# (case id, file name, bytes builder, words in the Chinese line, words in the English line)
CASES: list[tuple[str, str, Callable[[], bytes], str, str]] = [
    ("empty", "r.txt", lambda: b"", "空", "empty"),
    ("whitespace", "r.txt", lambda: b" \r\n\t\n", "空", "empty"),
    ("whitespace-fullwidth", "r.txt", lambda: "　　\n".encode(), "空", "empty"),
    ("whitespace-utf16", "r.txt", lambda: codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "空", "empty"),
    ("empty-docx", "r.docx", lambda: make_docx(empty=True), "空", "empty"),
    (
        "empty-html",
        "r.html",
        lambda: b"<html><body><script>var a = 1;</script><nav>\xe9\xa6\x96\xe9\xa1\xb5</nav>",
        "空",
        "empty",
    ),
    ("png-as-txt", "r.txt", lambda: PNG, "二进制", "binary"),
    ("nul-bytes", "r.txt", lambda: REPORT.encode() + b"\x00\x00" + REPORT.encode(), "二进制", "binary"),
    ("control-chars", "r.txt", lambda: bytes(range(1, 9)) * 50 + b"abc", "二进制", "binary"),
    ("png-on-stdin", "-", lambda: PNG, "不支持", "Unsupported"),
    ("doc", "r.doc", lambda: OLE2, "不支持", ".docx"),
    ("doc-on-stdin", "-", lambda: OLE2, "不支持", "txt, md, docx, pdf, html"),
    ("wps", "r.wps", lambda: OLE2, "不支持", "Unsupported"),
    ("xls", "r.xls", lambda: OLE2, "不支持", "Unsupported"),
    ("xlsx", "r.xlsx", lambda: make_zip({"xl/workbook.xml": b"<x/>"}), "不支持", "Unsupported"),
    ("zip", "r.zip", lambda: make_zip({"a.txt": REPORT.encode()}), "不支持", "Unsupported"),
    ("zip-on-stdin", "-", lambda: make_zip({"a.txt": REPORT.encode()}), "不支持", "(zip)"),
    ("jpg", "scan.jpg", lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 100, "不支持", "(jpg)"),
    ("png", "scan.png", lambda: PNG, "不支持", "(png)"),
    ("ofd", "r.ofd", lambda: make_zip({"OFD.xml": b"<ofd/>"}), "不支持", "(ofd)"),
    ("corrupt-docx", "r.docx", lambda: b"this is not a zip file at all", "已损坏", "corrupt"),
    ("zip-as-docx", "r.docx", lambda: make_zip({"a.txt": b"x"}), "已损坏", "corrupt"),
    ("truncated-docx", "r.docx", lambda: make_docx()[:2000], "已损坏", "corrupt"),
    ("corrupt-pdf", "r.pdf", lambda: b"%PDF-1.4\nnot really a pdf\n", "已损坏", "corrupt"),
    ("html-as-pdf", "r.pdf", lambda: b"<html><body>404</body></html>", "已损坏", "corrupt"),
    ("truncated-pdf", "r.pdf", _truncated_pdf, "已损坏", "corrupt"),
    ("encrypted-pdf", "r.pdf", lambda: make_pdf(encrypt="pw"), "文件已加密", "encrypted"),
    ("encrypted-pdf-stdin", "-", lambda: make_pdf(encrypt="pw"), "文件已加密", "encrypted"),
    # pdfminer cannot map the CID font of an encrypted reportlab PDF back to characters
    ("cid-only-pdf", "r.pdf", lambda: make_pdf(encrypt=_owner_only()), "无法转换成文字", "Unicode map"),
    ("scanned-pdf", "r.pdf", lambda: make_pdf(image_only=True), "没有文字层", "no text layer"),
    ("garbage-after-bom", "r.txt", lambda: codecs.BOM_UTF8 + b"\xff\xfe\xfd\xfc" * 100, "乱码", "garbage"),
    ("garbage-high-bytes", "r.txt", lambda: bytes(range(0x80, 0x100)) * 4, "乱码", "garbage"),
    (
        "random-bytes",
        "r.txt",
        lambda: random.Random(1).randbytes(4000).replace(b"\x00", b"\x01"),
        "二进制",
        "binary",
    ),
    ("garbage-utf16", "r.txt", lambda: codecs.BOM_UTF16_LE + b"\x00\xd8" * 100, "乱码", "garbage"),
]


def _check(error: ReadError, zh: str, en: str, name: str) -> None:
    assert zh in error.zh
    assert en in error.en
    assert str(error) == f"{error.zh} / {error.en}"
    assert "\n" not in str(error)
    assert name in error.zh and name in error.en
    assert error.__cause__ is None or not isinstance(error.__cause__, ReadError)


@pytest.mark.parametrize(
    ("name", "build", "zh", "en"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_read_bytes_errors(name: str, build: Callable[[], bytes], zh: str, en: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_bytes(build(), name)
    _check(caught.value, zh, en, name)


@pytest.mark.parametrize(
    ("name", "build", "zh", "en"),
    [case[1:] for case in CASES if case[1] != "-"],
    ids=[case[0] for case in CASES if case[1] != "-"],
)
def test_read_path_errors(tmp_path: Path, name: str, build: Callable[[], bytes], zh: str, en: str) -> None:
    path = tmp_path / name
    path.write_bytes(build())
    with pytest.raises(ReadError) as caught:
        read_path(path)
    _check(caught.value, zh, en, str(path))


def test_too_large_bytes() -> None:
    with pytest.raises(ReadError) as caught:
        read_bytes(b"x" * 11, "r.txt", max_bytes=10)
    assert "超过大小上限" in caught.value.zh and "limit" in caught.value.en
    assert read_bytes(b"x" * 10, "r.txt", max_bytes=10).text == "x" * 10


@pytest.mark.parametrize(
    ("limit", "said"), [(20 * 1024 * 1024, "20 MB"), (3 * 1024 * 1024 // 2, "1.5 MB"), (10, "10 B")]
)
def test_too_large_says_the_limit(limit: int, said: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_bytes(b"x" * (limit + 1), "big.txt", max_bytes=limit)
    assert said in caught.value.zh and said in caught.value.en


def test_read_error_pickles() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(ReadError("中文", "English")))
    assert (error.zh, error.en, str(error)) == ("中文", "English", "中文 / English")


def test_unsupported_lists_formats() -> None:
    with pytest.raises(ReadError) as caught:
        read_bytes(io.BytesIO(OLE2).getvalue(), "old.doc")
    assert "txt, md, docx, pdf, html" in caught.value.zh
    assert "txt, md, docx, pdf, html" in caught.value.en


def test_owner_password_only_pdf_is_read() -> None:
    """A PDF that opens without a password (copy/print restrictions only) is read, not refused."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, encrypt=_owner_only())
    page.drawString(72, 700, "Shili County 2024 work report")
    page.showPage()
    page.save()
    assert read_bytes(out.getvalue(), "r.pdf").text == "Shili County 2024 work report"
