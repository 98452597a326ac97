"""`bihuan extract --json` follows the bihuan.plan/1 contract, and the shipped schema is the team's."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from bihuan.contract import SCHEMA_FILE, load_schema
from bihuan.extract import SCHEMA, extract_text
from bihuan.launch import app

AssertPlan = Callable[[dict[str, Any], int], None]
EXAMPLES = ["shixian-2022-report.txt", "shishi-2023-report.txt"]


def example(repo_root: Path, name: str) -> Path:
    path = repo_root / "examples" / name
    if not path.is_file():
        pytest.skip(f"examples/{name} not present yet: the example reports are being written")
    return path


def plan_json(path: Path) -> tuple[dict[str, Any], str]:
    result = CliRunner().invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_json_follows_the_contract(repo_root: Path, name: str, assert_valid_plan: AssertPlan) -> None:
    data, text = plan_json(example(repo_root, name))
    assert data["schema"] == SCHEMA
    assert_valid_plan(data, len(text))


def test_corpus_report_json_follows_the_contract(shared_dir: Path, assert_valid_plan: AssertPlan) -> None:
    data, text = plan_json(shared_dir / "corpus" / "fumeng-2021-report.txt")
    assert_valid_plan(data, len(text))


def test_installed_command_prints_valid_json(repo_root: Path, assert_valid_plan: AssertPlan) -> None:
    path = example(repo_root, EXAMPLES[0])
    done = subprocess.run(
        [sys.executable, "-m", "bihuan.cli", "extract", str(path), "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert_valid_plan(json.loads(done.stdout), len(path.read_text(encoding="utf-8")))


def test_subprocess_error_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bihuan.cli", "extract", str(tmp_path / "missing.txt")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("错误：") and "Error: " in done.stderr


def test_schema_is_draft_2020_12_and_names_the_plan() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"]["const"] == SCHEMA


def _kept(shared: object, shipped: object, where: str) -> list[str]:
    """Where `shipped` drops or changes what `shared` defines (added properties are fine)."""
    if isinstance(shared, dict) and isinstance(shipped, dict):
        out = []
        for key, value in shared.items():
            if key not in shipped:
                out.append(f"{where}/{key} dropped")
            else:
                out += _kept(value, shipped[key], f"{where}/{key}")
        return out
    return [] if shared == shipped else [f"{where} changed"]


def test_shipped_schema_extends_the_shared_contract(shared_dir: Path) -> None:
    """Fields may be added to the contract; none that outside tools read is renamed or dropped."""
    shared = json.loads((shared_dir / "contract" / SCHEMA_FILE).read_text("utf-8"))
    assert _kept(shared, load_schema(), "") == []


def test_plans_are_valid_against_the_shared_contract(shared_dir: Path) -> None:
    shared = json.loads((shared_dir / "contract" / SCHEMA_FILE).read_text("utf-8"))
    text = "---\ntitle: 2024年示例县政府工作报告\nsource: https://example.org/r\n---\n**政府工作报告**\n\n# 一、2023年工作回顾\n\n全县生产总值增长5%。\n"
    plan = extract_text(text, "md").to_dict()
    assert plan["document"]["markup"] == "markdown" and plan["document"]["source_format"] == "txt"
    errors = [e.message for e in Draft202012Validator(shared).iter_errors(plan)]
    assert errors == []


def test_indicator_measure_is_in_the_contract() -> None:
    props = load_schema()["properties"]["indicators"]["items"]["properties"]
    assert props["measure"]["type"] == ["string", "null"]
