"""The `bihuan` console command: the command line (bihuan.cli) plus the commands that start the
web face (bihuan.web). This module stands above both faces, which never import each other."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from bihuan.cli.errors import BihuanCommand, CliError
from bihuan.cli.ledger_common import DbOption, existing_file, handled
from bihuan.cli.main import app
from bihuan.cli.web_cmds import (
    DEMO_EPILOG,
    DEMO_PASSWORD,
    DEMO_SEES,
    DEMO_USERS,
    SERVE_EPILOG,
    DemoDbOption,
    build_demo,
    check_port_free,
    exit_on_sigterm,
)

DEMO_DAY = dt.date(2023, 7, 10)  # the example report's plan year, with half a year of progress


def _port(port: int) -> int:
    if not 1 <= port <= 65535:
        raise CliError(f"端口须在 1–65535 之间：{port}", f"port must be 1-65535: {port}")
    return port


def _logins() -> None:
    typer.echo(f"演示账号（密码都是 {DEMO_PASSWORD}）：" + "，".join(f"{n}（{r}）" for n, r, _ in DEMO_USERS))
    for name, _, _ in DEMO_USERS:
        typer.echo(f"  · {name} — {DEMO_SEES.get(name, '')}")


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="监听地址；默认只在本机。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口。")] = 8000,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="经 HTTPS 提供服务时打开。")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", help="工作进程数；默认与 CPU 核数相同（至多 8）。")
    ] = 0,
    remind_at: Annotated[
        str | None,
        typer.Option(
            "--remind-at",
            metavar="HH:MM",
            help="每天这个时间（本机时间）检查提醒规则并发送消息，另每 5 分钟发送到期和重试的消息；"
            "不写时用环境变量 BIHUAN_REMIND_AT，再不然不运行（可用 cron 运行 bihuan remind run）。",
        ),
    ] = None,
    assess_rules: Annotated[
        Path | None,
        typer.Option("--assess-rules", metavar="FILE", help="考核规则文件（TOML）；不写时用自带规则。"),
    ] = None,
) -> None:
    """启动网页工作台（督查室、责任单位、领导、公众页）。"""
    from bihuan.ledger.db import open_ledger
    from bihuan.web.server import run
    from bihuan.web.settings import WebSettings

    _port(port)
    with handled():
        open_ledger(db).close()  # a bad --db is one clear line, before the server starts
    if assess_rules is not None:
        from bihuan.track.assess_rules import AssessRules

        with handled():
            AssessRules.load(existing_file(assess_rules))  # and a bad rule file
    check_port_free(host, port)
    if workers < 0 or workers > 64:
        raise CliError(f"--workers 须在 0–64 之间：{workers}", f"--workers must be 0-64: {workers}")
    at = (remind_at or os.environ.get("BIHUAN_REMIND_AT", "")).strip() or None
    if at is not None:
        from bihuan.web.remind_schedule import parse_at

        with handled():
            parse_at(at)
    typer.echo(f"bihuan 网页工作台：http://{host}:{port}/  （Ctrl+C 退出）")
    if at is not None:
        typer.echo(f"每天 {at} 检查提醒规则并发送消息（每个工作进程都运行，不会重复发送）")
    count = workers or min(8, os.cpu_count() or 1)
    rules = str(assess_rules.resolve()) if assess_rules else None
    run(
        WebSettings(db=db, secure_cookies=secure_cookies, remind_at=at, assess_rules=rules), host, port, count
    )


def demo(
    port: Annotated[int, typer.Option("--port", help="端口。")] = 8000,
    host: Annotated[str, typer.Option("--host", help="监听地址。")] = "127.0.0.1",
    db: DemoDbOption = None,
    no_serve: Annotated[
        bool,
        typer.Option("--no-serve", help="只建演示库（须同时写 --db）并打印演示账号，不启动网页。"),
    ] = False,
) -> None:
    """用项目自带的示例报告建一个演示库（单位及 example.org 邮箱、用户、交办、几期进度）并启动网页，
    打印地址和演示账号。"""
    import shutil
    import signal

    from bihuan.web.server import run
    from bihuan.web.settings import WebSettings

    _port(port)
    path = Path(db) if db else None
    if no_serve and path is None:
        raise CliError(
            "--no-serve 须与 --db 一起用：演示库建在哪里？", "--no-serve needs --db: where to build the demo?"
        )
    if path is not None and path.exists():
        raise CliError(f"演示库已存在，请换一个路径或删除它：{path}", f"demo database exists: {path}")
    if no_serve:
        assert path is not None
        try:
            with handled():
                build_demo(path, DEMO_DAY, supervision=True)
        except BaseException:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.rmtree(f"{path}.files", ignore_errors=True)  # the demo's evidence files
            raise
        typer.echo(f"已建演示库：{path}   演示日期：{DEMO_DAY}")
        _logins()
        typer.echo(f"启动网页：bihuan serve --db {path}（演示数据的日期是 {DEMO_DAY}）")
        return
    check_port_free(host, port)
    previous = exit_on_sigterm()
    temp = None
    if path is None:
        temp = Path(tempfile.mkdtemp(prefix="bihuan-demo-"))
        path = temp / "demo.db"
    keep = False  # a --db demo that was served stays for `bihuan serve --db`; a failed one goes
    try:
        with handled():
            build_demo(path, DEMO_DAY, supervision=True)
        typer.echo(f"bihuan 演示：http://{host}:{port}/   演示库：{path}   演示日期：{DEMO_DAY}")
        _logins()
        try:
            run(WebSettings(db=str(path), today=lambda: DEMO_DAY), host, port)
        except SystemExit as e:
            if e.code not in (0, None) and not (isinstance(e.code, int) and e.code > 128):
                raise CliError(
                    "网页服务未能启动（见上）", f"the web server did not start (exit {e.code})"
                ) from e
            keep = True
            raise
        keep = True
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
        elif not keep:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.rmtree(f"{path}.files", ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


app.command("serve", cls=BihuanCommand, help=serve.__doc__, epilog=SERVE_EPILOG)(serve)
app.command("demo", cls=BihuanCommand, help=demo.__doc__, epilog=DEMO_EPILOG)(demo)


def run() -> None:
    """Console entry point (`bihuan`)."""
    app()


if __name__ == "__main__":
    run()
