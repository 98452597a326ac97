"""`bihuan user add`, and the demo ledger that `bihuan demo` serves (see bihuan.launch)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bihuan.cli.errors import CliError
from bihuan.cli.ledger_common import DbOption, UserOption, session_for, user_name

SERVE_EPILOG = "示例：\n· bihuan serve --db 督查.db\n· bihuan serve --host 0.0.0.0 --port 8080（在内网开放）"
DEMO_EPILOG = "示例：\n· bihuan demo\n· bihuan demo --port 8080"
USER_EPILOG = "示例：\n· bihuan user add 督查室小王 --role admin\n· bihuan user add 督查室小王 --role admin --password-stdin < 密码.txt\n· bihuan user add 发改局联络员 --role unit --unit 发改局 --email lly@fgj.example.org\n· bihuan user add 张县长 --role leader"

DEMO_PASSWORD = "bihuan-demo"
DEMO_USERS = (
    ("督查室", "admin", None),
    ("县长", "leader", None),
    ("发改局", "unit", "发展和改革局"),
    ("农业农村局", "unit", "农业农村局"),
    ("住建局", "unit", "住房和城乡建设局"),
)
# Addresses on the reserved domain example.org (RFC 2606): nothing the demo sends reaches anyone.
DEMO_DOMAIN = "example.org"
DEMO_UNIT_MAIL = {"发展和改革局": "fgj", "农业农村局": "nyncj", "住房和城乡建设局": "zjj"}  # else unit<id>
DEMO_USER_MAIL = {"督查室": "ducha", "县长": "xianzhang", "发改局": "fgj.lianluo", "农业农村局": "nyncj.lianluo",
                  "住建局": "zjj.lianluo"}  # fmt: skip
DEMO_SEES = {  # what each demo login is for, as `bihuan demo` prints it
    "督查室": "督查室：待办里有待审核的答复、规则拟的督办草稿、住建局的延期和办结申请；"
    "督办件（各种状态）、交办与审核、单位通讯录、消息发送",
    "县长": "领导：全部任务及红黄绿灯；领导视图里是分管的任务和抄送给自己的督办件",
    "发改局": "责任单位（发展和改革局）：待办里有待签收的任务和督办件、待答复和被退回的答复、应报的进度",
    "农业农村局": "责任单位（农业农村局）：同上，看不到发改局独有的任务",
    "住建局": "责任单位（住房和城乡建设局）：任务已签收（留一项待签收），一项延期申请、一项办结申请（附 PDF）待督查室审核",
}


def demo_unit_email(unit_id: int, name: str) -> str:
    return f"{DEMO_UNIT_MAIL.get(name, f'unit{unit_id}')}@{DEMO_DOMAIN}"


DemoDbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="把演示库建在这里（文件须不存在；结束后保留，可用 bihuan serve --db 再打开）。"
        "不写时建在临时目录，演示结束时删除。",
    ),
]


def check_port_free(host: str, port: int) -> None:
    """Bind the address as uvicorn will (SO_REUSEADDR), before anything is built or printed."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as e:
        raise CliError(f"无法解析监听地址 {host}", f"cannot resolve host {host}: {e}") from e
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise CliError(
                    f"端口 {port} 已被占用，请换一个端口，如 --port {port % 65535 + 1}",
                    f"port {port} on {host} is already in use",
                ) from e
            raise CliError(
                f"无法在 {host}:{port} 上监听：{e.strerror}", f"cannot listen on {host}:{port}: {e.strerror}"
            ) from e


def exit_on_sigterm() -> dict[int, Any]:
    """SIGTERM (and SIGHUP) end the demo like Ctrl+C: through its `finally`. uvicorn re-raises the
    signal it caught once it has stopped; with the default handler that would kill the process
    before the demo could remove its files. Returns the handlers to put back."""
    import signal
    import threading

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        return {}
    sigs = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    return {sig: signal.signal(sig, stop) for sig in sigs}


def build_demo(path: Path, today: dt.date, supervision: bool = False) -> int:
    """A demo ledger: the example report, the default units with example.org addresses, demo
    users (with addresses), assignments, the plan made current and handed over, and a few months
    of progress; with `supervision`, also 督办件 in every state, signed tasks, and a pending
    extension and 办结 request (what `bihuan demo` shows). Returns the plan's id."""
    from importlib import resources

    from bihuan.extract import extract_text
    from bihuan.ledger import queries
    from bihuan.ledger.db import open_ledger
    from bihuan.track import assign, board, contacts, directory, handover, plans, progress
    from bihuan.track.current import set_current_plan
    from bihuan.track.users import Person, add_user

    text = resources.files("bihuan.web").joinpath("demo/shixian-2022-report.txt").read_text("utf-8")
    ledger = open_ledger(path)
    try:
        with ledger.sessions() as s:
            plan = extract_text(text, "txt")
            doc = plans.import_plan(
                s, plan, text=text, source_name="示例县2023年政府工作报告.txt", user="演示"
            ).document_id
            for u in directory.ensure_directory(s, "演示"):
                contacts.set_contact(s, u.id, {"email": demo_unit_email(u.id, u.name)}, "演示")
            assign.confirm(s, doc, [], "演示")
            for name, role, unit in DEMO_USERS:
                add_user(
                    s, name, DEMO_PASSWORD, role, unit, "演示", email=f"{DEMO_USER_MAIL[name]}@{DEMO_DOMAIN}"
                )
            set_current_plan(s, doc, "督查室")
            board.set_published(s, doc, True, Person(0, "督查室", "admin", None, None))
            # 交办 early in the plan year: reporting duty starts on this day
            handover.publish(s, doc, dt.date(plan.document.plan_year, 1, 16), "督查室")
            rev = queries.latest_revision(s, doc)
            assert rev is not None
            inds = {i.iid: i for i in queries.indicators(s, rev.id)}
            months = (
                list(range(1, today.month))[-4:] if today.year == plan.document.plan_year else [3, 4, 5, 6]
            )
            rows = []
            for t in queries.tasks(s, rev.id):
                if t.number % 5 == 0:
                    continue  # some tasks never report: they show why they are red
                for m in months:
                    share = m / 12 * (1.1 if t.number % 3 else 0.55)
                    values = {
                        inds[i].name: round(inds[i].value * _demo_share(inds[i], share, t.number % 3 == 0), 2)
                        for i in t.indicator_iids
                        if i in inds and inds[i].kind == "target" and inds[i].value
                    }
                    rows.append(progress.ProgressInput(len(rows) + 1, str(t.number), f"{plan.document.plan_year}-{m:02d}",
                                                       values, min(100, round(share * 100)) if not values or t.number % 4 == 1 else None,
                                                       "按计划推进" if t.number % 3 else "进度偏慢，正在协调"))  # fmt: skip
            progress.add_reports(s, doc, rows, author="演示", today=today)
            from bihuan.track.notice_demo import date_progress

            date_progress(s, doc, today)
            if supervision:
                from bihuan.cli.supervise_cmds import demo_supervision
                from bihuan.track import notice_demo

                notice_demo.seed(s, doc, today)
                demo_supervision(s, doc, today)
        return doc
    finally:
        ledger.close()


def _demo_share(ind: Any, share: float, slow: bool) -> float:
    """The demo's reported value as a share of the target: a flow builds up over the year; a
    level (a rate) sits near its target; a ceiling stays under it, or a slow task's goes over."""
    from bihuan.track.measures import measure_of

    measure = measure_of(ind.name, ind.unit, ind.qualifier)
    if measure == "level":
        return 0.85 if slow else 0.98
    if measure == "ceiling":
        return 1.08 if slow else 0.95
    return share


user_app = typer.Typer(name="user", help="网页用户：添加。", epilog=USER_EPILOG, add_completion=False)


def user_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="用户名。")],
    role: Annotated[str, typer.Option("--role", help="admin（督查室）、unit（责任单位）或 leader（领导）。")],
    unit: Annotated[str | None, typer.Option("--unit", help="unit 角色所属的单位。")] = None,
    email: Annotated[
        str | None, typer.Option("--email", metavar="ADDR", help="邮箱：提醒、催办会发到这里（可不写）。")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option("--password", help="密码（会留在命令历史中）；不写时在终端提示输入两次（不回显）。"),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="从标准输入读一行作为密码（供脚本使用，如 … < 密码.txt）。"),
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """添加一个网页用户；密码用 argon2 加密保存。"""
    from bihuan.track.users import add_user

    secret = _password(password, password_stdin)
    with session_for(db) as session:
        u = add_user(session, name, secret, role, unit, user_name(user), email=email)
    typer.echo(f"已添加用户 {u.name}（{role}）" + (f"，邮箱 {u.email}" if u.email else ""))


def stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _password(given: str | None, from_stdin: bool) -> str:
    """The password from --password, one line of stdin, or two prompts at a terminal."""
    if given is not None and from_stdin:
        raise CliError(
            "--password 与 --password-stdin 只能用一个", "use --password or --password-stdin, not both"
        )
    if given is not None:
        return given
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError("标准输入为空，没有读到密码", "no password on standard input")
        return line.rstrip("\r\n")
    if not stdin_is_terminal():
        raise CliError(
            "没有终端可以输入密码：请用 --password-stdin 从标准输入读取，或写 --password",
            "no terminal to ask for the password: use --password-stdin or --password",
        )
    first = typer.prompt("密码", hide_input=True, prompt_suffix="：")
    second = typer.prompt("再输入一次密码", hide_input=True, prompt_suffix="：")
    if first != second:
        raise CliError("两次输入的密码不一致", "the two passwords differ")
    return str(first)
