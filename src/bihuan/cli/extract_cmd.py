"""`bihuan extract FILE`: read a report, extract its plan, show it, and optionally save it."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bihuan.cli.errors import CliError, unexpected

if TYPE_CHECKING:
    from bihuan.extract import Plan

# The engine, the readers and Rich are imported when the command runs, so that the `bihuan`
# command starts fast; openpyxl only with --xlsx.
MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB  # bihuan.ingest.DEFAULT_MAX_BYTES (a test keeps the two equal)

HELP = """读取一份政府工作报告，列出其中的指标与任务。

默认在终端显示：上年主要指标完成情况、今后五年/中长期目标、当年主要预期目标、各工作领域的任务数，以及未通过的核查。

支持 .txt .docx .pdf .html 文件；FILE 写作 - 时从标准输入读取。"""

EPILOG = """示例：
· 在终端查看主要指标和任务：bihuan extract 报告.txt
· 保存完整结果（JSON）：bihuan extract 报告.pdf --json > plan.json
· 另存为 Excel：bihuan extract 报告.docx --xlsx 任务分解.xlsx
· 从标准输入读取：cat 报告.txt | bihuan extract -"""


def extract(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="报告文件（.txt .docx .pdf .html）；写 - 表示从标准输入读取。",
            show_default=False,
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="把完整结果按 bihuan.plan/1 JSON 输出到标准输出（不显示表格）。")
    ] = False,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx", metavar="OUT.xlsx", help="另存为 Excel 工作簿：“指标”“任务”两张表，每个数字旁附原文。"
        ),
    ] = None,
    max_mb: Annotated[
        float, typer.Option("--max-mb", metavar="N", help="文件大小上限，单位 MB；超过即拒绝读取。")
    ] = DEFAULT_MAX_BYTES / MB,
) -> None:
    if not math.isfinite(max_mb) or max_mb <= 0:
        raise CliError(
            f"--max-mb 须为正数，收到 {max_mb:g}", f"--max-mb must be a positive number, got {max_mb:g}"
        )
    import json

    from rich.console import Console

    from bihuan.cli import render
    from bihuan.export import ExportError
    from bihuan.ingest import ReadError

    try:
        plan = _extract(file, max(1, int(max_mb * MB)))
        if xlsx is not None:
            from bihuan.export.xlsx import write_xlsx

            written = write_xlsx(plan, xlsx)
            typer.echo(f"已写入 Excel 工作簿 / Workbook written: {written}", err=True)
        if as_json:
            typer.echo(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2))
        else:
            render.show_plan(plan, Console())
    except (ReadError, ExportError) as e:
        raise CliError(e.zh, e.en) from e
    except Exception as e:
        raise unexpected(e) from e


def _extract(file: str, max_bytes: int) -> Plan:
    from bihuan.extract import extract_text
    from bihuan.ingest import read_path

    source = read_path(file, max_bytes)
    return extract_text(source.text, source.source_format)
