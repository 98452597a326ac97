"""`bihuan backup OUT` and `bihuan restore FILE`: a whole ledger to one file and back.

The work is done in bihuan.ledger.backup; the heavy imports happen inside the commands so that
loading the CLI stays fast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

BACKUP_HELP = (
    "把整个台账备份到一个文件。SQLite 在运行中也能得到一致的副本（其他人可以同时写入）；"
    "PostgreSQL 用 pg_dump（需安装 PostgreSQL 客户端程序）。"
)
BACKUP_EPILOG = (
    "示例：\n· bihuan backup 台账-2023-07-10.db\n· bihuan backup 备份/台账.db --db 闭环.db"
    "\n· BIHUAN_DATABASE_URL=postgresql://用户@主机/库 bihuan backup 台账.dump"
)
RESTORE_HELP = (
    "用备份文件恢复台账。目标台账已有数据时不恢复，除非加 --force；"
    "先写入临时文件再一次替换，恢复失败时原台账不变。恢复前请先停止 bihuan serve。"
)
RESTORE_EPILOG = (
    "示例：\n· bihuan restore 台账-2023-07-10.db --db 新台账.db\n· bihuan restore 台账-2023-07-10.db --force"
    "\n· BIHUAN_DATABASE_URL=postgresql://用户@主机/库 bihuan restore 台账.dump"
)

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="数据库文件（SQLite）或 postgresql:// 地址；不写时用环境变量 BIHUAN_DATABASE_URL，再不然用当前目录的 bihuan.db。",
    ),
]


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def backup(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="备份文件（不存在的新文件）。")],
    db: Db = None,
    force: Annotated[bool, typer.Option("--force", help="OUT 已存在时覆盖它。")] = False,
) -> None:
    from bihuan.cli.ledger_common import handled
    from bihuan.ledger import backup as ledger_backup

    with handled():
        done = ledger_backup.backup(db, out, force)
    rows = f"，{done.rows} 行" if done.rows >= 0 else ""
    typer.echo(f"已备份到 {done.path}（{_size(done.size)}{rows}）")


def restore(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="bihuan backup 写出的备份文件。")],
    db: Db = None,
    force: Annotated[bool, typer.Option("--force", help="目标台账已有数据时也用备份覆盖它。")] = False,
) -> None:
    from bihuan.cli.ledger_common import handled
    from bihuan.ledger import backup as ledger_backup
    from bihuan.ledger.db import database_url

    with handled():
        done = ledger_backup.restore(file, db, force)
        where = database_url(db)
    rows = f"（{done.rows} 行）" if done.rows >= 0 else ""
    typer.echo(f"已从 {done.path} 恢复{rows}到 {where.split('@')[-1]}")
