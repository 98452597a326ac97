"""The headline groups and the figures as text, shared by the terminal and the workbook."""

from __future__ import annotations

import dataclasses

import pytest

from bihuan.export.views import growth_text, headline, number_text, period_text, value_text, work_areas
from bihuan.extract.types import Document, Indicator, Plan, Section, Task


def ind(**fields: object) -> Indicator:
    base: dict[str, object] = {
        "id": "i",
        "name": "x",
        "kind": "target",
        "period": "2022",
        "quote": "",
        "span": (0, 0),
    }
    return Indicator(**(base | fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (169.7, "169.7"),
        (33025.0, "33025"),
        (0.1 + 0.2, "0.3"),
        (-9.52, "-9.52"),
        (1e12, "1000000000000"),
        (-0.0, "0"),
    ],
)
def test_number_text(x: float, text: str) -> None:
    assert number_text(x) == text


@pytest.mark.parametrize(
    ("fields", "value", "growth"),
    [
        ({"value": 169.7, "unit": "亿元", "growth_pct": 7.5, "basis": "yoy"}, "169.7亿元", "7.5%"),
        ({"growth_pct": 7.0, "qualifier": "about"}, "", "7%左右"),
        ({"value": 9.0, "unit": "亿元", "qualifier": "at_least", "growth_pct": 8.0, "growth_qualifier": "about"},
         "9亿元以上", "8%左右"),
        ({"value": 3.0, "unit": "%", "qualifier": "at_most"}, "3%以内", ""),
        ({"growth_pct": 6.0, "qualifier": "range", "range": (6.0, 6.5)}, "", "6%–6.5%"),
        ({"value": 5.5, "unit": "%", "qualifier": "range", "range": (5.5, 6.0)}, "5.5–6%", ""),
        ({"growth_pct": 6.5, "basis": "annual_avg", "qualifier": "about"}, "", "年均6.5%左右"),
        ({"value": 1.5, "unit": "万人", "growth_pct": 20.0, "basis": "cumulative"}, "1.5万人", "累计20%"),
        ({"growth_pct": -9.52}, "", "-9.52%"),
        ({"value": 406.0}, "406", ""),
    ],
)  # fmt: skip
def test_value_and_growth_text(fields: dict[str, object], value: str, growth: str) -> None:
    indicator = ind(**fields)
    assert (value_text(indicator), growth_text(indicator)) == (value, growth)


@pytest.mark.parametrize(
    ("period", "text"), [("2022", "2022年"), ("2022-2026", "2022–2026年"), ("十四五", "十四五")]
)
def test_period_text(period: str, text: str) -> None:
    assert period_text(period) == text


def test_headline_groups(sample_plan: Plan) -> None:
    view = headline(sample_plan)
    assert view.plan_year == 2022
    assert [i.id for i in view.last_year] == ["i1", "i2"]
    assert [i.id for i in view.long_term] == ["i7", "i9"]
    # i8 is a plan-year target too, but a work area's, not one of the goals
    assert [i.id for i in view.plan_targets] == ["i3", "i4", "i5", "i6"]
    assert [c.message for c in view.failed_checks] == ["地区生产总值目标与上年数×增速不符"]


def test_plan_targets_fall_back_to_every_plan_year_target(sample_plan: Plan) -> None:
    sections = tuple(
        dataclasses.replace(s, role="other") if s.role == "goals" else s for s in sample_plan.sections
    )
    view = headline(dataclasses.replace(sample_plan, sections=sections))
    assert [i.id for i in view.plan_targets] == ["i3", "i4", "i5", "i6", "i8"]


def test_no_plan_year_means_no_year_groups(sample_plan: Plan) -> None:
    plan = dataclasses.replace(sample_plan, document=Document())
    view = headline(plan)
    assert view.last_year == view.long_term == view.plan_targets == ()
    assert len(view.work_areas) == 2


def test_work_areas_count_tasks_and_linked_targets(sample_plan: Plan) -> None:
    rows = [(a.heading, a.tasks, a.indicators) for a in work_areas(sample_plan)]
    assert rows == [("（一）推动工业提质增效", 2, 1), ("（二）增进民生福祉", 1, 1)]


def test_work_areas_keep_tasks_of_a_parent_area_and_stray_tasks() -> None:
    sections = (
        Section("a", "三、重点工作", 1, (0, 10), role="tasks"),
        Section("a.1", "（一）工业", 2, (2, 10), parent="a", role="tasks"),
        Section("b", "四、政府建设", 1, (10, 20), role="self_building"),
    )
    tasks = (
        Task("t1", "a", "统筹推进。", (1, 2)),
        Task("t2", "a.1", "建设园区。", (3, 4), indicators=("x", "y")),
        Task("t3", "a.1", "扩大产能。", (5, 6), indicators=("x",)),
        Task("t4", "b", "转变作风。", (11, 12)),
    )
    rows = [(a.heading, a.tasks, a.indicators) for a in work_areas(Plan(Document(), sections, tasks=tasks))]
    assert rows == [("三、重点工作", 1, 0), ("（一）工业", 2, 2), ("其他", 1, 0)]


def test_work_areas_survive_a_parent_cycle() -> None:
    sections = (Section("a", "甲", 1, (0, 1), parent="b"), Section("b", "乙", 1, (0, 1), parent="a"))
    plan = Plan(Document(), sections, tasks=(Task("t", "a", "任务", (0, 1)),))
    assert [(a.heading, a.tasks) for a in work_areas(plan)] == [("其他", 1)]
