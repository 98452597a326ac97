"""The ledger's workbooks: the 任务分解表, a unit's progress workbook filled and read back, and the
ways a filled or damaged workbook is refused (every bad row named, nothing stored)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select

from bihuan.export import ExportError
from bihuan.export.ledger_books import (
    MAX_BOOK_BYTES,
    META_SHEET,
    PROGRESS_SHEET,
    SHEET_HEADER,
    TABLE_HEADER,
    progress_book,
    read_progress_book,
    read_units_book,
    task_table,
)
from bihuan.export.xlsx import save_workbook
from bihuan.extract import Plan, extract_text
from bihuan.ingest import read_path
from bihuan.ledger import queries
from bihuan.ledger.db import Ledger
from bihuan.ledger.models import ProgressReport
from bihuan.track import assign
from bihuan.track.directory import directory, find_unit
from bihuan.track.errors import RowErrors
from bihuan.track.plans import import_plan
from bihuan.track.progress import ProgressInput, add_reports
from bihuan.track.views import PlanView, Quantity, TaskLine, plan_view, unit_tasks

EXAMPLE = "examples/shixian-2022-report.txt"
USER = "督查室测试员"
UNIT = "财政局"  # leads four tasks of the example: two with a quantity, two without
PERIOD = "2023-06"
AFTER = dt.date(2023, 7, 3)  # a day after the period, when its reports are due
CJK = re.compile(r"[\u4e00-\u9fff]")
YELLOW = "FFF2CC"
# Columns of the progress sheet (1-based), by header.
COL = {name: k for k, name in enumerate(SHEET_HEADER, start=1)}


# ---------------------------------------------------------------- fixtures and helpers
@pytest.fixture(scope="module")
def example(repo_root: Path) -> tuple[str, Plan]:
    """The example report's text and its plan, read once for the module."""
    source = read_path(repo_root / EXAMPLE)
    return source.text, extract_text(source.text, source.source_format)


def _import(ledger: Ledger, example: tuple[str, Plan], *, confirm: bool) -> int:
    text, plan = example
    with ledger.sessions() as session:
        result = import_plan(session, plan, text=text, source_name="示例县报告.txt", user=USER)
        assert result.created and result.tasks == 68
        if confirm:
            done, skipped = assign.confirm(session, result.document_id, [], USER)
            assert (done, skipped) == (68, [])
            # the office keeps its finance tasks with 财政局 (the suggestion: 金融发展服务中心) and
            # leaves it off the 城投 task, so that 财政局 leads the four tasks this module's books need
            for ref, lead, coop in (("42", "财政局", None), ("62", "财政局", None), ("40", None, [])):
                assign.set_assignment(
                    session,
                    result.document_id,
                    ref,
                    lead=lead,
                    cooperating=coop,
                    leader=None,
                    deadline=None,
                    milestones=None,
                    user=USER,
                )
    return result.document_id


@pytest.fixture
def plan_id(ledger: Ledger, example: tuple[str, Plan]) -> int:
    """The example imported into a fresh ledger, every suggested assignment confirmed."""
    return _import(ledger, example, confirm=True)


def _view(ledger: Ledger, document_id: int) -> PlanView:
    with ledger.sessions() as session:
        return plan_view(session, document_id)


def _export(ledger: Ledger, document_id: int, folder: Path, unit: str = UNIT) -> Path:
    view = _view(ledger, document_id)
    lines = unit_tasks(view, unit)
    assert lines, f"{unit} has no task in the example"
    return save_workbook(lambda: progress_book(view, unit, PERIOD, lines), folder / f"{unit}-{PERIOD}.xlsx")


def _data_rows(ws: Worksheet) -> Iterator[int]:
    return iter(range(3, ws.max_row + 1))


def _answer(indicator: str | None, target: object) -> dict[str, object]:
    """What a unit types into the yellow cells of one row."""
    if indicator:
        assert isinstance(target, int | float)
        return {"本期累计完成值": round(target / 2, 2), "进展情况": f"{indicator}已完成过半"}
    return {"形象进度（%）": 40, "进展情况": "方案已印发", "存在问题": "人手不足", "下步打算": "七月底前完成"}


def _fill(source: Path, target: Path, edit: Callable[[Workbook], None] | None = None) -> Path:
    """Fill every row of an exported workbook as a unit would, apply `edit`, save as `target`."""
    wb = load_workbook(source)
    ws = wb[PROGRESS_SHEET]
    for r in _data_rows(ws):
        answer = _answer(ws.cell(r, COL["量化指标"]).value, ws.cell(r, COL["目标值"]).value)
        for header, value in answer.items():
            ws.cell(r, COL[header]).value = value
    if edit is not None:
        edit(wb)
    wb.save(target)
    return target


def _report_count(ledger: Ledger) -> int:
    with ledger.sessions() as session:
        return session.scalar(select(func.count()).select_from(ProgressReport)) or 0


def _table_blocks(ws: Worksheet) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """The 任务分解表 below its header: (work area, its task rows) in sheet order."""
    area_rows = {
        r.min_row
        for r in ws.merged_cells.ranges
        if r.min_row == r.max_row and (r.min_col, r.max_col) == (1, len(TABLE_HEADER)) and r.min_row > 2
    }
    blocks: list[tuple[str, list[tuple[Any, ...]]]] = []
    for row in ws.iter_rows(min_row=3, values_only=False):
        values = tuple(c.value for c in row)
        if row[0].row in area_rows:
            blocks.append((str(values[0]), []))
        else:
            assert blocks, "a task row above the first work area"
            blocks[-1][1].append(values)
    return blocks


# ---------------------------------------------------------------- 任务分解表
def test_task_table_groups_tasks_by_area_quantified_first(
    ledger: Ledger, plan_id: int, tmp_path: Path
) -> None:
    with ledger.sessions() as session:
        assign.set_assignment(
            session,
            plan_id,
            "41",
            lead="财政局",
            cooperating=["税务局"],
            leader="王副县长",
            deadline=dt.date(2023, 9, 30),
            milestones=None,
            user=USER,
        )
    view = _view(ledger, plan_id)
    out = save_workbook(lambda: task_table(view), tmp_path / "任务分解表.xlsx")
    assert out == tmp_path / "任务分解表.xlsx"

    wb = load_workbook(out)
    assert wb.sheetnames == ["任务分解表"]
    ws = wb["任务分解表"]
    assert ws["A1"].value == "示例县2023年政府工作报告重点任务分解表"
    assert "A1:G1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == [
        "序号",
        "重点任务",
        "牵头单位",
        "配合单位",
        "责任领导",
        "完成时限",
        "量化指标",
    ]
    assert all(c.font.b for c in ws[2])

    blocks = _table_blocks(ws)
    by_text = {t.text: t for t in view.tasks}
    assert [area for area, _ in blocks] == list(dict.fromkeys(t.area for t in view.tasks))
    assert len(blocks) == 8 and blocks[0][0].startswith("（一）") and blocks[-1][0].startswith("（八）")
    rows = [row for _, block in blocks for row in block]
    assert [row[0] for row in rows] == list(range(1, 69))  # 序号 runs on across the areas
    assert sorted(by_text[row[1]].number for row in rows) == list(range(1, 69))  # each task once

    mixed = 0
    for _, block in blocks:
        quantified = [bool(row[6]) for row in block]
        assert quantified == sorted(quantified, reverse=True), "a task without quantity above one with"
        mixed += len(set(quantified)) == 2
        for group in (True, False):  # within each group, the report's order
            numbers = [by_text[row[1]].number for row in block if bool(row[6]) is group]
            assert numbers == sorted(numbers)
    assert mixed >= 3
    # The first area: tasks 6, 7 and 9 state no quantity and move below task 8.
    assert [by_text[row[1]].number for row in blocks[0][1]] == [1, 2, 3, 4, 5, 8, 6, 7, 9]

    for row in rows:
        task = by_text[row[1]]
        assert row[2] == task.lead and row[2], row  # every lead unit filled after confirm
        assert row[6] == ("；".join(q.text for q in task.quantities) or None)
    first = next(row for row in rows if by_text[row[1]].number == 1)
    assert first[6] == "实施重点项目160个；完成投资65亿元"
    assert first[5] == "2023年12月31日前"
    changed = next(row for row in rows if by_text[row[1]].number == 41)
    assert changed[2:6] == ("财政局", "税务局", "王副县长", "2023年9月30日前")
    early = next(row for row in rows if by_text[row[1]].number == 7)
    assert early[5] == "2023年6月30日前"


def test_task_table_before_any_assignment_leaves_units_empty(
    ledger: Ledger, example: tuple[str, Plan], tmp_path: Path
) -> None:
    document_id = _import(ledger, example, confirm=False)
    view = _view(ledger, document_id)
    ws = load_workbook(save_workbook(lambda: task_table(view), tmp_path / "分解表.xlsx"))["任务分解表"]
    assert tuple(c.value for c in ws[2]) == TABLE_HEADER
    rows = [row for _, block in _table_blocks(ws) for row in block]
    assert len(rows) == 68
    assert {row[2:5] for row in rows} == {(None, None, None)}  # 牵头, 配合, 责任领导 still blank
    assert all(row[1] for row in rows)


# ---------------------------------------------------------------- progress round trip
def test_progress_book_round_trip_keeps_every_version(ledger: Ledger, plan_id: int, tmp_path: Path) -> None:
    exported = _export(ledger, plan_id, tmp_path)
    view = _view(ledger, plan_id)
    lines = unit_tasks(view, UNIT)

    wb = load_workbook(exported)
    assert wb.sheetnames == [PROGRESS_SHEET, META_SHEET]
    assert wb[META_SHEET].sheet_state == "hidden"
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta == {
        "document_id": plan_id, "revision": 1, "unit": UNIT, "period": PERIOD, "schema": "bihuan.progress/1",
    }  # fmt: skip
    ws = wb[PROGRESS_SHEET]
    assert ws["A1"].value == f"示例县2023年重点任务进度报送表（{UNIT}，{PERIOD}）"
    assert tuple(c.value for c in ws[2]) == SHEET_HEADER
    # One row per task and quantity (one row for a task without any), in the plan's order.
    expected_rows = [
        (t.number, t.key, q.name if q else None)
        for t in lines
        for q in ([q for q in t.quantities if q.value is not None] or [None])
    ]
    got_rows = [(ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 4).value) for r in _data_rows(ws)]
    assert got_rows == expected_rows
    assert len(got_rows) == 4 and [name is not None for *_, name in got_rows] == [True, False, True, False]
    for r in _data_rows(ws):  # the unit fills G–K (yellow) and nothing else
        fills = [str(ws.cell(r, c).fill.fgColor.rgb).endswith(YELLOW) for c in range(1, 12)]
        assert fills == [False] * 6 + [True] * 5

    filled = _fill(exported, tmp_path / "填好.xlsx")
    book = read_progress_book(filled)
    assert (book.document_id, book.unit, book.period) == (plan_id, UNIT, PERIOD)
    assert [r.row for r in book.rows] == [3, 4, 5, 6]
    assert [r.task for r in book.rows] == [t.key for t in lines]
    assert book.rows[0].values == {lines[0].quantities[0].name: round(lines[0].quantities[0].value / 2, 2)}
    assert (book.rows[1].values, book.rows[1].percent, book.rows[1].problems) == ({}, 40, "人手不足")

    with ledger.sessions() as session:
        stored = add_reports(
            session, book.document_id, list(book.rows), author=USER, today=AFTER, unit_name=book.unit
        )
    assert stored == 4
    with ledger.sessions() as session:
        unit_id = find_unit(directory(session), UNIT).id
        reports = {r.task_key: r for r in session.scalars(select(ProgressReport)).all()}
        assert set(reports) == {t.key for t in lines}
        for t in lines:
            r = reports[t.key]
            assert (r.period, r.unit_id, r.author, r.document_id) == (PERIOD, unit_id, USER, plan_id)
            if t.quantities:  # stored by indicator key, not by the name shown in the sheet
                q = t.quantities[0]
                assert r.values == {q.key: pytest.approx(round(q.value / 2, 2))}
                assert r.percent is None and r.narrative == f"{q.name}已完成过半"
            else:
                assert r.values == {} and r.percent == 40
                assert (r.narrative, r.problems, r.next_steps) == ("方案已印发", "人手不足", "七月底前完成")

    # The unit corrects the first figure and sends the workbook again: a new version, none overwritten.
    first = lines[0].quantities[0]

    def correct(wb: Workbook) -> None:
        wb[PROGRESS_SHEET].cell(3, COL["本期累计完成值"]).value = first.value
        wb[PROGRESS_SHEET].cell(3, COL["进展情况"]).value = "已全部完成"

    again = read_progress_book(_fill(exported, tmp_path / "更正.xlsx", correct))
    with ledger.sessions() as session:
        assert (
            add_reports(session, plan_id, list(again.rows), author="更正人", today=AFTER, unit_name=UNIT) == 4
        )
    with ledger.sessions() as session:
        versions = queries.report_versions(session, plan_id, lines[0].key, PERIOD)
        assert [v.values[first.key] for v in versions] == [
            pytest.approx(round(first.value / 2, 2)),
            first.value,
        ]
        assert [(v.narrative, v.author) for v in versions] == [
            (f"{first.name}已完成过半", USER),
            ("已全部完成", "更正人"),
        ]
        latest = queries.latest_reports(session, plan_id, PERIOD)
        assert latest[lines[0].key].values == {first.key: first.value}
        for t in lines:
            assert len(queries.report_versions(session, plan_id, t.key, PERIOD)) == 2
    assert _report_count(ledger) == 8


def test_an_unfilled_workbook_reads_as_no_rows(ledger: Ledger, plan_id: int, tmp_path: Path) -> None:
    book = read_progress_book(_export(ledger, plan_id, tmp_path))
    assert (book.document_id, book.unit, book.period, book.rows) == (plan_id, UNIT, PERIOD, ())


# ---------------------------------------------------------------- bad rows
@dataclass(frozen=True, slots=True)
class BadRows:
    edit: Callable[[Workbook, str], None]  # (workbook, the key of a task of another unit)
    rows: tuple[int, ...]  # Excel rows the problems must name
    zh: str  # a piece of each row's Chinese message
    today: dt.date = AFTER


def _cell(header: str, row: int, value: object) -> Callable[[Workbook, str], None]:
    def edit(wb: Workbook, _other: str) -> None:
        wb[PROGRESS_SHEET].cell(row, COL[header]).value = value

    return edit


def _meta(key: str, value: object) -> Callable[[Workbook, str], None]:
    def edit(wb: Workbook, _other: str) -> None:
        for row in wb[META_SHEET].iter_rows():
            if row[0].value == key:
                row[1].value = value

    return edit


def _other_units_task(wb: Workbook, other: str) -> None:
    wb[PROGRESS_SHEET].cell(6, COL["任务编号"]).value = other


# Rows 3 and 5 of 财政局's workbook carry a quantity, rows 4 and 6 do not.
BAD_ROWS = {
    "unknown-task": BadRows(_cell("任务编号", 4, "ffffffffffffffff"), (4,), "任务“ffffffffffffffff”不存在"),
    "unit-in-hidden-sheet": BadRows(_meta("unit", "教育局"), (3, 4, 5, 6), "不由“教育局”承担"),
    "task-of-another-unit": BadRows(_other_units_task, (6,), "不由“财政局”承担"),
    "text-in-number-column": BadRows(_cell("本期累计完成值", 3, "一点五"), (3,), "应填数字，收到“一点五”"),
    "absurd-value": BadRows(_cell("本期累计完成值", 5, 1e300), (5,), "完成值大得不合理：1e+300"),
    "indicator-renamed": BadRows(_cell("量化指标", 5, "没有这个指标"), (5,), "没有指标“没有这个指标”"),
    "period-in-the-future": BadRows(
        lambda wb, o: None, (3, 4, 5, 6), f"期间 {PERIOD} 还没到", dt.date(2023, 5, 20)
    ),
    "period-before-plan-year": BadRows(_meta("period", "2022-12"), (3, 4, 5, 6), "早于计划年度 2023"),
    "percent-over-100": BadRows(_cell("形象进度（%）", 6, 150), (6,), "形象进度应为 0–100 的数字，收到“150”"),
    "percent-as-text": BadRows(_cell("形象进度（%）", 4, "过半"), (4,), "收到“过半”"),
}


@pytest.mark.parametrize("case", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_is_named_and_nothing_is_imported(
    ledger: Ledger, plan_id: int, tmp_path: Path, case: BadRows
) -> None:
    view = _view(ledger, plan_id)
    other = next(t for t in view.tasks if t.lead != UNIT and UNIT not in t.cooperating)
    with ledger.sessions() as session:  # an earlier report, so "nothing" is not just an empty table
        add_reports(
            session, plan_id, [ProgressInput(1, "41", "2023-05", percent=20)], author=USER, today=AFTER
        )
    before = _report_count(ledger)
    assert before == 1

    filled = _fill(
        _export(ledger, plan_id, tmp_path), tmp_path / "有误.xlsx", lambda wb: case.edit(wb, other.key)
    )
    book = read_progress_book(filled)
    with ledger.sessions() as session, pytest.raises(RowErrors) as info:
        add_reports(
            session, book.document_id, list(book.rows), author=USER, today=case.today, unit_name=book.unit
        )

    problems = info.value.problems
    assert [row for row, _, _ in problems] == list(case.rows)
    for _, zh, en in problems:
        assert case.zh in zh and CJK.search(zh), zh
        assert re.search(r"[A-Za-z]{3}", en), en
    assert info.value.zh == f"进度报送有 {len(case.rows)} 行有误，未导入任何内容"
    assert "nothing was imported" in info.value.en
    assert _report_count(ledger) == before  # the good rows of the same workbook were not stored either


def test_a_bad_figure_on_a_tasks_second_row_names_that_row(
    ledger: Ledger, plan_id: int, tmp_path: Path
) -> None:
    view = _view(ledger, plan_id)
    unit = "发展和改革局"
    task = next(t for t in unit_tasks(view, unit) if len(t.quantities) >= 2)
    exported = _export(ledger, plan_id, tmp_path, unit)
    ws = load_workbook(exported)[PROGRESS_SHEET]
    second = [r for r in _data_rows(ws) if ws.cell(r, COL["任务编号"]).value == task.key][1]

    filled = _fill(
        exported, tmp_path / "有误.xlsx", lambda wb: _cell("本期累计完成值", second, "约一半")(wb, "")
    )
    book = read_progress_book(filled)
    with ledger.sessions() as session, pytest.raises(RowErrors) as info:
        add_reports(session, plan_id, list(book.rows), author=USER, today=AFTER, unit_name=unit)
    assert [row for row, _, _ in info.value.problems] == [second]


def test_a_figure_for_a_task_without_quantity_is_not_dropped_silently(
    ledger: Ledger, plan_id: int, tmp_path: Path
) -> None:
    wb = load_workbook(_export(ledger, plan_id, tmp_path))
    ws = wb[PROGRESS_SHEET]
    row = next(r for r in _data_rows(ws) if not ws.cell(r, COL["量化指标"]).value)
    ws.cell(row, COL["本期累计完成值"]).value = 50  # the only thing the unit wrote
    wb.save(tmp_path / "只填了数.xlsx")
    book = read_progress_book(tmp_path / "只填了数.xlsx")
    with ledger.sessions() as session, pytest.raises(RowErrors) as info:
        add_reports(session, plan_id, list(book.rows), author=USER, today=AFTER, unit_name=UNIT)
    assert [r for r, _, _ in info.value.problems] == [row]


# ---------------------------------------------------------------- damaged workbooks
# A plan view made by hand: reading a workbook back does not touch the database.
HAND_VIEW = PlanView(
    7,
    "示例县",
    2023,
    1,
    "政府工作报告",
    (
        TaskLine(
            1, "a1b2c3d4e5f60718", "（三）坚持农业稳县", "建设高标准农田5.2万亩。", "农业农村局", (), None,
            dt.date(2023, 12, 31), (Quantity("ed613ee22c72", "建设高标准农田", 5.2, "万亩", "建设高标准农田5.2万亩"),),
        ),
    ),
)  # fmt: skip


def _hand_book(path: Path) -> Path:
    return save_workbook(lambda: progress_book(HAND_VIEW, "农业农村局", PERIOD, HAND_VIEW.tasks), path)


def _damage(edit: Callable[[Workbook], None]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = _hand_book(folder / "报送表.xlsx")
        wb = load_workbook(path)
        edit(wb)
        wb.save(path)
        return path

    return make


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name

    return make


def _header(wb: Workbook) -> None:
    wb[PROGRESS_SHEET].cell(2, COL["本期累计完成值"]).value = "累计完成"


def _drop_meta(wb: Workbook) -> None:
    del wb[META_SHEET]


def _bad_id(wb: Workbook) -> None:
    wb[META_SHEET]["B1"].value = "第七号"


DAMAGED = {
    "text-named-xlsx": (_write("报送表.xlsx", "这不是表格，只是文字。".encode()), "Excel 文件已损坏"),
    "text-named-csv": (
        _write("报送表.csv", "序号,任务编号\n1,abc\n".encode()),
        "不是可读取的 Excel（.xlsx）文件",
    ),
    "truncated-xlsx": (
        lambda d: _write("报送表.xlsx", _hand_book(d / "完整.xlsx").read_bytes()[:600])(d),
        "Excel",
    ),
    "missing-file": (lambda d: d / "没有这个文件.xlsx", "找不到文件"),
    "header-changed": (_damage(_header), "进度报送表的表头被改动"),
    "no-bihuan-sheet": (_damage(_drop_meta), "这不是 bihuan 导出的进度报送表"),
    "meta-changed": (_damage(_bad_id), "进度报送表的说明页被改动"),
}


@pytest.mark.parametrize(("make", "zh"), DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_workbook_is_refused_in_both_languages(
    tmp_path: Path, make: Callable[[Path], Path], zh: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(ExportError) as info:
        read_progress_book(path)
    e = info.value
    assert zh in e.zh and CJK.search(e.zh)
    assert e.en and not CJK.search(e.en.replace(path.name, "").replace(str(path), ""))
    assert str(e) == f"{e.zh} / {e.en}"
    assert path.name in e.zh and path.name in e.en


def test_the_hand_made_workbook_itself_reads_back(tmp_path: Path) -> None:
    """The damaged cases above start from a workbook that is fine as written."""
    path = _hand_book(tmp_path / "报送表.xlsx")
    wb = load_workbook(path)
    wb[PROGRESS_SHEET].cell(3, COL["本期累计完成值"]).value = "2.6"
    wb.save(path)
    book = read_progress_book(path)
    assert (book.document_id, book.unit, book.period) == (7, "农业农村局", PERIOD)
    assert book.rows == (
        ProgressInput(
            3, "a1b2c3d4e5f60718", PERIOD, {"建设高标准农田": "2.6"}, value_rows={"建设高标准农田": 3}
        ),
    )


# ---------------------------------------------------------------- unit directory workbook
def test_units_workbook_reads_lists_and_needs_a_name_column(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["单位名称", "简称", "别名", "关键词", "备注"])
    ws.append(["数据资源局", "数据局", "大数据局、数据中心", "数据要素，算力", "新设"])
    ws.append([None, None, None, None])
    ws.append(["档案馆", None, None, "档案"])
    wb.save(tmp_path / "名录.xlsx")
    assert read_units_book(tmp_path / "名录.xlsx") == [
        {
            "_row": 2,
            "name": "数据资源局",
            "short": "数据局",
            "aliases": "大数据局、数据中心",
            "keywords": "数据要素，算力",
        },
        {"_row": 4, "name": "档案馆", "short": None, "aliases": None, "keywords": "档案"},
    ]

    ws.cell(1, 1).value = "部门"
    wb.save(tmp_path / "无名称.xlsx")
    with pytest.raises(ExportError) as info:
        read_units_book(tmp_path / "无名称.xlsx")
    assert "单位名称" in info.value.zh and "单位名称" in info.value.en


# ---------------------------------------------------------------- limits on what a workbook unpacks to
def _repack(source: Path, target: Path, pad: bytes = b"", extra: int = 0) -> Path:
    """`source` with `pad` inserted at the start of every sheet's data and `extra` more members."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"<sheetData>", b"<sheetData>" + pad, 1)
            dst.writestr(info.filename, data, compresslevel=9)
        for n in range(extra):
            dst.writestr(f"padding/part{n}.xml", b"<a/>")
    return target


@pytest.mark.parametrize(
    ("pad", "extra", "zh", "en"),
    [
        (b" " * 20_000_000, 0, "压缩比异常", "zip bomb"),  # 20 MB of blanks in a ~30 KB file
        (b"", 2_000, "文件过多", "too many members"),
    ],
    ids=["bomb", "members"],
)
def test_a_workbook_that_unpacks_to_too_much_is_refused_before_parsing(
    tmp_path: Path, pad: bytes, extra: int, zh: str, en: str
) -> None:
    path = _repack(_hand_book(tmp_path / "原表.xlsx"), tmp_path / "报送表.xlsx", pad, extra)
    assert path.stat().st_size < 300_000
    for read in (read_progress_book, read_units_book):
        with pytest.raises(ExportError) as info:
            read(path)
        assert zh in info.value.zh and en in info.value.en and path.name in info.value.zh


def test_a_sheet_of_too_many_rows_is_refused_while_reading(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["单位名称"])
    for n in range(30):
        ws.append([f"单位{n}"])
    wb.save(tmp_path / "名录.xlsx")
    assert len(read_units_book(tmp_path / "名录.xlsx", max_rows=30)) == 30
    with pytest.raises(ExportError) as info:
        read_units_book(tmp_path / "名录.xlsx", max_rows=29)
    assert "行数过多" in info.value.zh and "more than 29 rows" in info.value.en


def test_a_workbook_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "大表.xlsx"
    big.write_bytes(b"\0" * (MAX_BOOK_BYTES + 1))
    with pytest.raises(ExportError) as info:
        read_progress_book(big)
    assert "超过" in info.value.zh and "larger than" in info.value.en
