"""Backing up and restoring a whole ledger.

SQLite: an online, consistent copy through sqlite3's backup API (it copies while other
connections write, and restarts when they do), written to a temporary file beside the target and
moved into place in one step. PostgreSQL: pg_dump's custom format and pg_restore in one
transaction, when those programs are on PATH.

A restore never overwrites a ledger that holds data unless asked to (`force`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from bihuan.ledger.db import LedgerError, database_url, make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
MARKER_TABLE = "alembic_version"  # every ledger has it; a backup without it is no ledger
PG_TIMEOUT = 3600  # seconds a pg_dump / pg_restore may take before it is given up


@dataclass(frozen=True, slots=True)
class Copied:
    kind: str  # "sqlite" or "postgresql"
    path: Path  # the backup file written or read
    size: int  # its bytes
    rows: int  # rows in the ledger's tables (sqlite; -1 when not counted)


def _url(db: str | Path | None) -> URL:
    try:
        return make_url(database_url(db))
    except Exception as e:
        raise LedgerError(f"数据库地址无法识别：{db}", f"cannot parse database URL: {db}") from e


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise LedgerError("内存数据库无法备份或恢复", "an in-memory database cannot be backed up or restored")
    return Path(url.database).expanduser()


def _libpq(url: URL) -> str:
    """The URL as pg_dump / pg_restore read it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise LedgerError(
            f"找不到 {name}：PostgreSQL 的备份与恢复需要安装 PostgreSQL 客户端程序（如 postgresql-client）",
            f"{name} not found on PATH: install the PostgreSQL client programs (e.g. postgresql-client)",
        )
    return found


def _writable_out(out: Path, force: bool) -> None:
    if out.is_dir():
        raise LedgerError(f"{out} 是一个目录，请写备份文件名", f"{out} is a directory; give a file name")
    if not out.parent.is_dir():
        raise LedgerError(f"目录不存在：{out.parent}", f"directory does not exist: {out.parent}")
    if out.exists() and not force:
        raise LedgerError(
            f"文件已存在：{out}（要覆盖请加 --force）", f"file exists: {out} (use --force to overwrite)"
        )
    if not os.access(out.parent, os.W_OK):
        raise LedgerError(f"无法写入目录：{out.parent}", f"cannot write to directory: {out.parent}")


@contextlib.contextmanager
def _temp_beside(target: Path) -> Iterator[Path]:
    """A temporary file name in the target's folder (so the final move is one rename); removed
    unless it was moved into place."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise LedgerError(
            f"无法写入目录：{target.parent}（{e.strerror}）", f"cannot write to {target.parent}: {e.strerror}"
        ) from e
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _sqlite_copy(src: Path, dst: Path) -> int:
    """Copy the database `src` into the (empty) file `dst` with the backup API; the rows it holds."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=60)
    try:
        target = sqlite3.connect(dst)
        try:
            source.backup(target)
            return _sqlite_rows(target)
        finally:
            target.close()
    finally:
        source.close()


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def _sqlite_rows(conn: sqlite3.Connection) -> int:
    names = [n for n in _sqlite_tables(conn) if n != MARKER_TABLE and not n.startswith("sqlite_")]
    return sum(int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names)


def backup(db: str | Path | None, out: Path, force: bool = False) -> Copied:
    """Write a backup of the ledger at `db` (a path or URL; None: the usual default) to `out`."""
    url = _url(db)
    out = out.expanduser()
    _writable_out(out, force)
    if url.get_backend_name() == "sqlite":
        src = _sqlite_path(url)
        if not src.is_file():
            raise LedgerError(f"数据库不存在：{src}", f"database does not exist: {src}")
        if not _is_ledger_file(src):
            raise LedgerError(f"{src} 不是 bihuan 台账", f"{src} is not a bihuan ledger")
        with _temp_beside(out) as tmp:
            try:
                rows = _sqlite_copy(src, tmp)
            except sqlite3.Error as e:
                raise LedgerError(f"备份失败：{e}", f"backup failed: {e}") from e
            os.replace(tmp, out)
        return Copied("sqlite", out, out.stat().st_size, rows)
    if url.get_backend_name() == "postgresql":
        pg_dump = _tool("pg_dump")
        with _temp_beside(out) as tmp:
            _run(
                [pg_dump, "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={_libpq(url)}"],
                "pg_dump",
            )
            os.replace(tmp, out)
        return Copied("postgresql", out, out.stat().st_size, -1)
    raise LedgerError(
        f"不支持这种数据库：{url.get_backend_name()}", f"unsupported database: {url.get_backend_name()}"
    )


def _run(cmd: list[str], name: str) -> None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=PG_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as e:
        raise LedgerError(f"{name} 超时", f"{name} timed out") from e
    if done.returncode != 0:
        why = " ".join(done.stderr.split())[:300] or f"exit {done.returncode}"
        raise LedgerError(f"{name} 失败：{why}", f"{name} failed: {why}")


def _magic(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(16)


def _is_ledger_file(path: Path) -> bool:
    try:
        if _magic(path) != SQLITE_MAGIC:
            return False
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return MARKER_TABLE in _sqlite_tables(conn)
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False


def _check_backup(path: Path) -> str:
    """What kind of backup the file is ("sqlite" or "postgresql"); a clear error otherwise."""
    if not path.is_file():
        raise LedgerError(f"文件不存在：{path}", f"file does not exist: {path}")
    try:
        head = _magic(path)
    except OSError as e:
        raise LedgerError(f"无法读取 {path}：{e.strerror}", f"cannot read {path}: {e.strerror}") from e
    if head.startswith(PG_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC and _is_ledger_file(path):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.Error:
            ok = "unreadable"
        finally:
            conn.close()
        if ok == "ok":
            return "sqlite"
        raise LedgerError(f"备份文件已损坏：{path}", f"the backup file is damaged: {path}")
    raise LedgerError(f"{path} 不是 bihuan 的备份文件", f"{path} is not a bihuan backup")


def _refuse_overwrite(where: str, rows: int) -> None:
    raise LedgerError(
        f"目标台账 {where} 已有 {rows} 行数据，未恢复；确认要用备份覆盖它请加 --force",
        f"the target ledger {where} holds {rows} rows; not restored (use --force to overwrite it)",
    )


def restore(file: Path, db: str | Path | None, force: bool = False) -> Copied:
    """Restore the backup `file` into the ledger at `db`, refusing a ledger with data unless `force`."""
    file = file.expanduser()
    kind = _check_backup(file)
    url = _url(db)
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise LedgerError(f"不支持这种数据库：{backend}", f"unsupported database: {backend}")
    if kind != backend:
        zh = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise LedgerError(
            f"这是 {zh[kind]} 的备份，不能恢复到 {zh[backend]} 数据库",
            f"a {zh[kind]} backup cannot be restored into a {zh[backend]} database",
        )
    if kind == "sqlite":
        return _restore_sqlite(file, _sqlite_path(url), force)
    return _restore_pg(file, url, force)


def _restore_sqlite(file: Path, target: Path, force: bool) -> Copied:
    if target.is_dir() or not target.parent.is_dir():
        raise LedgerError(f"无法写入数据库：{target}", f"cannot write the database: {target}")
    if target.exists() and target.stat().st_size > 0 and not force:
        if not _is_ledger_file(target):
            raise LedgerError(
                f"{target} 已存在且不是 bihuan 台账，未恢复（确认覆盖请加 --force）",
                f"{target} exists and is not a bihuan ledger; not restored (use --force to overwrite it)",
            )
        conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=60)
        try:
            rows = _sqlite_rows(conn)
        finally:
            conn.close()
        if rows:
            _refuse_overwrite(str(target), rows)
    with _temp_beside(target) as tmp:
        try:
            rows = _sqlite_copy(file, tmp)
        except sqlite3.Error as e:
            raise LedgerError(f"恢复失败：{e}", f"restore failed: {e}") from e
        # The old ledger's write-ahead log belongs to the old file: drop it before the new file
        # takes its place, so that nothing of the old ledger is replayed over the restored one.
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, target)
    return Copied("sqlite", file, file.stat().st_size, rows)


def _restore_pg(file: Path, url: URL, force: bool) -> Copied:
    pg_restore = _tool("pg_restore")
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            rows = sum(
                int(conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one())
                for n in names
                if n != MARKER_TABLE
            )
    except LedgerError:
        raise
    except Exception as e:
        where = url.render_as_string(hide_password=True)
        raise LedgerError(
            f"无法打开数据库 {where}", f"cannot open database {where}: {type(e).__name__}"
        ) from e
    finally:
        engine.dispose()
    if rows and not force:
        _refuse_overwrite(url.render_as_string(hide_password=True), rows)
    cmd = [pg_restore, "--no-owner", "--single-transaction", "--exit-on-error", f"--dbname={_libpq(url)}"]
    if names:
        cmd[1:1] = ["--clean", "--if-exists"]
    _run([*cmd, str(file)], "pg_restore")
    return Copied("postgresql", file, file.stat().st_size, -1)
