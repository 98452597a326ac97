"""`bihuan plan publish`: the 交办 from the command line (the web's 交办 button does the same)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from bihuan.cli.ledger_common import (
    DbOption,
    PlanOption,
    UserOption,
    parse_date,
    pick_plan,
    session_for,
    user_name,
)

PUBLISH_EPILOG = (
    "示例：\n· bihuan plan publish\n· bihuan plan publish --plan 2 --on 2023-01-16\n"
    "· bihuan plan publish --json"
)


def plan_publish(
    plan: PlanOption = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="交办日期（如 2023-01-16）；不写时为今天。")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出到标准输出（供脚本使用）。")] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """交办：把任务分解表中已分配的任务交给各牵头单位，并按设置的工作日数给出签收期限。
    已交办给当前牵头单位的任务不再重复交办，可放心重复运行；尚未分配牵头单位的任务不交办。"""
    from bihuan.track.handover import SuperviseSettings, add_working_days, publish

    day = parse_date(on, "--on") or dt.date.today()
    with session_for(db) as session:
        settings = SuperviseSettings.load()
        pid = pick_plan(session, plan)
        got = publish(session, pid, day, user_name(user), settings)
    sign_by = add_working_days(day, settings.sign_working_days)
    if as_json:
        import json

        typer.echo(json.dumps({"plan": pid, "on": day.isoformat(), "handed_over": got.handed_over,
                               "already": got.already, "unassigned": got.unassigned,
                               "sign_by": sign_by.isoformat()}, ensure_ascii=False))  # fmt: skip
        return
    typer.echo(
        f"计划 {pid}：本次交办 {got.handed_over} 项任务（{day.isoformat()} 交办，{sign_by.isoformat()} 前签收）"
    )
    typer.echo(f"此前已交办 {got.already} 项；尚未分配牵头单位 {got.unassigned} 项")
    if got.unassigned:
        typer.echo("未分配的任务不交办：先用 bihuan assign confirm 或 bihuan assign set 分配，再运行本命令")
