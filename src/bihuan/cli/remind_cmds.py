"""`bihuan remind run`: evaluate the reminder rules, queue the messages, send what is due.

Heavy libraries (SQLAlchemy, the senders) are imported inside the command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from bihuan.cli.errors import BihuanSubGroup
from bihuan.cli.ledger_common import DbOption, existing_file, handled, parse_date, session_for
from bihuan.cli.tables import Col, console, escape, new_table, print_json, show

EPILOG = (
    "示例：\n· bihuan remind run --db 督查.db\n· bihuan remind run --on 2023-07-10 --dry-run\n"
    "· BIHUAN_SMTP_URL=smtp://127.0.0.1:2525 bihuan remind run --json\n"
    "· cron：30 7 * * * bihuan remind run --db /srv/bihuan/督查.db"
)
RUN_HELP = (
    "按提醒规则检查某一天（默认今天）：报送临期、逾期未报自动催办、完成时限临期、督办件答复临期和逾期未答复、"
    "交办逾期未签收、连续红灯拟督办；把新提醒写入待办和发送队列，再发送到期的邮件、钉钉、企业微信消息。"
    "同一天再运行不会重复提醒，可放进 cron。邮件须设置 BIHUAN_SMTP_URL（及 BIHUAN_MAIL_FROM）；"
    "消息中的链接以 BIHUAN_BASE_URL 开头。"
)

remind_app = typer.Typer(
    cls=BihuanSubGroup,
    name="remind",
    help="提醒：按规则生成提醒、催办、督办草稿，并发送邮件和群机器人消息。",
    epilog=EPILOG,
    add_completion=False,
)


def run(
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="按哪一天检查规则，默认今天。")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出会生成的提醒，不写入、不发送。")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出到标准输出（供脚本使用）。")] = False,
    rules_file: Annotated[
        Path | None,
        typer.Option("--rules", metavar="FILE", help="提醒规则文件（TOML）；不写时用自带的规则。"),
    ] = None,
    db: DbOption = None,
) -> None:
    from bihuan.notify.config import NotifyConfig
    from bihuan.notify.deliver import deliver
    from bihuan.track import remind
    from bihuan.track.reminder_rules import Rules

    day = parse_date(on, "--on") or dt.date.today()
    with handled():
        rules = Rules.load(existing_file(rules_file) if rules_file else None)
        config = NotifyConfig.from_env()
    with session_for(db) as session:
        if dry_run:
            planned = remind.evaluate(session, day, rules)
            queued: list[Any] = [(p, None) for p in planned]
            attempts = []
            waiting = 0
        else:
            done = remind.run(session, day, rules)
            queued = [(q.planned, q) for q in done.reminders]
            attempts = deliver(session, rules, config)
            waiting = 0 if config.email_on else _email_waiting(session)
    if as_json:
        print_json(
            {
                "on": day.isoformat(),
                "dry_run": dry_run,
                "email": "on" if config.email_on else "off",
                "email_waiting": waiting,
                "queued": [
                    {"rule": p.rule, "rule_zh": p.rule_zh, "to": p.to, "plan": p.document_id, "task": p.task_key,
                     "subject": p.subject, "body": p.body, "link": p.link, "why": p.why,
                     "notice": None if p.notice is None else {"kind": p.notice.kind, "grade": p.notice.grade,
                                                              "draft": p.notice.draft,
                                                              "answer_by": p.notice.answer_by.isoformat()},
                     "notice_id": q.notice_id if q else None, "reminder_id": q.reminder_id if q else None,
                     "channels": [{"channel": c, "recipient": r} for c, r in (q.channels if q else ())]}
                    for p, q in queued
                ],
                "sent": [
                    {"id": a.id, "channel": a.channel, "recipient": a.recipient, "subject": a.subject,
                     "ok": a.ok, "error": a.error}
                    for a in attempts
                ],
            }
        )  # fmt: skip
        return
    _print(day, dry_run, queued, attempts, config.email_on, waiting)


def _email_waiting(session: Any) -> int:
    from bihuan.track.outbox import overview

    return overview(session, limit=0).queued.get("email", 0)


def _print(
    day: dt.date, dry_run: bool, queued: list[Any], attempts: list[Any], email_on: bool, waiting: int
) -> None:
    out = console()
    verb = "将生成" if dry_run else "新生成"
    notices = sum(1 for p, _ in queued if p.notice is not None)
    out.print(f"[bold]{day.isoformat()}[/bold]：{verb} {len(queued)} 条提醒（其中催办/督办件 {notices} 件）")
    if queued:
        table = new_table("提醒", (Col("规则"), Col("发给"), Col("事由", 2), Col("渠道")))
        whys: dict[str, str] = {}
        for p, q in queued:
            chans = "、".join(sorted({c for c, _ in q.channels})) if q else "—"
            table.add_row(escape(p.rule_zh), escape(p.to), escape(p.subject), escape(chans or "仅待办"))
            whys.setdefault(p.rule_zh, p.why)
        show(table, out)
        for name, why in whys.items():  # every rule that fired, in words
            out.print(f"· {escape(name)}：{escape(why)}")
    if dry_run:
        out.print("（--dry-run：未写入，未发送）")
        return
    ok = sum(1 for a in attempts if a.ok)
    out.print(f"发送 {len(attempts)} 条：成功 {ok}，失败 {len(attempts) - ok}")
    if attempts:
        table = new_table("发送", (Col("编号"), Col("渠道"), Col("收件"), Col("事由", 2), Col("结果", 2)))
        for a in attempts:
            table.add_row(
                str(a.id),
                a.channel,
                escape(a.recipient),
                escape(a.subject),
                "成功" if a.ok else escape(f"失败：{a.error}"),
            )
        show(table, out)
    if not email_on:
        out.print(f"[yellow]邮件未配置（BIHUAN_SMTP_URL）：{waiting} 封邮件留在队列中，配置后发送。[/yellow]")
