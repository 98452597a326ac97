"""`bihuan assign learn FILE.xlsx`: a published 任务分解表 as evidence for the suggestions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bihuan.cli.ledger_common import DbOption, UserOption, existing_file, handled, session_for, user_name

EPILOG = (
    "示例：\n· bihuan assign learn 2022年任务分解表.xlsx\n"
    "· bihuan assign learn 上年分解表.xlsx --db 督查.db\n"
    "表中需有“重点任务”（或 工作任务、任务内容）和“牵头单位”（或 责任单位）列，“配合单位”列可选；"
    "表头可在前 10 行内，各工作表都会读取。"
)


def learn(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="已发布的任务分解表 .xlsx。")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """把已发布的任务分解表（重点任务、牵头单位、配合单位）存为分工依据：之后的分工建议会参考
    其中相似的任务，并在依据中写明。同一文件再次导入时已有的行不重复保存。"""
    from bihuan.export.assign_table import read_assign_table
    from bihuan.track.assign_learn import learn_table
    from bihuan.track.directory import ensure_directory

    with handled():
        rows = read_assign_table(existing_file(file))
    with session_for(db) as session:
        units = ensure_directory(session, user_name(user))
        r = learn_table(session, rows, file.name, units, user_name(user))
    typer.echo(f"已学习任务分解表：新增 {r.added} 行，已有 {r.already} 行")
    if r.unknown:
        typer.echo(
            f"单位名录中没有这些牵头单位，相关行已保存但暂不参考：{'、'.join(r.unknown)}"
            "（可用 bihuan units load 补充名录）"
        )
