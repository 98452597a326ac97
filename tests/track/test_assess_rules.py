"""考核 rules as data: the shipped file loads and is hashed by its bytes; a bad file is one clear
error; and the pure application (`score`) as a parameter table — facts in, each unit's score,
rank and events out (weights, caps, ties)."""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from bihuan.track.assess_rules import RULE_IDS, SHIPPED, AssessRules, Fact, rule_zh, score
from bihuan.track.errors import TrackError

D = dt.date(2023, 6, 5)


def rules(**kw: Any) -> AssessRules:
    """Rules from a mapping: every rule worth 0 unless given (points={...})."""
    raw: dict[str, Any] = {"base": 100, "points": {}, **kw}
    return AssessRules.from_mapping(raw)


def fact(rule: str, unit: int = 1, task: int | None = 1, area: str | None = "（一）投资") -> Fact:
    return Fact(rule, unit, task, f"k{task}", area, D, f"事件 {rule}")


# ---------------------------------------------------------------- loading
def test_the_shipped_rules_load_and_are_hashed_by_their_bytes() -> None:
    shipped = AssessRules.load()
    data = resources.files("bihuan.track").joinpath("data/assess.toml").read_bytes()
    assert shipped.sha256 == hashlib.sha256(data).hexdigest()
    assert shipped.source == SHIPPED
    assert set(shipped.points) == set(RULE_IDS)
    assert shipped.points["report_missing"] < 0 < shipped.points["task_on_time"]
    assert (
        shipped.points["supervised.挂牌"]
        < shipped.points["supervised.重点"]
        < shipped.points["supervised.一般"]
        < 0
    )


def test_a_file_is_hashed_by_its_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("base = 100\n[points]\nreport_late = -1\n", "utf-8")
    b.write_text("base = 100\n[points]\nreport_late = -1\n# a comment\n", "utf-8")
    ra, rb = AssessRules.load(a), AssessRules.load(b)
    assert ra.points == rb.points and ra.sha256 != rb.sha256
    assert ra.sha256 == hashlib.sha256(a.read_bytes()).hexdigest() and ra.source == str(a)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("basis = 100\n", "未知设置 basis"),
        ("[points]\nreport_lat = -1\n", "points.report_lat"),
        ('[points.supervised]\n"特急" = -1\n', "points.supervised.特急"),
        ('[points]\nreport_late = "-1"\n', "points.report_late 应为数字"),
        ("[points]\nreport_late = true\n", "points.report_late 应为数字"),
        ("points = 3\n", "points 应为表"),
        ('base = "一百"\n', "base 应为数字"),
        ('[weights.areas]\n"（一）" = -1\n', "不能小于 0"),
        ('[weights.tasks]\n"第一" = 2\n', "weights.tasks 的键应为任务序号"),
        ("[weights]\nunits = {}\n", "weights.units"),
        ("[caps.per_rule]\nreport_lat = 5\n", "caps.per_rule.report_lat"),
        ("[caps.per_rule]\nreport_late = -5\n", "不能小于 0"),
        ("[caps]\ntotal_min = 90\ntotal_max = 80\n", "total_min 不能大于"),
        ("base = \n", "无法读取考核规则文件"),
    ],
    ids=lambda x: x if isinstance(x, str) and "\n" not in x else None,
)
def test_a_bad_rule_file_is_one_clear_error(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(TrackError) as info:
        AssessRules.load(path)
    assert words in info.value.zh, info.value.zh
    assert "\n" not in info.value.zh and info.value.en


def test_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TrackError, match="无法读取考核规则文件"):
        AssessRules.load(tmp_path / "none.toml")


def test_rule_names_are_chinese() -> None:
    assert rule_zh("report_missing") == "漏报"
    assert rule_zh("supervised.挂牌") == "督办（挂牌）"
    assert rule_zh("cap.report_late") == "封顶：迟报"
    assert rule_zh("cap.total") == "总分封顶"


# ---------------------------------------------------------------- applying the rules
P = {"report_on_time": 1, "report_late": -0.5, "report_missing": -2, "task_on_time": 3, "task_overdue": -5,
     "answer_late": -1, "closed_accepted": 2, "task_completed_late": -1, "supervised": {"一般": -1, "重点": -2, "挂牌": -4}}  # fmt: skip
CASES: list[tuple[str, list[Fact], AssessRules, dict[int, float]]] = [
    # (id, facts, rules, expected score by unit)
    ("nothing happened: base", [], rules(points=P), {1: 100, 2: 100}),
    ("one of each rule", [fact(r) for r in RULE_IDS], rules(points=P),
     {1: 100 + 1 - 0.5 - 2 + 3 - 1 - 5 - 1 - 2 - 4 - 1 + 2, 2: 100}),
    ("a rule at 0 does not count", [fact("report_on_time")], rules(points={"report_late": -1}), {1: 100, 2: 100}),
    ("base from the file", [fact("task_on_time")], rules(base=60, points=P), {1: 63, 2: 60}),
    ("area weight", [fact("task_on_time", area="（一）投资")], rules(points=P, weights={"areas": {"（一）投资": 1.5}}),
     {1: 104.5, 2: 100}),
    ("task weight wins over area weight", [fact("task_on_time", task=7)],
     rules(points=P, weights={"areas": {"（一）投资": 1.5}, "tasks": {"7": 2}}), {1: 106, 2: 100}),
    ("weight 0 leaves the task out", [fact("task_overdue", task=7)], rules(points=P, weights={"tasks": {"7": 0}}),
     {1: 100, 2: 100}),
    ("per-rule cap on deductions", [fact("report_missing", task=t) for t in range(1, 8)],
     rules(points=P, caps={"per_rule": {"report_missing": 10}}), {1: 90, 2: 100}),
    ("per-rule cap on gains", [fact("report_on_time", task=t) for t in range(1, 8)],
     rules(points=P, caps={"per_rule": {"report_on_time": 5}}), {1: 105, 2: 100}),
    ("under the cap: no capping", [fact("report_missing")], rules(points=P, caps={"per_rule": {"report_missing": 10}}),
     {1: 98, 2: 100}),
    ("total floor", [fact("task_overdue", task=t) for t in range(1, 30)], rules(points=P, caps={"total_min": 0}),
     {1: 0, 2: 100}),
    ("total ceiling", [fact("task_on_time", task=t) for t in range(1, 30)], rules(points=P, caps={"total_max": 110}),
     {1: 110, 2: 100}),
    ("a unit only facts name is scored too", [fact("closed_accepted", unit=3)], rules(points=P),
     {1: 100, 2: 100, 3: 102}),
    ("cents are kept, float noise is not", [fact("report_on_time", task=t) for t in range(3)],
     rules(points={"report_on_time": 0.1}), {1: 100.3, 2: 100}),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "rule_set", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_scores(facts: list[Fact], rule_set: AssessRules, expected: dict[int, float]) -> None:
    scored = score(facts, {1: "甲局", 2: "乙局"}, rule_set)
    assert {u.unit_id: u.score for u in scored} == expected
    for u in scored:  # every point is explained: the score is the base plus the events
        assert u.score == round(rule_set.base + sum(e.points for e in u.events), 2)
        assert all(e.points != 0 and e.reason for e in u.events)


def test_a_cap_is_a_visible_event_after_its_rule() -> None:
    facts = [fact("report_missing", task=t) for t in range(1, 8)]
    (_, u) = score(facts, {1: "甲局", 2: "乙局"}, rules(points=P, caps={"per_rule": {"report_missing": 10}}))
    assert (u.unit, u.score, u.rank) == ("甲局", 90, 2)
    assert [e.rule for e in u.events] == ["report_missing"] * 7 + ["cap.report_missing"]
    cap = u.events[-1]
    assert cap.points == 4 and cap.task_number is None
    assert "“漏报”累计扣分 14 分，超过上限 10 分" in cap.reason


def test_weighted_events_carry_their_weight() -> None:
    scored = score([fact("task_on_time", task=7)], {1: "甲局"}, rules(points=P, weights={"tasks": {"7": 2}}))
    (e,) = scored[0].events
    assert (e.points, e.weight, e.task_number, e.day, e.reason) == (6, 2, 7, D, "事件 task_on_time")


@pytest.mark.parametrize(
    ("scores", "ranks", "order"),
    [
        ({1: 3, 2: 2, 3: 1}, [1, 2, 3], [1, 2, 3]),
        ({1: 1, 2: 3, 3: 2}, [1, 2, 3], [2, 3, 1]),
        ({1: 2, 2: 2, 3: 1}, [1, 1, 3], [1, 2, 3]),  # ties share a rank, the next one skips
        ({3: 2, 1: 1, 2: 2}, [1, 1, 3], [2, 3, 1]),  # equal scores in unit-id order
        ({1: 1, 2: 1, 3: 1}, [1, 1, 1], [1, 2, 3]),
    ],
)
def test_ranking(scores: dict[int, int], ranks: list[int], order: list[int]) -> None:
    facts = [fact("task_on_time", unit=u, task=t) for u, n in scores.items() for t in range(n)]
    scored = score(facts, {1: "甲局", 2: "乙局", 3: "丙局"}, rules(points=P))
    assert [u.rank for u in scored] == ranks
    assert [u.unit_id for u in scored] == order
    assert [u.unit for u in scored] == [{1: "甲局", 2: "乙局", 3: "丙局"}[i] for i in order]
