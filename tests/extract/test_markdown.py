"""Markdown input: marks and front matter are read, not kept, and spans still index the file."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bihuan.extract import extract_text
from bihuan.extract.markdown import front_matter, has_front_matter, unmark

REPORT = """---
title: 2024年示例县政府工作报告
source:
  - https://example.org/report-2024.html
---

**政府工作报告**

**——2024年1月10日在示例县第十八届人民代表大会第三次会议上**

**县长 王示例**

各位代表：

## 一、2023年工作回顾

全县**生产总值**达到152.6亿元，增长4.8%。

## 二、2024年工作安排

> 今年经济社会发展的主要预期目标是：生产总值增长*6%*左右。
"""


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("# 一、回顾", "  一、回顾"),
        ("**——在会议上**", "  ——在会议上  "),
        ("增长*6%*左右", "增长 6% 左右"),
        ("> 引文", "  引文"),
        ("- 列项", "  列项"),
        ("1. 第一项", "1. 第一项"),  # a report's own numbering stays
        ("[报告](https://e.org/x)全文", " 报告" + " " * len("](https://e.org/x)") + "全文"),
        ("5*3 与 a_b_c", "5*3 与 a_b_c"),  # a lone star or underscore is not emphasis
        ("---", "   "),
        ("第一行<br/>第二行", "第一行     第二行"),
    ],
)
def test_unmark_blanks_marks_in_place(text: str, plain: str) -> None:
    assert unmark(text)[0] == plain


def test_front_matter_fields_and_list_values() -> None:
    meta, body = front_matter(REPORT)
    assert meta.title == "2024年示例县政府工作报告"
    assert meta.source == "https://example.org/report-2024.html"
    assert REPORT[body:].startswith("\n**政府工作报告**")
    assert has_front_matter(REPORT) and not has_front_matter("---\n没有结束")


@given(st.text(alphabet=st.sampled_from("*_#>-[]()!`\\\n 报告12%年ab:"), max_size=200))
@settings(max_examples=300, deadline=None)
def test_unmark_keeps_length_and_line_breaks(text: str) -> None:
    plain, _ = unmark(text)
    assert len(plain) == len(text)
    kept = [i for i, c in enumerate(text) if c == "\n"]
    added = [i for i, c in enumerate(plain) if c == "\n" and text[i] != "\n"]
    assert all(plain[i] == "\n" for i in kept)
    assert all(text[i] == "*" for i in added)  # a bold head's closing mark, before its paragraph


def test_markdown_report_reads_like_plain_text() -> None:
    plan = extract_text(REPORT, "md")
    doc = plan.document
    assert (doc.region, doc.report_date, doc.plan_year, doc.speaker) == (
        "示例县",
        "2024-01-10",
        2024,
        "王示例",
    )
    assert doc.source == "https://example.org/report-2024.html" and doc.markup == "markdown"
    assert doc.source_format == "txt"
    assert [s.heading for s in plan.sections] == ["一、2023年工作回顾", "二、2024年工作安排"]
    got = {(i.kind, i.period, i.name, i.value, i.growth_pct, i.qualifier) for i in plan.indicators}
    assert ("actual", "2023", "生产总值", 152.6, 4.8, None) in got
    assert ("target", "2024", "生产总值", None, 6.0, "about") in got


def test_markdown_spans_index_the_original_text() -> None:
    plan = extract_text(REPORT, "md")
    for ind in plan.indicators:
        a, b = ind.span
        original = REPORT[a:b]
        assert original.replace("*", "").replace(" ", "") in ind.quote.replace(" ", "")
    heading = plan.sections[0]
    assert REPORT[heading.span[0] : heading.span[0] + 4] == "一、20"


def test_unnumbered_bold_heading_opens_a_section() -> None:
    text = (
        "政府工作报告\n\n各位代表：\n\n**2023年工作回顾** 过去一年，全县生产总值增长5.1%。\n\n"
        "（一）产业发展\n\n规上工业增加值增长7.2%。\n\n**2024年工作安排** 今年全县生产总值增长6%左右。\n"
    )
    plan = extract_text(text, "md")
    assert [(s.heading, s.level, s.role) for s in plan.sections] == [
        ("2023年工作回顾", 1, "review"),
        ("（一）产业发展", 2, "review"),
        ("2024年工作安排", 1, "goals"),
    ]
    got = [(i.kind, i.period, i.name, i.growth_pct) for i in plan.indicators]
    assert got == [
        ("actual", "2023", "生产总值", 5.1),
        ("actual", "2023", "规上工业增加值", 7.2),
        ("target", "2024", "生产总值", 6.0),
    ]


def test_front_matter_alone_makes_text_markdown() -> None:
    text = "---\ntitle: 某某市2019年政府工作报告\n---\n一、2018年工作回顾\n全市生产总值增长7%。\n"
    plan = extract_text(text, "txt")
    assert plan.document.markup == "markdown" and plan.document.title == "某某市2019年政府工作报告"
    assert plan.document.plan_year == 2019 and plan.document.region == "某某市"
