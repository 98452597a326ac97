"""The engine never fails on any text: its plan follows the contract, its spans stay inside the text,
and hostile inputs of a megabyte finish. Only a generous hang guard is timed here (30 s per MB, so a
busy or slow machine still passes); the real figures are printed by benchmarks/bench_extract.py."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bihuan.extract import extract_text

AssertPlan = Callable[[dict[str, Any], int], None]
MB = 1024 * 1024
HANG_GUARD_S_PER_MB = 30.0  # not a speed bar: about 10x the slowest case on a machine 3x slower than CI
CHECK_SLACK_S = 60.0  # extra wait for the child to check the plan it made

# Pieces that make generated text look like a report: numbers in every script, units,
# qualifiers, 分别/均 lists, headings, title-block lines, breaks inside words and numbers.
DIGITS = "0123456789０１２３４５６７８９.．"
CJK_NUMERALS = "零一二三四五六七八九十百千万亿两余多"
PUNCT = "、，。；：％%（）()—－-～~“”《》·　 \n\r\t"
WORDS = (
    "分别", "均", "增长", "下降", "减少", "亿元", "万元", "元", "万人", "万亩", "公里", "个", "件", "户",
    "个百分点", "左右", "以上", "以内", "以下", "超过", "突破", "不低于", "控制在", "年均", "累计", "预计",
    "初步核算", "实现", "完成", "达到", "力争", "确保", "预期目标", "主要预期目标", "奋斗目标", "今后五年",
    "到2025年", "2021年", "2022年", "一、", "二、", "三、", "（一）", "（八）", "1.", "——", "政府工作报告",
    "全县", "地区生产总值", "一般公共预算收入", "城镇和农村常住居民人均可支配收入", "6月底前", "百分之",
    "在县第十八届人民代表大会第一次会议上", "政 府 工 作 报 告", "\n\n",
)  # fmt: skip
report_pieces = st.one_of(
    st.sampled_from(WORDS),
    st.text(alphabet=DIGITS, min_size=1, max_size=8),
    st.text(alphabet=CJK_NUMERALS, min_size=1, max_size=4),
    st.text(alphabet=PUNCT, min_size=1, max_size=3),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=6),
    st.text(max_size=4),  # anything at all, surrogates excluded by hypothesis
)
report_like = st.lists(report_pieces, max_size=120).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(report_like, st.text()))
def test_any_text_gives_a_valid_plan(text: str, assert_valid_plan: AssertPlan) -> None:
    plan = extract_text(text)
    assert_valid_plan(plan.to_dict(), len(text))


@settings(max_examples=50, deadline=None)
@given(text=report_like, fmt=st.sampled_from(["txt", "docx", "pdf", "html"]))
def test_source_format_and_length_are_carried(text: str, fmt: str, assert_valid_plan: AssertPlan) -> None:
    data = extract_text(text, fmt).to_dict()
    assert_valid_plan(data, len(text))
    assert data["document"]["source_format"] == fmt
    assert data["document"]["chars"] == len(text)


def megabyte(unit: str) -> str:
    """`unit` repeated to one MiB of UTF-8, the size of a large report file."""
    return unit * (MB // len(unit.encode("utf-8")) + 1)


def _list_sentence(n: int) -> str:
    names = "、".join(f"第{i}项指标" for i in range(n))
    return f"{names}分别增长" + "、".join(f"{i % 10}.{i % 7}%" for i in range(n)) + "。"


# The named inputs and a few more; benchmarks/bench_extract.py times the same shapes.
ADVERSARIAL: dict[str, str] = {
    "digits and punctuation": megabyte("1234567890.，、。％%１２３．5－6～"),
    "one line of Chinese, no punctuation": megabyte(
        "地区生产总值实现亿元增长一般公共预算收入完成农村居民人均可支配收入"
    ),
    "分别 lists": megabyte(_list_sentence(40)),
    "分别 with no numbers": megabyte("甲、乙、丙、丁分别"),
    "均增长 chains": megabyte("出口、进口、投资均增长7%，"),
    "nested brackets": "（" * 200_000 + "一" + "）" * 200_000 + "(" * 100_000,
    "only newlines": "\n" * MB,
    "headings only": megabyte("一、\n（一）\n1.\n"),
    "numbers broken across lines": megabyte("169.7\n亿元，增长\n7.5\n%；"),
    # Found by fuzzing: a run of one tail word before a stray character doubled the time per word.
    "a run of one tail word": megabyte("收入" + "突破" * 30 + "甲突破5亿元。"),
}


def hang_guard_s(text: str) -> float:
    """How long extract_text may take on `text` before it counts as hung: 30 s per MB, at least 30 s."""
    return HANG_GUARD_S_PER_MB * max(1.0, len(text.encode("utf-8")) / MB)


def _run_in_child(name: str, check: AssertPlan, conn: Connection) -> None:
    text = ADVERSARIAL[name]
    start = time.perf_counter()
    plan = extract_text(text, "txt")
    elapsed = time.perf_counter() - start
    try:
        check(plan.to_dict(), len(text))
        conn.send((elapsed, ""))
    except AssertionError as e:
        conn.send((elapsed, str(e)[:2000]))


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_input_finishes(name: str, assert_valid_plan: AssertPlan) -> None:
    """Run in a forked child, so a runaway engine fails after the hang guard, not hours later."""
    text = ADVERSARIAL[name]
    bound = hang_guard_s(text)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_run_in_child, args=(name, assert_valid_plan, send), daemon=True)
    child.start()
    try:
        if not receive.poll(bound + CHECK_SLACK_S):
            pytest.fail(f"{name}: extract_text still running after {bound + CHECK_SLACK_S:.0f} s (hung)")
        elapsed, problem = receive.recv()
    except EOFError:
        pytest.fail(f"{name}: extract_text crashed (child exit code {child.exitcode})")
    finally:
        child.kill()
        child.join()
    size = len(text.encode()) / MB
    assert elapsed < bound, f"{name}: {elapsed:.2f} s for {size:.2f} MB (hang guard {bound:.0f} s)"
    assert not problem, problem
