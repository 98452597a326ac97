"""An unpacking bomb given to the command line is one bilingual line and exit 2, at once."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from test_errors import assert_one_line_error
from typer.testing import Result

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
from ingest_builders import make_docx, pad_docx

Invoke = Callable[..., Result]


def test_extract_refuses_a_docx_bomb(invoke: Invoke, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(pad_docx(make_docx(), 3_000_000))  # 18 MB of empty paragraphs in ~60 KB
    line = assert_one_line_error(invoke("extract", str(bomb)))
    assert "压缩炸弹" in line and "bomb.docx" in line


def test_progress_import_refuses_a_workbook_bomb(invoke: Invoke, tmp_path: Path) -> None:
    book = tmp_path / "报送表.xlsx"
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 30_000_000, compresslevel=9)
    line = assert_one_line_error(invoke("progress", "import", str(book), "--db", str(tmp_path / "l.db")))
    assert "压缩比异常" in line and "报送表.xlsx" in line
