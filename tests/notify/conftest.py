"""Fixtures of the reminder tests: the demo ledger on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from remind_helpers import DAY

from bihuan.cli.web_cmds import build_demo
from bihuan.ledger.db import open_ledger


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, DAY)
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, demo_file: Path) -> str:
    path = tmp_path / "ledger.db"
    shutil.copyfile(demo_file, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    url = str(request.getfixturevalue("pg_url"))
    build_demo(url, DAY)  # type: ignore[arg-type]  # a URL is a --db too
    return url


@pytest.fixture
def ledger_of() -> Iterator[Any]:
    """ledger_of(url): an open ledger, closed after the test."""
    opened: list[Any] = []

    def open_(url: str) -> Any:
        led = open_ledger(url)
        opened.append(led)
        return led

    yield open_
    for led in opened:
        led.close()
