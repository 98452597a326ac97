"""The `bihuan` command: the Typer app, its version flag and its commands."""

from __future__ import annotations

from typing import Annotated

import typer

from bihuan import __version__
from bihuan.cli import (
    assess_cmd,
    assign_learn,
    attain_cmd,
    backup_cmds,
    batch_cmd,
    bulletin_cmd,
    extract_cmd,
    ledger_cmds,
    remind_cmds,
    supervise_cmds,
    web_cmds,
)
from bihuan.cli.errors import BihuanCommand, BihuanGroup, BihuanSubGroup

app = typer.Typer(
    cls=BihuanGroup,
    name="bihuan",
    help="bihuan（闭环）：把政府工作报告读成目标与任务清单，供部署、督导、考核使用。",
    epilog="示例：\n· bihuan extract 报告.txt\n· bihuan batch 报告文件夹 --out 结果\n· bihuan plan import 报告.docx\n· bihuan assign confirm\n· bihuan status\n· bihuan 某命令 --help（查看全部选项）",
    add_completion=False,
    pretty_exceptions_enable=False,
)
for _module, _command in (
    (extract_cmd, extract_cmd.extract),
    (batch_cmd, batch_cmd.batch),
    (attain_cmd, attain_cmd.attain),
):
    app.command(_command.__name__, cls=BihuanCommand, help=_module.HELP, epilog=_module.EPILOG)(_command)


ledger_cmds.plan_app.command("publish", cls=BihuanCommand, epilog=supervise_cmds.PUBLISH_EPILOG)(
    supervise_cmds.plan_publish
)
ledger_cmds.assign_app.command("learn", cls=BihuanCommand, epilog=assign_learn.EPILOG)(assign_learn.learn)
for sub in (
    ledger_cmds.plan_app,
    ledger_cmds.units_app,
    ledger_cmds.assign_app,
    ledger_cmds.progress_app,
):
    app.add_typer(sub)
web_cmds.user_app.command("add", cls=BihuanCommand, epilog=web_cmds.USER_EPILOG)(web_cmds.user_add)
app.add_typer(web_cmds.user_app, cls=BihuanSubGroup)
remind_cmds.remind_app.command(
    "run", cls=BihuanCommand, help=remind_cmds.RUN_HELP, epilog=remind_cmds.EPILOG
)(remind_cmds.run)
app.add_typer(remind_cmds.remind_app)
app.command(
    "status",
    cls=BihuanCommand,
    help=ledger_cmds.status.__doc__,
    epilog=ledger_cmds.STATUS_EPILOG,
)(ledger_cmds.status)

app.command("assess", cls=BihuanCommand, help=assess_cmd.HELP, epilog=assess_cmd.EPILOG)(assess_cmd.assess)

for _name, _fn, _help, _epilog in (
    ("backup", "backup", "BACKUP_HELP", "BACKUP_EPILOG"),
    ("restore", "restore", "RESTORE_HELP", "RESTORE_EPILOG"),
):
    app.command(
        _name,
        cls=BihuanCommand,
        help=getattr(backup_cmds, _help),
        epilog=getattr(backup_cmds, _epilog),
        no_args_is_help=True,
    )(getattr(backup_cmds, _fn))
app.command("bulletin", cls=BihuanCommand, help=bulletin_cmd.HELP, epilog=bulletin_cmd.EPILOG)(
    bulletin_cmd.bulletin
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"bihuan {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="显示版本号并退出。"),
    ] = False,
) -> None:
    # The group's help is the app's `help=` above; this callback only carries --version.
    pass


def run() -> None:
    """Console entry point (`bihuan`)."""
    app()


if __name__ == "__main__":
    run()
