"""A fact said twice (same name, kind, period and numbers) is one indicator: on invented text, and
over every report of the shared corpus (the 815 provincial reports and the national ones)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bihuan.extract import extract_text
from bihuan.extract.types import Indicator

HEAD = "政府工作报告\n——2024年1月10日在示例县第十八届人民代表大会第三次会议上\n县长 王示例\n"


def _key(i: Indicator) -> tuple[object, ...]:
    return (i.name, i.kind, i.period, i.value, i.unit, i.growth_pct, i.basis, i.qualifier, i.range)


def _repeated(indicators: tuple[Indicator, ...]) -> list[tuple[object, ...]]:
    return [k for k, n in Counter(_key(i) for i in indicators).items() if n > 1]


def test_a_fact_said_again_is_one_indicator() -> None:
    text = (
        f"{HEAD}一、2023年工作回顾\n全县地区生产总值达到152亿元，增长5.1%。新建学校3所。\n"
        "（一）经济发展\n地区生产总值达到152亿元。全县地区生产总值增长5.1%。新建学校3所。\n"
        "二、2024年工作安排\n地区生产总值增长6%。地区生产总值增长6%左右。\n"
    )
    got = [
        (i.kind, i.period, i.name, i.value, i.growth_pct, i.qualifier) for i in extract_text(text).indicators
    ]
    assert got == [
        ("actual", "2023", "地区生产总值", 152.0, 5.1, None),
        ("actual", "2023", "新建学校", 3.0, None, None),
        ("target", "2024", "地区生产总值", None, 6.0, None),
        ("target", "2024", "地区生产总值", None, 6.0, "about"),  # other numbers: another fact
    ]


def test_two_reports_in_a_row_do_not_share_what_was_read() -> None:
    text = f"{HEAD}一、2023年工作回顾\n新建学校3所。\n"
    assert len(extract_text(text).indicators) == 1
    assert len(extract_text(text).indicators) == 1


@pytest.fixture(scope="module")
def corpus(shared_dir: Path, provinces: Path) -> list[Path]:
    return sorted(provinces.rglob("*.md")) + sorted((shared_dir / "corpus").glob("national-*.txt"))


def test_no_report_of_the_corpus_repeats_a_fact(corpus: list[Path]) -> None:
    repeated = {}
    for path in corpus:
        plan = extract_text(path.read_text("utf-8", errors="replace"), "txt")
        if found := _repeated(plan.indicators):
            repeated[path.name] = found[:3]
    assert len(corpus) > 800
    assert not repeated, list(repeated.items())[:5]
