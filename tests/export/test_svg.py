"""The dashboard's SVG charts: well-formed documents, the right counts and colours, text escaped."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

import pytest

from bihuan.export.svg import (
    FONT_FAMILY,
    LIGHT_COLOURS,
    Light,
    grouped_lights,
    light_bar,
    progress_light,
    progress_vs_time,
)

NS = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & 公司"
EVIL_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 公司"
LONG = "住房和城乡建设局及各乡镇人民政府街道办事处"  # 21 Chinese characters
RED, YELLOW, GREEN = LIGHT_COLOURS["red"], LIGHT_COLOURS["yellow"], LIGHT_COLOURS["green"]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def view_box(root: ET.Element) -> tuple[float, ...]:
    return tuple(float(v) for v in root.attrib["viewBox"].split())


def texts(root: ET.Element, tag: str = "text") -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{NS}{tag}")]


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in el.attrib.get("class", "").split()]


def rows_of(root: ET.Element) -> list[ET.Element]:
    return by_class(root, "bh-row")


CHARTS: dict[str, Callable[[str], str]] = {
    "light_bar": lambda label: light_bar({"red": 1, "yellow": 2, "green": 3}, label),
    "grouped_lights": lambda label: grouped_lights([(label, {"red": 1, "yellow": 0, "green": 2})], label),
    "progress_vs_time": lambda label: progress_vs_time([(label, 0.5, 0.5), (label, None, 0.2)], label),
}


# ---- every chart ------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
def test_a_chart_is_a_scalable_accessible_svg_document(chart: Callable[[str], str]) -> None:
    svg = chart("全县重点任务")
    root = parse(svg)
    x, y, w, h = view_box(root)
    assert (x, y) == (0, 0) and w > 0 and h > 0
    assert root.attrib["width"] == "100%" and "height" not in root.attrib
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"].startswith("全县重点任务")
    assert root.attrib["font-family"] == FONT_FAMILY
    first = root[0]
    assert first.tag == f"{NS}title" and first.text == "全县重点任务"


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
def test_text_is_escaped_and_inert(chart: Callable[[str], str]) -> None:
    svg = chart(EVIL)
    assert "<script" not in svg and "& " not in svg
    assert EVIL_ESCAPED in svg
    root = parse(svg)
    assert not [el for el in root.iter() if el.tag.lower().endswith("script")]
    assert EVIL in texts(root, "title")
    assert root.attrib["aria-label"].startswith(EVIL)


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("甲\x00乙\x1b丙", "甲乙丙"),  # control characters XML cannot hold are dropped
        ("甲\ud800乙", "甲乙"),  # a lone surrogate too
        ("  甲\n\t乙  ", "甲 乙"),  # white space collapsed
        ("引号\"与'单引号", "引号\"与'单引号"),
    ],
)
def test_text_xml_cannot_hold_is_cleaned(chart: Callable[[str], str], raw: str, clean: str) -> None:
    root = parse(chart(raw))
    assert root[0].text == clean
    assert clean in texts(root, "title")


@pytest.mark.parametrize(
    "svg",
    [
        light_bar({"red": math.nan, "yellow": math.inf, "green": -math.inf}, "非数"),  # type: ignore[dict-item]
        grouped_lights([("甲", {"red": math.nan, "green": math.inf})], "非数"),  # type: ignore[dict-item]
        progress_vs_time(
            [("甲", math.nan, math.inf), ("乙", math.inf, math.nan), ("丙", -math.inf, -1.0)], "非数"
        ),
    ],
    ids=["light_bar", "grouped_lights", "progress_vs_time"],
)
def test_nan_and_inf_do_not_leak(svg: str) -> None:
    parse(svg)
    lowered = svg.lower()
    assert "nan" not in lowered and "inf" not in lowered


# ---- light_bar --------------------------------------------------------------------------------


def test_light_bar_draws_the_counts_in_proportion() -> None:
    root = parse(light_bar({"red": 3, "yellow": 1, "green": 6}, "全县"))
    segs = by_class(root, "bh-seg")
    assert [s.attrib["fill"] for s in segs] == [RED, YELLOW, GREEN]
    widths = [float(s.attrib["width"]) for s in segs]
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.02)
    assert widths[2] == pytest.approx(6 * widths[1], abs=0.02)
    _, _, w, _ = view_box(root)
    assert sum(widths) <= w
    words = texts(root)
    for label in ("红灯 3", "黄灯 1", "绿灯 6"):
        assert label in words
    assert not by_class(root, "bh-empty")
    assert "红灯 3，黄灯 1，绿灯 6，共 10 项" in root.attrib["aria-label"]


@pytest.mark.parametrize(
    ("counts", "fills", "words"),
    [
        ({"red": 0, "yellow": 0, "green": 4}, [GREEN], ["红灯 0", "黄灯 0", "绿灯 4"]),
        ({"red": 2}, [RED], ["红灯 2", "黄灯 0", "绿灯 0"]),  # missing keys count 0
        ({"red": 1, "green": 1, "blue": 9}, [RED, GREEN], ["红灯 1", "黄灯 0", "绿灯 1"]),  # others ignored
        ({"red": -5, "yellow": 2}, [YELLOW], ["红灯 0", "黄灯 2"]),  # negatives count 0
    ],
)
def test_light_bar_skips_empty_segments(
    counts: Mapping[str, int], fills: list[str], words: list[str]
) -> None:
    root = parse(light_bar(counts, "全县"))
    assert [s.attrib["fill"] for s in by_class(root, "bh-seg")] == fills
    for word in words:
        assert word in texts(root)


@pytest.mark.parametrize("counts", [{}, {"red": 0, "yellow": 0, "green": 0}])
def test_light_bar_without_tasks_is_a_grey_bar(counts: Mapping[str, int]) -> None:
    root = parse(light_bar(counts, "全县"))
    assert not by_class(root, "bh-seg")
    (empty,) = by_class(root, "bh-empty")
    assert empty.attrib["fill"] not in LIGHT_COLOURS.values()
    assert "暂无任务" in texts(root)
    assert "红灯 0" in texts(root)


def test_light_bar_heading_can_be_left_out() -> None:
    shown = parse(light_bar({"red": 1}, "全县"))
    hidden = parse(light_bar({"red": 1}, "全县", heading=False))
    assert "全县" in texts(shown) and "全县" not in texts(hidden)
    assert hidden[0].text == "全县"
    assert view_box(hidden)[3] < view_box(shown)[3]


# ---- grouped_lights ---------------------------------------------------------------------------


def test_grouped_lights_one_bar_per_row_in_order() -> None:
    rows = [
        ("发展改革局", {"red": 1, "yellow": 2, "green": 7}),
        ("教育局", {"red": 0, "yellow": 0, "green": 3}),
        ("财政局", {"red": 0, "yellow": 0, "green": 0}),
    ]
    root = parse(grouped_lights(rows, "按牵头单位"))
    drawn = rows_of(root)
    assert len(drawn) == 3
    assert [texts(r)[0] for r in drawn] == ["发展改革局", "教育局", "财政局"]
    assert [s.attrib["fill"] for s in by_class(drawn[0], "bh-seg")] == [RED, YELLOW, GREEN]
    assert [s.attrib["fill"] for s in by_class(drawn[1], "bh-seg")] == [GREEN]
    assert not by_class(drawn[2], "bh-seg") and by_class(drawn[2], "bh-empty")
    assert "暂无任务" in texts(drawn[2])
    after = ["".join(el.itertext()) for el in by_class(root, "bh-after")]
    assert after == ["红1 黄2 绿7", "红0 黄0 绿3", "红0 黄0 绿0"]
    assert "合计红灯 1，黄灯 2，绿灯 10" in root.attrib["aria-label"]


@pytest.mark.parametrize(("fewer", "more"), [(1, 2), (2, 10), (10, 40)])
def test_grouped_lights_grows_with_rows(fewer: int, more: int) -> None:
    def height(n: int) -> float:
        rows = [(f"单位{i}", {"green": 1}) for i in range(n)]
        return view_box(parse(grouped_lights(rows, "按单位")))[3]

    assert height(more) > height(fewer)


def test_grouped_lights_without_rows() -> None:
    root = parse(grouped_lights([], "按单位"))
    assert not rows_of(root)
    assert view_box(root)[3] <= view_box(parse(grouped_lights([("甲", {})], "按单位")))[3]
    assert "暂无数据" in texts(root)


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("发展改革局", "发展改革局"),
        ("一二三四五六七八九十甲乙", "一二三四五六七八九十甲乙"),  # exactly 12 fit
        (LONG, LONG[:11] + "…"),
        ("Development and Reform Bureau", "Development and Re…"),  # narrow letters fit more
    ],
)
@pytest.mark.parametrize("chart", ["grouped_lights", "progress_vs_time"])
def test_long_labels_are_cut_but_kept_whole_in_a_title(label: str, shown: str, chart: str) -> None:
    if chart == "grouped_lights":
        svg = grouped_lights([(label, {"red": 1})], "按单位")
    else:
        svg = progress_vs_time([(label, 0.2, 0.5)], "进度")
    root = parse(svg)
    (row,) = rows_of(root)
    (label_group,) = by_class(row, "bh-label")
    assert texts(label_group) == [shown]
    assert label_group.find(f"{NS}title") is not None
    assert label_group.findtext(f"{NS}title") == label


# ---- progress_vs_time -------------------------------------------------------------------------


LIGHT_CASES: list[tuple[float, float, Light]] = [
    # (progress, time, light): the gap is time - progress
    (0.50, 0.50, "green"),
    (0.90, 0.50, "green"),  # ahead of time
    (0.41, 0.50, "green"),  # 9 points behind
    (0.40, 0.50, "green"),  # exactly 10 points behind
    (0.30, 0.40, "green"),  # exactly 10, though 0.4 - 0.3 is 0.10000000000000003 in floats
    (0.39, 0.50, "yellow"),  # 11 points behind
    (0.20, 0.50, "yellow"),  # exactly 30 points behind
    (0.70, 1.00, "yellow"),  # exactly 30, though 1.0 - 0.7 is 0.30000000000000004 in floats
    (0.19, 0.50, "red"),  # 31 points behind
    (0.69, 1.00, "red"),
    (0.00, 1.00, "red"),
    (0.00, 0.10, "green"),
    (0.00, 0.11, "yellow"),
]


@pytest.mark.parametrize(("progress", "time", "light"), LIGHT_CASES)
def test_progress_light_thresholds(progress: float, time: float, light: Light) -> None:
    assert progress_light(progress, time) == light


@pytest.mark.parametrize(("progress", "time", "light"), LIGHT_CASES)
def test_progress_bar_colour_follows_the_thresholds(progress: float, time: float, light: Light) -> None:
    root = parse(progress_vs_time([("任务", progress, time)], "进度"))
    (bar,) = by_class(root, "bh-progress")
    assert bar.attrib["fill"] == LIGHT_COLOURS[light]
    assert f"bh-{light}" in bar.attrib["class"].split()


@pytest.mark.parametrize(
    ("progress", "time", "yellow_gap", "red_gap", "light"),
    [
        (0.40, 0.50, 0.05, 0.20, "yellow"),
        (0.25, 0.50, 0.05, 0.20, "red"),
        (0.10, 0.50, 0.50, 0.60, "green"),
    ],
)
def test_progress_thresholds_can_be_set(
    progress: float, time: float, yellow_gap: float, red_gap: float, light: Light
) -> None:
    svg = progress_vs_time([("任务", progress, time)], "进度", yellow_gap=yellow_gap, red_gap=red_gap)
    (bar,) = by_class(parse(svg), "bh-progress")
    assert bar.attrib["fill"] == LIGHT_COLOURS[light]


@pytest.mark.parametrize(
    ("yellow_gap", "red_gap"), [(0.3, 0.1), (-0.1, 0.3), (math.nan, 0.3), (0.1, math.inf)]
)
def test_progress_thresholds_must_make_sense(yellow_gap: float, red_gap: float) -> None:
    with pytest.raises(ValueError):
        progress_vs_time([], "进度", yellow_gap=yellow_gap, red_gap=red_gap)


def test_progress_bar_and_time_marker_positions() -> None:
    root = parse(progress_vs_time([("任务", 0.25, 0.75)], "进度"))
    (track,) = by_class(root, "bh-track")
    (bar,) = by_class(root, "bh-progress")
    (marker,) = by_class(root, "bh-marker")
    x0, full = float(track.attrib["x"]), float(track.attrib["width"])
    assert float(bar.attrib["x"]) == x0
    assert float(bar.attrib["width"]) == pytest.approx(0.25 * full, abs=0.01)
    assert float(marker.attrib["x1"]) == pytest.approx(x0 + 0.75 * full, abs=0.01)
    assert marker.attrib["x1"] == marker.attrib["x2"]
    assert "进度25% 时间75%" in texts(root)


@pytest.mark.parametrize(
    ("progress", "time", "words"),
    [
        (0.0, 0.0, "进度0% 时间0%"),
        (1.0, 1.0, "进度100% 时间100%"),
        (1.7, 2.0, "进度100% 时间100%"),  # clamped
        (-0.2, -1.0, "进度0% 时间0%"),
        (0.333, 0.5, "进度33% 时间50%"),
        (0.5, math.nan, "进度50% 时间0%"),  # an unknown time counts as 0
    ],
)
def test_progress_shares_are_clamped_and_shown_as_percentages(
    progress: float, time: float, words: str
) -> None:
    root = parse(progress_vs_time([("任务", progress, time)], "进度"))
    assert words in texts(root)
    (track,) = by_class(root, "bh-track")
    (bar,) = by_class(root, "bh-progress")
    (marker,) = by_class(root, "bh-marker")
    x0, full = float(track.attrib["x"]), float(track.attrib["width"])
    assert 0 <= float(bar.attrib["width"]) <= full
    assert x0 <= float(marker.attrib["x1"]) <= x0 + full


@pytest.mark.parametrize("progress", [None, math.nan, math.inf, -math.inf])
def test_unknown_progress_is_a_hatched_unreported_bar(progress: float | None) -> None:
    root = parse(progress_vs_time([("任务", progress, 0.6)], "进度"))
    assert not by_class(root, "bh-progress")
    (bar,) = by_class(root, "bh-unreported")
    assert bar.attrib["fill"] not in LIGHT_COLOURS.values()
    (row,) = rows_of(root)
    assert by_class(row, "bh-hatch")
    assert "未报送" in texts(row)
    assert "时间60%" in texts(row)
    assert by_class(row, "bh-marker")
    assert "未报送 1" in root.attrib["aria-label"]


def test_progress_rows_mixed() -> None:
    rows: list[tuple[str, float | None, float]] = [
        ("扩大有效投资", 0.4, 0.6),
        ("乡村振兴", None, 0.5),
        ("营商环境", 0.9, 0.5),
        ("民生实事", 0.1, 0.6),
    ]
    root = parse(progress_vs_time(rows, "进度与时间"))
    assert len(rows_of(root)) == 4
    assert [b.attrib["fill"] for b in by_class(root, "bh-progress")] == [YELLOW, GREEN, RED]
    assert len(by_class(root, "bh-marker")) == 4
    assert root.attrib["aria-label"] == "进度与时间：4 项，红灯 1，黄灯 1，绿灯 1，未报送 1"


def test_progress_without_rows() -> None:
    root = parse(progress_vs_time([], "进度"))
    assert not rows_of(root)
    assert "暂无数据" in texts(root)


def test_progress_grows_with_rows() -> None:
    def height(n: int) -> float:
        return view_box(parse(progress_vs_time([(f"任务{i}", 0.5, 0.5) for i in range(n)], "进度")))[3]

    assert height(0) <= height(1) < height(5) < height(20)


def test_numbers_are_compact() -> None:
    svg = light_bar({"red": 1, "yellow": 1, "green": 1}, "全县")
    # Thirds of the bar are written with at most two decimals.
    for el in by_class(parse(svg), "bh-seg"):
        for attr in ("x", "width"):
            value = el.attrib[attr]
            assert len(value.partition(".")[2]) <= 2
            assert not value.endswith("0") or "." not in value
