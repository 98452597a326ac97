"""The name of the measure a quantity belongs to, from the words around it."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from bihuan.extract import rules
from bihuan.extract.measures import measure_of_name

_NOTE = re.compile(r"[（(][^（）()，。]{1,6}[）)]")  # a short note inside a name: 化肥（折纯）
_DIGIT = re.compile(r"\d")
_AFTER_ACT = re.compile(r"^[\u4e00-\u9fff]{1,3}后$")  # 精简后为18个: after an act, a time
_ACHIEVE = ("实现", "完成", "实现了", "完成了")
_VERB_CHAIN = 8  # longer than this, a text is never a chain of verbs alone (加快推进实施)
_RATE_END = re.compile(r"(?:增长速度|增长幅度|上涨幅度|下降幅度|增长率|增速|增幅|涨幅|降幅)$")
_BOUNDARY = re.compile(r"[，,；;：:。！？!?（）()]")
_OBJECT_END = re.compile(r"[，,；;：:。！？!?、]|[和及与](?=[\d一二三四五六七八九十两])")
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?]")
_CLAUSE_SEP = re.compile(r"[，,；;：:]")
_PERIOD_PREFIX = re.compile(
    r"^(?:到|至|截至)?(?:\d{4}|[〇零一二三四五六七八九]{4})年(?:底|末|年底|年末)?(?:前)?[，,]?|^到年[底末]"
    r"|^提前[一二两三四五\d]{1,2}年"  # 提前两年实现…: ahead of time, a time word
    # “八五”期间, 九五计划期间, “十一五”时期: a plan's span is a time, never a measure's name
    r"|^(?:“[一二三四五六七八九十]{2,3}”|[一二三四五六七八九十]{2,3}(?=计划|期间|时期))(?:计划)?(?:期间|时期)?"
    r"|^扣除[\u4e00-\u9fff]{1,6}?因素后?"  # 扣除减税因素后全市税收: a condition, not the measure
)
_COMPARE = re.compile(r"(?:同|比|较)(?:\d{4}年|上年|去年|上一年|上一个五年|上个五年)(?:相比|同期)?")
# A due date written at the end of a name (人口到2030年要控制在…): a time, not the measure.
_DUE = r"(?:(?:到|至|截至)?\d{4}年(?:底|末)?|连续[一二两三四五六七八九十\d]{1,2}年)"


@cache
def _lists() -> dict[str, tuple[str, ...]]:
    w = rules.words()
    return {
        "region": w["names"]["region_prefix"],
        "noise": w["names"]["lead_noise"],
        "tail": w["names"]["tail_verbs"],
        "stops": w["names"]["object_stops"],
        "invest": w["names"]["invest_verbs"],
        "action": w["verbs"]["action"],
        "quals": tuple(
            sorted(
                {
                    *w["qualifiers"]["about_before"],
                    *w["qualifiers"]["at_least_before"],
                    *w["qualifiers"]["at_most_before"],
                },
                key=len,
                reverse=True,
            )
        ),
        "growth": tuple(sorted({*w["growth"]["up"], *w["growth"]["down"]}, key=len, reverse=True)),
        "annual": w["growth"]["annual"],
        "filler": w["names"]["filler"],
        "generic": w["names"]["generic"],
        "verbs_before": tuple(
            sorted({*w["names"]["keep_verbs"], *w["verbs"]["action"]}, key=len, reverse=True)
        ),
    }


@cache
def _lead_re() -> re.Pattern[str]:
    lists = _lists()
    words = rules.alternation((*lists["region"], *lists["noise"]))
    return re.compile(rf"^(?:{_PERIOD_PREFIX.pattern.replace('^', '')}|{words})+")


@cache
def _tail_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lists = _lists()
    extra = (
        "月人均",  # 月人均达到2389元: per head and month, a part of the unit, not of the name
        "年人均",
        "五年",
        "分别",
        "均",
        "都",
        "了",
        "已",
        "的",
        "实际",
        "已经",
        "仍然",
        "仍",
        "再",
        "将",
        "要",
        "比上年",
        "同比",
        "较上年",
    )
    words = rules.alternation((*lists["tail"], *lists["quals"], *lists["annual"], *extra))
    # Possessive: a run of tail words is read one way only. With backtracking, a word that can be
    # split two ways (or sits in two lists: 突破) made a run of 20 of them before a stray character
    # take seconds, doubling with each (found by benchmarks/fuzz_extract.py).
    return re.compile(rf"(?:{_COMPARE.pattern}|{_DUE}|{words})++$"), re.compile(
        rules.alternation(lists["tail"])
    )


@cache
def _lead_one() -> re.Pattern[str]:
    lists = _lists()
    words = rules.alternation((*lists["region"], *lists["noise"]))
    return re.compile(rf"{_PERIOD_PREFIX.pattern.replace('^', '')}|{words}")


@lru_cache(maxsize=8192)  # pure, and the same words come back often: read once
def clean_lead(text: str) -> str:
    """Drop what stands before a measure's name: region prefixes, time words, 力争, 预计 … A verb
    that leaves only another verb is the name's own (完成投资 stays: 投资 alone names nothing)."""
    m = _lead_re().match(text)
    if m and m.end() < len(text):
        if len(text) - m.end() <= _VERB_CHAIN and is_only_verbs(text[m.end() :]):
            at = 0
            while (one := _lead_one().match(text, at)) and one.end() < len(text):
                if one.group() in _lists()["verbs_before"] + _ACHIEVE and is_only_verbs(text[one.end() :]):
                    break
                at = one.end()
            text = text[at:]
        else:
            text = text[m.end() :]
    return text.strip("的、和及与 ")


def without_notes(name: str) -> str:
    """化肥（折纯） → 化肥."""
    return _NOTE.sub("", name) if "（" in name or "(" in name else name


@lru_cache(maxsize=8192)
def is_filler(text: str) -> bool:
    """Nothing but time words, prefixes and adverbs (五年, 1992年, 年均实际): not a name."""
    if not text or _AFTER_ACT.match(text):
        return True
    rest = text
    while rest:
        m = _lead_re().match(rest)
        if m and m.end():
            rest = rest[m.end() :]
            continue
        fillers = _lists()["filler"]
        word = next((w for w in fillers if rest.startswith(w)), None) if rest.startswith(fillers) else None
        if word is None:
            return False
        rest = rest[len(word) :]
    return True


@lru_cache(maxsize=8192)
def clean_tail(text: str) -> tuple[str, bool]:
    """Drop verbs and qualifiers between a name and its number; True if a verb was dropped."""
    tail, verbs = _tail_re()
    m = tail.search(text)
    dropped = False
    if m:
        dropped = bool(verbs.search(m.group()))
        text = text[: m.start()]
    return text.strip("、，,和及与 "), dropped


@cache
def _word_predicates() -> tuple[str, ...]:
    """The predicate words of two characters or more (均 alone would cut 人均)."""
    return tuple(p for p in rules.words()["names"]["predicate"] if len(p) > 1)


def name_before(sentence: str, start: int, floor: int, reach_back: bool = False) -> tuple[str, bool]:
    """The name written before position `start`, not reaching back past `floor` or a comma
    (with `reach_back`, past commas of clauses that name nothing)."""
    seg = sentence[max(floor, start - 80) : start]
    inside = {k for m in _NOTE.finditer(seg) for k in range(m.start(), m.end())}
    cuts = [m.end() for m in _BOUNDARY.finditer(seg) if m.start() not in inside]
    if cuts:
        # 农村居民人均纯收入，考虑价格下降因素，比上年实际增长4.3%: skip clauses that name nothing.
        starts = [0, *cuts] if reach_back and floor == 0 and start <= 80 else cuts
        k = len(starts) - 1
        while (
            reach_back
            and k > 0
            and seg[starts[k] - 1] in "，,"
            and not _DIGIT.search(seg, starts[k - 1], starts[k])
            and is_filler(clean_lead(clean_tail(seg[starts[k] :])[0]))
        ):
            k -= 1
        moved = k < len(starts) - 1
        seg = seg[starts[k] : starts[k + 1] - 1] if moved else seg[starts[k] :]
        if moved:
            # 地区生产总值增速保持在合理区间，全年增长6.3%: the earlier clause's subject, not all of it.
            cut = min((j for j in (seg.find(p, 2) for p in _word_predicates()) if j > 0), default=-1)
            seg = seg[:cut] if cut > 0 else seg
    elif floor:
        # Right after another quantity: its object ends at the list separator.
        last = max(seg.rfind("、"), seg.rfind("和"), seg.rfind("及"))
        if last < 0 and measure_of_name(clean_tail(seg)[0]) is None:
            # …年均递增9.8%工农业总产值145.9亿元: a measure's name is a new statement even
            # where the punctuation before it was lost.
            seg = ""
        elif last >= 0:
            seg = seg[last + 1 :]
    seg = seg.lstrip("、和及与")
    tail, dropped = clean_tail(seg)
    return clean_lead(tail), dropped


def name_after(sentence: str, end: int, people: bool = False) -> str:
    """The object named after a quantity: 52所[学校改造提升工程]. With `people` (a bare 万 that
    counts people) what they did is part of the name: 600万下岗职工[实现了再就业]."""
    lists = _lists()
    seg = sentence[end:]
    m = _OBJECT_END.search(seg)
    if m:
        seg = seg[: m.start()]
    if people:
        seg = seg.replace("了", "")
    else:
        for w in lists["stops"]:
            k = seg.find(w, 1)
            if k > 0:
                seg = seg[:k]
    if seg.startswith(("（", "(")):
        return ""  # 200亿元（90年价，下同）: a note on the figure, not its object
    return seg[:24].lstrip("的").strip()


def is_generic(name: str) -> bool:
    """总数, 总量, 规模 …: a word that names no measure until it is told what it counts."""
    return name in _lists()["generic"]


def topic(name: str) -> str:
    """What a name counts, without the verb before it: 新增市场主体 → 市场主体."""
    verb = next((v for v in _lists()["verbs_before"] if name.startswith(v) and len(name) > len(v)), "")
    return name[len(verb) :]


def ends_with_action(text: str) -> bool:
    return text.endswith(_lists()["action"])


@cache
def _chain_words() -> tuple[tuple[str, ...], ...]:
    """The words a chain of verbs is made of, in the order they are tried: verbs, then noise, then
    adverbs, and within each list the longer word first."""
    lists = _lists()
    adverbs = (
        "加快",
        "全力",
        "积极",
        "大力",
        "着力",
        "深入",
        "持续",
        "稳步",
        "有序",
        "高标准",
        "高质量",
        "重点",
        "年内",
        "再",
    )
    return (lists["action"], lists["noise"], adverbs)


def is_only_verbs(text: str) -> bool:
    """The text is a chain of action verbs and adverbs (加快推进, 整合投入)."""
    groups = _chain_words()
    rest = text
    while rest:
        group = next((g for g in groups if rest.endswith(g)), None)
        if group is None:
            return False
        v = next(v for v in group if rest.endswith(v))
        rest = rest[: -len(v)]
    return True


def invest_name(sentence: str, end: int, verb_text: str) -> str | None:
    """投资2亿元打造…的“带状公园” → “带状公园”投资: the investment's object names it."""
    lists = _lists()
    verb = next((v for v in lists["invest"] if verb_text.endswith(v)), None)
    if verb is None:
        return None
    seg = sentence[end:]
    m = _CLAUSE_END.search(seg)
    seg = seg[: m.start()] if m else seg
    if not any(seg.startswith(v) for v in (*lists["action"], "用于", "打造", "建设")):
        return None
    obj = seg.rsplit("的", 1)[-1].strip()
    return (obj[:20] + verb) if obj else None


def growth_word_before(sentence: str, start: int) -> tuple[int, bool] | None:
    """If a growth word (增长, 下降 …) governs the number at `start`, its position and whether it
    is a decrease."""
    base = max(0, start - 14)
    m = _growth_re().search(sentence, base, start)
    if m is None:
        return None
    return m.start(), m.group(1) in rules.words()["growth"]["down"]


@cache
def _growth_re() -> re.Pattern[str]:
    growth = rules.alternation(_lists()["growth"])
    return re.compile(rf"({growth})(?:了|均|分别|为|达|约|近|超过|不低于|不超过|控制在|高于|低于|的)*$")


@cache
def _after_stops() -> tuple[str, ...]:
    lists = _lists()
    return (*lists["stops"], *lists["action"], *rules.words()["names"]["after_stops"])


def is_change(name: str) -> str:
    """比上一个五年增加 → 增加: a name that is only a change (and what it is compared with) names
    the change of the measure before it. Empty when the name is more than that."""
    if len(name) > 12 or not name.endswith(_lists()["growth"]):
        return ""
    bare = _COMPARE.sub("", name)
    return bare if bare in _lists()["growth"] else ""


def without_compare(name: str) -> str:
    """城镇居民储蓄存款比上年增加 → 城镇居民储蓄存款增加: what a change is compared with is no
    part of the measure's name."""
    return (
        _COMPARE.sub("", name) if len(name) > 6 and ("比" in name or "较" in name or "同" in name) else name
    )


def clause_subject(sentence: str, end: int) -> str:
    """The subject of the nearest earlier clause (before `end`) that has one: the words before
    its predicate (原油产量[继续增长]，达到1.42亿吨). Clauses that only insert a circumstance
    (受旱灾影响, 由于…) are passed over; a clause with a number stops the search."""
    w = rules.words()["names"]
    clauses = _CLAUSE_SEP.split(sentence[max(0, end - 80) : end])[:-1]
    for n, clause in reversed(list(enumerate(clauses))[-3:]):
        clause = clause.strip()
        if _DIGIT.search(clause) or not clause:
            return ""
        if clause.startswith(w["inserts"]) or is_filler(clean_lead(clause)):
            continue
        whole, _ = clean_tail(clean_lead(clause))
        if _RATE_END.search(whole):
            return whole  # 今年经济增长速度的宏观调控目标，定为…: the clause is the rate's name
        cut = min((k for k in (clause.find(p, 2) for p in w["predicate"]) if k > 0), default=-1)
        if cut < 0 and n == 0 and end <= 80 and len(clause) <= 12:
            # 粮食产量，受旱灾影响，仍达到52万吨: a sentence may open with its topic alone.
            cut = -1 if any(v in clause for v in (*_lists()["action"], *w["not_topic"])) else len(clause)
        if cut < 0 or clean_lead(clause).startswith(_after_stops()):
            return ""
        subject, _ = clean_tail(clean_lead(clause[:cut]))
        return subject if len(subject) >= 2 and not is_only_verbs(subject) else ""
    return ""


def share_after(sentence: str, at: int) -> str:
    """50%的[县（市、区）][基本普及九年义务教育] → 基本普及九年义务教育的县（市、区）: the noun a
    percentage is of, with what it did (from the first word that ends an object) before it."""
    seg = sentence[at:]
    m = _CLAUSE_END.search(seg)
    seg = seg[: m.start()] if m else seg
    cut = min((k for w in (*_lists()["stops"], *_lists()["action"]) if (k := seg.find(w, 1)) > 0), default=-1)
    if cut < 0:
        return seg[:24]
    return seg[cut:].replace("了", "") + "的" + seg[:cut]
