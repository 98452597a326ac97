"""`bihuan --version` and `bihuan extract` start without the ledger and the web stack: the
heavy libraries are imported only by the commands that use them. Each case runs the console
entry (bihuan.launch:run) in a fresh interpreter and reads sys.modules as it exits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bihuan.cli import extract_cmd
from bihuan.cli.ledger_common import URL_ENV
from bihuan.ingest import DEFAULT_MAX_BYTES
from bihuan.ledger import db

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "shixian-2022-report.txt")
HEAVY = ("sqlalchemy", "fastapi", "uvicorn", "openpyxl", "alembic", "starlette", "jinja2", "jieba")
# Typer 0.2x converts each parameter with pydantic; bihuan's plain parameters do without it
# (bihuan.cli.errors.plain_coercion), so pydantic is not loaded either.
NOT_LOADED = (*HEAVY, "pydantic")
# Readers of other formats load their libraries only for a file of theirs (a .txt needs none).
READERS = ("docx", "lxml", "pdfminer", "charset_normalizer")

# Runs `bihuan ARGS`; at exit (after run() calls sys.exit) writes the loaded top-level packages.
PROBE = """
import atexit, json, sys
out, args = sys.argv[1], sys.argv[2:]
def dump():
    with open(out, "w", encoding="utf-8") as f:
        json.dump(sorted({m.split(".")[0] for m in sys.modules}), f)
atexit.register(dump)
sys.argv = ["bihuan", *args]
from bihuan.launch import run
run()
"""


def loaded_by(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    return done, set(json.loads(out.read_text("utf-8")))


@pytest.mark.parametrize(
    "args",
    [("--version",), ("extract", EXAMPLE, "--json"), ("extract", EXAMPLE), ("--help",)],
    ids=["version", "extract-json", "extract-tables", "help"],
)
def test_light_commands_load_no_heavy_library(tmp_path: Path, args: tuple[str, ...]) -> None:
    done, modules = loaded_by(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert sorted(modules & set(NOT_LOADED)) == []
    if "extract" in args:
        assert sorted(modules & set(READERS)) == []


def test_extract_json_is_still_the_plan(tmp_path: Path) -> None:
    done, _ = loaded_by(tmp_path, "extract", EXAMPLE, "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["tasks"]) == 68


def test_xlsx_loads_openpyxl_only_then(tmp_path: Path) -> None:
    out = tmp_path / "任务.xlsx"
    done, modules = loaded_by(tmp_path, "extract", EXAMPLE, "--xlsx", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert "openpyxl" in modules and "sqlalchemy" not in modules
    assert out.stat().st_size > 0


def test_a_ledger_command_still_loads_the_ledger(tmp_path: Path) -> None:
    done, modules = loaded_by(tmp_path, "plan", "list", "--db", str(tmp_path / "l.db"))
    assert done.returncode == 0, done.stderr
    assert "sqlalchemy" in modules


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("assign", "confirm", "3", "5", "--plan", "1"), "已分配 2 项任务"),
        (("status", "--plan", "1", "--on", "2023-07-10", "--json"), '"on": "2023-07-10"'),
    ],
)
def test_plain_parameters_are_converted_as_typer_would(
    tmp_path: Path, args: tuple[str, ...], shown: str
) -> None:
    """An int option and a list of arguments, through the conversion that bypasses pydantic."""
    db = str(tmp_path / "l.db")
    for step in (("plan", "import", EXAMPLE), ("units", "load")):
        assert loaded_by(tmp_path, *step, "--db", db)[0].returncode == 0
    done, _ = loaded_by(tmp_path, *args, "--db", db)
    assert done.returncode == 0, done.stderr
    assert shown in done.stdout


@pytest.mark.parametrize("value", ["abc", "1.5"])
def test_a_bad_int_is_a_usage_error(tmp_path: Path, value: str) -> None:
    done, _ = loaded_by(tmp_path, "status", "--plan", value, "--db", str(tmp_path / "l.db"))
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].startswith("错误：参数 --plan 的值无效")


def test_constants_spelled_twice_agree() -> None:
    """Kept in the command line to avoid importing their owners at start-up."""
    assert URL_ENV == db.URL_ENV
    assert extract_cmd.DEFAULT_MAX_BYTES == DEFAULT_MAX_BYTES
