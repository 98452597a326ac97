"""`bihuan assess` on the demo ledger: the JSON interface, the 考核表 read back with openpyxl, the
table, and bad input as one line with exit status 2 (nothing written)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import Result

from bihuan.cli.web_cmds import build_demo
from bihuan.launch import DEMO_DAY
from bihuan.ledger import queries
from bihuan.ledger.db import open_ledger
from bihuan.track.assess_rules import AssessRules

Invoke = Callable[..., Result]
ON = DEMO_DAY.isoformat()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("assess-demo") / "demo.db"
    build_demo(path, DEMO_DAY, supervision=True)
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return str(path)


def run_json(invoke: Invoke, db: str, *args: str) -> list[dict[str, Any]]:
    result = invoke("assess", "--db", db, "--on", ON, "--json", *args)
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def demo_facts(db: str) -> tuple[set[str], set[int], int]:
    """The demo's lead units, task numbers and 督办 notices sent (drafts not approved left out)."""
    ledger = open_ledger(db)
    try:
        with ledger.sessions() as s:
            names = {u.id: u.name for u in queries.units(s)}
            leads = {names[a.lead_unit_id] for a in queries.current_assignments(s, 1).values()}
            rev = queries.latest_revision(s, 1)
            assert rev is not None
            numbers = {t.number for t in queries.tasks(s, rev.id)}
            from bihuan.ledger.models import Notice

            sent = sum(1 for n in s.query(Notice).filter_by(kind="督办", draft=False))
            return leads, numbers, sent
    finally:
        ledger.close()


def test_json_is_a_ranked_list_with_every_event_explained(invoke: Invoke, demo: str) -> None:
    data = run_json(invoke, demo)
    leads, numbers, sent = demo_facts(demo)
    assert {u["unit"] for u in data} == leads
    assert [u["score"] for u in data] == sorted((u["score"] for u in data), reverse=True)
    shipped = AssessRules.load()
    for i, u in enumerate(data):
        assert set(u) == {"unit", "score", "rank", "rules_sha256", "events"}
        assert u["rules_sha256"] == shipped.sha256
        assert u["rank"] == (data[i - 1]["rank"] if i and data[i - 1]["score"] == u["score"] else i + 1)
        assert u["score"] == round(shipped.base + sum(e["points"] for e in u["events"]), 2)
        for e in u["events"]:
            assert set(e) == {"rule", "points", "task", "date", "reason"}
            assert e["points"] != 0 and e["reason"]
            assert e["task"] in numbers or e["rule"].startswith("cap.")
    supervised = [e for u in data for e in u["events"] if e["rule"].startswith("supervised.")]
    assert len(supervised) == sent == 3  # the demo's 督办 in every state; the unapproved draft does not count
    assert {e["rule"] for e in supervised} == {"supervised.重点", "supervised.挂牌"}
    assert any(
        e["rule"] == "report_missing" for u in data for e in u["events"]
    )  # the tasks that never report


def test_demo_reports_are_dated_in_their_own_months(invoke: Invoke, demo: str) -> None:
    """The demo's reports were sent in their time (most by the 3rd, a few late on the 12th), not
    on the day the demo was built: the ranking has both kinds, and nothing months late."""
    events = [e for unit in run_json(invoke, demo) for e in unit["events"]]
    rules = {e["rule"] for e in events}
    assert {"report_on_time", "report_late"} <= rules
    days_late = [
        int(d) for e in events if e["rule"] == "report_late" for d in re.findall(r"迟 (\d+) 天", e["reason"])
    ]
    assert days_late and max(days_late) < 31


def test_xlsx_is_the_assessment_read_back(invoke: Invoke, demo: str, tmp_path: Path) -> None:
    out = tmp_path / "考核表.xlsx"
    data = run_json(invoke, demo, "--xlsx", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["排名", "明细", "规则"]
    ranking = list(wb["排名"].iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1], r[2], r[3]) for r in ranking] == [
        (u["rank"], u["unit"], u["score"], len(u["events"])) for u in data
    ]
    events = list(wb["明细"].iter_rows(min_row=2, values_only=True))
    assert len(events) == sum(len(u["events"]) for u in data)
    first = data[0]["events"][0]
    assert (
        events[0][0] == data[0]["unit"] and events[0][3] == first["rule"] and events[0][4] == first["points"]
    )
    assert events[0][6] == first["task"] and events[0][7] == first["date"] and events[0][8] == first["reason"]
    rules = dict(wb["规则"].iter_rows(min_row=2, values_only=True))
    assert rules["sha256"] == data[0]["rules_sha256"]
    assert data[0]["rules_sha256"] in str(wb["排名"]["A2"].value)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_table_shows_the_ranking_and_a_breakdown(invoke: Invoke, demo: str) -> None:
    data = run_json(invoke, demo)
    result = invoke("assess", "--db", demo, "--on", ON, "--unit", "住建局")
    assert result.exit_code == 0, result.stderr
    assert "考核排名" in result.stdout and data[-1]["unit"] in result.stdout
    mine = next(u for u in data if u["unit"] == "住房和城乡建设局")
    assert f"住房和城乡建设局：{mine['score']:g} 分（第 {mine['rank']} 名）" in result.stdout
    others = [u["unit"] for u in data if u["unit"] != "住房和城乡建设局"]
    assert not any(f"{name}：" in result.stdout for name in others)


def test_a_rule_file_changes_the_scores(invoke: Invoke, demo: str, tmp_path: Path) -> None:
    rules = tmp_path / "本县考核规则.toml"
    rules.write_text("base = 60\n[points]\nreport_missing = -1\n", "utf-8")
    data = run_json(invoke, demo, "--rules", str(rules))
    assert {e["rule"] for u in data for e in u["events"]} == {"report_missing"}
    assert data[0]["rules_sha256"] == AssessRules.load(rules).sha256 != AssessRules.load().sha256
    assert all(u["score"] == 60 - len(u["events"]) for u in data)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--rules", "{bad}"), "考核规则文件有误：未知设置 points.report_lat"),
        (("--rules", "{tmp}/none.toml"), "找不到文件"),
        (("--on", "2023-13-01"), "--on 应为日期"),
        (("--plan", "99"), "没有编号为 99 的计划"),
        (("--unit", "不存在局"), "不存在局"),
        (("--xlsx", "{tmp}/考核表.csv"), "Excel 文件名须以 .xlsx 结尾"),
    ],
    ids=["unknown rule", "no rule file", "bad date", "no plan", "no unit", "not xlsx"],
)
def test_bad_input_is_one_line_and_exit_2(
    invoke: Invoke, demo: str, tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[points]\nreport_lat = -1\n", "utf-8")
    given = [a.replace("{bad}", str(bad)).replace("{tmp}", str(tmp_path)) for a in args]
    result = invoke("assess", "--db", demo, "--on", ON, "--xlsx", str(tmp_path / "out.xlsx"), *given)
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and "Error:" in lines[0], result.stderr
    assert words in lines[0]
    assert not (tmp_path / "out.xlsx").exists()


def test_help_has_examples(invoke: Invoke) -> None:
    result = invoke("assess", "--help")
    assert result.exit_code == 0
    for word in (
        "示例",
        "bihuan assess --on 2023-12-31 --xlsx 考核表.xlsx",
        "--rules",
        "--json",
        "--plan",
        "--db",
    ):
        assert word in result.stdout


def test_serve_refuses_a_bad_rule_file_before_starting(invoke: Invoke, demo: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("base = true\n", "utf-8")
    result = invoke("serve", "--db", demo, "--assess-rules", str(bad))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "考核规则文件有误：base 应为数字" in result.stderr


def test_a_plan_nobody_leads_yet(invoke: Invoke, tiny_report: str, tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    assert invoke("plan", "import", tiny_report, "--db", db).exit_code == 0
    assert run_json(invoke, db) == []
    result = invoke("assess", "--db", db, "--on", ON)
    assert result.exit_code == 0 and "无可考核的单位" in result.stdout
