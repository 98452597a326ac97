"""The matcher's word rules: whole words, the task's own words first, specific words over generic
ones, and an answer (with its confidence) for every task. Sentences written for these tests."""

from __future__ import annotations

import pytest
from assign_helpers import default_units

from bihuan.track.assign import Matcher
from bihuan.track.assign_words import add_words, find_words, rules, segment
from bihuan.track.directory import DirectoryUnit


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(default_units())


def _lead(m: Matcher, text: str, area: str | None = None) -> str:
    s = m.suggest(text, area)
    assert s.lead is not None
    return s.lead.name


@pytest.mark.parametrize(
    ("text", "vocab", "found"),
    [
        ("推动经济高质量发展", {"质量"}, []),  # 高质量 is one word
        ("建设更高水平的平安县城建设", {"县城建设"}, []),  # 平安县城 + 建设
        ("加快县城建设步伐", {"县城建设"}, ["县城建设"]),
        ("建设高标准农田2万亩", {"高标准农田", "农田"}, ["高标准农田"]),  # the longest word
        ("增强地方金融服务能力", {"金融"}, ["金融"]),  # 金融服务 read as 金融 + 服务
        ("加强食品药品安全监管", {"药品"}, ["药品"]),
    ],
)
def test_whole_words(text: str, vocab: set[str], found: list[str]) -> None:
    assert [w for w, _ in find_words(segment(text, add_words(vocab)), vocab)] == found


def test_clauses_are_counted() -> None:
    vocab = {"农田", "公路"}
    assert find_words(segment("建设农田，修建公路。", add_words(vocab)), vocab) == [("农田", 0), ("公路", 1)]


@pytest.mark.parametrize(
    ("text", "area", "lead"),
    [
        # the heading's words do not leak into a task that has words of its own
        ("加强社会主义核心价值观宣传引导，深化文明城市创建", "推动三农健康发展", "县委宣传部（文明办）"),
        ("持续推进综合执法改革，加强法治政府建设", "坚持改革创新驱动", "司法局"),
        # specific words outweigh generic ones
        ("推动重大在谈项目签约落地，全年引进项目30个", None, "投资促进局"),
        ("推进平安县城建设，加强社会治安综合治理", None, "县委政法委"),
        ("加快县城建设，完善城市道路", None, "住房和城乡建设局"),
        ("推动经济高质量发展，规上工业增加值增长8%", None, "工业和信息化局"),
        # the heading decides when the task's own words give nothing
        ("抓好落实", "巩固拓展脱贫攻坚成果", "乡村振兴局"),
        # a unit named outright wins
        ("由县财政局牵头，盘活闲置资产", None, "财政局"),
    ],
)
def test_own_words_first(matcher: Matcher, text: str, area: str | None, lead: str) -> None:
    assert _lead(matcher, text, area) == lead


def test_heading_breaks_a_tie_but_does_not_override() -> None:
    units = [
        DirectoryUnit(1, "甲局", keywords=("病险水库",)),
        DirectoryUnit(2, "乙局", keywords=("病险水库", "灌溉")),
        DirectoryUnit(3, "丙局", keywords=("高标准农田",)),
    ]
    m = Matcher(units)
    s = m.suggest("实施病险水库除险加固", "加强灌溉设施建设")
    assert s.lead is not None and s.lead.name == "乙局" and "标题" in s.reason
    # the task's own specific word wins over the heading's
    assert _lead(m, "建设高标准农田", "加强灌溉设施建设") == "丙局"


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("街巷路新改建工程全部完工", "住房和城乡建设局"),
        ("北街片区管网改造工程开工", "住房和城乡建设局"),
        ("新建产业示范园一处", "经济开发区管委会（园区管委会）"),
        ("骨干企业稳定运行", "工业和信息化局"),
        ("坚定信心，真抓实干", "政府办公室"),
    ],
)
def test_never_silent(matcher: Matcher, text: str, lead: str) -> None:
    s = matcher.suggest(text)
    assert s.lead is not None and s.lead.name == lead
    assert s.confidence == "low" and "把握低" in s.reason


@pytest.mark.parametrize(
    ("text", "confidence", "word"),
    [
        ("建设高标准农田3万亩，粮食播种面积稳定在120万亩", "high", "高标准农田"),
        ("新改建农村公路50公里", "high", "农村公路"),
        ("打造区域品牌", "medium", "品牌"),
    ],
)
def test_confidence_and_deciding_words(matcher: Matcher, text: str, confidence: str, word: str) -> None:
    s = matcher.suggest(text)
    assert s.confidence == confidence
    assert word in s.words and word in s.reason


def test_rules_load_and_name_directorydefault_units() -> None:
    r = rules()
    names = {u.name for u in default_units()}
    assert r.last_resort in names
    assert {k.unit for k in r.kinds} <= names
    assert "项目" in r.generic and 0 < r.generic_share < 1
