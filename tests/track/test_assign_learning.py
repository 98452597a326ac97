"""Learning from the office: the confirmed assignments of 示例县's 2022 plan make the suggestions
for its 2023 plan better. Both reports and all labels are the team's own fictional texts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from assign_helpers import default_units

from bihuan.extract import extract_text
from bihuan.ledger import queries
from bihuan.track import assign, directory, plans
from bihuan.track.assign_evidence import Evidence, NeighbourModel
from bihuan.track.assign_learn import TableRow, learn_table, ledger_evidence, ledger_model, resolve
from bihuan.track.assign_match import Matcher
from bihuan.track.errors import RowErrors
from bihuan.track.tx import transaction

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "golden" / "assign"
USER = "督查室"


def _import(s: Any, name: str) -> int:
    text = (ROOT / "examples" / name).read_text("utf-8")
    return plans.import_plan(s, extract_text(text, "txt"), text=text, source_name=name, user=USER).document_id


def _right(s: Any, doc: int, gold: dict[str, str]) -> int:
    items = assign.suggest_plan(s, doc, USER)
    return sum(
        1
        for it in items
        if it.suggestion.lead is not None and gold.get(it.task.text) == it.suggestion.lead.name
    )


def _confirm_2022(s: Any, doc: int) -> int:
    """Record the office's 2022 decisions (the hand labels of that report) as assignments."""
    labels = json.loads((GOLD / "labels.json").read_text("utf-8"))
    lead_of = {t["text"]: (t["lead"], t.get("cooperating", [])) for t in labels["tasks"]}
    units = directory.directory(s)
    rev = queries.latest_revision(s, doc)
    assert rev is not None
    n = 0
    with transaction(s):
        for task in queries.tasks(s, rev.id):
            if task.text in lead_of:
                lead, coop = lead_of[task.text]
                assign.record(
                    s,
                    document_id=doc,
                    task_key=task.key,
                    lead=directory.find_unit(units, lead),
                    cooperating=[directory.find_unit(units, c) for c in coop],
                    origin="set",
                    user=USER,
                )
                n += 1
    return n


@pytest.mark.parametrize("names_only", [False, True], ids=["default-directory", "names-only-directory"])
def test_confirmed_plan_improves_the_next_year(ledger: Any, names_only: bool) -> None:
    gold = {
        t["text"]: t["lead"]
        for t in json.loads((GOLD / "shixian-2023-labels.json").read_text("utf-8"))["tasks"]
    }
    entries = directory.parse_yaml(directory.default_directory_text())
    if names_only:  # a county that loaded only its units' names, no keywords
        entries = [directory.UnitEntry(e.name, e.short, e.aliases) for e in entries]
    with ledger.sessions() as s:
        directory.load_directory(s, entries, USER)
        first, second = _import(s, "shixian-2022-report.txt"), _import(s, "shixian-2023-report.txt")
        before = _right(s, second, gold)
        assert _confirm_2022(s, first) == 68
        after = _right(s, second, gold)
        reasons = [it.suggestion.reason for it in assign.suggest_plan(s, second, USER)]
    n = len(gold)
    print(
        f"\nlearning ({'names only' if names_only else 'default directory'}): 2023 lead right {before}/{n} before, {after}/{n} after confirming 2022"
    )
    assert any("已确认的任务" in r for r in reasons)  # the similar confirmed task is named
    if names_only:
        assert after > before
    else:
        assert after >= before and after / n >= 0.9


def test_neighbours_name_the_similar_task() -> None:
    units = [
        directory.DirectoryUnit(1, "甲局"),
        directory.DirectoryUnit(2, "乙局"),
        directory.DirectoryUnit(3, "政府办公室"),
    ]
    model = NeighbourModel(
        [
            Evidence("推进城区雨污分流改造", "乙局", (), "计划 1"),
            Evidence("开展春季植树活动", "甲局", (), "计划 1"),
            Evidence("完成城区雨污分流工程", "乙局", (), "计划 1"),
        ]
    )
    s = Matcher(units, model).suggest("加快城区雨污分流改造")
    assert s.lead is not None and s.lead.name == "乙局"
    assert s.similar is not None and "雨污分流" in s.similar.text and "已确认的任务" in s.reason
    nothing = Matcher(units, model).suggest("办好民生实事")
    assert nothing.similar is None


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("县发改局", "发展和改革局"),
        ("发展和改革局（牵头）", "发展和改革局"),
        ("县委宣传部", "县委宣传部（文明办）"),
        ("某某中心", None),
    ],
)
def test_table_names_resolve_to_directory_units(name: str, unit: str | None) -> None:
    units = default_units()
    found = resolve(units, name)
    assert (found.name if found else None) == unit


def test_a_learned_table_is_evidence_and_kept_once(ledger: Any) -> None:
    rows = [
        TableRow(2, "推进城区雨污分流改造", "县住建局", ("县生态环境局",)),
        TableRow(3, "开展春季义务植树", "县林业局"),
        TableRow(4, "落实某项任务", "某某中心"),
    ]
    with ledger.sessions() as s:
        units = directory.ensure_directory(s, USER)
        first = learn_table(s, rows, "2022分解表.xlsx", units, USER)
        again = learn_table(s, rows, "2022分解表.xlsx", units, USER)
        items = ledger_evidence(s, directory.directory(s))
        with pytest.raises(RowErrors):
            learn_table(s, [TableRow(5, "", "县财政局")], "坏表.xlsx", units, USER)
    assert (first.added, first.already, first.unknown) == (3, 0, ("某某中心",))
    assert (again.added, again.already) == (0, 3)
    assert [(e.lead, e.cooperating) for e in items] == [
        ("住房和城乡建设局", ("生态环境分局",)),
        ("林业和草原局", ()),
    ]


# a fictional plan, written for this test: two brand tasks of farm products and a school
_MINI = """政府工作报告
——2023年1月10日在测试县第十八届人民代表大会第二次会议上

一、2022年工作回顾

过去一年，全县经济平稳运行。

二、2023年工作安排

（一）做强特色农业。做响“测试香米”品牌，品牌销售额达到3亿元；擦亮“测试贡米”品牌，品牌销售额突破1亿元。

（二）办好民生实事。新建城区公办幼儿园3所。
"""


def test_an_office_change_teaches_the_rest_of_its_plan(ledger: Any) -> None:
    with ledger.sessions() as s:
        units = directory.ensure_directory(s, USER)
        doc = plans.import_plan(s, extract_text(_MINI, "txt"), text=_MINI, source_name="mini.txt", user=USER)
        pid = doc.document_id
        before = {it.task.number: it.suggestion for it in assign.suggest_plan(s, pid, USER)}
        assert before[1].lead is not None and before[1].lead.name == "市场监督管理局"  # 品牌 alone
        # accepting every suggestion as it is teaches nothing: the suggestions stay as they were
        assign.confirm(s, pid, [], USER)
        assert ledger_model(s, directory.directory(s), pid) is None
        accepted = {it.task.number: it.suggestion.lead for it in assign.suggest_plan(s, pid, USER)}
        assert accepted == {n: sg.lead for n, sg in before.items()}
        # the office changes the first brand task: the second one follows, citing it
        with transaction(s):
            task = assign.find_task(s, pid, "1")
            assert task is not None
            assign.record(
                s,
                document_id=pid,
                task_key=task.key,
                lead=directory.find_unit(units, "农业农村局"),
                cooperating=[],
                origin="set",
                user=USER,
            )
        model = ledger_model(s, directory.directory(s), pid)
        assert model is not None and len(model) == 1
        assert ledger_model(s, directory.directory(s), pid) is model  # kept while nothing changes
        after = {it.task.number: it.suggestion for it in assign.suggest_plan(s, pid, USER)}
    second = after[2]
    assert second.lead is not None and second.lead.name == "农业农村局"
    assert second.similar is not None and "测试香米" in second.similar.text
    # a task is never its own evidence
    assert after[1].similar is None or "测试香米" not in after[1].similar.text
    assert after[3].lead is not None and after[3].lead.name == "教育局"
