"""Every supported format and encoding, read back to the exact text."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pytest
from ingest_builders import (
    ARTICLE_TEXT,
    DOCX_TEXT,
    PDF_TEXT,
    REPORT,
    crlf,
    make_docx,
    make_page,
    make_pdf,
)

from bihuan.ingest import Source, read_bytes, read_path

GB_META = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'

# (case id, file name, bytes builder, expected text, expected format)
CASES: list[tuple[str, str, Callable[[], bytes], str, str]] = [
    ("utf8", "r.txt", lambda: REPORT.encode("utf-8"), REPORT, "txt"),
    ("utf8-crlf", "r.txt", lambda: crlf(REPORT).encode("utf-8"), REPORT, "txt"),
    ("utf8-cr", "r.txt", lambda: REPORT.replace("\n", "\r").encode("utf-8"), REPORT, "txt"),
    ("utf8-bom", "r.txt", lambda: codecs.BOM_UTF8 + crlf(REPORT).encode("utf-8"), REPORT, "txt"),
    ("gb18030", "r.txt", lambda: crlf(REPORT).encode("gb18030"), REPORT, "txt"),
    ("gbk", "r.txt", lambda: REPORT.encode("gbk"), REPORT, "txt"),
    ("gbk-short", "r.txt", lambda: "各位代表".encode("gbk"), "各位代表", "txt"),
    (
        "gbk-title",
        "r.txt",
        lambda: "示例县2024年政府工作报告".encode("gbk"),
        "示例县2024年政府工作报告",
        "txt",
    ),
    ("utf16le-bom", "r.txt", lambda: codecs.BOM_UTF16_LE + crlf(REPORT).encode("utf-16-le"), REPORT, "txt"),
    ("utf16be-bom", "r.txt", lambda: codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), REPORT, "txt"),
    ("upper-ext", "R.TXT", lambda: REPORT.encode("utf-8"), REPORT, "txt"),
    ("markdown", "r.md", lambda: REPORT.encode("utf-8"), REPORT, "md"),
    ("docx", "r.docx", make_docx, DOCX_TEXT, "docx"),
    ("pdf", "r.pdf", make_pdf, PDF_TEXT, "pdf"),
    ("html-utf8", "r.html", lambda: make_page().encode("utf-8"), ARTICLE_TEXT, "html"),
    ("html-gb2312-meta", "r.htm", lambda: make_page(GB_META).encode("gb18030"), ARTICLE_TEXT, "html"),
    ("html-no-meta-gbk", "r.html", lambda: make_page("").encode("gbk"), ARTICLE_TEXT, "html"),
    ("html-utf8-lies-gb", "r.html", lambda: make_page(GB_META).encode("utf-8"), ARTICLE_TEXT, "html"),
    ("html-no-container", "r.html", lambda: make_page(with_container=False).encode(), ARTICLE_TEXT, "html"),
    ("sniff-pdf", "report", make_pdf, PDF_TEXT, "pdf"),
    ("sniff-docx", "report", make_docx, DOCX_TEXT, "docx"),
    ("sniff-html", "report.asp", lambda: make_page().encode("utf-8"), ARTICLE_TEXT, "html"),
    ("sniff-txt", "report", lambda: REPORT.encode("gb18030"), REPORT, "txt"),
    ("doc-that-is-html", "r.doc", lambda: make_page().encode("utf-8"), ARTICLE_TEXT, "html"),
    ("doc-that-is-docx", "r.doc", make_docx, DOCX_TEXT, "docx"),
    ("stdin-pdf", "-", make_pdf, PDF_TEXT, "pdf"),
    ("stdin-docx", "-", make_docx, DOCX_TEXT, "docx"),
    ("stdin-html", "-", lambda: make_page().encode("utf-8"), ARTICLE_TEXT, "html"),
    ("stdin-txt", "-", lambda: codecs.BOM_UTF8 + REPORT.encode("utf-8"), REPORT, "txt"),
]


@pytest.mark.parametrize(
    ("name", "build", "expected", "fmt"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_read_bytes(name: str, build: Callable[[], bytes], expected: str, fmt: str) -> None:
    assert read_bytes(build(), name) == Source(text=expected, source_format=fmt, name=name)


@pytest.mark.parametrize(
    ("name", "build", "expected", "fmt"),
    [case[1:] for case in CASES if case[1] != "-"],
    ids=[case[0] for case in CASES if case[1] != "-"],
)
def test_read_path(tmp_path: Path, name: str, build: Callable[[], bytes], expected: str, fmt: str) -> None:
    path = tmp_path / name
    path.write_bytes(build())
    source = read_path(path)
    assert (source.text, source.source_format, source.name) == (expected, fmt, str(path))
    assert read_path(str(path)) == source


def test_source_is_frozen() -> None:
    source = read_bytes(b"abc", "a.txt")
    with pytest.raises(AttributeError):
        source.text = "x"  # type: ignore[misc]


def test_txt_keeps_text_as_decoded() -> None:
    """Only the BOM and line endings change: spacing and blank lines stay, so offsets are stable."""
    raw = "\ufeff  第一行\t \r\n\r\n　　第三行  \r"
    assert read_bytes(raw.encode("utf-8"), "a.txt").text == "  第一行\t \n\n　　第三行  \n"


def test_docx_merged_cells_once() -> None:
    import io

    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "甲"
    table.cell(0, 1).text = "乙"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "合并单元格"
    out = io.BytesIO()
    document.save(out)
    assert read_bytes(out.getvalue(), "t.docx").text == "甲\n乙\n合并单元格"
