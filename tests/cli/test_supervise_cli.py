"""`bihuan plan publish`: the 交办 from the command line, safe to repeat."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from bihuan.ledger import queries
from bihuan.ledger.db import open_ledger

Invoke = Callable[..., Result]
ENV = {"BIHUAN_USER": "督查室"}


def _ok(invoke: Invoke, *args: str) -> str:
    r = invoke(*args, env=ENV)
    assert r.exit_code == 0, r.output
    return r.stdout


def test_plan_publish(invoke: Invoke, tiny_report: str, tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    _ok(invoke, "plan", "import", tiny_report, "--db", db)
    _ok(invoke, "assign", "set", "1", "--lead", "工信局", "--db", db)
    out = _ok(invoke, "plan", "publish", "--on", "2022-01-14", "--db", db)  # a Friday
    assert "本次交办 1 项任务（2022-01-14 交办，2022-01-19 前签收）" in out
    assert re.search(r"尚未分配牵头单位 [1-9]\d* 项", out) and "bihuan assign confirm" in out
    _ok(invoke, "assign", "confirm", "--db", db)
    got = json.loads(_ok(invoke, "plan", "publish", "--on", "2022-01-20", "--json", "--db", db))
    assert got["already"] == 1 and got["unassigned"] == 0 and got["handed_over"] >= 1
    assert got["sign_by"] == "2022-01-25" and got["plan"] == 1
    again = json.loads(_ok(invoke, "plan", "publish", "--json", "--db", db))
    assert again["handed_over"] == 0 and again["already"] == got["already"] + got["handed_over"]
    ledger = open_ledger(db)
    try:
        with ledger.sessions() as s:
            handed = queries.current_handovers(s, 1)
            assert len(handed) == again["already"]
            assert {h.created_by for h in handed.values()} == {"督查室"}
            assert min(h.handed_on for h in handed.values()) == dt.date(2022, 1, 14)
    finally:
        ledger.close()


def test_plan_publish_bad_input_is_one_line(invoke: Invoke, tiny_report: str, tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    for args in (("--on", "1月16日"), ("--plan", "9")):
        if args[0] == "--plan":
            _ok(invoke, "plan", "import", tiny_report, "--db", db)
        r = invoke("plan", "publish", *args, "--db", db, env=ENV)
        assert r.exit_code == 2, r.output
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误：") and " / Error: " in lines[0], r.stderr
        assert "Traceback" not in r.output
