"""The measure dictionary: names to canonical measures, false matches kept out, the file validated."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bihuan.extract import Plan, extract_text
from bihuan.extract.measures import clean, dictionary, measure, measure_of_name, parse
from bihuan.extract.rules import RuleError, load


@pytest.mark.parametrize(
    ("name", "mid"),
    [
        # one measure, many names
        ("地区生产总值", "gdp"),
        ("全省地区生产总值", "gdp"),
        ("我市生产总值", "gdp"),
        ("国内生产总值", "gdp"),
        ("生产总值（GDP）", "gdp"),
        ("ＧＤＰ", "gdp"),
        ("实现地区生产总值", "gdp"),
        ("经济增长", "gdp"),
        ("经济增速", "gdp"),
        ("经济总量", "gdp"),
        ("国民生产总值", "gnp"),
        ("工农业总产值", "gross_output_agri_industry"),
        ("全社会固定资产投资", "fixed_asset_investment"),
        ("完成全社会固定资产投资", "fixed_asset_investment"),
        ("固定资产投资", "fixed_asset_investment"),
        ("社会消费品零售总额", "retail_sales"),
        ("全社会消费品零售总额", "retail_sales"),
        ("外贸进出口总额", "foreign_trade"),
        ("实际利用外商直接投资", "foreign_investment"),
        ("地方财政收入", "fiscal_revenue_general"),
        ("地方一般公共预算收入", "fiscal_revenue_general"),
        ("一般公共预算收入同口径", "fiscal_revenue_general"),
        ("财政总收入", "fiscal_revenue_total"),
        ("城镇常住居民人均可支配收入", "urban_income"),
        ("城镇居民人均生活费收入", "urban_income"),
        ("农民人均纯收入", "rural_income"),
        ("农村牧区常住居民人均可支配收入", "rural_income"),
        ("农民人均纯收入增加", "rural_income"),
        ("全体居民人均可支配收入", "resident_income"),
        ("居民消费价格总水平上涨幅度", "consumer_prices"),
        ("城镇登记失业率", "registered_unemployment"),
        ("城镇调查失业率", "surveyed_unemployment"),
        ("新增城镇就业", "new_urban_jobs"),
        ("粮食总产量", "grain_output"),
        ("规上工业增加值", "above_scale_industry_value_added"),
        ("人口自然增长率", "natural_growth_rate"),
        ("人口自然增长率由1997年", "natural_growth_rate"),
        ("城镇化率由2005年", "urbanisation_rate"),
        ("GDP从2017年的1.45万亿元接连", "gdp"),  # a clause the engine could not cut: its head
        ("**常住人口城镇化率", "urbanisation_rate"),
        ("森林覆盖率", "forest_cover"),
        ("减少农村贫困人口", "poverty_reduction"),
        ("细颗粒物（PM2.5）平均浓度", "pm25"),
        ("研究与试验发展（R&D）经费占GDP比重", "rd_intensity"),
        ("全社会研发经费支出相当于全市生产总值的比例", "rd_intensity"),
        ("研发经费投入强度", "rd_intensity"),
        ("科技进步对经济增长的贡献率", "tech_progress_contribution"),
        # measure-changer words are never swallowed
        ("人均地区生产总值", "gdp_per_capita"),
        ("人均GDP", "gdp_per_capita"),
        ("单位地区生产总值能耗", "energy_intensity"),
        ("万元生产总值综合能耗", "energy_intensity"),
        ("单位GDP能耗下降", "energy_intensity"),
        ("单位地区生产总值二氧化碳排放", "carbon_intensity"),
        ("第三产业增加值占地区生产总值比重", "services_share"),
        ("服务业增加值占GDP比重", "services_share"),
        ("第三产业增加值", "services_value_added"),
        ("新增高速公路通车里程", "expressway_new"),
        ("高速公路通车里程", "expressway_length"),
        ("新增高新技术企业", "high_tech_enterprises_new"),
        ("高新技术企业", "high_tech_enterprises"),
        ("民间投资占比", "private_investment_share"),
        ("民间投资", "private_investment"),
        ("海洋生产总值", "marine_gdp"),
        ("户籍人口城镇化率", "registered_urbanisation_rate"),
    ],
)
def test_names_map_to_their_measure(name: str, mid: str) -> None:
    assert measure_of_name(name) == mid


@pytest.mark.parametrize(
    "name",
    [
        "",
        "增加",
        "完成投资",
        "占地区生产总值比重",  # a share of what, the name does not say
        "环保投入相当于全市生产总值的比例",
        "万元GDP用水量",
        "人均生产总值占全国",
        "生产总值占全国比重",
        "社会物流总费用与GDP的比率",
        "工业对经济增长的贡献率",
        "生产",
        "全省",
        "实现",
        "x" * 500,
    ],
)
def test_names_of_no_known_measure(name: str) -> None:
    assert measure_of_name(name) is None


@given(st.text(max_size=120))
@settings(max_examples=400, deadline=None)
def test_never_raises(name: str) -> None:
    mid = measure_of_name(name)
    assert mid is None or mid in dictionary().measures


@pytest.mark.parametrize(
    ("mid", "kind", "direction", "family"),
    [
        ("gdp", "flow", "up", "money"),
        ("consumer_prices", "ceiling", "down", "percent"),
        ("registered_unemployment", "ceiling", "down", "percent"),
        ("natural_growth_rate", "ceiling", "down", "permille"),
        ("energy_intensity", "rate", "down", "energy"),
        ("forest_cover", "rate", "up", "percent"),
        ("new_urban_jobs", "flow", "up", "people"),
    ],
)
def test_measure_attributes(mid: str, kind: str, direction: str, family: str) -> None:
    m = measure(mid)
    assert (m.type, m.direction, m.unit_family) == (kind, direction, family)


def test_the_shipped_dictionary_is_large_and_each_canonical_name_maps_home() -> None:
    d = dictionary()
    assert len(d.measures) >= 60
    for mid, m in d.measures.items():
        assert measure_of_name(m.name) == mid, m.name
        for s in m.synonyms:
            assert measure_of_name(s) == mid, s


def _raw() -> dict[str, Any]:
    return load("measures")


def _with(mid: str, **table: Any) -> dict[str, Any]:
    raw = _raw()
    raw[mid] = table
    return raw


GOOD = {"name": "某量", "synonyms": ["某量"], "type": "flow", "direction": "up", "unit_family": "money"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (_with("Bad-Id", **GOOD), "lower_snake_case"),
        (_with("x", **{**GOOD, "type": "stock"}), "`type`"),
        (_with("x", **{**GOOD, "direction": "sideways"}), "`direction`"),
        (_with("x", **{**GOOD, "unit_family": "furlongs"}), "`unit_family`"),
        (_with("x", **{**GOOD, "synonyms": "某量"}), "`synonyms`"),
        (_with("x", **{**GOOD, "patterns": ["(unclosed"]}), "bad pattern"),
        (_with("x", **{**GOOD, "color": "red"}), "unknown keys"),
        (_with("x", **{**GOOD, "name": ""}), "`name`"),
        (_with("x", **{**GOOD, "synonyms": ["国内生产总值"]}), "both [gdp] and [x]"),
        ({k: v for k, v in _raw().items() if k != "_normalise"}, "[_normalise] missing"),
    ],
)
def test_a_bad_dictionary_is_refused_with_a_clear_error(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError) as e:
        parse(raw)
    assert message in str(e.value)


def test_the_file_is_valid_toml_with_a_table_per_measure() -> None:
    from importlib import resources

    text = resources.files("bihuan.extract").joinpath("rules", "measures.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    assert set(raw) - {"_normalise"} == set(dictionary().measures)


def test_clean_folds_width_case_quotes_and_latin_notes() -> None:
    assert clean(" “地区生产总值（GDP）” ") == "地区生产总值"
    assert clean("ｇｄｐ") == "GDP"


def test_the_engine_sets_measure_on_indicators() -> None:
    plan = extract_text(
        "政府工作报告\n\n一、2021年工作回顾\n\n全省地区生产总值达到1000亿元，增长8%；城镇登记失业率3.5%。\n"
    )
    got = {i.name: i.measure for i in plan.indicators}
    assert got.get("地区生产总值") == "gdp"
    assert got.get("城镇登记失业率") == "registered_unemployment"
    assert all(i["measure"] == got[i["name"]] for i in plan.to_dict()["indicators"])


def test_plans_saved_before_measures_still_load() -> None:
    plan = extract_text("政府工作报告\n\n一、2021年工作回顾\n\n地区生产总值达到1000亿元。\n")
    data = plan.to_dict()
    for i in data["indicators"]:
        del i["measure"]
    again = Plan.from_dict(data)
    assert again.indicators and all(i.measure is None for i in again.indicators)
