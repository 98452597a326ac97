"""Every bad input ends in one bilingual line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # what an old Word .doc starts with
Invoke = Callable[..., Result]
ERROR_LINE = re.compile(r"^错误：.*[\u4e00-\u9fff].* / Error: .*[A-Za-z].*$")


def assert_one_line_error(result: Result, *, internal: bool = False, usage: bool = False) -> str:
    """One error line; a usage error has the usage line above it."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    if usage:
        assert lines[0].startswith("用法 / Usage: "), result.stderr
        lines = lines[1:]
    assert len(lines) == 1, result.stderr
    assert ERROR_LINE.match(lines[0]), lines[0]
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert ("内部错误" in lines[0]) is internal, lines[0]  # a known bad input is not a bug
    return lines[0]


def test_missing_file(invoke: Invoke, tmp_path: Path) -> None:
    line = assert_one_line_error(invoke("extract", str(tmp_path / "无此文件.txt")))
    assert "无此文件.txt" in line


def test_directory(invoke: Invoke, tmp_path: Path) -> None:
    assert_one_line_error(invoke("extract", str(tmp_path)))


def test_empty_file(invoke: Invoke, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert_one_line_error(invoke("extract", str(empty)))


def test_binary_file_renamed_txt(invoke: Invoke, tmp_path: Path) -> None:
    fake = tmp_path / "report.txt"
    fake.write_bytes(bytes(range(256)) * 64 + b"\x00" * 4096)
    assert_one_line_error(invoke("extract", str(fake)))


def test_old_word_doc_is_unsupported(invoke: Invoke, tmp_path: Path) -> None:
    doc = tmp_path / "report.doc"
    doc.write_bytes(OLE_HEADER + b"\x00" * 4096)
    line = assert_one_line_error(invoke("extract", str(doc)))
    assert "doc" in line


def test_over_the_size_limit(invoke: Invoke, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("地区生产总值增长7%。\n" * 200, encoding="utf-8")
    assert_one_line_error(invoke("extract", str(big), "--max-mb", "0.001"))


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_max_mb_must_be_positive(invoke: Invoke, tiny_report: str, value: str) -> None:
    assert_one_line_error(invoke("extract", tiny_report, "--max-mb", value))


def test_unwritable_xlsx_path(invoke: Invoke, tiny_report: str) -> None:
    line = assert_one_line_error(invoke("extract", tiny_report, "--xlsx", "/nonexistent/dir/x.xlsx"))
    assert "/nonexistent/dir" in line


def test_xlsx_path_that_is_not_xlsx(invoke: Invoke, tiny_report: str, tmp_path: Path) -> None:
    assert_one_line_error(invoke("extract", tiny_report, "--xlsx", str(tmp_path / "out.csv")))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("extract", "--no-such-option", "x.txt"),
        ("extract", "x.txt", "--max-mb", "abc"),
        ("extract", "--json"),
        ("no-such-command",),
        ("--no-such-option",),
    ],
)
def test_bad_usage(invoke: Invoke, args: tuple[str, ...]) -> None:
    assert_one_line_error(invoke(*args), usage=True)


def test_unexpected_error_is_one_line_too(
    invoke: Invoke, tiny_report: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str, source_format: str | None = None) -> None:
        raise RuntimeError("engine bug\nsecond line")

    monkeypatch.setattr("bihuan.extract.extract_text", broken)
    line = assert_one_line_error(invoke("extract", tiny_report), internal=True)
    assert "RuntimeError" in line and "engine bug second line" in line


def test_debug_env_lets_an_unexpected_error_raise(
    invoke: Invoke, tiny_report: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str, source_format: str | None = None) -> None:
        raise RuntimeError("engine bug")

    monkeypatch.setattr("bihuan.extract.extract_text", broken)
    result = invoke("extract", tiny_report, env={"BIHUAN_DEBUG": "1"})
    assert isinstance(result.exception, RuntimeError)


def test_a_closed_pipe_is_not_an_internal_error(tiny_report: str) -> None:
    """`bihuan extract … --json | head -0`: the reader went away before we wrote."""
    child = subprocess.Popen(
        [sys.executable, "-m", "bihuan.cli", "extract", tiny_report, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    err = child.stderr.read().decode("utf-8")
    child.wait(timeout=60)
    assert "内部错误" not in err
    assert "Traceback" not in err
