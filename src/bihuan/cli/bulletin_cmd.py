"""`bihuan bulletin`: the 督查通报 of a plan on a date as Word (and PDF), a draft or issued."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

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

HELP = (
    "写督查通报：按某一天的台账，生成 Word（.docx，可加 PDF）：文号、标题、总体情况、分领域情况、"
    "红黄灯任务表、未报送单位、表扬、督办情况和图表。不加 --issue 只写草稿文件；加 --issue 则按年度顺序编号"
    "印发并存档（印发后不能修改，只能用 --supersedes 另发一份替代）。"
)
EPILOG = (
    "示例：\n· bihuan bulletin --out 通报.docx\n"
    "· bihuan bulletin --on 2023-07-10 --period 2023-06 --out 通报.docx --pdf 通报.pdf\n"
    "· bihuan bulletin --on 2023-07-10 --out 通报.docx --pdf 通报.pdf --issue --by 张三\n"
    "· bihuan bulletin --out 通报.docx --issue --by 张三 --supersedes 1（替代已印发的第 1 份）\n"
    "· bihuan bulletin --list（已印发的通报）\n"
    "· bihuan bulletin --get 1 --out 通报.docx --pdf 通报.pdf（取回已印发的存档文件）"
)


def bulletin(
    out: Annotated[Path | None, typer.Option("--out", metavar="FILE", help="Word 文件（.docx）。")] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", metavar="FILE", help="同时写 PDF 文件（.pdf）。")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help="按哪一天的台账，默认今天。")] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", metavar="YYYY-MM", help="通报哪一期的进度；默认为到这一天已过报送期限的最近一期。"
        ),
    ] = None,
    issue: Annotated[
        bool, typer.Option("--issue", help="印发：取下一个文号，存档文件及其 SHA-256。")
    ] = False,
    by: Annotated[str | None, typer.Option("--by", metavar="NAME", help="印发人（--issue 时必填）。")] = None,
    supersedes: Annotated[
        int | None, typer.Option("--supersedes", metavar="ID", help="替代已印发的这一份通报（见 --list）。")
    ] = None,
    settings: Annotated[
        Path | None,
        typer.Option("--settings", metavar="FILE", help="通报设置文件（TOML：发文机关、文号格式等）。"),
    ] = None,
    list_issued: Annotated[bool, typer.Option("--list", help="列出已印发的通报，不写文件。")] = False,
    get: Annotated[
        int | None,
        typer.Option("--get", metavar="ID", help="取回已印发的这一份通报的存档文件（写到 --out、--pdf）。"),
    ] = None,
    plan: PlanOption = None,
    db: DbOption = None,
) -> None:
    from bihuan.cli.errors import CliError

    if list_issued:
        _list(plan, db)
        return
    if out is None:
        raise CliError("请用 --out 给出 Word 文件名（.docx）", "give the Word file with --out FILE.docx")
    if get is not None:
        _get(get, out, pdf, db)
        return
    if issue and not (by or "").strip():
        raise CliError("印发须写明印发人：--by 姓名", "--issue needs --by NAME")
    if supersedes is not None and not issue:
        raise CliError("--supersedes 须与 --issue 一起用", "--supersedes needs --issue")
    day = parse_date(on, "--on") or dt.date.today()
    with handled():
        from bihuan.export.bulletin_files import check_target, render, save
        from bihuan.track.bulletin_settings import BulletinSettings
        from bihuan.track.status import Settings

        targets = [check_target(out, ".docx")] + ([check_target(pdf, ".pdf")] if pdf else [])
        if pdf is not None and pdf.resolve() == out.resolve():
            raise CliError("--out 与 --pdf 不能是同一个文件", "--out and --pdf must differ")
        options = BulletinSettings.load(existing_file(settings) if settings else None)
        limits = Settings.load()
    with session_for(db) as session:
        from bihuan.track import bulletin_records as records
        from bihuan.track.bulletin import compose

        pid = pick_plan(session, plan)
        draft = compose(session, pid, day, period, records.next_sequence(session, day.year), options, limits)
        if issue:
            row = records.issue(
                session, draft, lambda b: render(b, pdf is not None), by or "", options, supersedes
            )
            files: tuple[bytes, bytes | None] = (row.docx, row.pdf)
            number, said = row.number, f"已印发并存档（编号 {row.id}，SHA-256 {row.docx_sha256[:12]}…）"
        else:
            files = render(draft, pdf is not None)
            number, said = draft.number, "草稿，未印发（加 --issue --by 姓名 印发）"
    with handled():
        for target, data in zip(targets, files, strict=False):
            if data is not None:
                save(target, data)
    typer.echo(f"{number} {draft.title}（{draft.period_zh}）：{said}")
    c = draft.counts
    typer.echo(
        f"{c.tasks} 项任务：已完成 {c.completed}，正常推进 {c.on_track}，滞后 {c.behind}，逾期 {c.overdue}；"
        f"{draft.period_zh}未按时报送 {c.missing_reports + c.late_reports} 项（至今未报送 {c.missing_reports} 项）"
    )
    typer.echo("已写入：" + "、".join(str(t) for t in targets))


def _get(record_id: int, out: Path, pdf: Path | None, db: str | None) -> None:
    """An issued bulletin's files, byte for byte as issued."""
    from bihuan.cli.errors import CliError

    with handled():
        from bihuan.export.bulletin_files import check_target, save

        targets = [check_target(out, ".docx")] + ([check_target(pdf, ".pdf")] if pdf else [])
    with session_for(db) as session:
        from bihuan.track.bulletin_records import record

        row = record(session, record_id)
        if pdf is not None and row.pdf is None:
            raise CliError(
                f"通报 {row.number} 印发时没有生成 PDF", f"bulletin {row.number} was issued without a PDF"
            )
        files, number, sha = (row.docx, row.pdf), row.number, row.docx_sha256
    with handled():
        for target, data in zip(targets, files, strict=False):
            if data is not None:
                save(target, data)
    typer.echo(f"{number}（SHA-256 {sha}）已写入：" + "、".join(str(t) for t in targets))


def _list(plan: int | None, db: str | None) -> None:
    from bihuan.track.bulletin_records import issued

    with session_for(db) as session:
        rows = issued(session, plan)
    if not rows:
        typer.echo("还没有印发的通报")
        return
    for r in rows:
        note = f"，替代 {r.supersedes}" if r.supersedes else ""
        note += f"，已被 {r.superseded_by} 替代" if r.superseded_by else ""
        typer.echo(
            f"[{r.id}] {r.number} {r.title}（{r.period}，{r.day.isoformat()}）"
            f" {r.issued_by} 于 {r.issued_at:%Y-%m-%d %H:%M} 印发{note}"
        )
