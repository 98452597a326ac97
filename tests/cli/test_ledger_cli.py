"""The ledger's commands end to end: plan, units, assign, progress and status, each test on a
database file of its own; bad input ends in one bilingual line and exit status 2."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from bihuan.export.ledger_books import PROGRESS_SHEET, SHEET_HEADER, TABLE_HEADER
from bihuan.launch import app
from bihuan.ledger import queries
from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import Assignment, ProgressReport
from bihuan.track.directory import default_directory_text, directory, parse_yaml
from bihuan.track.handover import publish
from bihuan.track.views import PlanView, plan_view

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "shixian-2022-report.txt")
PERIOD = "2023-06"
USER = "督查室"
ERROR_LINE = re.compile(r"^错误：.*[\u4e00-\u9fff].* / Error: .*[A-Za-z].*$")
COL = {name: k for k, name in enumerate(SHEET_HEADER, start=1)}


def bihuan(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run `bihuan ARGS` in-process; a wide terminal so that no table cell wraps."""
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "500", "BIHUAN_USER": USER, **(env or {})})


def ok(*args: str) -> str:
    result = bihuan(*args)
    assert result.exit_code == 0, (args, result.output)
    assert result.stderr == "", result.stderr
    return result.stdout


def table(output: str) -> list[dict[str, str]]:
    """The rows of the (last) Rich table in `output`, by column header."""
    lines = output.splitlines()
    head = [k for k, line in enumerate(lines) if line.startswith("┃")][-1]
    columns = [c.strip() for c in lines[head].strip("┃").split("┃")]
    rows = []
    for line in lines[head + 1 :]:
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            assert cells[0], f"a wrapped table row: {line}"
            rows.append(dict(zip(columns, cells, strict=True)))
    return rows


def view_of(db: str) -> PlanView:
    ledger = open_ledger(db)
    try:
        with ledger.sessions() as session:
            return plan_view(session, 1)
    finally:
        ledger.close()


def count(db: str, model: type[Assignment] | type[ProgressReport]) -> int:
    ledger = open_ledger(db)
    try:
        with ledger.sessions() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        ledger.close()


def _copy_db(source: Path, target: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    return str(target)


@pytest.fixture(scope="module")
def imported_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the example imported and nothing assigned; tests use copies of it."""
    db = tmp_path_factory.mktemp("template") / "imported.db"
    ok("plan", "import", EXAMPLE, "--db", str(db))
    return db


@pytest.fixture(scope="module")
def assigned_template(imported_template: Path) -> Path:
    """The same, with every suggested assignment confirmed."""
    db = imported_template.with_name("assigned.db")
    _copy_db(imported_template, db)
    assert ok("assign", "confirm", "--db", str(db)).strip() == "已分配 68 项任务"
    return db


@pytest.fixture
def imported(imported_template: Path, tmp_path: Path) -> str:
    return _copy_db(imported_template, tmp_path / "督查.db")


@pytest.fixture
def assigned(assigned_template: Path, tmp_path: Path) -> str:
    return _copy_db(assigned_template, tmp_path / "督查.db")


# ---------------------------------------------------------------- plan
def test_plan_import_once_then_unchanged_then_a_revision(tmp_path: Path) -> None:
    db = str(tmp_path / "督查.db")
    first = ok("plan", "import", EXAMPLE, "--db", db)
    assert first.startswith("已导入：计划 1（示例县 2023 年）第 1 版，任务 68 项，指标 196 个")
    again = ok("plan", "import", EXAMPLE, "--db", db)
    assert again.strip() == "未改变：该文本已是计划 1（示例县 2023 年）第 1 版"
    listed = table(ok("plan", "list", "--db", db))
    assert len(listed) == 1 and listed[0]["最近导入"].endswith(USER)
    assert {k: v for k, v in listed[0].items() if k != "最近导入"} == {
        "编号": "1", "地区": "示例县", "年度": "2023", "版本": "1", "标题": "政府工作报告", "任务": "68", "指标": "196",
    }  # fmt: skip

    # A corrected copy: one figure of task 1 changed.
    text = Path(EXAMPLE).read_text("utf-8")
    assert text.count("160个，完成投资65亿元") == 1
    corrected = tmp_path / "示例县报告（修订稿）.txt"
    corrected.write_text(text.replace("160个，完成投资65亿元", "170个，完成投资65亿元"), "utf-8")
    revised = ok("plan", "import", str(corrected), "--db", db)
    assert revised.startswith("已导入：计划 1（示例县 2023 年）第 2 版，任务 68 项")
    listed = table(ok("plan", "list", "--db", db))
    assert len(listed) == 1 and (listed[0]["编号"], listed[0]["版本"]) == ("1", "2")
    assert listed[0]["最近导入"].endswith(USER)

    shown = ok("plan", "show", "--db", db)
    assert "计划 1：示例县 2023 年（第 2 版）" in shown
    assert f"第 1 版：{EXAMPLE}" in shown and f"第 2 版：{corrected}" in shown
    rows = table(shown)
    assert rows[0]["量化指标"] == "实施重点项目170个；完成投资65亿元"

    ledger = open_ledger(db)
    try:
        with ledger.sessions() as session:
            assert len(queries.documents(session)) == 1
            assert [r.number for r in queries.revisions(session, 1)] == [1, 2]
    finally:
        ledger.close()


def test_plan_show_lists_every_task_with_its_units(assigned: str) -> None:
    rows = table(ok("plan", "show", "--db", assigned))
    assert [r["序号"] for r in rows] == [str(n) for n in range(1, 69)]
    assert rows[0]["工作领域"].startswith("（一）坚持项目为王")
    assert rows[0]["牵头单位"] == "发展和改革局" and rows[0]["完成时限"] == "2023-12-31"
    assert all(r["牵头单位"] and r["牵头单位"] != "未分配" for r in rows)
    assert rows[6]["完成时限"] == "2023-06-30"  # task 7: 6月底前


def test_plan_show_marks_unassigned_tasks(imported: str) -> None:
    rows = table(ok("plan", "show", "--plan", "1", "--db", imported))
    assert len(rows) == 68 and {r["牵头单位"] for r in rows} == {"未分配"}


def test_plan_export_writes_the_task_table(assigned: str, tmp_path: Path) -> None:
    out = tmp_path / "任务分解表.xlsx"
    assert ok("plan", "export", str(out), "--db", assigned).strip() == f"已写入任务分解表：{out}（68 项任务）"
    ws = load_workbook(out)["任务分解表"]
    assert tuple(c.value for c in ws[2]) == TABLE_HEADER
    numbers = [r[0] for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    assert numbers == list(range(1, 69))
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".db" and ".db-" not in p.name] == [out.name]


# ---------------------------------------------------------------- units
def test_units_load_the_shipped_directory_then_list(tmp_path: Path) -> None:
    db = str(tmp_path / "督查.db")
    n = len(parse_yaml(default_directory_text()))
    assert ok("units", "load", "--db", db).strip() == f"单位名录：新增 {n}，更新 0，未变 0"
    assert ok("units", "load", "--db", db).strip() == f"单位名录：新增 0，更新 0，未变 {n}"
    listed = ok("units", "list", "--db", db)
    assert f"单位名录（{n} 个）" in listed
    rows = {r["名称"]: r for r in table(listed)}
    assert len(rows) == n
    assert rows["发展和改革局"]["简称"] == "发改局" and "发改委" in rows["发展和改革局"]["别名"]


def test_units_list_loads_the_shipped_directory_when_none_is_there(tmp_path: Path) -> None:
    listed = ok("units", "list", "--db", str(tmp_path / "督查.db"))
    assert f"单位名录（{len(parse_yaml(default_directory_text()))} 个）" in listed


Unit = tuple[str, str | None, tuple[str, ...], tuple[str, ...]]  # name, short, aliases, keywords
UNITS_V1: list[Unit] = [
    ("数据资源局", "数据局", ("大数据局",), ("数据要素", "算力")),
    ("档案馆", None, (), ("档案",)),
]
UNITS_V2: list[Unit] = [
    ("数据资源局", "数据局", ("大数据局",), ("数据要素", "算力", "政务云")),  # changed
    UNITS_V1[1],  # unchanged
    ("机关事务服务中心", "机关事务中心", (), ("公务用车",)),  # new
]


def _yaml(path: Path, units: list[Unit]) -> Path:
    path = path.with_suffix(".yaml")
    items = [{"name": n, "short": s, "aliases": list(a), "keywords": list(k)} for n, s, a, k in units]
    path.write_text(yaml.safe_dump({"units": items}, allow_unicode=True), "utf-8")
    return path


def _xlsx(path: Path, units: list[Unit]) -> Path:
    path = path.with_suffix(".xlsx")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["单位名称", "简称", "别名", "关键词"])
    for name, short, aliases, keywords in units:
        ws.append([name, short, "、".join(aliases), "、".join(keywords)])
    wb.save(path)
    return path


@pytest.mark.parametrize("write", [_yaml, _xlsx], ids=["yaml", "xlsx"])
def test_units_load_a_file_adds_and_updates(
    tmp_path: Path, write: Callable[[Path, list[Unit]], Path]
) -> None:
    db = str(tmp_path / "督查.db")
    first = write(tmp_path / "名录一", UNITS_V1)
    assert ok("units", "load", str(first), "--db", db).strip() == "单位名录：新增 2，更新 0，未变 0"
    second = write(tmp_path / "名录二", UNITS_V2)
    assert ok("units", "load", str(second), "--db", db).strip() == "单位名录：新增 1，更新 1，未变 1"
    listed = ok("units", "list", "--db", db)
    assert "单位名录（3 个）" in listed  # the shipped directory was not added on top
    rows = {r["名称"]: r for r in table(listed)}
    assert rows["数据资源局"] == {
        "名称": "数据资源局",
        "简称": "数据局",
        "别名": "大数据局",
        "关键词": "数据要素、算力、政务云",
        "邮箱": "",
        "钉钉机器人": "",
        "企业微信机器人": "",
    }
    assert rows["机关事务服务中心"]["关键词"] == "公务用车"
    ledger = open_ledger(db)
    try:
        with ledger.sessions() as session:
            assert [u.name for u in directory(session)] == ["数据资源局", "档案馆", "机关事务服务中心"]
    finally:
        ledger.close()


def test_units_workbook_errors_name_the_excel_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["单位名称", "简称", "别名", "关键词"])
    ws.append(["数据资源局", "数据局", None, "算力"])
    ws.append([None, None, None, None])  # row 3 left blank
    ws.append([None, "无名局", None, "档案"])  # row 4: no name
    wb.save(tmp_path / "名录.xlsx")
    result = bihuan("units", "load", str(tmp_path / "名录.xlsx"), "--db", str(tmp_path / "督查.db"))
    assert result.exit_code == 2
    assert "第 4 行" in result.stderr, result.stderr


# ---------------------------------------------------------------- assign
def test_assign_suggest_shows_a_lead_and_saves_nothing(imported: str) -> None:
    out = ok("assign", "suggest", "--db", imported)
    rows = table(out)
    assert list(rows[0]) == ["序号", "重点任务", "建议牵头", "建议配合", "把握", "依据", "当前牵头"]
    assert len(rows) == 68
    assert (rows[0]["建议牵头"], rows[0]["当前牵头"]) == ("发展和改革局", "未分配")
    assert "“重点项目”" in rows[0]["依据"]
    assert (rows[4]["建议牵头"], rows[4]["建议配合"]) == ("投资促进局", "工业和信息化局")  # 招大引强
    assert count(imported, Assignment) == 0


def test_assign_confirm_some_then_the_rest(imported: str) -> None:
    assert ok("assign", "confirm", "3", "5", "--db", imported).strip() == "已分配 2 项任务"
    assert ok("assign", "confirm", "--db", imported).strip() == "已分配 66 项任务"
    assert ok("assign", "confirm", "--db", imported).strip() == "已分配 0 项任务"  # nothing left
    assert count(imported, Assignment) == 68
    rows = table(ok("assign", "suggest", "--db", imported))
    assert all(r["当前牵头"] == r["建议牵头"] for r in rows)


def test_assign_set_keeps_the_history(assigned: str) -> None:
    out = ok(
        "assign", "set", "41", "--lead", "发改局", "--coop", "税务局", "--coop", "财政局",
        "--leader", "王副县长", "--deadline", "2023-09-30", "--milestone", "2023-06-30:50%:完成主体",
        "--db", assigned,
    )  # fmt: skip
    assert out.strip() == "已记录分工（第 69 条记录）"
    assert (
        ok("assign", "set", "41", "--leader", "李副县长", "--db", assigned).strip()
        == "已记录分工（第 70 条记录）"
    )

    ledger = open_ledger(assigned)
    try:
        with ledger.sessions() as session:
            names = {u.id: u.name for u in queries.units(session)}
            key = next(t.key for t in queries.tasks(session, 1) if t.number == 41)
            history = queries.assignment_history(session, 1, key)
            assert [(a.origin, names[a.lead_unit_id], a.leader) for a in history] == [
                ("confirmed", "财政局", None),
                ("set", "发展和改革局", "王副县长"),
                ("set", "发展和改革局", "李副县长"),  # what was not given is kept
            ]
            for a in history[1:]:
                assert [names[u] for u in a.cooperating_unit_ids] == ["税务局", "财政局"]
                assert a.deadline.isoformat() == "2023-09-30" and a.created_by == USER
                assert a.milestones == [{"due": "2023-06-30", "pct": 50.0, "label": "完成主体"}]
    finally:
        ledger.close()
    row = table(ok("plan", "show", "--db", assigned))[40]
    assert (row["序号"], row["牵头单位"], row["配合单位"], row["完成时限"]) == (
        "41", "发展和改革局", "税务局、财政局", "2023-09-30",
    )  # fmt: skip


# ---------------------------------------------------------------- progress and status
SUMMARY = re.compile(r"^2023-07-10：(\d+) 项任务，红灯 (\d+)，黄灯 (\d+)，绿灯 (\d+)$", re.M)


def test_progress_add_then_status_shows_lights_and_reasons(assigned: str) -> None:
    assert (
        ok("progress", "add", "1", "--period", PERIOD, "--value", "实施重点项目=20", "--narrative", "已开工", "--db", assigned)
        .strip()
        == "已记录任务 1 在 2023-06 的进度"
    )  # fmt: skip
    ok("progress", "add", "2", "--period", PERIOD, "--percent", "35", "--problems", "资金未到位", "--db", assigned)  # fmt: skip

    # Not handed over yet: no report is due, so no task is red or yellow for missing reports.
    before = {r["序号"]: r for r in table(ok("status", "--on", "2023-07-10", "--all", "--db", assigned))}
    assert (before["3"]["灯"], before["3"]["状态"]) == ("绿", "未交办")
    assert "尚未交办，暂不计报送" in before["3"]["原因"]
    ledger = open_ledger(assigned)
    try:
        with ledger.sessions() as session:  # the 交办, as `bihuan plan publish` does it
            publish(session, 1, dt.date(2023, 1, 16), USER)
    finally:
        ledger.close()

    out = ok("status", "--on", "2023-07-10", "--db", assigned)
    m = SUMMARY.search(out)
    assert m, out
    total, red, yellow, green = map(int, m.groups())
    assert total == 68 and red + yellow + green == 68 and red >= 1 and yellow >= 1
    rows = {r["序号"]: r for r in table(out)}
    assert len(rows) == red + yellow  # green tasks are listed only with --all
    # 160 planned, 20 done by the 190th of 364 days: 52% expected, 12% done.
    assert (rows["1"]["灯"], rows["1"]["状态"]) == ("红", "滞后")
    assert "实施重点项目 20/160个" in rows["1"]["原因"] and "落后 40 个百分点" in rows["1"]["原因"]
    assert (rows["2"]["灯"], rows["2"]["状态"]) == ("黄", "滞后")
    assert "形象进度 35%" in rows["2"]["原因"] and "落后 17 个百分点" in rows["2"]["原因"]
    assert (rows["3"]["灯"], rows["3"]["状态"]) == ("红", "未报送")  # reports due since the 交办, none came
    assert "2023-01、2023-02、2023-03、2023-04、2023-05、2023-06 的进度未按时报送" in rows["3"]["原因"]
    assert (rows["7"]["灯"], rows["7"]["状态"]) == ("红", "逾期")  # due 2023-06-30
    assert "逾期 10 天" in rows["7"]["原因"]

    ledger = open_ledger(assigned)
    try:
        with ledger.sessions() as session:
            view = plan_view(session, 1)
            task1 = view.tasks[0]
            key = next(q.key for q in task1.quantities if q.name == "实施重点项目")
            (report,) = queries.report_versions(session, 1, task1.key, PERIOD)
            assert report.values == {key: 20.0} and report.narrative == "已开工" and report.author == USER
    finally:
        ledger.close()

    everything = table(ok("status", "--on", "2023-07-10", "--all", "--db", assigned))
    assert len(everything) == 68
    mine = {str(t.number) for t in view.tasks if t.lead == "财政局" or "财政局" in t.cooperating}
    by_unit = ok("status", "--on", "2023-07-10", "--all", "--unit", "财政局", "--db", assigned)
    assert f"2023-07-10：{len(mine)} 项任务" in by_unit
    assert {r["序号"] for r in table(by_unit)} == mine


def test_progress_export_writes_one_file_per_unit(assigned: str, tmp_path: Path) -> None:
    out = tmp_path / "报送表"
    out.mkdir()
    leads = {t.lead for t in view_of(assigned).tasks if t.lead}
    assert ok("progress", "export", "--period", PERIOD, "--out", str(out), "--db", assigned).strip() == (
        f"已导出 {len(leads)} 个单位的进度报送表到 {out}"
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{u}-{PERIOD}.xlsx" for u in leads)
    wb = load_workbook(out / f"农业农村局-{PERIOD}.xlsx")
    assert wb.sheetnames == [PROGRESS_SHEET, "_bihuan"]
    assert wb[PROGRESS_SHEET]["A1"].value == f"示例县2023年重点任务进度报送表（农业农村局，{PERIOD}）"


def test_progress_export_creates_the_folder_with_its_parents(assigned: str, tmp_path: Path) -> None:
    """The README's sequence: `--out 报送表/` where no such folder exists yet."""
    out = tmp_path / "新建" / "报送表"
    result = bihuan(
        "progress", "export", "--period", PERIOD, "--out", f"{out}/", "--unit", "财政局", "--db", assigned
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == [f"财政局-{PERIOD}.xlsx"]


def _export_one(db: str, folder: Path, unit: str = "财政局") -> Path:
    folder.mkdir(exist_ok=True)
    out = ok("progress", "export", "--period", PERIOD, "--out", str(folder), "--unit", unit, "--db", db)
    assert out.strip() == f"已导出 1 个单位的进度报送表到 {folder}"
    return folder / f"{unit}-{PERIOD}.xlsx"


def _fill(path: Path, target: Path, bad: dict[tuple[int, str], object] | None = None) -> Path:
    """Every figure at its target (the task is done), 60% where there is none; then `bad` cells."""
    wb = load_workbook(path)
    ws = wb[PROGRESS_SHEET]
    for r in range(3, ws.max_row + 1):
        if ws.cell(r, COL["量化指标"]).value:
            ws.cell(r, COL["本期累计完成值"]).value = ws.cell(r, COL["目标值"]).value
        else:
            ws.cell(r, COL["形象进度（%）"]).value = 60
        ws.cell(r, COL["进展情况"]).value = "按计划推进"
    for (r, header), value in (bad or {}).items():
        ws.cell(r, COL[header]).value = value
    wb.save(target)
    return target


def test_progress_import_a_filled_file(assigned: str, tmp_path: Path) -> None:
    # 财政局 also leads one task without a figure, so both kinds are read back
    spare = next(t for t in view_of(assigned).tasks if not t.quantities and t.lead != "财政局")
    ok("assign", "set", str(spare.number), "--lead", "财政局", "--db", assigned)
    filled = _fill(_export_one(assigned, tmp_path / "发出"), tmp_path / "财政局-已填.xlsx")
    out = ok("progress", "import", str(filled), "--db", assigned)
    assert out.strip() == f"{filled}：已导入 4 项任务的进度（财政局，{PERIOD}）"
    assert count(assigned, ProgressReport) == 4
    rows = {
        r["序号"]: r
        for r in table(ok("status", "--on", "2023-07-10", "--all", "--unit", "财政局", "--db", assigned))
    }
    led = [t for t in view_of(assigned).tasks if t.lead == "财政局"]
    quantified = {str(t.number) for t in led if t.quantities}
    assert quantified and all((rows[n]["灯"], rows[n]["状态"]) == ("绿", "已完成") for n in quantified)
    # the tasks it leads without a figure: 60% when 52% is due
    plain = {str(t.number) for t in led} - quantified
    assert plain and all(rows[n]["状态"] == "正常推进" for n in plain)


def test_progress_import_a_bad_file_names_rows_and_stores_nothing(assigned: str, tmp_path: Path) -> None:
    exported = _export_one(assigned, tmp_path / "发出")
    good = _fill(exported, tmp_path / "好.xlsx")
    bad = _fill(exported, tmp_path / "坏.xlsx", {(4, "本期累计完成值"): "一点五", (5, "形象进度（%）"): 150})

    result = bihuan("progress", "import", str(bad), "--db", assigned)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("  第 4 行 / row 4：“盘活存量资产”应填数字，收到“一点五”")
    assert lines[1].startswith("  第 5 行 / row 5：形象进度应为 0–100 的数字，收到“150”")
    assert (
        lines[2]
        == f"{bad}：进度报送有 2 行有误，未导入任何内容 / progress report: 2 bad rows, nothing was imported"
    )
    assert lines[3:] == ["错误：1 个文件未导入（见上） / Error: 1 file(s) not imported (see above)"]
    assert "Traceback" not in result.output
    assert count(assigned, ProgressReport) == 0

    # A good and a bad file together: the good one goes in, the bad one not at all.
    both = bihuan("progress", "import", str(good), str(bad), "--db", assigned)
    assert both.exit_code == 2
    assert both.stdout.strip() == f"{good}：已导入 3 项任务的进度（财政局，{PERIOD}）"
    assert both.stderr.splitlines()[-1].startswith("错误：1 个文件未导入")
    assert count(assigned, ProgressReport) == 3


def test_progress_export_accepts_a_units_short_name(assigned: str, tmp_path: Path) -> None:
    result = bihuan(
        "progress", "export", "--period", PERIOD, "--out", str(tmp_path), "--unit", "发改局", "--db", assigned
    )
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.xlsx"))) == 1


def test_postgresql_through_the_environment_with_the_installed_command(pg_url: str, tmp_path: Path) -> None:
    exe = shutil.which("bihuan")
    assert exe, "the bihuan command is not installed"
    env = {**os.environ, "BIHUAN_DATABASE_URL": pg_url, "COLUMNS": "500", "BIHUAN_USER": USER}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)

    imported = run("plan", "import", EXAMPLE)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("已导入：计划 1（示例县 2023 年）第 1 版，任务 68 项")
    confirmed = run("assign", "confirm")
    assert (confirmed.returncode, confirmed.stdout.strip()) == (0, "已分配 68 项任务")
    assert list(tmp_path.iterdir()) == []  # no bihuan.db in the working directory
    ledger = open_ledger(pg_url)
    try:
        with ledger.sessions() as session:
            assert [(d.region, d.plan_year, d.created_by) for d in queries.documents(session)] == [
                ("示例县", 2023, USER)
            ]
            assert len(queries.current_assignments(session, 1)) == 68
    finally:
        ledger.close()


# ---------------------------------------------------------------- bad input
# (args, which database, a piece of the Chinese message, lines on stderr). {db} is the test's
# database, {tmp} its folder. A progress row that is wrong is named on a line of its own first.
BAD_INPUT = {
    "import-missing-file": (("plan", "import", "{tmp}/无此报告.txt"), "empty", "找不到文件", 1),
    "import-year-3000": (("plan", "import", EXAMPLE, "--year", "3000"), "empty", "--year 不合理：3000", 1),
    "show-no-plan-yet": (("plan", "show"), "empty", "数据库中还没有计划", 1),
    "show-plan-99": (("plan", "show", "--plan", "99"), "assigned", "没有编号为 99 的计划", 1),
    "export-not-xlsx": (("plan", "export", "{tmp}/分解表.csv"), "assigned", "须以 .xlsx 结尾", 1),
    "set-task-999": (("assign", "set", "999", "--lead", "财政局"), "assigned", "任务“999”不存在", 1),
    "set-unknown-unit": (("assign", "set", "1", "--lead", "不存在的局"), "assigned", "单位名录中没有“不存在的局”", 1),
    "set-bad-deadline": (("assign", "set", "1", "--deadline", "2023-02-30"), "assigned", "--deadline 应为日期", 1),
    "set-milestone-150": (("assign", "set", "1", "--milestone", "2023-06-30:150%"), "assigned", "0–100", 1),
    "set-unassigned-no-lead": (("assign", "set", "1", "--leader", "王"), "imported", "请用 --lead 指定", 1),
    "add-month-13": (("progress", "add", "1", "--period", "2023-13"), "assigned", "应写作 年-月",1),
    "add-future-period": (("progress", "add", "1", "--period", "2999-01"), "assigned", "期间 2999-01 还没到",1),
    "add-unknown-indicator": (("progress", "add", "1", "--period", PERIOD, "--value", "没有=1"), "assigned", "没有指标“没有”",1),
    "add-value-without-equals": (("progress", "add", "1", "--period", PERIOD, "--value", "20"), "assigned", "指标=数值", 1),
    "add-percent-120": (("progress", "add", "6", "--period", PERIOD, "--percent", "120"), "assigned", "0–100",1),
    "export-bad-period": (("progress", "export", "--period", "2023-6", "--out", "{tmp}"), "assigned", "--period 应写作 年-月", 1),
    "export-out-is-a-file": (("progress", "export", "--period", PERIOD, "--out", "{tmp}/名录.txt"), "assigned", "须为目录", 1),
    "export-nothing-assigned": (("progress", "export", "--period", PERIOD, "--out", "{tmp}"), "imported", "assign confirm", 1),
    "import-missing-book": (("progress", "import", "{tmp}/无此文件.xlsx"), "assigned", "找不到文件", 1),
    "status-not-a-date": (("status", "--on", "notadate"), "assigned", "--on 应为日期", 1),
    "status-unknown-unit": (("status", "--unit", "不存在的局"), "assigned", "单位名录中没有“不存在的局”", 1),
    "units-load-txt": (("units", "load", "{tmp}/名录.txt"), "empty", "名录须为 .yaml 或 .xlsx 文件", 1),
    "units-load-missing-yaml": (("units", "load", "{tmp}/无此名录.yaml"), "empty", "找不到文件", 1),
    "units-load-bad-yaml": (("units", "load", "{tmp}/坏名录.yaml"), "empty", "不是有效的 YAML", 1),
}  # fmt: skip


@pytest.mark.parametrize(("args", "start", "zh", "n_lines"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_ends_in_one_error_line(
    args: tuple[str, ...], start: str, zh: str, n_lines: int, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db = str(tmp_path / "督查.db") if start == "empty" else str(request.getfixturevalue(start))
    (tmp_path / "名录.txt").write_text("发展和改革局\n", "utf-8")
    (tmp_path / "坏名录.yaml").write_text("units: [发改局\n", "utf-8")
    before = (count(db, Assignment), count(db, ProgressReport)) if start != "empty" else None

    result = bihuan(*(a.format(tmp=tmp_path) for a in args), "--db", db)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == n_lines, result.stderr
    assert ERROR_LINE.match(lines[-1]), lines[-1]
    assert [line for line in lines if line.startswith("错误：")] == [lines[-1]]
    assert "内部错误" not in result.stderr
    assert zh in result.stderr, result.stderr
    if before is not None:
        assert (count(db, Assignment), count(db, ProgressReport)) == before  # nothing stored


def test_a_database_in_a_missing_directory(tmp_path: Path) -> None:
    result = bihuan("plan", "list", "--db", str(tmp_path / "无此目录" / "督查.db"))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"错误：数据库所在目录不存在：{tmp_path / '无此目录'} / Error: directory of the database does not exist: "
        f"{tmp_path / '无此目录'}"
    ]
    assert not (tmp_path / "无此目录").exists()


# ---------------------------------------------------------------- help
COMMANDS = [
    ("plan",), ("plan", "import"), ("plan", "list"), ("plan", "show"), ("plan", "export"),
    ("units",), ("units", "load"), ("units", "list"),
    ("assign",), ("assign", "suggest"), ("assign", "confirm"), ("assign", "set"),
    ("progress",), ("progress", "add"), ("progress", "export"), ("progress", "import"),
    ("status",),
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_ledger_command_has_chinese_help_with_an_example(command: tuple[str, ...]) -> None:
    result = bihuan(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "示例" in result.stdout
    assert f"bihuan {' '.join(command)}" in result.stdout
    assert "显示本帮助并退出" in result.stdout
