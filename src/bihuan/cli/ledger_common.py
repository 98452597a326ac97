"""What every ledger command shares: --db, --user, --plan, opening the ledger and turning the
lower layers' errors into the one-line error.

Nothing below the command line is imported at module level: `bihuan --version` and
`bihuan extract` must start without SQLAlchemy (see tests/cli/test_startup.py)."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bihuan.cli.errors import CliError, unexpected

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

URL_ENV = "BIHUAN_DATABASE_URL"  # bihuan.ledger.db.URL_ENV, spelled here to keep SQLAlchemy out of start-up

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help=f"数据库文件（SQLite）；不写时用环境变量 {URL_ENV}（可为 PostgreSQL），再不然用当前目录的 bihuan.db。",
    ),
]
UserOption = Annotated[
    str | None,
    typer.Option("--user", metavar="NAME", help="记录在案的操作人；默认取环境变量 BIHUAN_USER 或登录名。"),
]
PlanOption = Annotated[
    int | None,
    typer.Option(
        "--plan",
        metavar="ID",
        help="计划编号（见 bihuan plan list）；不写时用督查室设定的当前计划（见 bihuan plan current）。",
    ),
]


def user_name(user: str | None) -> str:
    name = (user or os.environ.get("BIHUAN_USER") or "").strip()
    if not name:
        try:
            name = getpass.getuser()
        except Exception:  # no login name in some containers
            name = "unknown"
    return name[:100]


@contextmanager
def session_for(db: str | None, one_row: bool = False) -> Iterator[Session]:
    """Open the ledger and one session; every lower-layer error becomes the one-line error
    (with `one_row`, a single input's problem is that line itself)."""
    with handled(one_row):
        from bihuan.ledger.db import open_ledger

        ledger = open_ledger(db)
        try:
            with ledger.sessions() as session:
                yield session
        finally:
            ledger.close()


@contextmanager
def handled(one_row: bool = False) -> Iterator[None]:
    from sqlalchemy.exc import SQLAlchemyError

    from bihuan.export import ExportError
    from bihuan.ingest import ReadError
    from bihuan.ledger.db import LedgerError
    from bihuan.track.errors import RowErrors, TrackError

    try:
        yield
    except RowErrors as e:
        if one_row and e.problems:
            _, zh, en = e.problems[0]
            more = f"（另有 {len(e.problems) - 1} 处问题）" if len(e.problems) > 1 else ""
            raise CliError(zh + more, en) from e
        for row, zh, en in e.problems:
            typer.echo(f"  第 {row} 行 / row {row}：{zh} / {en}", err=True)
        raise CliError(e.zh, e.en) from e
    except (LedgerError, TrackError, ExportError, ReadError) as e:
        raise CliError(e.zh, e.en) from e
    except SQLAlchemyError as e:
        text = " ".join(str(getattr(e, "orig", None) or e).split())[:200]
        raise CliError(f"数据库出错：{text}", f"database error: {text}") from e
    except (CliError, typer.Exit):
        raise
    except Exception as e:
        raise unexpected(e) from e


def pick_plan(session: Session, plan: int | None) -> int:
    """The plan given with --plan, else the current plan (bihuan.track.current)."""
    from bihuan.ledger import queries
    from bihuan.track.current import current_plan

    if plan is not None:
        if queries.document(session, plan) is None:
            raise CliError(f"没有编号为 {plan} 的计划（见 bihuan plan list）", f"no plan with id {plan}")
        return plan
    found = current_plan(session)
    if found is None:
        raise CliError(
            "数据库中还没有计划，请先 bihuan plan import 报告文件",
            "no plan yet: run bihuan plan import FILE first",
        )
    return found


def parse_date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as e:
        raise CliError(
            f"{option} 应为日期，如 2022-06-30，收到“{text}”", f"{option} must be a date YYYY-MM-DD"
        ) from e


def existing_file(path: Path) -> Path:
    if not path.is_file():
        raise CliError(f"找不到文件：{path}", f"no such file: {path}")
    return path
