"""At 80 columns the tables wrap instead of cutting: every reason, date and failed check is
there in full (joined across its lines). `status`, `assign suggest` and `plan show` also
speak JSON for scripts: stdout is one JSON document."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner, Result

from bihuan.launch import app

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "shixian-2022-report.txt")
DAY = "2023-07-10"


def bihuan(*args: str, columns: int = 80) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns), "BIHUAN_USER": "督查室"})


def ok(*args: str, columns: int = 80) -> str:
    result = bihuan(*args, columns=columns)
    assert result.exit_code == 0, (args, result.output)
    assert result.stderr == "", result.stderr
    return result.stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def rich_rows(output: str, title: str) -> list[dict[str, str]]:
    """The rows of the table titled `title`, each cell joined across its wrapped lines (with
    the white space dropped); a row starts where its first cell is not empty."""
    lines = output.splitlines()
    k = next(i for i, line in enumerate(lines) if line.strip().startswith(title)) + 2
    head: list[str] = []
    while lines[k].startswith("┃"):
        cells = [c.strip() for c in lines[k].strip("┃").split("┃")]
        head = cells if not head else [h + c for h, c in zip(head, cells, strict=True)]
        k += 1
    rows: list[list[str]] = []
    for line in lines[k + 1 :]:
        if not line.startswith("│"):
            break
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0] or not rows:
            rows.append(cells)
        else:
            rows[-1] = [a + b for a, b in zip(rows[-1], cells, strict=True)]
    return [dict(zip(head, (flat(c) for c in r), strict=True)) for r in rows]


def assert_fits(output: str, width: int = 80) -> None:
    too_wide = [line for line in output.splitlines() if cell_len(line) > width]
    assert not too_wide, too_wide[:3]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example, assigned, with two progress reports (so there are lights of each kind)."""
    db = str(tmp_path_factory.mktemp("tables") / "督查.db")
    ok("plan", "import", EXAMPLE, "--db", db)
    ok("assign", "confirm", "--db", db)
    ok("progress", "add", "1", "--period", "2023-06", "--value", "实施重点项目=20", "--db", db)
    ok("progress", "add", "2", "--period", "2023-06", "--percent", "35", "--db", db)
    return db


def as_json(*args: str) -> Any:
    result = bihuan(*args, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)  # all of stdout is the one document


def test_status_reasons_in_full_at_80_columns(ledger: str) -> None:
    data = as_json("status", "--on", DAY, "--db", ledger)
    out = ok("status", "--on", DAY, "--db", ledger)
    assert_fits(out)
    rows = rich_rows(out, "任务状态")
    assert [r["序号"] for r in rows] == [str(t["number"]) for t in data["tasks"]]
    for row, task in zip(rows, data["tasks"], strict=True):
        assert row["原因"] == flat("；".join(task["reasons"]))
        assert row["完成时限"] == task["deadline"]
    assert any(len("；".join(t["reasons"])) > 60 for t in data["tasks"])  # long ones were wrapped


def test_status_json(ledger: str) -> None:
    data = as_json("status", "--on", DAY, "--db", ledger)
    assert data["on"] == DAY and data["plan"] == 1 and data["tasks_total"] == 68
    assert sum(data["counts"].values()) == 68
    assert len(data["tasks"]) == data["counts"]["red"] + data["counts"]["yellow"]  # as the table
    first = {t["number"]: t for t in data["tasks"]}[1]
    assert first["light"] == "red" and first["state"] == "滞后" and first["lead"] == "发展和改革局"
    assert any("实施重点项目 20/160个" in r for r in first["reasons"])
    every = as_json("status", "--on", DAY, "--all", "--db", ledger)
    assert len(every["tasks"]) == 68
    assert {"number", "key", "light", "state", "text", "lead", "cooperating", "deadline", "reasons"} <= set(
        every["tasks"][0]
    )


def test_assign_suggest_reasons_in_full_at_80_columns(ledger: str) -> None:
    data = as_json("assign", "suggest", "--db", ledger)["suggestions"]
    out = ok("assign", "suggest", "--db", ledger)
    assert_fits(out)
    rows = rich_rows(out, "分工建议")
    assert len(rows) == len(data) == 68
    for row, s in zip(rows, data, strict=True):
        assert row["依据"] == flat(s["reason"])
    assert max(len(s["reason"]) for s in data) > 40  # the old table cut these at 40


def test_assign_suggest_json(ledger: str) -> None:
    first = as_json("assign", "suggest", "--db", ledger)["suggestions"][0]
    assert first["number"] == 1 and first["lead"] == "发展和改革局"
    assert first["current_lead"] == "发展和改革局" and "“重点项目”" in first["reason"]
    assert isinstance(first["cooperating"], list)


def test_plan_show_dates_in_full_at_80_columns(ledger: str) -> None:
    data = as_json("plan", "show", "--db", ledger)
    out = ok("plan", "show", "--db", ledger)
    rows = rich_rows(out, "任务")
    assert [r["完成时限"] for r in rows] == [t["deadline"] or "" for t in data["tasks"]]
    assert_fits(out.split("任务", 1)[1])  # the revision lines above the table hold a file path


def test_plan_show_json(ledger: str) -> None:
    data = as_json("plan", "show", "--db", ledger)
    assert (data["plan"], data["region"], data["plan_year"], data["revision"]) == (1, "示例县", 2023, 1)
    assert len(data["tasks"]) == 68 and data["revisions"][0]["number"] == 1
    t7 = data["tasks"][6]
    assert t7["number"] == 7 and t7["deadline"] == "2023-06-30" and t7["lead"]
    assert data["tasks"][0]["quantities"][0]["text"] == "实施重点项目160个"


def test_extract_failed_checks_in_full_at_80_columns(tmp_path: Path) -> None:
    plan = json.loads(ok("extract", EXAMPLE, "--json"))
    failed = [c for c in plan["checks"] if not c["ok"]]
    assert failed
    out = ok("extract", EXAMPLE)
    assert_fits(out)
    rows = rich_rows(out, "未通过的核查")
    assert [r["说明"] for r in rows] == [flat(c["message"]) for c in failed]


def test_a_wide_terminal_keeps_one_line_per_row(ledger: str) -> None:
    out = ok("status", "--on", DAY, "--db", ledger, columns=500)
    body = [line for line in out.splitlines() if line.startswith("│")]
    assert all(line.split("│")[1].strip() for line in body)  # no wrapped rows
