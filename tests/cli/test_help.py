"""Help in Chinese with examples, the version, and the console entry point."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import entry_points

import pytest
from typer.testing import Result

from bihuan import __version__
from bihuan.launch import run

Invoke = Callable[..., Result]


@pytest.mark.parametrize("args", [("--help",), ("extract", "--help")])
def test_help_is_chinese_with_an_example(invoke: Invoke, args: tuple[str, ...]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "示例" in result.stdout
    assert "bihuan extract" in result.stdout


def test_batch_help_lists_every_option(invoke: Invoke) -> None:
    result = invoke("batch", "--help")
    assert result.exit_code == 0, result.output
    assert "示例" in result.stdout and "bihuan batch" in result.stdout
    for option in ("PATH...", "--out", "--jobs", "--force", "indicators.parquet", "plans/"):
        assert option in result.stdout


def test_extract_help_lists_every_option(invoke: Invoke) -> None:
    out = invoke("extract", "--help").stdout
    for option in ("--json", "--xlsx", "--max-mb", "FILE", "标准输入"):
        assert option in out


def test_extract_without_a_file_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("extract")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("用法 / Usage: ") and "FILE" in result.stderr  # tests/cli/test_usage.py


def test_version(invoke: Invoke) -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"bihuan {__version__}"


def test_run_calls_the_app(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["bihuan", "--version"])
    with pytest.raises(SystemExit) as info:
        run()
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"bihuan {__version__}"


def test_run_turns_bad_usage_into_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["bihuan", "extract", "--bogus", "x"])
    with pytest.raises(SystemExit) as info:
        run()
    assert info.value.code == 2
    err = capsys.readouterr().err
    usage, error = err.splitlines()
    assert usage.startswith("用法 / Usage: ") and error.startswith("错误：") and "Error: " in error


def test_console_script_points_at_run() -> None:
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "bihuan"]
    assert script.value == "bihuan.launch:run"
    assert script.load() is run
