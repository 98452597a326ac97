"""`bihuan attain OLD NEW`: next year's report against this year's targets (兑现)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bihuan.cli.errors import CliError
from bihuan.cli.ledger_common import DbOption

if TYPE_CHECKING:
    from bihuan.extract import Plan

HELP = """兑现：用下一年的政府工作报告核对上一年的目标是否完成。

OLD 是设定目标的报告（如 2022 年报告），NEW 是下一年的报告（回顾 2022 年完成情况）；两者都可以是报告文件，也可以是数据库中的计划编号（见 bihuan plan list）。每个目标先按规范指标、再按名称找到实际数，判为完成、未完成或未提及（“左右”的容差见设置文件 attain.toml）。"""

EPILOG = """示例：
· 两份报告文件：bihuan attain 2022年报告.txt 2023年报告.docx
· 数据库中的两个计划：bihuan attain 3 7 --db bihuan.db
· 输出 JSON：bihuan attain 3 7 --json > 兑现.json
· 另存为 Excel：bihuan attain 2022.txt 2023.txt --xlsx 兑现.xlsx
· 自定“左右”的容差：bihuan attain 2022.txt 2023.txt --settings 我的attain.toml"""


def attain(
    old: Annotated[
        str, typer.Argument(metavar="OLD", help="设定目标的报告文件，或计划编号。", show_default=False)
    ],
    new: Annotated[
        str, typer.Argument(metavar="NEW", help="下一年的报告文件，或计划编号。", show_default=False)
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json", help="输出 JSON 列表（每个目标：measure、name、target、actual、status）。"),
    ] = False,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", metavar="OUT.xlsx", help="另存为 Excel 工作簿（“兑现”表，附两句原文）。"),
    ] = None,
    settings: Annotated[
        Path | None,
        typer.Option(
            "--settings", metavar="FILE", help="兑现判定设置文件（TOML，格式同自带的 attain.toml）。"
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    import json

    from bihuan.cli.ledger_common import handled

    with handled():
        from bihuan.track.attain import attain as match
        from bihuan.track.attain import review_year
        from bihuan.track.attain_settings import load_settings
        from bihuan.track.attain_views import attainment_dict

        rules = load_settings(settings)
        old_plan, new_plan = _plans(old, new, db)
        old_year, new_year = review_year(old_plan), review_year(new_plan)
        if new_year <= old_year:
            raise CliError(
                f"OLD 须早于 NEW：OLD 为 {old_year} 年，NEW 为 {new_year} 年",
                f"OLD must be earlier than NEW: OLD is {old_year}, NEW is {new_year}",
            )
        _warn(old_plan, new_plan, old_year, new_year)
        rows = match(old_plan, new_plan, rules)
        if xlsx is not None:
            from bihuan.export.attainment_xlsx import write_attainment_xlsx

            written = write_attainment_xlsx(rows, xlsx)
            typer.echo(f"已写入 Excel 工作簿 / Workbook written: {written}", err=True)
        if as_json:
            typer.echo(json.dumps([attainment_dict(r) for r in rows], ensure_ascii=False, indent=2))
        else:
            from rich.console import Console

            from bihuan.cli.attain_render import show_attainment

            show_attainment(rows, old_year, Console())


def _warn(old: Plan, new: Plan, old_year: int, new_year: int) -> None:
    a, b = old.document.region, new.document.region
    if a and b and a != b:
        _warning(f"两份报告的地区不同（{a}、{b}）", f"the reports' regions differ ({a}, {b})")
    if new_year != old_year + 1:
        _warning(
            f"NEW 是 {new_year} 年的报告，通常回顾的是 {new_year - 1} 年而非 {old_year} 年",
            f"NEW is the {new_year} report, which usually reviews {new_year - 1}, not {old_year}",
        )


def _warning(zh: str, en: str) -> None:
    typer.echo(f"警告：{zh} / Warning: {en}", err=True)


def _plans(old: str, new: str, db: str | None) -> tuple[Plan, Plan]:
    """Each argument: an existing file is read and extracted; digits are a plan id in the ledger."""
    from bihuan.cli.extract_cmd import DEFAULT_MAX_BYTES, _extract

    found: dict[str, Plan] = {}
    ids = []
    for arg in (old, new):
        if Path(arg).is_file():
            found[arg] = _extract(arg, DEFAULT_MAX_BYTES)
        elif arg.strip().isdigit():
            ids.append(arg)
        else:
            raise CliError(f"找不到文件，也不是计划编号：{arg}", f"no such file, nor a plan id: {arg}")
    if ids:
        from bihuan.cli.ledger_common import session_for
        from bihuan.track.attain_ledger import stored_plan

        with session_for(db) as session:
            for arg in ids:
                stored = stored_plan(session, int(arg))
                if stored is None:
                    raise CliError(
                        f"没有编号为 {arg} 的计划（见 bihuan plan list）", f"no plan with id {arg}"
                    )
                found[arg] = stored.plan
    return found[old], found[new]
