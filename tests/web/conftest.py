"""Fixtures for the web tests. The demo ledger (`bihuan demo`'s: the example report as plan 1,
assignments confirmed, five users, a few months of progress, published) is built once into a
template file, with every demo user logged in through the login form; each test gets a copy."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import chromium
from web_helpers import TODAY, Web, row_counts

from bihuan.cli.web_cmds import DEMO_PASSWORD, DEMO_USERS, build_demo
from bihuan.ledger.db import open_ledger
from bihuan.track.users import add_user
from bihuan.web.deps import COOKIE

Template = tuple[Path, dict[str, str]]  # the database file and each user's session cookie


def _logged_in(path: Path | str) -> dict[str, str]:
    web = Web(str(path))
    try:
        return {name: str(web.login(name).cookies.get(COOKIE)) for name, _, _ in DEMO_USERS}
    finally:
        web.close()


def _copy(template: Template, folder: Path) -> tuple[str, dict[str, str]]:
    src, tokens = template
    dst = folder / "ledger.db"
    shutil.copyfile(src, dst)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{src}{suffix}")
        if side.exists():
            shutil.copyfile(side, Path(f"{dst}{suffix}"))
    return str(dst), tokens


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    path = tmp_path_factory.mktemp("web-demo") / "demo.db"
    build_demo(path, TODAY)
    return path, _logged_in(path)


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A ledger with the demo users (and so the unit directory) but no plan."""
    path = tmp_path_factory.mktemp("web-empty") / "empty.db"
    ledger = open_ledger(path)
    try:
        with ledger.sessions() as s:
            for name, role, unit in DEMO_USERS:
                add_user(s, name, DEMO_PASSWORD, role, unit, "测试")
    finally:
        ledger.close()
    return path, _logged_in(path)


@pytest.fixture
def make_web() -> Iterator[Callable[..., Web]]:
    """make_web(db, tokens=None, **settings): an app on that ledger, closed after the test."""
    made: list[Web] = []

    def make(db: str, tokens: dict[str, str] | None = None, **kw: object) -> Web:
        web = Web(db, tokens, **kw)
        made.append(web)
        return web

    yield make
    for web in made:
        web.close()


@pytest.fixture
def web(demo_template: Template, tmp_path: Path, make_web: Callable[..., Web]) -> Web:
    """The demo app on a fresh copy of the demo ledger."""
    return make_web(*_copy(demo_template, tmp_path))


@pytest.fixture(scope="session")
def ro_web(demo_template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """One demo app shared by the tests that only read; it checks at the end that they did."""
    web = Web(*_copy(demo_template, tmp_path_factory.mktemp("web-read-only")))
    with web.db() as s:
        before = row_counts(s)
    yield web
    with web.db() as s:
        after = row_counts(s)
    web.close()
    assert after == before, "a test using ro_web changed the ledger"


@pytest.fixture
def empty_web(empty_template: Template, tmp_path: Path, make_web: Callable[..., Web]) -> Web:
    """The app on a ledger with users and no plan."""
    return make_web(*_copy(empty_template, tmp_path))


@pytest.fixture
def copy_empty(empty_template: Template, tmp_path: Path) -> Callable[[], tuple[str, dict[str, str]]]:
    """A fresh copy of the empty ledger, for tests that need their own settings."""
    return lambda: _copy(empty_template, tmp_path)


def _pg(admin: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


def _pg_url(admin: str, name: str) -> str:
    return admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo built once into a PostgreSQL database that each test's database is copied from."""
    name = f"bihuan_t_webdemo_{uuid.uuid4().hex[:10]}"
    _pg(pg_server, f'CREATE DATABASE "{name}"')
    try:
        url = _pg_url(pg_server, name)
        build_demo(url, TODAY)  # type: ignore[arg-type]  # open_ledger takes a URL as well as a path
        yield name, _logged_in(url)
    finally:
        _pg(pg_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def any_web(
    request: pytest.FixtureRequest,
    demo_template: Template,
    tmp_path: Path,
    make_web: Callable[..., Web],
) -> Iterator[Web]:
    """The demo app on SQLite and on PostgreSQL, each on a fresh copy of the demo ledger."""
    if request.param == "sqlite":
        yield make_web(*_copy(demo_template, tmp_path))
        return
    admin = str(request.getfixturevalue("pg_server"))
    template, tokens = request.getfixturevalue("pg_demo_template")
    name = f"bihuan_t_{uuid.uuid4().hex[:12]}"
    _pg(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield make_web(_pg_url(admin, name), tokens)
    finally:
        _pg(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium through Playwright, for one browser test module (skipped or failed as
    browser_helpers.unavailable says when it is missing)."""
    with chromium() as b:
        yield b
