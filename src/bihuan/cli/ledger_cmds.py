"""The ledger's commands: plan, units, assign, progress, status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from bihuan.cli.errors import BihuanCommand, BihuanSubGroup, CliError
from bihuan.cli.ledger_common import (
    DbOption,
    PlanOption,
    UserOption,
    existing_file,
    handled,
    parse_date,
    pick_plan,
    session_for,
    user_name,
)
from bihuan.cli.tables import Col, console, escape, new_table, print_json, show

MB = 1024 * 1024
LIGHT_STYLE = {"red": "bold red", "yellow": "bold yellow", "green": "green"}


def _app(name: str, help_: str, epilog: str) -> typer.Typer:
    return typer.Typer(cls=BihuanSubGroup, name=name, help=help_, epilog=epilog, add_completion=False)


def _cmd(app: typer.Typer, name: str, epilog: str, **kw: Any) -> Any:
    return app.command(name, cls=BihuanCommand, epilog=epilog, **kw)


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------- plan
plan_app = _app(
    "plan",
    "计划：导入报告、查看计划、导出任务分解表。",
    "示例：\n· bihuan plan import 报告.docx\n· bihuan plan list\n· bihuan plan show\n· bihuan plan export 任务分解表.xlsx",
)


@_cmd(plan_app, "import", "示例：bihuan plan import 示例县2023年政府工作报告.txt --db 督查.db")
def plan_import(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="报告文件（.txt .docx .pdf .html）；- 为标准输入。")
    ],
    region: Annotated[str | None, typer.Option("--region", help="地区名称；报告中读不出时必须写。")] = None,
    year: Annotated[int | None, typer.Option("--year", help="计划年度；报告中读不出时必须写。")] = None,
    max_mb: Annotated[float, typer.Option("--max-mb", metavar="N", help="文件大小上限（MB）。")] = 20,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """把一份报告读成计划，连同章节、指标、任务一次性存入数据库。同一文件再次导入不会重复；
    同一地区同一年度的修订稿另存为新版本，旧版本保留。"""
    from bihuan.extract import extract_text
    from bihuan.ingest import read_path
    from bihuan.track.plans import import_plan

    if year is not None and not 1949 <= year <= 2100:
        raise CliError(f"--year 不合理：{year}", f"--year out of range: {year}")
    with handled():
        source = read_path(file, max(1, int(max_mb * MB)))
        plan = extract_text(source.text, source.source_format)
    with session_for(db) as session:
        r = import_plan(
            session,
            plan,
            text=source.text,
            source_name=source.name,
            user=user_name(user),
            region=region,
            year=year,
        )
    if r.created:
        typer.echo(
            f"已导入：计划 {r.document_id}（{r.region} {r.plan_year} 年）第 {r.revision} 版，任务 {r.tasks} 项，指标 {r.indicators} 个"
        )
    else:
        typer.echo(f"未改变：该文本已是计划 {r.document_id}（{r.region} {r.plan_year} 年）第 {r.revision} 版")


@_cmd(plan_app, "list", "示例：bihuan plan list --db 督查.db")
def plan_list(db: DbOption = None) -> None:
    """列出数据库中的计划及其版本数。"""
    from bihuan.ledger import queries

    with session_for(db) as session:
        table = new_table(
            "计划",
            (Col("编号"), "地区", Col("年度"), Col("版本"), "标题", Col("任务"), Col("指标"), "最近导入"),
        )
        for d in queries.documents(session):
            rev = queries.latest_revision(session, d.id)
            if rev is None:
                continue
            tasks, inds = queries.count_rows(session, rev.id)
            table.add_row(
                str(d.id),
                escape(d.region),
                str(d.plan_year),
                str(rev.number),
                escape(rev.title or ""),
                str(tasks),
                str(inds),
                f"{rev.created_at:%Y-%m-%d %H:%M} {escape(rev.created_by)}",
            )
        show(table)


@_cmd(plan_app, "current", "示例：\n· bihuan plan current\n· bihuan plan current --set 2（督查室改用计划 2）")
def plan_current(
    set_: Annotated[
        int | None, typer.Option("--set", metavar="ID", help="把这个计划设为当前计划（记录操作人）。")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """显示或设定当前计划：网页和各命令不指定计划时都用它。督查室设定后，再导入新报告也不会
    自动改变；从未设定时，只有一个计划就用它，否则用最近交办的计划，再否则用最近导入的。"""
    from bihuan.ledger import queries
    from bihuan.track.current import current, set_current_plan

    with session_for(db) as session:
        if set_ is not None:
            pick_plan(session, set_)
            changed = set_current_plan(session, set_, user_name(user))
        c = current(session)
        if c is None:
            raise CliError(
                "数据库中还没有计划，请先 bihuan plan import 报告文件",
                "no plan yet: run bihuan plan import FILE first",
            )
        d = queries.document(session, c.document_id)
        assert d is not None
        label = f"计划 {d.id}（{d.region} {d.plan_year} 年）"
    if set_ is not None:
        typer.echo(f"已设为当前计划：{label}" if changed else f"本来就是当前计划：{label}")
    else:
        how = f"由 {c.chosen_by} 设定" if c.how == "chosen" else c.how_zh
        typer.echo(f"当前计划：{label}（{how}）")


JsonOption = Annotated[
    bool, typer.Option("--json", help="以 JSON 输出到标准输出（供脚本使用，不显示表格）。")
]


@_cmd(plan_app, "show", "示例：\n· bihuan plan show --plan 1\n· bihuan plan show --json > 计划.json")
def plan_show(plan: PlanOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """显示一个计划：版本、各工作领域的任务及其牵头、配合单位和完成时限。"""
    from bihuan.ledger import queries
    from bihuan.track.views import plan_view

    with session_for(db) as session:
        pid = pick_plan(session, plan)
        view = plan_view(session, pid)
        revs = queries.revisions(session, pid)
    if as_json:
        print_json(
            {
                "plan": view.document_id,
                "region": view.region,
                "plan_year": view.plan_year,
                "revision": view.revision,
                "title": view.title,
                "revisions": [
                    {"number": r.number, "source": r.source_name, "created_at": r.created_at.isoformat(),
                     "created_by": r.created_by}
                    for r in revs
                ],
                "tasks": [
                    {"number": t.number, "key": t.key, "area": t.area, "text": t.text, "lead": t.lead,
                     "cooperating": list(t.cooperating), "leader": t.leader,
                     "deadline": t.deadline.isoformat() if t.deadline else None,
                     "quantities": [{"key": q.key, "name": q.name, "value": q.value, "unit": q.unit, "text": q.text}
                                    for q in t.quantities]}
                    for t in view.tasks
                ],
            }
        )  # fmt: skip
        return
    out = console()
    out.print(
        f"[bold]计划 {view.document_id}：{escape(view.region)} {view.plan_year} 年[/bold]（第 {view.revision} 版）"
    )
    for r in revs:
        out.print(
            f"  第 {r.number} 版：{escape(r.source_name)} · {r.created_at:%Y-%m-%d %H:%M} · {escape(r.created_by)}"
        )
    table = new_table(
        "任务",
        (Col("序号"), "工作领域", Col("重点任务", 2), "牵头单位", "配合单位", Col("完成时限"), "量化指标"),
    )
    for t in view.tasks:
        table.add_row(
            str(t.number),
            escape(_short(t.area, 16)),
            escape(_short(t.text, 48)),
            escape(t.lead) if t.lead else "[dim]未分配[/dim]",
            escape("、".join(t.cooperating)),
            t.deadline.isoformat() if t.deadline else "",
            escape(_short("；".join(q.text for q in t.quantities), 30)),
        )
    show(table, out)


@_cmd(plan_app, "export", "示例：bihuan plan export 任务分解表.xlsx --plan 1")
def plan_export(
    out: Annotated[Path, typer.Argument(metavar="OUT.xlsx", help="要写的 Excel 文件。")],
    plan: PlanOption = None,
    db: DbOption = None,
) -> None:
    """导出任务分解表（序号、重点任务、牵头单位、配合单位、责任领导、完成时限、量化指标），按工作领域分组。"""
    from bihuan.export.ledger_books import task_table
    from bihuan.export.xlsx import save_workbook
    from bihuan.track.views import plan_view

    with session_for(db) as session:
        view = plan_view(session, pick_plan(session, plan))
    with handled():
        written = save_workbook(lambda: task_table(view), out)
    typer.echo(f"已写入任务分解表：{written}（{len(view.tasks)} 项任务）")


# ---------------------------------------------------------------- units
units_app = _app(
    "units",
    "单位名录：加载、查看。",
    "示例：\n· bihuan units load（加载自带的县级单位名录）\n· bihuan units load 名录.yaml\n· bihuan units list",
)


@_cmd(
    units_app,
    "load",
    "示例：bihuan units load 本县单位.xlsx（列：单位名称、简称、别名、关键词，"
    "可选 邮箱、钉钉机器人、钉钉加签密钥、企业微信机器人）",
)
def units_load(
    file: Annotated[
        Path | None, typer.Argument(metavar="[FILE]", help="名录文件 .yaml/.yml/.xlsx；不写时加载自带名录。")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """加载单位名录。新单位加入，有变化的单位记一个新版本；名录中没有的旧单位保留。
    名录可带通讯方式（YAML 键 email、dingtalk_webhook、dingtalk_secret、wecom_webhook，
    Excel 列 邮箱、钉钉机器人、钉钉加签密钥、企业微信机器人）：没有这一列的保持原样，空格清除。"""
    from bihuan.track import directory

    with handled():
        if file is None:
            entries = directory.parse_yaml(directory.default_directory_text())
        elif file.suffix.lower() in (".yaml", ".yml"):
            try:
                text = existing_file(file).read_text("utf-8")
            except UnicodeDecodeError as e:
                raise CliError(f"名录文件不是 UTF-8 文本：{file}", f"not UTF-8 text: {file}") from e
            entries = directory.parse_yaml(text)
        elif file.suffix.lower() == ".xlsx":
            from bihuan.export.ledger_books import read_units_book

            entries = directory.entries_from_rows(read_units_book(file))
        else:
            raise CliError(
                f"名录须为 .yaml 或 .xlsx 文件：{file}", f"the directory must be .yaml or .xlsx: {file}"
            )
    with session_for(db) as session:
        r = directory.load_directory(session, entries, user_name(user))
    contacts = f"；{r.contacts} 个单位的通讯方式有更新" if r.contacts else ""
    typer.echo(f"单位名录：新增 {r.added}，更新 {r.changed}，未变 {r.unchanged}{contacts}")


@_cmd(units_app, "list", "示例：bihuan units list")
def units_list(db: DbOption = None, user: UserOption = None) -> None:
    """列出单位名录及其通讯方式（还没有名录时先加载自带名录）。钉钉加签密钥只显示是否已设置，
    机器人地址中的令牌只显示前几位。"""
    from bihuan.track.contacts import unit_lines
    from bihuan.track.directory import ensure_directory

    with session_for(db) as session:
        units = ensure_directory(session, user_name(user))
        contacts = {c.id: c for c in unit_lines(session)}
    table = new_table(
        f"单位名录（{len(units)} 个）",
        ("名称", "简称", "别名", "关键词", "邮箱", "钉钉机器人", "企业微信机器人"),
    )
    for u in units:
        c = contacts.get(u.id)
        ding = (
            (c.dingtalk_masked + (f"（加签：{c.dingtalk_secret_masked}）" if c.dingtalk_secret_set else ""))
            if c
            else ""
        )
        table.add_row(
            escape(u.name),
            escape(u.short or ""),
            escape("、".join(u.aliases)),
            escape(_short("、".join(u.keywords), 30)),
            escape(c.email or "" if c else ""),
            escape(ding),
            escape(c.wecom_masked if c else ""),
        )
    show(table)


# ---------------------------------------------------------------- assign
assign_app = _app(
    "assign",
    "分工：按任务文字建议牵头和配合单位，由人确认或修改。",
    "示例：\n· bihuan assign suggest\n· bihuan assign confirm（接受全部未分配任务的建议）\n· bihuan assign set 12 --lead 财政局 --coop 税务局 --leader 王副县长\n"
    "· bihuan assign learn 上年任务分解表.xlsx（已确认的分工和导入的分解表都会用作之后建议的依据）",
)


@_cmd(assign_app, "suggest", "示例：\n· bihuan assign suggest --plan 1\n· bihuan assign suggest --json")
def assign_suggest(
    plan: PlanOption = None, as_json: JsonOption = False, db: DbOption = None, user: UserOption = None
) -> None:
    """为每项任务建议牵头单位和配合单位，给出把握（高、中、低）和依据（起决定作用的词，或相似的
    已确认任务）。已确认、修改过的分工和 bihuan assign learn 导入的分解表都作为依据。只显示，不保存。"""
    from bihuan.ledger import queries
    from bihuan.track.assign import suggest_plan

    with session_for(db) as session:
        items = suggest_plan(session, pick_plan(session, plan), user_name(user))
        names = {u.id: u.name for u in queries.units(session)}
    rows: list[dict[str, Any]] = [
        {
            "number": it.task.number,
            "key": it.task.key,
            "text": it.task.text,
            "lead": it.suggestion.lead.name if it.suggestion.lead else None,
            "cooperating": [u.name for u in it.suggestion.cooperating],
            "confidence": it.suggestion.confidence,
            "words": list(it.suggestion.words),
            "similar_task": it.suggestion.similar.text if it.suggestion.similar else None,
            "reason": it.suggestion.reason,
            "current_lead": names.get(it.current.lead_unit_id, "") if it.current else None,
        }
        for it in items
    ]
    if as_json:
        print_json({"suggestions": rows})
        return
    table = new_table(
        "分工建议", (Col("序号"), "重点任务", "建议牵头", "建议配合", "把握", Col("依据", 2), "当前牵头")
    )
    for r in rows:
        table.add_row(
            str(r["number"]),
            escape(_short(r["text"], 36)),
            escape(r["lead"]) if r["lead"] else "[yellow]无法判断[/yellow]",
            escape("、".join(r["cooperating"])),
            _confidence(r["confidence"]),
            escape(r["reason"]),
            "[dim]未分配[/dim]" if r["current_lead"] is None else escape(r["current_lead"]),
        )
    show(table)


def _confidence(level: str) -> str:
    from bihuan.track.assign_match import CONFIDENCE_ZH

    return f"[yellow]{CONFIDENCE_ZH[level]}[/yellow]" if level == "low" else CONFIDENCE_ZH[level]


@_cmd(assign_app, "confirm", "示例：bihuan assign confirm 3 5 8（只接受这几项的建议）")
def assign_confirm(
    tasks: Annotated[
        list[str] | None, typer.Argument(metavar="[TASK]...", help="任务序号；不写时为全部未分配任务。")
    ] = None,
    plan: PlanOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """接受建议：把建议的牵头、配合单位记为分工（每条都留下操作人和时间）。"""
    from bihuan.track.assign import confirm

    with session_for(db) as session:
        done, skipped = confirm(session, pick_plan(session, plan), tasks or [], user_name(user))
    typer.echo(f"已分配 {done} 项任务")
    if skipped:
        typer.echo(f"无法判断、需人工指定的任务：{'、'.join(map(str, skipped))}（用 bihuan assign set）")


@_cmd(
    assign_app,
    "set",
    "示例：bihuan assign set 12 --lead 财政局 --coop 税务局 --coop 各乡镇 --deadline 2022-09-30 --milestone 2022-06-30:50%:完成主体",
)
def assign_set(
    task: Annotated[str, typer.Argument(metavar="TASK", help="任务序号（见 bihuan plan show）。")],
    lead: Annotated[str | None, typer.Option("--lead", help="牵头单位（名称、简称或别名）。")] = None,
    coop: Annotated[
        list[str] | None, typer.Option("--coop", help="配合单位，可写多次；写 --coop '' 清空。")
    ] = None,
    leader: Annotated[str | None, typer.Option("--leader", help="责任领导。")] = None,
    deadline: Annotated[
        str | None, typer.Option("--deadline", metavar="DATE", help="完成时限，如 2022-09-30。")
    ] = None,
    milestone: Annotated[
        list[str] | None,
        typer.Option("--milestone", metavar="DATE:PCT[:说明]", help="形象进度节点，可写多次。"),
    ] = None,
    plan: PlanOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """指定或修改一项任务的分工。没写的项沿用当前分工；修改记为新的一条，旧的保留。"""
    from bihuan.track.assign import set_assignment

    when = parse_date(deadline, "--deadline")
    with session_for(db) as session:
        a = set_assignment(
            session,
            pick_plan(session, plan),
            task,
            lead=lead,
            cooperating=coop,
            leader=leader,
            deadline=when,
            milestones=milestone,
            user=user_name(user),
        )
    typer.echo(f"已记录分工（第 {a.id} 条记录）")


# ---------------------------------------------------------------- progress
progress_app = _app(
    "progress",
    "进度：逐项报送，或按单位导出、导入 Excel 报送表。",
    "示例：\n· bihuan progress add 12 --period 2022-06 --value 完成投资=30 --narrative 已开工\n"
    "· bihuan progress export --period 2022-06 --out 报送表/\n· bihuan progress import 报送表/发展和改革局-2022-06.xlsx",
)


@_cmd(
    progress_app,
    "add",
    "示例：bihuan progress add 12 --period 2022-06 --value 完成投资=30 --percent 45 --narrative 主体完工",
)
def progress_add(
    task: Annotated[str, typer.Argument(metavar="TASK", help="任务序号。")],
    period: Annotated[str, typer.Option("--period", metavar="YYYY-MM", help="报送期间，如 2022-06。")],
    value: Annotated[
        list[str] | None, typer.Option("--value", metavar="指标=数值", help="累计完成值，可写多次。")
    ] = None,
    percent: Annotated[str | None, typer.Option("--percent", help="形象进度（0–100）。")] = None,
    narrative: Annotated[str | None, typer.Option("--narrative", help="进展情况。")] = None,
    problems: Annotated[str | None, typer.Option("--problems", help="存在问题。")] = None,
    next_steps: Annotated[str | None, typer.Option("--next", help="下步打算。")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="报送单位（须为该任务的牵头或配合单位）。")
    ] = None,
    plan: PlanOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """报送一项任务某期的进度。同一期再次报送即为更正，记为新版本，旧版本保留。"""
    from bihuan.track.progress import ProgressInput, add_reports

    values: dict[str, object] = {}
    for item in value or []:
        name, sep, number = item.partition("=")
        if not sep or not name.strip():
            raise CliError(
                f"--value 应写作 指标=数值，收到“{item}”", f"--value must be NAME=NUMBER, got {item!r}"
            )
        values[name.strip()] = number
    row = ProgressInput(1, task, period, values, percent, narrative, problems, next_steps)
    with session_for(db, one_row=True) as session:
        add_reports(
            session,
            pick_plan(session, plan),
            [row],
            author=user_name(user),
            today=dt.date.today(),
            unit_name=unit,
        )
    typer.echo(f"已记录任务 {task} 在 {period} 的进度")


@_cmd(
    progress_app, "export", "示例：bihuan progress export --period 2022-06 --out 报送表/（每个单位一个文件）"
)
def progress_export(
    period: Annotated[str, typer.Option("--period", metavar="YYYY-MM", help="报送期间。")],
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="写入的目录；不存在时自动创建（连同上级目录）。")
    ],
    unit: Annotated[
        str | None, typer.Option("--unit", help="只导出这个单位的；不写时每个有任务的单位一个文件。")
    ] = None,
    plan: PlanOption = None,
    db: DbOption = None,
) -> None:
    """为每个单位导出本期的进度报送表（黄色格子由单位填写，填好后用 progress import 导入）。"""
    from bihuan.export.ledger_books import progress_book
    from bihuan.export.xlsx import save_workbook
    from bihuan.track.directory import directory, find_unit
    from bihuan.track.progress import parse_period
    from bihuan.track.views import plan_view, unit_tasks

    if parse_period(period) is None:
        raise CliError(f"--period 应写作 年-月，如 2022-06，收到“{period}”", "--period must be YYYY-MM")
    if out.exists() and not out.is_dir():
        raise CliError(
            f"--out 须为目录，这是一个文件：{out}", f"--out must be a directory, not a file: {out}"
        )
    with session_for(db) as session:
        view = plan_view(session, pick_plan(session, plan))
        if unit:
            unit = find_unit(directory(session), unit).name
    units = [unit] if unit else sorted({t.lead for t in view.tasks if t.lead})
    if not units:
        raise CliError(
            "还没有任何任务分配到单位，请先 bihuan assign confirm", "no task is assigned to a unit yet"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)  # 报送表/ as in the README: made when missing
    except OSError as e:
        raise CliError(
            f"无法创建目录：{out}（{e.strerror}）", f"cannot create directory {out}: {e.strerror}"
        ) from e
    written = 0
    with handled():
        for name in units:
            lines = unit_tasks(view, name)
            if not lines:
                raise CliError(f"单位“{name}”在这个计划中没有任务", f"unit {name!r} has no task in this plan")
            save_workbook(
                lambda n=name, ls=lines: progress_book(view, n, period, ls), out / f"{name}-{period}.xlsx"
            )
            written += 1
    typer.echo(f"已导出 {written} 个单位的进度报送表到 {out}")


@_cmd(progress_app, "import", "示例：bihuan progress import 报送表/*.xlsx")
def progress_import(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="填好的进度报送表。")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """导入填好的进度报送表。逐行检查；一个文件中只要有一行有误，该文件一行也不导入。
    与已导入内容相同的行不再重复导入；改过的行记为新版本。"""
    import datetime as _dt

    from bihuan.export.ledger_books import read_progress_book
    from bihuan.track.progress import import_reports

    failed = 0
    for f in files:
        with handled():
            book = read_progress_book(f)
        try:
            with session_for(db) as session:
                r = import_reports(
                    session,
                    book.document_id,
                    list(book.rows),
                    author=user_name(user),
                    today=_dt.date.today(),
                    unit_name=book.unit,
                )
            if r.stored == 0 and r.unchanged:
                typer.echo(
                    f"{f}：未导入：{r.unchanged} 项任务的进度与已导入的相同（{book.unit}，{book.period}）"
                )
            else:
                same = f"；{r.unchanged} 项与已导入的相同，未重复导入" if r.unchanged else ""
                typer.echo(f"{f}：已导入 {r.stored} 项任务的进度（{book.unit}，{book.period}）{same}")
        except CliError as e:
            failed += 1
            typer.echo(f"{f}：{e.zh} / {e.en}", err=True)
    if failed:
        raise CliError(f"{failed} 个文件未导入（见上）", f"{failed} file(s) not imported (see above)")


# ---------------------------------------------------------------- status
STATUS_EPILOG = "示例：\n· bihuan status\n· bihuan status --unit 发改局 --on 2022-06-30\n· bihuan status --all（也列出绿灯任务）\n· bihuan status --all --json > 状态.json"


def status(
    unit: Annotated[str | None, typer.Option("--unit", help="只看这个单位牵头或配合的任务。")] = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help="按哪一天计算，默认今天。")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="也列出绿灯任务。")] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="以 JSON 输出到标准输出（供脚本使用；任务与表格相同，加 --all 含绿灯）。"
        ),
    ] = False,
    settings: Annotated[
        Path | None, typer.Option("--settings", metavar="FILE", help="红黄灯阈值文件（TOML）。")
    ] = None,
    plan: PlanOption = None,
    db: DbOption = None,
) -> None:
    """计算每项任务在某一天的状态（未交办、待报送、未报送、未启动、正常推进、滞后、逾期、已完成）和红黄绿灯，并说明每个红灯、黄灯的原因。"""
    from bihuan.track.directory import directory, find_unit
    from bihuan.track.status import LIGHT_ZH, Settings, statuses, summary

    day = parse_date(on, "--on") or dt.date.today()
    with handled():
        limits = Settings.load(existing_file(settings) if settings else None)
    with session_for(db) as session:
        pid = pick_plan(session, plan)
        unit_id = find_unit(directory(session), unit).id if unit else None
        items = statuses(session, pid, day, limits, unit_id)
    counts = summary(items)
    order = {"red": 0, "yellow": 1, "green": 2}
    shown = [
        it
        for it in sorted(items, key=lambda i: (order[i.status.light], i.number))
        if show_all or it.status.light != "green"
    ]
    if as_json:
        print_json(
            {
                "plan": pid,
                "on": day.isoformat(),
                "unit": unit,
                "tasks_total": len(items),
                "counts": {k: counts[k] for k in ("red", "yellow", "green")},
                "tasks": [
                    {"number": it.number, "key": it.key, "light": it.status.light, "state": it.status.state,
                     "text": it.text, "area": it.area, "lead": it.lead, "cooperating": list(it.cooperating),
                     "leader": it.leader, "deadline": it.deadline.isoformat(), "reasons": list(it.status.reasons)}
                    for it in shown
                ],
            }
        )  # fmt: skip
        return
    out = console()
    out.print(
        f"[bold]{day.isoformat()}[/bold]：{len(items)} 项任务，"
        f"[red]红灯 {counts['red']}[/red]，[yellow]黄灯 {counts['yellow']}[/yellow]，[green]绿灯 {counts['green']}[/green]"
    )
    table = new_table(
        "任务状态",
        (Col("序号"), Col("灯"), Col("状态"), "重点任务", "牵头单位", Col("完成时限"), Col("原因", 2)),
    )
    for it in shown:
        st = it.status
        table.add_row(
            str(it.number),
            f"[{LIGHT_STYLE[st.light]}]{LIGHT_ZH[st.light]}[/]",
            st.state,
            escape(_short(it.text, 30)),
            escape(it.lead or "未分配"),
            it.deadline.isoformat(),
            escape("；".join(st.reasons)),
        )
    show(table, out)
