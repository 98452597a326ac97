"""`bihuan assess`: the units of a plan scored and ranked by the 考核 rules, every point explained
by the event that earned it; `--json` for scripts, `--xlsx` for the 考核表."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bihuan.cli.ledger_common import (
    DbOption,
    PlanOption,
    existing_file,
    handled,
    parse_date,
    pick_plan,
    session_for,
)
from bihuan.cli.tables import Col, console, escape, new_table, print_json, show

if TYPE_CHECKING:
    from bihuan.track.assess import Assessment

HELP = "按考核规则给计划的各牵头单位打分排名：每一分都列出得分或扣分的事件（规则、任务、日期、说明）。"
EPILOG = (
    "示例：\n· bihuan assess\n· bihuan assess --on 2023-12-31 --xlsx 考核表.xlsx\n"
    "· bihuan assess --rules 本县考核规则.toml --json > 考核.json\n· bihuan assess --unit 发改局（只列这个单位的明细）\n"
    '规则文件的格式见自带的 assess.toml（python -c "import bihuan.track, pathlib; '
    "print(pathlib.Path(bihuan.track.__file__).parent / 'data/assess.toml')\"）。"
)


def assess(
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help="考核截至哪一天，默认今天。")] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", metavar="FILE", help="考核规则文件（TOML）；不写时用自带规则。")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="明细只列这个单位（排名仍列全部单位）。")] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="以 JSON 输出到标准输出：[{unit, score, rank, rules_sha256, events}]。"),
    ] = False,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", metavar="FILE", help="另写考核表（.xlsx：排名、明细、规则三张表）。"),
    ] = None,
    plan: PlanOption = None,
    db: DbOption = None,
) -> None:
    from bihuan.track.assess import assess as run_assessment
    from bihuan.track.assess_rules import AssessRules
    from bihuan.track.status import Settings

    day = parse_date(on, "--on") or dt.date.today()
    with handled():
        loaded = AssessRules.load(existing_file(rules) if rules else None)
        settings = Settings.load()
    with session_for(db) as session:
        pid = pick_plan(session, plan)
        result = run_assessment(session, pid, day, loaded, settings)
        shown = _unit_name(session, unit) if unit else None
    if xlsx is not None:
        from bihuan.export.assess_xlsx import write_assessment

        with handled():
            write_assessment(result, xlsx)
    if as_json:
        print_json(assessment_json(result))
        return
    _print(result, shown)
    if xlsx is not None:
        typer.echo(f"已写考核表：{xlsx}")


def _unit_name(session: Any, text: str) -> str:
    from bihuan.track.directory import directory, find_unit

    with handled():
        return find_unit(directory(session), text).name


def assessment_json(a: Assessment) -> list[dict[str, Any]]:
    """The interface of `bihuan assess --json`: a list of {unit, score, rank, events: [...]}."""
    return [
        {
            "unit": u.unit,
            "score": u.score,
            "rank": u.rank,
            "rules_sha256": a.rules_sha256,
            "events": [
                {
                    "rule": e.rule,
                    "points": e.points,
                    "task": e.task_number,
                    "date": e.day.isoformat() if e.day else None,
                    "reason": e.reason,
                }
                for e in u.events
            ],
        }
        for u in a.units
    ]


def _print(a: Assessment, only: str | None) -> None:
    from bihuan.track.assess_rules import rule_zh

    out = console()
    out.print(
        f"[bold]{escape(a.region)}{a.plan_year}年 考核排名[/bold]（截至 {a.on.isoformat()}，基础分 {a.rules.base:g}；"
        f"规则：{escape(a.rules.source)}，sha256 {a.rules_sha256[:12]}…）"
    )
    if not a.units:
        out.print("这个计划还没有分配牵头单位，无可考核的单位（先 bihuan assign confirm）。")
        return
    ranking = new_table(
        "考核排名",
        (Col("名次", justify="right"), "单位", Col("得分", justify="right"), Col("事件数", justify="right")),
    )
    for u in a.units:
        ranking.add_row(str(u.rank), escape(u.unit), f"{u.score:g}", str(len(u.events)))
    show(ranking, out)
    for u in a.units:
        if only is not None and u.unit != only:
            continue
        table = new_table(
            f"{u.unit}：{u.score:g} 分（第 {u.rank} 名）",
            (Col("规则"), Col("分值", justify="right"), Col("任务"), Col("日期"), Col("说明", 3)),
        )
        for e in u.events:
            table.add_row(escape(rule_zh(e.rule)), f"{e.points:+g}", str(e.task_number or ""),
                          e.day.isoformat() if e.day else "", escape(e.reason))  # fmt: skip
        show(table, out)
