"""`bihuan plan publish`: the 交办 from the command line (the web's 交办 button does the same)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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


# A one-page PDF (the evidence the demo's 办结销号 request carries), written out by hand.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
DEMO_UNIT = ("住建局", "住房和城乡建设局")  # the demo user and the unit whose requests the demo shows


def demo_supervision(session: Session, document_id: int, today: dt.date) -> dict[str, int]:
    """What the demo shows of 签收 and requests: the 住建局 signs for its tasks but the last, asks
    to extend its second task and to close its third (with a PDF), both waiting for the office.
    Returns the task numbers used. Files go to the ledger's data directory."""
    from bihuan.ledger import queries
    from bihuan.track import supervise
    from bihuan.track.attachments import Upload
    from bihuan.track.users import Person

    unit = next(u for u in queries.units(session) if u.name == DEMO_UNIT[1])
    person = Person(0, DEMO_UNIT[0], "unit", unit.id, unit.name)
    rev = queries.latest_revision(session, document_id)
    assert rev is not None
    lead = queries.current_assignments(session, document_id)
    mine = [t for t in queries.tasks(session, rev.id) if (a := lead.get(t.key)) and a.lead_unit_id == unit.id]
    for t in mine[:-1]:
        supervise.sign(session, document_id, str(t.number), person)
    out = {"signed": len(mine) - 1}
    if len(mine) > 1:
        t = mine[1]
        now = supervise.current_deadline(session, document_id, t, lead.get(t.key))
        new = max(today, now or today) + dt.timedelta(days=92)
        supervise.request_extension(session, document_id, str(t.number), person, new,
                                    "受雨季影响，主体工程需顺延三个月", today)  # fmt: skip
        out["extension"] = t.number
    if len(mine) > 2:
        t = mine[2]
        supervise.request_close(session, document_id, str(t.number), person,
                                "已完成竣工验收，附验收报告", [Upload("竣工验收报告.pdf", DEMO_PDF)])  # fmt: skip
        out["close"] = t.number
    return out
