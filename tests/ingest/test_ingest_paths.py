"""read_path on the file system and on standard input."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from ingest_builders import PDF_TEXT, REPORT, make_pdf

from bihuan.ingest import DEFAULT_MAX_BYTES, ReadError, Source, read_path


class FakeStdin:
    """Stands in for sys.stdin: only ``.buffer`` is used; records how much was asked for."""

    def __init__(self, data: bytes) -> None:
        self.buffer = _Recorder(data)


class _Recorder(io.BytesIO):
    requested: list[int | None]

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.requested = []

    def read(self, size: int | None = -1) -> bytes:
        self.requested.append(size)
        return super().read(size)


def _error(path: str | Path, **kwargs: int) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_path(path, **kwargs)
    assert str(caught.value) == f"{caught.value.zh} / {caught.value.en}"
    return caught.value


def test_default_limit() -> None:
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


def test_not_found(tmp_path: Path) -> None:
    error = _error(tmp_path / "missing.txt")
    assert "找不到文件" in error.zh and "not found" in error.en and "missing.txt" in error.en


def test_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    assert "找不到文件" in _error(tmp_path / "a.txt" / "b.txt").zh


def test_directory(tmp_path: Path) -> None:
    error = _error(tmp_path)
    assert "文件夹" in error.zh and "directory" in error.en


def test_nul_in_path(tmp_path: Path) -> None:
    assert "无法读取" in _error(str(tmp_path / "a\x00.txt")).zh


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything")
def test_permission_denied_real(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(REPORT, encoding="utf-8")
    path.chmod(0)
    try:
        assert "没有权限" in _error(path).zh
    finally:
        path.chmod(0o600)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(REPORT, encoding="utf-8")

    def deny(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", deny)
    error = _error(path)
    assert "没有权限" in error.zh and "Permission denied" in error.en


def test_size_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: nothing is written

    def must_not_open(self: Path, *args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened despite its size")

    monkeypatch.setattr(Path, "open", must_not_open)
    error = _error(path)
    assert "20 MB" in error.zh and "20 MB" in error.en


def test_custom_limit(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(b"x" * 2048)
    assert "1024 B limit" in _error(path, max_bytes=1024).en
    assert read_path(path, max_bytes=2048).text == "x" * 2048


def test_stdin_txt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(REPORT.encode("gb18030")))
    assert read_path("-") == Source(text=REPORT, source_format="txt", name="-")


def test_stdin_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(make_pdf()))
    assert read_path("-") == Source(text=PDF_TEXT, source_format="pdf", name="-")


def test_stdin_reads_at_most_limit_plus_one(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = FakeStdin(b"x" * 5000)
    monkeypatch.setattr(sys, "stdin", stdin)
    error = _error("-", max_bytes=1000)
    assert "超过大小上限" in error.zh and "-" in error.en
    assert stdin.buffer.requested == [1001]


def test_stdin_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(b""))
    assert "空" in _error("-").zh


def test_stdin_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    assert "无法读取" in _error("-").zh


def test_stdin_read_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def read(self, size: int = -1) -> bytes:
            raise OSError(5, "Input/output error")

    class Stdin:
        buffer = Broken()

    monkeypatch.setattr(sys, "stdin", Stdin())
    error = _error("-")
    assert "无法读取" in error.zh and "Input/output error" in error.en
