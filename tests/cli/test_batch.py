"""`bihuan batch PATH... --out DIR`: plan files where expected and valid, re-runs that skip, bad
files listed at the end without stopping the others, the indicator table, bad arguments."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from bihuan.export.indicator_table import COLUMN_NAMES
from bihuan.ingest import read_path

Invoke = Callable[..., Result]
AssertPlan = Callable[[dict[str, Any], int], None]
ERROR_LINE = re.compile(r"^错误：.*[\u4e00-\u9fff].* / Error: .*[A-Za-z].*$")

# An invented report with no title block: neither its region nor its date is in the text.
BARE_REPORT = """一、2021年工作回顾
全县地区生产总值增长6%。
二、2022年主要预期目标
地区生产总值增长6.5%左右，粮食产量稳定在20万吨。
"""
GOOD = {  # the good tree: source (relative to the folder given) -> plan (relative to OUT/plans)
    "示例县/2022.txt": "示例县/2022.json",
    "示例市/2023.md": "示例市/2023.json",
    "青山县/2022.txt": "青山县/2022.json",
    "河谷县/2022.md": "河谷县/2022.json",
}


@pytest.fixture
def reports(tmp_path: Path, repo_root: Path, tiny_text: str) -> Path:
    """`reports/<region>/<year>.md|txt`: four fictional reports, plus files a batch leaves alone."""
    root = tmp_path / "reports"
    texts = {
        "示例县/2022.txt": (repo_root / "examples" / "shixian-2022-report.txt").read_text("utf-8"),
        "示例市/2023.md": (repo_root / "examples" / "shishi-2023-report.txt").read_text("utf-8"),
        "青山县/2022.txt": tiny_text,
        "河谷县/2022.md": BARE_REPORT,
        "河谷县/.草稿.md": tiny_text,  # hidden
        "河谷县/说明.json": "{}",  # not a report format
        ".git/HEAD.txt": tiny_text,  # hidden folder
    }
    for rel, text in texts.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def add_bad_files(root: Path) -> dict[str, str]:
    """An empty and a binary report; what each one's error line says."""
    (root / "河谷县" / "2020.md").write_bytes(b"")
    (root / "河谷县" / "2021.txt").write_bytes(bytes(range(256)) * 8)
    return {"河谷县/2020.md": "文件是空的", "河谷县/2021.txt": "二进制数据"}


def plans_under(out: Path) -> set[str]:
    return {p.relative_to(out / "plans").as_posix() for p in (out / "plans").rglob("*.json")}


def summary(result: Result) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith("共 "))


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("错误：")]


def table_rows(out: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    table = pq.read_table(out / "indicators.parquet")
    assert tuple(table.column_names) == COLUMN_NAMES
    return list(table.to_pylist())


# ---------------------------------------------------------------- plans
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_valid_plan_per_report(
    invoke: Invoke, reports: Path, tmp_path: Path, jobs: str, assert_valid_plan: AssertPlan
) -> None:
    out = tmp_path / "out"
    result = invoke("batch", str(reports), "--out", str(out), "--jobs", jobs)
    assert result.exit_code == 0, result.output
    assert plans_under(out) == set(GOOD.values())
    assert "新读 4，跳过 0" in summary(result) and "4 read, 0 skipped, 0 failed" in summary(result)
    assert error_lines(result) == []
    for source, plan in GOOD.items():
        data = json.loads((out / "plans" / plan).read_text("utf-8"))
        assert_valid_plan(data, len(read_path(reports / source).text))
        assert data["made_by"]["source"] == source


def test_plan_is_the_same_as_extract_json(invoke: Invoke, reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("batch", str(reports), "--out", str(out)).exit_code == 0
    extracted = invoke("extract", str(reports / "示例县" / "2022.txt"), "--json")
    data = json.loads((out / "plans" / "示例县" / "2022.json").read_text("utf-8"))
    del data["made_by"]
    assert data == json.loads(extracted.stdout)


def test_files_given_directly_go_by_their_stem(invoke: Invoke, reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("batch", str(reports / "示例市" / "2023.md"), str(reports / "河谷县"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert plans_under(out) == {"2023.json", "2022.json"}


def test_two_files_for_one_plan_fail_the_second(invoke: Invoke, reports: Path, tmp_path: Path) -> None:
    (reports / "河谷县" / "2022.txt").write_text(BARE_REPORT, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("batch", str(reports), "--out", str(out))
    assert result.exit_code == 2
    (line,) = error_lines(result)
    assert "2022.txt" in line and "2022.md" in line and ERROR_LINE.match(line)
    assert plans_under(out) == set(GOOD.values())


# ---------------------------------------------------------------- resuming
def test_a_rerun_skips_and_says_so(invoke: Invoke, reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("batch", str(reports), "--out", str(out)).exit_code == 0
    inodes = {p: (out / "plans" / p).stat().st_ino for p in GOOD.values()}
    again = invoke("batch", str(reports), "--out", str(out))
    assert again.exit_code == 0, again.output
    assert "新读 0，跳过 4（计划已是最新" in summary(again) and "0 read, 4 skipped" in summary(again)
    assert {p: (out / "plans" / p).stat().st_ino for p in GOOD.values()} == inodes
    assert len(table_rows(out)) > 0

    forced = invoke("batch", str(reports), "--out", str(out), "--force")
    assert "新读 4，跳过 0" in summary(forced)
    assert all((out / "plans" / p).stat().st_ino != inodes[p] for p in GOOD.values())


def test_a_changed_report_or_another_engine_is_read_again(
    invoke: Invoke, reports: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert invoke("batch", str(reports), "--out", str(out)).exit_code == 0
    (reports / "河谷县" / "2022.md").write_text(BARE_REPORT + "三、2022年重点工作\n新建学校2所。\n", "utf-8")
    stamped = out / "plans" / "示例市" / "2023.json"
    data = json.loads(stamped.read_text("utf-8"))
    data["made_by"]["bihuan"] = "0.0.1"
    stamped.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    again = invoke("batch", str(reports), "--out", str(out))
    assert "新读 2，跳过 2" in summary(again), again.output


def test_a_half_written_plan_or_temp_file_is_no_trouble(
    invoke: Invoke, reports: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert invoke("batch", str(reports), "--out", str(out)).exit_code == 0
    plan = out / "plans" / "青山县" / "2022.json"
    plan.write_bytes(plan.read_bytes()[:100])
    leftover = plan.with_name(".2022.json.12345.tmp")
    leftover.write_bytes(b"{")
    again = invoke("batch", str(reports), "--out", str(out))
    assert "新读 1，跳过 3" in summary(again), again.output
    assert json.loads(plan.read_text("utf-8"))["document"]["region"] == "青山县"
    assert not leftover.exists()


# ---------------------------------------------------------------- failures
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bad_files_are_listed_at_the_end_and_the_rest_is_done(
    invoke: Invoke, reports: Path, tmp_path: Path, jobs: str
) -> None:
    bad = add_bad_files(reports)
    out = tmp_path / "out"
    result = invoke("batch", str(reports), "--out", str(out), "--jobs", jobs)
    assert result.exit_code == 2
    assert "新读 4，跳过 0，失败 2" in summary(result)
    lines = error_lines(result)
    assert result.stderr.rstrip("\n").splitlines()[-2:] == lines  # at the very end
    for line, (source, zh) in zip(lines, bad.items(), strict=True):  # in path order
        assert ERROR_LINE.match(line) and source in line and zh in line, line
    assert plans_under(out) == set(GOOD.values())
    assert {r["source"] for r in table_rows(out)} == set(GOOD)


# ---------------------------------------------------------------- the indicator table
def test_the_table_in_parquet_and_csv(invoke: Invoke, reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("batch", str(reports), "--out", str(out), "--jobs", "2").exit_code == 0
    rows = table_rows(out)
    plans = {s: json.loads((out / "plans" / p).read_text("utf-8")) for s, p in GOOD.items()}
    assert len(rows) == sum(len(p["indicators"]) for p in plans.values())
    assert [r["source"] for r in rows] == sorted(r["source"] for r in rows)  # in path order

    raw = (out / "indicators.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    with (out / "indicators.csv").open(encoding="utf-8-sig", newline="") as handle:
        csv_rows = list(csv.DictReader(handle))
    assert tuple(csv_rows[0]) == COLUMN_NAMES and len(csv_rows) == len(rows)
    assert csv_rows[0]["quote"] == rows[0]["quote"]

    one = next(r for r in rows if r["source"] == "示例市/2023.md")
    first = plans["示例市/2023.md"]["indicators"][0]
    assert {k: one[k] for k in ("name", "kind", "period", "quote")} == {
        k: first[k] for k in ("name", "kind", "period", "quote")
    }


@pytest.mark.parametrize(
    ("source", "region", "region_from", "report_year", "year_from", "plan_year"),
    [
        ("示例县/2022.txt", "示例县", "document", 2022, "document", 2023),  # delivered 2022-12-16
        ("示例市/2023.md", "示例市", "document", 2023, "document", 2023),
        ("青山县/2022.txt", "青山县", "document", 2022, "document", 2022),
        ("河谷县/2022.md", "河谷县", "layout", 2022, "layout", 2022),  # the text names neither
    ],
)
def test_region_and_year_from_the_document_else_the_layout(
    invoke: Invoke,
    reports: Path,
    tmp_path: Path,
    source: str,
    region: str,
    region_from: str,
    report_year: int,
    year_from: str,
    plan_year: int,
) -> None:
    out = tmp_path / "out"
    assert invoke("batch", str(reports), "--out", str(out)).exit_code == 0
    rows = [r for r in table_rows(out) if r["source"] == source]
    assert rows
    got = {(r["region"], r["region_from"], r["report_year"], r["year_from"], r["plan_year"]) for r in rows}
    assert got == {(region, region_from, report_year, year_from, plan_year)}


# ---------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    ("args", "zh"),
    [
        (["没有这个文件夹"], "找不到路径"),
        (["{empty}"], "没有找到报告文件"),
        (["{reports}", "--jobs", "0"], "--jobs 须为正整数"),
        (["{reports}", "--out", "{file}"], "--out 须是文件夹"),
    ],
    ids=["no-such-path", "no-reports", "jobs-0", "out-is-a-file"],
)
def test_bad_arguments_are_one_line_and_exit_2(
    invoke: Invoke, reports: Path, tmp_path: Path, args: list[str], zh: str
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file").write_text("x", "utf-8")
    names = {"empty": str(tmp_path / "empty"), "reports": str(reports), "file": str(tmp_path / "a-file")}
    argv = [a.format(**names) for a in args]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    result = invoke("batch", *argv)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert ERROR_LINE.match(line) and zh in line, line
    assert not (tmp_path / "out").exists()


def test_without_out_it_is_a_usage_error(invoke: Invoke, reports: Path) -> None:
    result = invoke("batch", str(reports))
    assert result.exit_code == 2
    usage, error = result.stderr.splitlines()
    assert usage.startswith("用法 / Usage: ") and "--out" in error


# ---------------------------------------------------------------- the provincial corpus
def test_the_815_provincial_reports(provinces: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bihuan.cli",
            "batch",
            str(provinces),
            "--out",
            str(out),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=900,  # a hang guard only: about 10 s on two cores
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "815 reports: 815 read, 0 skipped, 0 failed" in done.stdout
    assert len(plans_under(out)) == 815
    import pyarrow.parquet as pq

    assert pq.read_metadata(out / "indicators.parquet").num_rows > 0


def test_ctrl_c_keeps_the_plans_written_and_says_how_to_go_on(
    invoke: Invoke, reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bihuan.export import batch

    real = batch._plan_of
    calls: list[str] = []

    def interrupted_on_the_third(report: batch.Report) -> Any:
        calls.append(report.source)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(report)

    monkeypatch.setattr(batch, "_plan_of", interrupted_on_the_third)
    out = tmp_path / "out"
    result = invoke("batch", str(reports), "--out", str(out), "--jobs", "1")
    assert result.exit_code == 130
    assert (
        result.stderr.splitlines()[-1].startswith("已中断：")
        and "run the same command again" in result.stderr
    )
    assert len(plans_under(out)) == 2 and not list(out.rglob("*.tmp"))
    monkeypatch.setattr(batch, "_plan_of", real)
    again = invoke("batch", str(reports), "--out", str(out))
    assert "新读 2，跳过 2" in summary(again)


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are not UTF-8 need Linux")
def test_a_folder_named_in_gbk(invoke: Invoke, tmp_path: Path) -> None:
    folder = os.path.join(os.fsencode(tmp_path / "reports"), "河谷县".encode("gbk"))
    os.makedirs(folder)
    with open(os.path.join(folder, b"2022.md"), "w", encoding="utf-8") as handle:
        handle.write(BARE_REPORT)
    out = tmp_path / "out"
    result = invoke("batch", str(tmp_path / "reports"), "--out", str(out))
    assert result.exit_code == 0, result.output
    (row, *_) = table_rows(out)
    assert row["source"].endswith("/2022.md") and "\ufffd" in row["source"]
    assert row["region_from"] == "layout" and row["report_year"] == 2022
