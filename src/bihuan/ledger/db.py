"""Where the ledger lives: a SQLite file by default, PostgreSQL when BIHUAN_DATABASE_URL names one.

`open_ledger` creates the engine, brings the schema up to date with the Alembic migrations and
returns a session factory. Settings are passed in; nothing is read at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

URL_ENV = "BIHUAN_DATABASE_URL"
DEFAULT_FILE = "bihuan.db"
MIGRATIONS = Path(__file__).parent / "migrations"
WRITE_OPTION = "bihuan_write"  # execution option that marks a write transaction


class LedgerError(Exception):
    """A ledger that cannot be opened, said in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


@dataclass(frozen=True, slots=True)
class Ledger:
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True, slots=True)
class Pool:
    """How many connections an engine keeps (`size`), may open beyond that (`overflow`), and how
    long a caller waits for one before sqlalchemy.exc.TimeoutError (`timeout`, seconds).
    SQLAlchemy's own defaults (5, 10, 30 s) suit the command line; a server passes its own,
    sized to the requests it admits at once, with a short wait."""

    size: int = 5
    overflow: int = 10
    timeout: float = 30.0

    def options(self) -> dict[str, Any]:
        return {"pool_size": self.size, "max_overflow": self.overflow, "pool_timeout": self.timeout}


def database_url(db: str | Path | None = None, environ: Mapping[str, str] | None = None) -> str:
    """--db PATH wins, then BIHUAN_DATABASE_URL, then ./bihuan.db."""
    env = os.environ if environ is None else environ
    if db is not None:
        text = str(db)
        return text if "://" in text else f"sqlite:///{Path(text).expanduser()}"
    url = env.get(URL_ENV, "").strip()
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{DEFAULT_FILE}"


def make_engine(url: str, pool: Pool | None = None) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise LedgerError(f"数据库地址无法识别：{url}", f"cannot parse database URL: {url}") from e
    sized = (pool or Pool()).options()
    if parsed.get_backend_name() == "sqlite":
        memory = not parsed.database or parsed.database == ":memory:"
        return _sqlite_engine(url, parsed.database, {} if memory else sized)
    try:
        return create_engine(url, pool_pre_ping=True, **sized)
    except Exception as e:  # a missing driver, a bad dialect name
        raise LedgerError(f"无法使用数据库 {parsed.render_as_string()}", f"cannot use database: {e}") from e


def _sqlite_engine(url: str, path: str | None, pool: Mapping[str, Any]) -> Engine:
    if path and path != ":memory:":
        parent = Path(path).expanduser().resolve().parent
        if not parent.is_dir():
            raise LedgerError(
                f"数据库所在目录不存在：{parent}", f"directory of the database does not exist: {parent}"
            )
    engine = create_engine(url, connect_args={"timeout": 60}, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's BEGIN below decide transactions; wait for locks instead of failing.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA busy_timeout = 60000")
        if path and path != ":memory:":
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A write takes the lock at its start, so two writers queue instead of deadlocking;
        # a read begins deferred, so readers never wait for each other (WAL).
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def upgrade(engine: Engine) -> None:
    """Apply the Alembic migrations up to head."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_ledger(
    db: str | Path | None = None, environ: Mapping[str, str] | None = None, pool: Pool | None = None
) -> Ledger:
    """Open (and create or upgrade) the ledger."""
    engine = make_engine(database_url(db, environ), pool)
    try:
        upgrade(engine)
    except LedgerError:
        engine.dispose()
        raise
    except Exception as e:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        raise LedgerError(
            f"无法打开数据库 {where}：{_short(e)}", f"cannot open database {where}: {_short(e)}"
        ) from e
    return Ledger(engine, sessionmaker(engine, expire_on_commit=False))


def _short(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e)
    return " ".join(text.split())[:200]
