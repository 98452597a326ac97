"""兑现 rules as a parameter table: a target and the next year's actual → met / not met / not stated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bihuan.extract import Document, Indicator, Plan, extract_text
from bihuan.track.attain import attain, attain_indicators, bare_name
from bihuan.track.attain_settings import AttainSettings, load_settings, parse_settings
from bihuan.track.attain_views import attainment_dict, figure_text
from bihuan.track.errors import TrackError


def ind(kind: str, name: str, period: str = "2022", **fields: Any) -> Indicator:
    return Indicator(
        id=f"{kind}-{name}", name=name, kind=kind, period=period, quote=name, span=(0, 1), **fields
    )  # type: ignore[arg-type]


def tgt(name: str, **fields: Any) -> Indicator:
    return ind("target", name, **fields)


def act(name: str, **fields: Any) -> Indicator:
    return ind("actual", name, **fields)


GDP = {"measure": "gdp"}
# fmt: off
CASES = [
    # growth targets, higher is better
    ("plain growth exceeded", tgt("地区生产总值", growth_pct=6.0, **GDP), act("地区生产总值", growth_pct=6.5, **GDP), "met"),
    ("plain growth equal", tgt("地区生产总值", growth_pct=6.0, **GDP), act("地区生产总值", growth_pct=6.0, **GDP), "met"),
    ("plain growth short", tgt("地区生产总值", growth_pct=8.0, **GDP), act("地区生产总值", growth_pct=7.8, **GDP), "not_met"),
    ("about within 0.5 points", tgt("地区生产总值", growth_pct=7.0, qualifier="about", **GDP), act("地区生产总值", growth_pct=6.6, **GDP), "met"),
    ("about just outside", tgt("地区生产总值", growth_pct=7.0, qualifier="about", **GDP), act("地区生产总值", growth_pct=6.4, **GDP), "not_met"),
    ("about far above", tgt("地区生产总值", growth_pct=7.0, qualifier="about", **GDP), act("地区生产总值", growth_pct=9.9, **GDP), "met"),
    ("at least met", tgt("一般公共预算收入", growth_pct=6.0, qualifier="at_least", measure="budget_revenue"), act("一般公共预算收入", growth_pct=6.0, measure="budget_revenue"), "met"),
    ("at least short, no slack", tgt("一般公共预算收入", growth_pct=6.0, qualifier="at_least", measure="budget_revenue"), act("一般公共预算收入", growth_pct=5.9, measure="budget_revenue"), "not_met"),
    ("range from its low end", tgt("固定资产投资", growth_pct=6.0, qualifier="range", range=(6.0, 6.5), measure="fixed_asset_investment"), act("固定资产投资", growth_pct=6.1, measure="fixed_asset_investment"), "met"),
    ("range below", tgt("固定资产投资", growth_pct=6.0, qualifier="range", range=(6.0, 6.5), measure="fixed_asset_investment"), act("固定资产投资", growth_pct=5.2, measure="fixed_asset_investment"), "not_met"),
    # ceilings: 以内, and measures the dictionary calls lower-is-better
    ("at most held", tgt("城镇登记失业率", value=4.5, unit="%", qualifier="at_most", measure="registered_unemployment"), act("城镇登记失业率", value=3.9, unit="%", measure="registered_unemployment"), "met"),
    ("at most broken", tgt("居民消费价格涨幅", value=3.0, unit="%", qualifier="at_most", measure="consumer_prices"), act("居民消费价格", value=3.4, unit="%", measure="consumer_prices"), "not_met"),
    ("ceiling measure, no qualifier", tgt("商品零售价格", value=6.0, unit="%", measure="retail_prices"), act("零售物价", value=5.4, unit="%", measure="retail_prices"), "met"),
    ("ceiling measure about, within", tgt("居民消费价格", value=3.0, unit="%", qualifier="about", measure="consumer_prices"), act("居民消费价格", value=3.4, unit="%", measure="consumer_prices"), "met"),
    ("ceiling measure about, beyond", tgt("居民消费价格", value=3.0, unit="%", qualifier="about", measure="consumer_prices"), act("居民消费价格", value=3.6, unit="%", measure="consumer_prices"), "not_met"),
    ("ceiling range: upper end", tgt("居民消费价格", value=2.0, unit="%", qualifier="range", range=(2.0, 3.0), measure="consumer_prices"), act("居民消费价格", value=2.8, unit="%", measure="consumer_prices"), "met"),
    ("fall target of a down measure", tgt("单位地区生产总值能耗", growth_pct=-3.0, measure="energy_intensity"), act("单位地区生产总值能耗", growth_pct=-3.5, measure="energy_intensity"), "met"),
    ("fall target missed", tgt("单位地区生产总值能耗", growth_pct=-3.0, measure="energy_intensity"), act("单位地区生产总值能耗", growth_pct=-2.1, measure="energy_intensity"), "not_met"),
    # amounts: units at any scale, 左右 as a share of the target
    ("amount at another scale", tgt("粮食产量", value=49250.0, unit="万吨", measure="grain_output"), act("粮食产量", value=4.95, unit="亿吨", measure="grain_output"), "met"),
    ("amount about within 5%", tgt("地区生产总值", value=100.0, unit="亿元", qualifier="about", **GDP), act("地区生产总值", value=96.0, unit="亿元", **GDP), "met"),
    ("amount about beyond 5%", tgt("地区生产总值", value=100.0, unit="亿元", qualifier="about", **GDP), act("地区生产总值", value=94.0, unit="亿元", **GDP), "not_met"),
    ("amount and growth both judged", tgt("一般公共预算收入", value=9.0, unit="亿元", growth_pct=6.0, qualifier="at_least", growth_qualifier="about", measure="budget_revenue"), act("一般公共预算收入", value=9.2, unit="亿元", growth_pct=5.0, measure="budget_revenue"), "not_met"),
    ("amount judged when the actual has no growth", tgt("一般公共预算收入", value=9.0, unit="亿元", growth_pct=6.0, measure="budget_revenue"), act("一般公共预算收入", value=9.2, unit="亿元", measure="budget_revenue"), "met"),
    # the same kind of figure, the same measure
    ("a growth target is not judged by a level", tgt("地区生产总值", growth_pct=6.0, **GDP), act("地区生产总值", value=120.0, unit="亿元", **GDP), "not_stated"),
    ("units of another quantity", tgt("粮食产量", value=100.0, unit="万吨", measure="grain_output"), act("粮食产量", value=100.0, unit="万亩", measure="grain_output"), "not_stated"),
    ("annual average is no yoy", tgt("地区生产总值", growth_pct=6.0, **GDP), act("地区生产总值", growth_pct=7.0, basis="annual_avg", **GDP), "not_stated"),
    ("another measure id never", tgt("地区生产总值", growth_pct=6.0, **GDP), act("工业增加值", growth_pct=9.0, measure="industry_value_added"), "not_stated"),
    ("GNP and GDP one series", tgt("国民生产总值", growth_pct=8.0, measure="gnp"), act("国内生产总值", growth_pct=13.4, **GDP), "met"),
    ("another year", tgt("地区生产总值", growth_pct=6.0, **GDP), act("地区生产总值", period="2021", growth_pct=9.0, **GDP), "not_stated"),
    # names when there is no measure id
    ("same name after a region prefix", tgt("全县新建5G基站", value=200.0, unit="个"), act("新建5G基站", value=230.0, unit="个"), "met"),
    ("name contained", tgt("高标准农田", value=3.0, unit="万亩"), act("建成高标准农田", value=2.5, unit="万亩"), "not_met"),
    ("longer name is another quantity", tgt("城镇化", value=60.0, unit="%"), act("常住人口城镇化率", value=61.0, unit="%"), "not_stated"),
    ("a restated bound gives way to the figure", tgt("零售物价上涨幅度", value=10.0, unit="%", qualifier="at_most", measure="retail_prices"), None, "not_met"),
]
# fmt: on


@pytest.mark.parametrize(("label", "target", "actual", "expected"), CASES, ids=[c[0] for c in CASES])
def test_status(label: str, target: Indicator, actual: Indicator | None, expected: str) -> None:
    if actual is None:  # the review restates last year's bound, then gives the figure
        actuals = [
            act("商品零售物价上涨幅度", value=10.0, unit="%", qualifier="at_most"),
            act("商品零售物价涨幅", value=21.7, unit="%"),
        ]
    else:
        actuals = [actual]
    [row] = attain_indicators([target], actuals)
    assert row.status == expected, row.why_zh()
    assert (row.actual is None) == (expected == "not_stated")
    if row.actual is not None:
        assert row.verdicts and all(v.met for v in row.verdicts) == (expected == "met")


def test_measure_first_then_name() -> None:
    target = tgt("地区生产总值", growth_pct=6.0, **GDP)
    by_name = act("地区生产总值", growth_pct=5.0)
    by_measure = act("GDP", growth_pct=7.0, **GDP)
    [row] = attain_indicators([target], [by_name, by_measure])
    assert row.actual is by_measure and row.matched_by == "measure" and row.status == "met"


def test_tolerance_is_a_setting(tmp_path: Path) -> None:
    target = tgt("地区生产总值", growth_pct=7.0, qualifier="about", **GDP)
    actual = act("地区生产总值", growth_pct=6.2, **GDP)
    assert attain_indicators([target], [actual])[0].status == "not_met"
    wide = load_settings(about_points=1.0)
    assert attain_indicators([target], [actual], wide)[0].status == "met"
    own = tmp_path / "attain.toml"
    own.write_text("about_points = 0.9\n", encoding="utf-8")
    assert load_settings(own).about_points == 0.9
    assert attain_indicators([target], [actual], load_settings(own))[0].status == "met"


@pytest.mark.parametrize(
    "raw",
    [{"about_points": -1}, {"about_share": 1.5}, {"nonsense": 1}, {"other_quantity": "率"}, {"scales": {"万": 0}},
     {"same_series": [["gdp"]]}, {"min_contained": 0}, {"about_points": True}],
)  # fmt: skip
def test_bad_settings(raw: dict[str, Any]) -> None:
    with pytest.raises(TrackError):
        parse_settings(raw)


def test_shipped_settings_load() -> None:
    s = load_settings()
    assert isinstance(s, AttainSettings) and s.about_points == 0.5 and s.about_share == 0.05
    assert s.one_series("gnp", "gdp") and not s.one_series("gdp", "gnp_per_capita")


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("全省地区生产总值增长", "地区生产总值"),
        ("我县 一般公共预算收入", "一般公共预算收入"),
        ("全年粮食总产量", "粮食总产量"),
    ],
)
def test_bare_name(name: str, bare: str) -> None:
    assert bare_name(name) == bare


@pytest.mark.parametrize(
    ("target", "text"),
    [
        (tgt("x", growth_pct=7.0, qualifier="about"), "增长7%左右"),
        (tgt("x", value=9.0, unit="亿元", growth_pct=6.0, qualifier="at_least", growth_qualifier="at_least"), "9亿元以上、增长6%以上"),
        (tgt("x", growth_pct=6.0, qualifier="range", range=(6.0, 6.5)), "增长6%—6.5%"),
        (tgt("x", value=3.0, unit="%", qualifier="at_most"), "3%以内"),
        (tgt("x", growth_pct=6.5, basis="annual_avg"), "年均增长6.5%"),
    ],
)  # fmt: skip
def test_figure_text(target: Indicator, text: str) -> None:
    assert figure_text(target) == text


# Two short fictional reports of one county, written for this test.
OLD = """青石县政府工作报告
一、2022年工作回顾
全县地区生产总值增长6.1%。
二、2023年主要预期目标
2023年主要预期目标是：地区生产总值增长7%左右；一般公共预算收入增长6%以上；城镇登记失业率控制在4.5%以内；今后五年，地区生产总值年均增长6.5%。
"""
NEW = """青石县政府工作报告
一、2023年工作回顾
2023年，全县地区生产总值增长6.7%；一般公共预算收入增长5.2%。
二、2024年主要预期目标
地区生产总值增长6%左右。
"""


def test_two_reports() -> None:
    old = extract_text(OLD, "txt")
    new = extract_text(NEW, "txt")
    assert old.document.plan_year == 2023 and new.document.plan_year == 2024
    rows = {r.name: r for r in attain(old, new)}
    assert set(rows) == {"地区生产总值", "一般公共预算收入", "城镇登记失业率"}  # not the five-year goal
    assert rows["地区生产总值"].status == "met"
    assert rows["一般公共预算收入"].status == "not_met"
    assert rows["城镇登记失业率"].status == "not_stated"
    data = attainment_dict(rows["地区生产总值"])
    assert set(data) >= {"measure", "name", "target", "actual", "status"}
    assert data["target"]["growth_pct"] == 7.0 and data["actual"]["growth_pct"] == 6.7


def test_unknown_year() -> None:
    with pytest.raises(TrackError):
        attain(Plan(Document()), Plan(Document(plan_year=2024)))


def test_multi_year_targets_only_when_their_period_is_reviewed() -> None:
    five = tgt("地区生产总值", period="2018-2022", growth_pct=7.0, basis="annual_avg", **GDP)
    due = tgt("粮食产量", period="2025", value=50.0, unit="亿斤", measure="grain_output")
    year = tgt("地区生产总值", period="2018", growth_pct=7.0, **GDP)
    old = Plan(Document(plan_year=2018), indicators=(five, due, year))
    review = act("地区生产总值", period="2018-2022", growth_pct=6.6, basis="annual_avg", **GDP)
    new = Plan(Document(plan_year=2023), indicators=(review,))
    rows = attain(old, new)
    assert [(r.target.period, r.status) for r in rows] == [("2018-2022", "not_met"), ("2018", "not_stated")]


def test_the_same_target_twice_counts_once() -> None:
    first = tgt("地区生产总值", growth_pct=7.0, qualifier="about", **GDP)
    again = Indicator(
        **{**{f: getattr(first, f) for f in first.__slots__}, "id": "again", "name": "全县地区生产总值"}
    )
    rows = attain(Plan(Document(plan_year=2022), indicators=(first, again)), Plan(Document(plan_year=2023)))
    assert len(rows) == 1 and rows[0].status == "not_stated"


def test_a_figure_short_of_its_about_target_says_it_is_within_the_tolerance() -> None:
    old = extract_text(OLD.replace("今后五年", "生猪出栏45万头左右；今后五年"), "txt")
    new = extract_text(
        NEW.replace("一般公共预算收入增长5.2%。", "一般公共预算收入增长5.2%；生猪出栏44.2万头。"), "txt"
    )
    (row,) = [r for r in attain(old, new) if r.name.startswith("生猪")]
    assert row.status == "met"
    assert row.why_zh() == "数值实际44.2万头 ≈ 目标45万头（左右，在容差内）"
