"""Fuzzing the engine in CI: generated reports (headings, figures with units and qualifiers, 分别/均
lists, Chinese numerals, broken lines, brackets, odd whitespace, random code points) must give a
plan that follows the contract and must not hang. extract_text documents no error at all, so any
exception fails. benchmarks/fuzz_extract.py runs the long, time-boxed version of this."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bihuan.extract import extract_text, rules

AssertPlan = Callable[[dict[str, Any], int], None]
MB = 1024 * 1024
HANG_FLOOR_S = 30.0  # a hang guard, not a speed bar: benchmarks/ prints the speed
HANG_S_PER_MB = 30.0

UNITS = rules.units().all
QUALIFIERS_AFTER = ("左右", "以上", "以内", "以下", "多", "余", "或者更多一些")
QUALIFIERS_BEFORE = ("超过", "突破", "不低于", "控制在", "约", "近", "达到", "压缩至", "保持")
VERBS = (
    "增长",
    "下降",
    "减少",
    "提高",
    "实现",
    "完成",
    "达到",
    "新增",
    "新建",
    "组建",
    "推动",
    "累计",
    "年均增长",
)
TIME_WORDS = (
    "",
    "今年",
    "去年",
    "全年",
    "今后五年",
    "到2025年",
    "2023年",
    "过去五年",
    "年末",
    "预计",
    "初步核算",
)
PLACES = ("", "全县", "全市", "县域内", "市域内", "我县", "其中")
NAMES = (
    "地区生产总值", "一般公共预算收入", "规模以上工业增加值", "社会消费品零售总额", "城镇新增就业", "市场主体",
    "总数", "高标准农田", "5G基站", "PM2.5平均浓度", "空气质量优良天数比例", "审批时间", "城乡居民人均可支配收入",
    "进出口总额", "招商专班", "企业", "粮食产量", "森林覆盖率",
)  # fmt: skip
HEADINGS = ("一、", "二、", "十二、", "（一）", "（十）", "(三)", "1.", "2．", "第一，", "一是", "——")
SPACES = ("\u3000", "\xa0", "\u200b", "\ufeff", "\t", " ", "\r\n", "\r", "\n\n", "\u2028")
OPEN_CLOSE = (("（", "）"), ("(", ")"), ("《", "》"), ("“", "”"), ("【", "】"), ("（", ""), ("", "）"))

arabic = st.one_of(
    st.integers(0, 10**7).map(str),
    st.tuples(st.integers(0, 9999), st.integers(0, 99)).map(lambda p: f"{p[0]}.{p[1]}"),
    st.integers(0, 999).map(lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
    st.text(alphabet="0123456789.．,，", min_size=1, max_size=10),
)
chinese = st.text(alphabet="零〇一二三四五六七八九十百千万亿两半", min_size=1, max_size=6)
number = st.one_of(arabic, chinese, st.tuples(arabic, arabic).map(lambda p: f"{p[0]}-{p[1]}"))
amount = st.one_of(
    st.tuples(number, st.sampled_from(("%", "％", "‰", "个百分点", "倍", *UNITS))).map("".join),
    number.map(lambda n: f"百分之{n}"),
    st.tuples(number, st.sampled_from(("万", "亿", "万亿")), st.sampled_from(UNITS)).map("".join),
)


@st.composite
def figure(draw: st.DrawFn) -> str:
    """One quantified clause: [time][place][name][verb][qualifier]amount[qualifier][，增长x%]."""
    parts = [
        draw(st.sampled_from(TIME_WORDS)),
        draw(st.sampled_from(PLACES)),
        draw(st.sampled_from(NAMES)),
        draw(st.sampled_from(VERBS)),
        draw(st.sampled_from(("", *QUALIFIERS_BEFORE))),
        draw(amount),
        draw(st.sampled_from(("", *QUALIFIERS_AFTER))),
    ]
    if draw(st.booleans()):
        parts.append(f"，{draw(st.sampled_from(VERBS))}{draw(amount)}")
    return "".join(parts)


@st.composite
def listed(draw: st.DrawFn) -> str:
    """A 分别 or 均 list, its lengths matching or not."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6))
    values = draw(st.lists(amount, min_size=0, max_size=7))
    sep = draw(st.sampled_from(("、", "和", "，", "")))
    word = draw(st.sampled_from(("分别增长", "分别达到", "均增长", "分别", "均", "分别为")))
    return sep.join(names) + word + "、".join(values)


sentence = st.one_of(figure(), listed(), st.text(max_size=20))
paragraph = st.lists(
    st.tuples(sentence, st.sampled_from(("。", "；", "，", "！", "", "\n"))).map("".join), max_size=6
).map("".join)
heading = st.tuples(st.sampled_from(HEADINGS), st.text(max_size=12), st.sampled_from(NAMES)).map("".join)
line = st.one_of(heading, paragraph, paragraph, st.sampled_from(("政府工作报告", "各位代表：", "")))


@st.composite
def report(draw: st.DrawFn) -> str:
    """Lines of a report, then broken, bracketed and spaced at random places."""
    text = "\n".join(draw(st.lists(line, max_size=12)))
    for at, what in draw(st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(("brk", "space", "bracket", "uni"))),
                                  max_size=10)):  # fmt: skip
        k = at % (len(text) + 1)
        if what == "brk":  # a line break inside a word or a number, as PDF copies have
            insert = "\n"
        elif what == "space":
            insert = draw(st.sampled_from(SPACES))
        elif what == "bracket":
            insert = "".join(draw(st.sampled_from(OPEN_CLOSE)))
        else:
            insert = draw(st.text(min_size=1, max_size=3))
        text = text[:k] + insert + text[k:]
    return text


class Hang(Exception):
    pass


def _raise_hang(signum: int, frame: FrameType | None) -> None:
    raise Hang


@contextmanager
def hang_guard(text: str) -> Iterator[None]:
    """Fail (instead of waiting forever) if extract_text runs past 30 s per MB, at least 30 s."""
    limit = max(HANG_FLOOR_S, HANG_S_PER_MB * len(text.encode("utf-8", "surrogatepass")) / MB)
    previous = signal.signal(signal.SIGALRM, _raise_hang)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        yield
    except Hang:
        raise AssertionError(f"extract_text still running after {limit:.0f} s on {len(text)} chars") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - start
    assert elapsed < limit, f"{elapsed:.1f} s on {len(text)} chars (hang guard {limit:.0f} s)"


def check(text: str, assert_valid_plan: AssertPlan) -> None:
    with hang_guard(text):
        plan = extract_text(text, "txt")
    assert_valid_plan(plan.to_dict(), len(text))


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(text=st.one_of(report(), report(), st.text(max_size=300)))
def test_generated_reports_give_valid_plans(text: str, assert_valid_plan: AssertPlan) -> None:
    check(text, assert_valid_plan)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(text=report(), kb=st.sampled_from((64, 256, 512)))
def test_generated_reports_grown_large_do_not_hang(text: str, kb: int, assert_valid_plan: AssertPlan) -> None:
    unit = (text or "地区生产总值增长6%。") + "\n"
    big = unit * (kb * 1024 // len(unit.encode("utf-8", "surrogatepass")) + 1)
    check(big, assert_valid_plan)
