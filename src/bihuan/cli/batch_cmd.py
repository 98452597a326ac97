"""`bihuan batch PATH... --out DIR`: read many reports into plan files and one indicator table."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bihuan.cli.errors import CliError, error_line, unexpected

if TYPE_CHECKING:
    from bihuan.export.batch import BatchResult, Report

PLAIN_FROM = 50  # without a terminal, a run of this many reports says how far it got

# The engine, Rich and pyarrow are imported when the command runs (pyarrow only once the worker
# processes are done), so that `bihuan` starts fast and the workers fork small.

HELP = """批量读取政府工作报告：每份报告写出一个计划文件（JSON），全部指标汇成一张表。

PATH 可以是文件夹（读取其中所有 .txt .md .docx .pdf .html 文件，含子文件夹）或单个文件。
计划写到 DIR/plans/<相对路径>.json，例如给出 provinces 时，provinces/河北省/2011.md 的计划是
DIR/plans/河北省/2011.json；指标表写到 DIR/indicators.parquet 和 DIR/indicators.csv。

再次运行时，计划已是最新（同一版本、报告文件未改动）的报告直接跳过，加 --force 则全部重读。
某个文件读取失败不影响其他文件；结束时逐行列出失败的文件，退出状态为 2。"""

EPILOG = """示例：
· 读取整个文件夹（按 <地区>/<年份>.md 存放）：bihuan batch provinces --out 结果
· 只用两个进程：bihuan batch provinces --out 结果 --jobs 2
· 全部重读：bihuan batch provinces 补充/2024.docx --out 结果 --force"""


def batch(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...", help="报告文件，或存放报告的文件夹（可写多个）。", show_default=False
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="DIR", help="结果文件夹：plans/ 下的计划文件和指标表。", show_default=False
        ),
    ],
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", metavar="N", help="并行进程数；默认为 CPU 核数。", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="重新读取所有报告，即使计划已是最新。")] = False,
) -> None:
    import time

    started = time.perf_counter()
    n_jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if n_jobs < 1:
        raise CliError(
            f"--jobs 须为正整数，收到 {n_jobs}", f"--jobs must be a positive integer, got {n_jobs}"
        )
    if out.exists() and not out.is_dir():
        raise CliError(f"--out 须是文件夹，而 {out} 是文件", f"--out must be a directory; {out} is a file")

    from bihuan.export import ExportError
    from bihuan.export.batch import find_reports

    try:
        reports, early_failures = find_reports(paths, out)
        out.mkdir(parents=True, exist_ok=True)
    except ExportError as e:
        raise CliError(e.zh, e.en) from e
    except OSError as e:
        raise CliError(
            f"无法创建结果文件夹 {out}（{e.strerror}）",
            f"cannot create the output folder {out} ({e.strerror})",
        ) from e
    try:
        result = _run(reports, n_jobs, force)
        result.failures[:0] = early_failures
        from bihuan.export.batch import write_tables

        tables = write_tables(result, out)
    except KeyboardInterrupt:
        typer.echo(
            "已中断：写好的计划都已保存，再次运行同一命令即从中断处继续 / "
            "Interrupted: the plans written so far are kept; run the same command again to go on",
            err=True,
        )
        raise typer.Exit(130) from None
    except CliError:
        raise
    except ExportError as e:
        raise CliError(e.zh, e.en) from e
    except OSError as e:
        raise CliError(
            f"无法写入 {e.filename}（{e.strerror}）", f"cannot write {e.filename} ({e.strerror})"
        ) from e
    except Exception as e:
        raise unexpected(e) from e
    result.seconds = time.perf_counter() - started
    _summary(result, out, tables)
    for f in result.failures:
        typer.echo(error_line(f.zh, f.en), err=True)
    if result.failures:
        raise typer.Exit(2)


def _run(reports: list[Report], jobs: int, force: bool) -> BatchResult:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    from bihuan.export.batch import Outcome, run_batch

    console = Console(stderr=True)
    total = len(reports)
    plain = not console.is_terminal
    progress = Progress(
        TextColumn("读取报告 / reading"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("剩余 / ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[failed]}"),
        console=console,
        refresh_per_second=4,
        transient=True,
        disable=plain,
    )
    task = progress.add_task("batch", total=total, failed="")
    counts = {"seen": 0, "failed": 0}

    def on_outcome(report: Report, outcome: Outcome) -> None:
        seen = counts["seen"] = counts["seen"] + 1
        if outcome.status == "failed":
            counts["failed"] += 1
        if plain:  # a log file, not a terminal: one line per tenth done of a long run
            if total >= PLAIN_FROM and seen * 10 // total != (seen - 1) * 10 // total:
                typer.echo(f"已处理 / processed {seen}/{total}（{seen * 100 // total}%）", err=True)
            return
        if seen == 1:
            # Started here, not before run_batch: the worker processes fork before Rich's
            # refresh thread exists.
            progress.start()
        failed = counts["failed"]
        progress.update(task, advance=1, failed=f"失败 / failed {failed}" if failed else "")

    try:
        return run_batch(reports, jobs, force, on_outcome)
    finally:
        progress.stop()


def _summary(result: BatchResult, out: Path, tables: tuple[Path, Path]) -> None:
    rate = result.total / result.seconds if result.seconds > 0 else 0.0
    hint_zh = "（计划已是最新；加 --force 可全部重读）" if result.skipped else ""
    hint_en = " (plans up to date; --force reads them again)" if result.skipped else ""
    typer.echo(
        f"共 {result.total} 份：新读 {result.done}，跳过 {result.skipped}{hint_zh}，失败 {len(result.failures)}；"
        f"用时 {result.seconds:.1f} 秒，每秒 {rate:.1f} 份 / "
        f"{result.total} reports: {result.done} read, {result.skipped} skipped{hint_en}, "
        f"{len(result.failures)} failed in {result.seconds:.1f} s ({rate:.1f} reports/s)"
    )
    parquet, csv_path = tables
    typer.echo(
        f"计划 / plans: {out / 'plans'}；指标表 / indicator table（{result.table.rows:,} 行 / rows）: "
        f"{parquet}, {csv_path}"
    )
    typer.echo(
        f"兑现表 / attainment table（{result.attainment_rows:,} 行 / rows）: "
        f"{out / 'attainment.parquet'}, {out / 'attainment.csv'}"
    )
