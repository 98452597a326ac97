"""`bihuan progress import` twice: the same workbook stores nothing the second time and says
so; a changed one stores only the rows that differ, as new versions. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner, Result

from bihuan.export.ledger_books import PROGRESS_SHEET, SHEET_HEADER
from bihuan.launch import app
from bihuan.ledger import queries
from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import ProgressReport

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "shixian-2022-report.txt")
PERIOD = "2023-06"
UNIT = "财政局"
COL = {name: k for k, name in enumerate(SHEET_HEADER, start=1)}


def bihuan(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "BIHUAN_USER": "督查室"})


def ok(*args: str) -> str:
    result = bihuan(*args)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout.strip()


def fill(book: Path, target: Path, narrative: dict[str, str] | None = None) -> Path:
    """Each task's figure at its target (or 60%), its 进展情况 "按计划推进" unless given."""
    wb = load_workbook(book)
    ws = wb[PROGRESS_SHEET]
    for r in range(3, ws.max_row + 1):
        key = str(ws.cell(r, COL["任务编号"]).value or "")
        if ws.cell(r, COL["量化指标"]).value:
            ws.cell(r, COL["本期累计完成值"]).value = ws.cell(r, COL["目标值"]).value
        else:
            ws.cell(r, COL["形象进度（%）"]).value = 60
        ws.cell(r, COL["进展情况"]).value = (narrative or {}).get(key, "按计划推进")
    wb.save(target)
    return target


def reports(db: str) -> list[tuple[str, str | None]]:
    ledger = open_ledger(db)
    try:
        with ledger.sessions() as s:
            return [
                (r.task_key, r.narrative)
                for r in s.scalars(select(ProgressReport).order_by(ProgressReport.id))
            ]
    finally:
        ledger.close()


def test_the_same_workbook_twice_then_a_changed_one(db_url: str, tmp_path: Path) -> None:
    ok("plan", "import", EXAMPLE, "--db", db_url)
    ok("assign", "confirm", "--db", db_url)
    ok("progress", "export", "--period", PERIOD, "--out", str(tmp_path), "--unit", UNIT, "--db", db_url)
    exported = tmp_path / f"{UNIT}-{PERIOD}.xlsx"
    filled = fill(exported, tmp_path / "已填.xlsx")

    assert (
        ok("progress", "import", str(filled), "--db", db_url)
        == f"{filled}：已导入 3 项任务的进度（{UNIT}，{PERIOD}）"
    )
    first = reports(db_url)
    assert len(first) == 3  # the example tasks 财政局 leads or joins

    again = ok("progress", "import", str(filled), "--db", db_url)
    assert again == f"{filled}：未导入：3 项任务的进度与已导入的相同（{UNIT}，{PERIOD}）"
    assert reports(db_url) == first

    key = first[1][0]
    changed = fill(exported, tmp_path / "改过.xlsx", {key: "资金已到位，进度加快"})
    out = ok("progress", "import", str(changed), "--db", db_url)
    assert out == f"{changed}：已导入 1 项任务的进度（{UNIT}，{PERIOD}）；2 项与已导入的相同，未重复导入"
    assert reports(db_url) == [*first, (key, "资金已到位，进度加快")]

    # Back to the first workbook: it differs from the latest version of that task, so it is stored.
    back = ok("progress", "import", str(filled), "--db", db_url)
    assert back.startswith(f"{filled}：已导入 1 项任务的进度")
    ledger = open_ledger(db_url)
    try:
        with ledger.sessions() as s:
            versions = queries.report_versions(s, 1, key, PERIOD)
            assert [v.narrative for v in versions] == ["按计划推进", "资金已到位，进度加快", "按计划推进"]
    finally:
        ledger.close()
