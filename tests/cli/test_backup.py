"""`bihuan backup` and `bihuan restore`: a restored ledger shows the same status as the original,
on SQLite and PostgreSQL; the SQLite copy is made while another connection writes; a ledger
with data is never overwritten unless asked; bad input ends in one line and exit 2."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from bihuan.cli.web_cmds import build_demo

TODAY = dt.date(2023, 7, 10)
Invoke = Callable[..., Result]


def _ok(invoke: Invoke, *args: str) -> str:
    r = invoke(*args)
    assert r.exit_code == 0, (args, r.output, r.stderr)
    return r.stdout


def _refused(invoke: Invoke, *args: str, says: str, env: dict[str, str] | None = None) -> str:
    r = invoke(*args, env=env)
    assert r.exit_code == 2, (args, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), r.stderr
    assert says in lines[0], lines[0]
    assert "Traceback" not in r.output
    return lines[0]


def _status(invoke: Invoke, db: str) -> str:
    return _ok(invoke, "status", "--all", "--on", TODAY.isoformat(), "--db", db)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backup-demo") / "demo.db"
    build_demo(path, TODAY)
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> str:
    """A fresh copy of the demo ledger (made with the backup API, so it is a whole copy)."""
    target = tmp_path / "台账.db"
    src, dst = sqlite3.connect(demo_file), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return str(target)


def _tables(path: str | Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


# ---------------------------------------------------------------- SQLite
def test_sqlite_backup_then_restore_gives_the_same_status(invoke: Invoke, demo: str, tmp_path: Path) -> None:
    out = tmp_path / "备份" / "台账-2023-07-10.db"
    out.parent.mkdir()
    said = _ok(invoke, "backup", str(out), "--db", demo)
    assert "已备份到" in said and str(out) in said
    restored = tmp_path / "恢复" / "新台账.db"
    restored.parent.mkdir()
    assert "已从" in _ok(invoke, "restore", str(out), "--db", str(restored))
    before = _status(invoke, demo)
    assert "红灯" in before and len(before.splitlines()) > 20
    assert _status(invoke, str(restored)) == before
    assert _tables(restored) == _tables(demo)
    assert not list(out.parent.glob(".*.tmp")) and not list(restored.parent.glob(".*.tmp"))


def test_sqlite_backup_is_consistent_while_another_connection_writes(
    invoke: Invoke, demo: str, tmp_path: Path
) -> None:
    """A writer holds an open write transaction during the backup: the backup completes and
    holds exactly the committed rows, and the writer commits afterwards."""
    committed = _tables(demo)
    writer = sqlite3.connect(demo, isolation_level=None, timeout=60)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO units (name, created_at, created_by) SELECT name || '·副本', created_at, '测试' FROM units"
        )
        out = tmp_path / "online.db"
        _ok(invoke, "backup", str(out), "--db", demo)
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert _tables(out) == committed
    assert _tables(demo)["units"] > committed["units"]
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_restore_refuses_a_ledger_with_data_unless_forced(invoke: Invoke, demo: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    _ok(invoke, "units", "list", "--db", str(empty))  # a ledger with the shipped directory: has data
    before = _tables(empty)
    out = tmp_path / "b.db"
    _ok(invoke, "backup", str(out), "--db", demo)
    _refused(invoke, "restore", str(out), "--db", str(empty), says="--force")
    assert _tables(empty) == before
    _ok(invoke, "restore", str(out), "--db", str(empty), "--force")
    assert _status(invoke, str(empty)) == _status(invoke, demo)
    # a file that is no ledger is not overwritten either
    notes = tmp_path / "notes.db"
    notes.write_text("我的笔记", encoding="utf-8")
    _refused(invoke, "restore", str(out), "--db", str(notes), says="不是 bihuan 台账")
    assert notes.read_text(encoding="utf-8") == "我的笔记"


def test_restore_over_a_ledger_drops_its_old_write_ahead_log(
    invoke: Invoke, demo: str, tmp_path: Path
) -> None:
    target = tmp_path / "t.db"
    _ok(invoke, "units", "list", "--db", str(target))
    Path(f"{target}-wal").write_bytes(b"stale")
    out = tmp_path / "b.db"
    _ok(invoke, "backup", str(out), "--db", demo)
    _ok(invoke, "restore", str(out), "--db", str(target), "--force")
    assert not Path(f"{target}-wal").exists()
    assert _status(invoke, str(target)) == _status(invoke, demo)


def test_backup_does_not_overwrite_a_file_unless_forced(invoke: Invoke, demo: str, tmp_path: Path) -> None:
    out = tmp_path / "b.db"
    out.write_text("别的东西", encoding="utf-8")
    _refused(invoke, "backup", str(out), "--db", demo, says="文件已存在")
    assert out.read_text(encoding="utf-8") == "别的东西"
    _ok(invoke, "backup", str(out), "--db", demo, "--force")
    assert _tables(out) == _tables(demo)


def test_bad_input_is_one_line_and_exit_2(invoke: Invoke, demo: str, tmp_path: Path) -> None:
    _refused(
        invoke, "restore", str(tmp_path / "无此文件.db"), "--db", str(tmp_path / "x.db"), says="文件不存在"
    )
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"PK\x03\x04 not a backup")
    _refused(invoke, "restore", str(junk), "--db", str(tmp_path / "x.db"), says="不是 bihuan 的备份文件")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    _refused(invoke, "restore", str(other), "--db", str(tmp_path / "x.db"), says="不是 bihuan 的备份文件")
    assert not (tmp_path / "x.db").exists()
    _refused(invoke, "backup", str(tmp_path / "无此目录" / "b.db"), "--db", demo, says="目录不存在")
    _refused(invoke, "backup", str(tmp_path), "--db", demo, says="是一个目录")
    _refused(invoke, "backup", str(tmp_path / "b.db"), "--db", str(tmp_path / "none.db"), says="数据库不存在")
    _refused(invoke, "backup", str(tmp_path / "b.db"), "--db", str(junk), says="不是 bihuan 台账")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only directory")
def test_backup_into_an_unwritable_folder_is_refused(invoke: Invoke, demo: str, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        _refused(invoke, "backup", str(locked / "b.db"), "--db", demo, says="无法写入")
    finally:
        locked.chmod(0o700)


def test_help_is_chinese_with_examples(invoke: Invoke) -> None:
    for cmd in ("backup", "restore"):
        r = invoke(cmd, "--help")
        assert r.exit_code == 0
        assert "示例" in r.stdout and f"bihuan {cmd} " in r.stdout and "--force" in r.stdout


# ---------------------------------------------------------------- PostgreSQL
@pytest.fixture
def pg_pair(pg_server: str) -> Iterator[tuple[str, str]]:
    import psycopg

    names = [f"bihuan_t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with psycopg.connect(pg_server, autocommit=True, connect_timeout=3) as conn:
        for n in names:
            conn.execute(f'CREATE DATABASE "{n}"')
    base = pg_server.rsplit("/", 1)[0]
    try:
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with psycopg.connect(pg_server, autocommit=True, connect_timeout=3) as conn:
            for n in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')


def test_postgresql_backup_then_restore_gives_the_same_status(
    invoke: Invoke, pg_pair: tuple[str, str], tmp_path: Path
) -> None:
    source, target = pg_pair
    build_demo(source.replace("postgresql://", "postgresql+psycopg://", 1), TODAY)  # type: ignore[arg-type]
    out = tmp_path / "台账.dump"
    _ok(invoke, "backup", str(out), "--db", source)
    assert out.read_bytes()[:5] == b"PGDMP"
    _ok(invoke, "units", "list", "--db", target)  # the target already has a ledger with data
    _refused(invoke, "restore", str(out), "--db", target, says="--force")
    _ok(invoke, "restore", str(out), "--db", target, "--force")
    before = _status(invoke, source)
    assert "红灯" in before
    assert _status(invoke, target) == before
    # a SQLite backup is not restored into PostgreSQL (nor the other way)
    _refused(invoke, "restore", str(out), "--db", str(tmp_path / "x.db"), says="PostgreSQL 的备份")


def test_postgresql_restore_into_an_empty_database_needs_no_force(
    invoke: Invoke, pg_pair: tuple[str, str], tmp_path: Path
) -> None:
    source, target = pg_pair
    build_demo(source.replace("postgresql://", "postgresql+psycopg://", 1), TODAY)  # type: ignore[arg-type]
    out = tmp_path / "台账.dump"
    r = invoke("backup", str(out), env={"BIHUAN_DATABASE_URL": source})  # the database as `serve` finds it
    assert r.exit_code == 0, r.output
    r = invoke("restore", str(out), env={"BIHUAN_DATABASE_URL": target})
    assert r.exit_code == 0 and "已从" in r.stdout, r.output
    assert _status(invoke, target) == _status(invoke, source)


def test_postgresql_without_pg_dump_says_so(invoke: Invoke, pg_pair: tuple[str, str], tmp_path: Path) -> None:
    source, _ = pg_pair
    empty = tmp_path / "bin"
    empty.mkdir()
    line = _refused(
        invoke,
        "backup",
        str(tmp_path / "b.dump"),
        "--db",
        source,
        says="找不到 pg_dump",
        env={"PATH": str(empty)},
    )
    assert "Error: pg_dump not found on PATH" in line
    assert not (tmp_path / "b.dump").exists()
