"""Names lose what belongs to the sentence: numbering, lead time or hedge words, the region's own name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bihuan.extract import extract_text
from bihuan.extract.repair import repair
from bihuan.extract.stages.tidy import region_names, tidy_name


@pytest.mark.parametrize(
    ("name", "region", "tidy"),
    [
        ("（1）生产总值", None, "生产总值"),
        ("——国内生产总值", None, "国内生产总值"),
        ("2.地方财政收入", None, "地方财政收入"),
        ("一是粮食产量", None, "粮食产量"),
        ("预期今年全省地区生产总值", None, "全省地区生产总值"),
        ("计划安排国内生产总值", None, "国内生产总值"),
        ("完成固定资产投资", None, "固定资产投资"),
        ("西藏生产总值", "西藏自治区", "生产总值"),
        ("广西壮族自治区生产总值", "广西壮族自治区", "生产总值"),
        ("河北钢铁产量", "河北省", "钢铁产量"),
        ("今年", None, "今年"),  # nothing left: the name stays
        ("示例", "示例县", "示例"),
    ],
)
def test_tidy_name(name: str, region: str | None, tidy: str) -> None:
    assert tidy_name(name, region_names(region)) == tidy


@pytest.mark.parametrize(
    ("region", "names"),
    [
        ("新疆维吾尔自治区", ("新疆维吾尔自治区", "新疆")),
        ("内蒙古自治区", ("内蒙古自治区", "内蒙古")),
        ("阜新蒙古族自治县", ("阜新蒙古族自治县", "阜新")),
        ("北京市", ("北京市", "北京")),
        (None, ()),
    ],
)
def test_region_names(region: str | None, names: tuple[str, ...]) -> None:
    assert region_names(region) == names


@given(st.text(max_size=40), st.sampled_from([None, "西藏自治区", "某某县"]))
def test_tidy_never_empties_a_name(name: str, region: str | None) -> None:
    out = tidy_name(name, region_names(region))
    assert (out == name) or (len(out) >= 2 and out in name)


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("增长l0%", "增长10%"),
        ("增长1O.5%", "增长10.5%"),
        ("增长12。2%", "增长12.2%"),
        ("ISO9001认证", "ISO9001认证"),
    ],
)
def test_scanned_digits(printed: str, read: str) -> None:
    assert repair(printed).text == read


def test_region_name_is_a_prefix_in_the_regions_own_report() -> None:
    text = "政府工作报告\n——2024年1月10日在示例县第十八届人民代表大会第三次会议上\n一、2023年工作回顾\n示例生产总值增长5.2%。\n"
    names = [i.name for i in extract_text(text).indicators]
    assert names == ["生产总值"]


@pytest.mark.parametrize("dash", ["-", "－", "—", "–", "―", "～", "~", "至"])
def test_range_dashes(dash: str) -> None:
    text = f"政府工作报告\n一、2024年目标\n今年主要预期目标是：地区生产总值增长7.5%{dash}8%。\n"
    got = [(i.growth_pct, i.qualifier, i.range) for i in extract_text(text).indicators]
    assert got == [(7.5, "range", (7.5, 8.0))]
