"""Every quantified statement: what was achieved (actual) and what is aimed at (target)."""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from bihuan.extract import rules
from bihuan.extract.measures import measure_of_name
from bihuan.extract.numbers import Quantity, find_quantities
from bihuan.extract.stages import names as nm
from bihuan.extract.stages.distribute import DOER, split_subjects
from bihuan.extract.stages.fact import Fact
from bihuan.extract.stages.periods import YEAR_AT, Scope, has_words, sentence_period, words
from bihuan.extract.stages.tidy import tidy_name
from bihuan.extract.types import Check

_DIGIT = re.compile(r"\d")
_OWNER_DE = re.compile(r"(?<=[院委局厅府])的")
_RATE_NAME = re.compile(
    r"(?:(?P<up>增长速度|增长幅度|上涨幅度|增长率|增速|增幅|涨幅|增长)|(?P<down>减少幅度|下降幅度|降幅|减幅))"
    r"(?:要|为|在|是|预定|预期)*$"
)
_SEPARATED = re.compile(r"[，,；;。：:、]|[和及与]$")
_NUMERAL = re.compile(r"[0-9零〇一二三四五六七八九十两百千万亿半几数多番倍%‰]")
MAX_PER_SENTENCE = 120  # no report sentence holds more; past it the text is not prose
_LIST_SEP = re.compile(r"^(?:、|和|及|与|，)$")
# A rate word alone (涨幅仍然高达21.7%) names the measure last named, with this rate.
_RATE_ONLY = re.compile(r"^(?:涨幅|增幅|降幅|增速|增长幅度|上涨幅度|下降幅度|增长速度)$")
_RATE_SUFFIX = re.compile(r"(?:上涨|增长|下降)?(?:幅度|速度)$|(?:涨幅|增幅|降幅|增速)$")
_CARRY_REACH = 300  # how far back (characters) a later sentence's rate word may take its measure


@cache
def _bridge() -> re.Pattern[str]:
    """What may stand between a value and the growth that belongs to it: comparison and price
    clauses, a short note in brackets (312亿元（含开发区）、增长5.9%), and the words that say the
    growth is a yearly average or a sum (累计完成1200亿元，年均增长9.5%)."""
    bridge = rules.alternation(
        words("growth", "bridge") + words("growth", "annual") + words("growth", "cumulative")
    )
    # 比1992年 / 较2015年: a base year said before the growth (157亿元（当年价），比1992年增长16%)
    return re.compile(
        rf"(?:[（(][^（）()]{{0,12}}[）)]|[，,、]?(?:{bridge}|[比较]\d{{4}}年))*[，,、]?(?:分别|均)?"
    )


@cache
def _value_after_growth() -> re.Pattern[str]:
    """What may stand between a growth and the level it brought the measure to (比上年增长8.1%，
    达到15.2万亿元): one statement, one fact."""
    bridge = rules.alternation(words("growth", "bridge"))
    verbs = rules.alternation(words("growth", "value_verbs"))
    return re.compile(rf"[，,、]?(?:{bridge}|{verbs})*")


@cache
def _from_to() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """由2017年的74.3亿元增至2021年的105.0亿元: what stands before the start value and between
    the two values. The years, when written, are the periods of the two values."""
    to = rules.alternation(words("fromto", "to"))
    year = (
        r"(?:(?P<year>\d{4})年(?:底|末)?|(?P<last>上年|去年|上一年)|(?P<planned>原定|原计划)"
        r"|“?[一二三四五六七八九十]{2}”?(?:期末|期初|末|初))?的?"
    )
    start = re.compile(rf"(?:由|从){year}(?P<annual>平均每年|年均)?$")
    between = re.compile(rf"(?:的水平)?[，,]?(?:{to})了?{year}")
    return start, between


def read_sentence(scope: Scope, start: int, text: str, section: str | None) -> None:
    """All facts of one sentence, appended to the scope."""
    if not scope.clause_open:
        scope.carry = None
        scope.subject = scope.label  # a clause chain ended with 。: its subject ends with it
    scope.clause_open = text.rstrip().endswith(("；", ";"))
    if scope.term_section or scope.kind == "actual":
        # 预计1992年全省国内生产总值130亿元…；国民收入103亿元…: the year a sentence opens with
        # holds for the clauses joined to it by ；.
        opened = YEAR_AT.match(text.removeprefix("预计"))
        if opened and int(opened.group(1)) < scope.plan_year:
            scope.carry = opened.group(1)
    if not _NUMERAL.search(text):
        return  # no digit and no numeral: no quantity
    qs = find_quantities(text, MAX_PER_SENTENCE + 1)
    if not qs:
        return
    if len(qs) > MAX_PER_SENTENCE:
        qs = qs[:MAX_PER_SENTENCE]
        scope.checks.append(
            Check(
                "sentence_too_long",
                False,
                f"一句话中数字超过{MAX_PER_SENTENCE}个（从第{start}个字符起），其余未读取：这不像正文",
            )
        )
    estimated_at = (
        min((text.find(w) for w in words("kind", "estimated") if w in text), default=-1)
        if has_words("kind", "estimated").search(text)
        else -1
    )
    if estimated_at >= 0 and any(w in text[estimated_at:] for w in words("kind", "estimated_onward")):
        scope.estimated_section = section  # （预计数，下同）: the figures after it are estimates too
    elif scope.estimated_section is not None and scope.estimated_section == section:
        estimated_at = 0
    growth = {
        i: (q.start, False) if q.unit == "番" else nm.growth_word_before(text, q.start)
        for i, q in enumerate(qs)
        if q.kind in ("pct", "times", "points")
    }
    # A number right after a growth number and a list separator is in the same growth list.
    for i, q in enumerate(qs):
        if q.kind in ("pct", "times") and growth.get(i) is None and i and growth.get(i - 1):
            if _LIST_SEP.match(text[qs[i - 1].end : q.start]) and qs[i - 1].kind == q.kind:
                growth[i] = growth[i - 1]
    modifier = _modifiers(text, qs)
    spans = _from_to_spans(text, qs, growth)
    used: set[int] = {k - 1 for k in spans}
    last_name = scope.subject or ""
    mine: list[Fact] = []  # the facts of this sentence
    prev: Fact | None = None  # the last fact of this sentence, and the quantity it ended at
    prev_q = -1
    floor = 0  # end of the last quantity that was not a modifier
    i = 0
    while i < len(qs):
        q = qs[i]
        if i and not modifier[i - 1]:
            floor = qs[i - 1].end
        if i in used or (modifier[i] and i not in spans) or (q.kind == "times" and not growth.get(i)):
            i += 1
            continue
        g = growth.get(i)
        group = [i]
        # A list of values (19610元、33025元) or growths (7.6%和8%) read together.
        while group[-1] + 1 < len(qs) and _LIST_SEP.match(text[qs[group[-1]].end : qs[group[-1] + 1].start]):
            nxt = group[-1] + 1
            if qs[nxt].kind != q.kind or bool(growth.get(nxt)) != bool(g) or modifier[nxt]:
                break
            group.append(nxt)
        lead_end = g[0] if g else q.start
        span = spans.get(i)
        if span:
            # 进出口总额由1655亿美元增加到3251亿美元: the name stands before the starting value.
            lead_end, floor = span.at, min(floor, qs[i - 1].start)
            if i > 1 and not modifier[i - 2]:
                floor = qs[i - 2].end
            elif i < 2:
                floor = 0
        name, dropped = nm.name_before(text, lead_end, floor, reach_back=g is not None)
        name = _listed_item(name)
        if nm.is_filler(name):
            name = ""
        people = q.unit in ("万", "亿") and not q.chinese
        if not g and q.kind == "amount":
            verb_text = text[max(floor, lead_end - 8) : lead_end]
            inv = nm.invest_name(text, q.end, verb_text)
            after = nm.name_after(text, q.end, people=people and not name)
            if inv:
                name = inv
            elif (
                not name
                or text[:lead_end].endswith(("的", "等"))  # 育才等14所学校: examples, then the noun
                or (not dropped and (nm.ends_with_action(name) or nm.is_only_verbs(name)))
            ) and after:
                name = after
        if (
            q.kind == "pct"
            and not g
            and text.startswith("的", q.end)
            and (len(name) <= 2 or nm.is_only_verbs(name))
        ):
            # 全国已有50%的县基本普及九年义务教育: the share of the noun after it that did so.
            name = nm.share_after(text, q.end + 1) or name
        if q.kind == "pct" and not g:
            name = _share_name(text, lead_end, name)
        if name and len(name) <= 3:
            name = _disposal_name(text, lead_end, name)
        if name in ("人均", "人") and last_name and "人均" in text[max(floor, lead_end - 6) : lead_end]:
            name = "人均" + nm.topic(last_name)  # 1995年达到200亿元，人均达到2816元: per head of it
        if nm.is_generic(name):
            # 新增市场主体6300户，总数突破4.5万户: the total of the subject before it, else nothing.
            # With none, the subject of an earlier clause (乡镇企业保持…，五年间产值增长2倍).
            subject = nm.topic(last_name) if last_name else nm.clause_subject(text, lead_end)
            name = subject + name if subject else ""
        if _RATE_ONLY.match(name):
            name = _rate_of_last(scope, start, name, last_name)
        if not name:
            # 原油产量继续增长，达到1.42亿吨; 粮食产量，受旱灾影响，仍达到52万吨: the subject of an
            # earlier clause with no number carries over clauses that name nothing (before the
            # measure a number was last given for).
            name = nm.clause_subject(text, lead_end)
        elif name and nm.is_change(name) and last_name:
            # 投入达3200亿元，比上一个五年增加1710亿元: the change of the measure just named.
            name = last_name + nm.is_change(name)
        distributed = (
            "分别" in text[floor : lead_end + 4] or "均" in text[max(floor, lead_end - 3) : lead_end + 2]
        )
        if g and not name and len(group) > 1 and _growths_of_values(scope, text, start, qs, group, g, mine):
            # 甲4494元，乙2086元，扣除物价因素分别增长2.9%和11.6%: the growths of the values before.
            used.update(group)
            i += 1
            continue
        subjects = split_subjects(name, len(group)) if (len(group) > 1 or distributed) else [name]
        if not name and last_name:
            subjects = [last_name]
        if len(group) > 1 and len(subjects) != len(group):
            scope.checks.append(
                Check("list_length", False, f"“{name}”列出{len(subjects)}项，却给出{len(group)}个数值", ())
            )
            subjects = [name] * len(group)
        subjects = [_topical(text, lead_end, s, q) for s in subjects]
        if len(subjects) > 1 and len(group) == 1:
            group = group * len(subjects)
        if (
            prev is not None
            and len(group) == 1
            and not g
            and q.kind == "amount"
            and (not name or _RATE_SUFFIX.sub("", _tidy(name)) == prev.name)
            and _merges_value(scope, text, prev, qs[prev_q], q)
        ):
            # 比上年增长8.1%，达到15.2万亿元: the level the growth reached, one fact.
            prev.value, prev.unit, prev.qualifier = q.value, q.unit, q.qualifier
            prev.end = start + q.end
            used.add(i)
            prev_q = i
            i += 1
            continue
        facts: list[Fact] = []
        for subj, k in zip(subjects, group, strict=False):
            facts.append(_fact(scope, text, start, qs[k], growth.get(k), subj, section, estimated_at))
        if span:
            if span.end_year:
                facts[0].period = span.end_year
                facts[0].kind = "target" if int(span.end_year) >= scope.plan_year else "actual"
            elif span.start_year and facts[0].period == span.start_year and scope.kind == "actual":
                # 由2005年的1265亿元增加到3800亿元: it ends in the year the review closes.
                facts[0].period = scope.period.split("-")[-1]
            first = _start_fact(
                scope, text, start, qs[i - 1], facts[0], span, subjects[0], section, estimated_at
            )
            facts.insert(0, first)
            for f in facts:
                if span.annual and f.growth_pct is not None:
                    f.basis = "annual_avg"
        used.update(group)
        # Growths after the values: "分别达19610元、33025元，增长10%、8.5%" or "130亿元、增长22.6%".
        j = group[-1] + 1
        # A change in points (达到34.5%，比2002年提高6.5个百分点) is a fact of its own.
        if not g and j < len(qs) and growth.get(j) and qs[j].kind != "points":
            gl = [j]
            while gl[-1] + 1 < len(qs) and growth.get(gl[-1] + 1) == growth.get(j):
                gl.append(gl[-1] + 1)
            gap = text[qs[group[-1]].end : growth[j][0]]  # type: ignore[index]
            own = [f for f in (facts[1:] if span else facts) if f.value is not None and f.growth_pct is None]
            if (
                _bridge().fullmatch(gap)
                and len(gl) in (1, len(own))
                and all(
                    sentence_period(scope, text, growth[j][0], growth=True)[0] == f.period  # type: ignore[index]
                    for f in own
                )
            ):
                for n, f in enumerate(own):
                    _add_growth(scope, f, qs[gl[min(n, len(gl) - 1)]], growth[j], text)  # type: ignore[arg-type]
                    f.end = start + qs[gl[-1]].end
                used.update(gl)
        for f in facts:
            if len(f.name) > 1 and _is_new(scope, f):  # one character (只有849天) names nothing
                scope.facts.append(f)
                if not (span and f is facts[0]):
                    mine.append(f)
                if not f.name.startswith("人均") or not last_name or f.name[2:] != last_name:
                    last_name = f.name
        if facts:
            prev, prev_q = facts[-1], max(used)
        i += 1
    if scope.clause_open and last_name:
        scope.subject = last_name  # …增长15.5%；2000年达到348亿元: the subject goes on after ；


def _growths_of_values(
    scope: Scope,
    text: str,
    start: int,
    qs: list[Quantity],
    group: list[int],
    g: tuple[int, bool],
    mine: list[Fact],
) -> bool:
    """A list of growths with no name of its own after as many values: each value's growth
    (its own fact when the growth covers other years: 由…增加到…，年均分别增长…)."""
    if "分别" not in text[max(0, g[0] - 4) : g[0]]:
        return False
    values = [f for f in mine if f.value is not None and f.growth_pct is None]
    if len(values) < len(group):
        return False
    period, kind = sentence_period(scope, text, g[0], growth=True)
    for f, k in zip(values[-len(group) :], group, strict=True):
        own = f.period != period
        if own:
            f = Fact(f.name, kind, period, start + g[0], start + qs[k].end, text.strip(), section=f.section)
        _add_growth(scope, f, qs[k], g, text)
        f.end = start + qs[k].end
        if own and _is_new(scope, f):
            scope.facts.append(f)
    return True


def _fact(
    scope: Scope,
    text: str,
    start: int,
    q: Quantity,
    g: tuple[int, bool] | None,
    name: str,
    section: str | None,
    estimated_at: int,
) -> Fact:
    anchor = g[0] if g else q.start
    period, kind = sentence_period(scope, text, anchor, growth=g is not None)
    if not g and kind == "actual" and "-" in scope.period and "累计" in text[max(0, q.start - 6) : q.start]:
        period = scope.period  # in a review of the term, 累计完成2.25万亿元 is the term's sum
    f = Fact(
        name,
        kind,
        period,
        start + anchor if g else start + q.start,
        start + q.end,
        text.strip(),
        section=section,
    )
    # 预计 before the figure, or a note right after it (152亿元（预计数）), makes it an estimate.
    f.estimated = 0 <= estimated_at < q.start or text.startswith(("（预计", "(预计"), q.end)
    if g:
        _add_growth(scope, f, q, g, text)
    elif q.kind == "points":
        f.value, f.unit, f.qualifier = q.value, q.unit, q.qualifier
    else:
        f.value, f.unit, f.qualifier, f.range = q.value, q.unit, q.qualifier, q.range
        rate = _RATE_NAME.search(f.name) if q.kind == "pct" else None
        if rate and f.name.endswith(words("names", "rate_measures")):
            rate = None
        if rate:
            # 经济增长速度预定为8% is a growth, 减少幅度在25%左右 a decrease.
            sign = -1.0 if rate.group("down") else 1.0
            measure = f.name[: rate.start()]
            # A price's rate keeps its word (物价涨幅 3%): the rate is the measure's level.
            word = (rate.group("up") or rate.group("down")) if _is_price(measure) else ""
            f.name = (_growth_name(measure) + word) or f.name
            f.growth_pct, f.basis, f.value, f.unit = sign * q.value, "yoy", None, None
            if q.range:
                f.range = (sign * q.range[0], sign * q.range[1]) if sign > 0 else (-q.range[1], -q.range[0])
    f.name = _tidy(f.name)
    if g:
        # 地区生产总值增速…增长6.3%: the growth of the measure, not of its rate.
        bare = _RATE_SUFFIX.sub("", f.name) if not _is_price(f.name) else f.name
        f.name = _growth_name(bare if len(bare) >= 2 else f.name)
    if f.growth_pct is not None and f.value is None and _is_price(f.name):
        # Prices rise by a level: 零售物价上涨2.9% is 物价涨幅 2.9%.
        f.value, f.unit, f.growth_pct, f.basis = f.growth_pct, "%", None, None
        f.qualifier, f.growth_qualifier = f.qualifier or f.growth_qualifier, None
        if g and not _RATE_SUFFIX.search(f.name):
            f.name += next((w for w in ("涨幅", "增幅", "降幅") if text.startswith(w, g[0])), "")
    return f


def _has_verb(name: str) -> bool:
    return any(w in name for w in (*words("growth", "up"), *words("growth", "down")))


def _growth_name(name: str) -> str:
    """经济 alone is not a measure: 经济增长 is."""
    return name + "增长" if name in words("names", "growth_named") else name


def _is_price(name: str) -> bool:
    """物价, 居民消费价格, 物价涨幅: a price, or a price's rate."""
    return _RATE_SUFFIX.sub("", name).endswith(words("names", "price"))


def _add_growth(scope: Scope, f: Fact, q: Quantity, g: tuple[int, bool], text: str) -> None:
    sign = -1.0 if g[1] else 1.0
    if q.kind == "points":
        f.value, f.unit, f.qualifier = sign * q.value, q.unit, q.qualifier
        return
    pct = q.value * 100 if q.kind == "times" else q.value
    f.growth_pct = round(sign * pct, 6)
    window = text[max(0, g[0] - 12) : g[0] + 2]
    if has_words("growth", "annual").search(window):
        f.basis = "annual_avg"
    elif any(w in window for w in words("growth", "cumulative")) or "-" in f.period or q.kind == "times":
        f.basis = "cumulative"
    else:
        f.basis = "yoy"
    if f.value is None:
        f.qualifier = q.qualifier
        if q.range:
            f.range = (
                (sign * q.range[0], sign * q.range[1]) if sign > 0 else (sign * q.range[1], sign * q.range[0])
            )
    else:
        f.growth_qualifier = q.qualifier


def _tidy(name: str) -> str:
    name = nm.without_compare(name.strip("，、；：,;: *#"))  # * and # are Markdown marks
    doer = DOER.match(name)
    if doer and measure_of_name(name[doer.end() :]) is not None:
        name = doer.group(1) + name[doer.end() :]  # 国有单位共完成固定资产投资 → 国有单位固定资产投资
    if "的" in name:
        for head in words("names", "de_heads"):
            name = name.replace("的" + head, head)  # 食品价格上涨的因素 → 食品价格上涨因素
        name = _OWNER_DE.sub("", name)  # 国务院的部委 → 国务院部委: an organisation's 的
    for adverb in words("names", "inner_adverbs"):
        k = name.find(adverb, 2)
        if k > 0 and name.startswith(words("growth", "up") + words("growth", "down"), k + len(adverb)):
            name = name[:k] + name[k + len(adverb) :]
    return name


def _paired(first: str, second: str) -> bool:
    """Units of one group counted two ways, written back to back (户 then 人)."""
    return any(first.endswith(a) and second.endswith(b) for a, b in _unit_pairs())


@cache
def _unit_pairs() -> tuple[tuple[str, str], ...]:
    return tuple(tuple(p.split("+", 1)) for p in words("numbers", "paired_units"))  # type: ignore[misc]


def _modifiers(text: str, qs: list[Quantity]) -> list[bool]:
    """A quantity that only describes a noun: 80个[2000万元以上]项目, [四个]优势产业产值达到500亿元."""
    out = [False] * len(qs)
    for i, q in enumerate(qs):
        if q.kind != "amount":
            continue
        if i and qs[i - 1].end == q.start and qs[i - 1].kind == "amount":
            # 2.3万户5.6万人: households then people, the same group counted twice, two facts.
            out[i] = not _paired(qs[i - 1].unit, q.unit)
            continue
        if i + 1 < len(qs) and qs[i + 1].kind == "amount":
            between = text[q.end : qs[i + 1].start]
            if not between and _paired(q.unit, qs[i + 1].unit):
                continue
            if between and not _SEPARATED.search(between) and not between.startswith("，"):
                out[i] = True
    return out


class _Span(NamedTuple):
    """A change from a start value to an end value (由A增至B): where 由 stands, and the start's
    period as written: a year, 上年, 原定 (the former target), or nothing."""

    at: int
    start_year: str | None
    end_year: str | None
    how: str
    annual: bool  # 由原定平均每年6%调高到8%至9%: both are yearly averages


def _from_to_spans(
    text: str, qs: list[Quantity], growth: dict[int, tuple[int, bool] | None]
) -> dict[int, _Span]:
    """The end quantities of 由A增至B changes, by index, with how their start is written."""
    out: dict[int, _Span] = {}
    if "由" not in text and "从" not in text:
        return out
    before, between = _from_to()
    years: tuple[str | None, str | None] = (None, None)
    for i in range(1, len(qs)):
        a, b = qs[i - 1], qs[i]
        if a.kind != b.kind or a.kind == "times" or growth.get(i - 1) or growth.get(i) or (i - 1) in out:
            continue
        mid = between.fullmatch(text, a.end, b.start)
        if mid is None:
            continue
        head = before.search(text, max(0, a.start - 16), a.start)
        if head is None:
            continue
        how = "year" if head.group("year") else "last" if head.group("last") else ""
        how = "planned" if head.group("planned") else how
        # 甲由2005年8917元增加到2010年17064元，乙由2495元增加到4543元: the years hold for the next.
        first = head.group("year") or (years[0] if not how else None)
        last = mid.group("year") or (years[1] if not how else None)
        years = (first, last)
        out[i] = _Span(
            head.start(), first, last, how or ("year" if first else ""), bool(head.group("annual"))
        )
    return out


def _start_fact(
    scope: Scope,
    text: str,
    start: int,
    q: Quantity,
    end: Fact,
    span: _Span,
    name: str,
    section: str | None,
    estimated_at: int,
) -> Fact:
    """The start of 由A增至B: a year written before it is its period; 原定 makes it the former
    target of the same period; else it is the level just before the period of the end value."""
    f = _fact(scope, text, start, q, None, name, section, estimated_at)
    f.start = start + span.at
    if span.how == "planned":
        f.period, f.kind = end.period, end.kind
        return f
    if span.start_year:
        f.period = span.start_year
    else:
        first = end.period.split("-")[0]
        f.period = str(int(first) - 1) if first.isdigit() else end.period
    f.kind = "actual"
    return f


def _key(f: Fact, name: str, value: bool = True, growth: bool = True) -> tuple[object, ...]:
    """What makes a fact the same fact: its name as the plan will give it (`name`, tidied), kind,
    period and numbers (the value's or the growth's only, when asked)."""
    numbers = (f.value, f.unit, f.qualifier, f.range) if value else (None, None, f.growth_qualifier, None)
    if not growth:
        return (name, f.kind, f.period, *numbers, None, None, None)
    return (name, f.kind, f.period, *numbers, f.growth_pct, f.basis, f.growth_qualifier if value else None)


def _is_new(scope: Scope, f: Fact) -> bool:
    """False for a fact the report already stated: same name, kind, period and numbers."""
    name = tidy_name(f.name)
    key = _key(f, name)
    if key in scope.seen:
        return False
    scope.seen.add(key)
    if f.value is not None and f.growth_pct is not None:
        # 达到152亿元，增长5.1%, said again later as 达到152亿元: the later one says nothing new.
        scope.seen.add(_key(f, name, value=False))
        scope.seen.add(_key(f, name, growth=False))
    return True


def _listed_item(name: str) -> str:
    """主要生产能力有煤炭: in a list under a topic, the item is the name (the topic's head is
    added by `_topical`)."""
    k = name.rfind("有")
    if 0 < k and 1 <= len(name) - k - 1 <= 3 and any(h in name[:k] for h in words("names", "topic_heads")):
        return name[k + 1 :]
    return name


def _topical(text: str, lead_end: int, name: str, q: Quantity) -> str:
    """主要工业产品产量继续增加，原煤达到10.9亿吨: a short product name stands for the topic's
    measure (原煤产量); a note on it (化肥（折纯）) is dropped."""
    bare = nm.without_notes(name)
    if not bare or len(bare) > 2 or q.kind != "amount" or q.unit in rules.units().money or _has_verb(name):
        return name
    # The topic word nearest before, the longer of two that end together (生产能力, not 产能).
    at, _, head = max(
        (
            (k + len(w), len(w), w)
            for w in words("names", "topic_heads")
            if (k := text.rfind(w, 0, lead_end)) >= 0
        ),
        default=(-1, 0, ""),
    )
    return bare + head if at >= 0 and not bare.endswith(head) else name


def _rate_of_last(scope: Scope, start: int, name: str, last_name: str) -> str:
    """涨幅仍然高达21.7%: the rate of the measure named last (in this sentence, or just before)."""
    base = last_name
    if not base and scope.facts and start - scope.facts[-1].end <= _CARRY_REACH:
        base = scope.facts[-1].name
    base = _RATE_SUFFIX.sub("", base)
    return base + name if base else name


def _merges_value(scope: Scope, text: str, prev: Fact, pq: Quantity, q: Quantity) -> bool:
    """A level written after a yearly growth of the same measure and time is that growth's level."""
    if prev.value is not None or prev.growth_pct is None or prev.basis != "yoy" or q.range:
        return False
    if not _value_after_growth().fullmatch(text, pq.end, q.start):
        return False
    return sentence_period(scope, text, q.start) == (prev.period, prev.kind)


_SHARE_WORDS = ("率", "占比", "比重", "比例", "份额", "指数", "增长", "幅度", "涨幅", "增幅", "增速")
_IN_WORDS = ("在校", "在园", "在岗", "在职", "在建", "在读", "在册", "在营", "在库")
_NOT_A_WHOLE = ("过程", "期间", "背景", "基础", "情况", "工作", "其")


def _share_name(text: str, lead_end: int, name: str) -> str:
    """A percentage of a part is its share of the whole, named 部分占整体比重 without 的:
    高中阶段学生中，职业学校在校生达到56.8% → 职业学校在校生占高中阶段学生比重; 在X中，A占全国的43%
    → A占X比重; A占B的56% → A占B比重."""
    if not name or _DIGIT.search(name) or name.endswith(_SHARE_WORDS):
        return name
    whole = ""
    k = max(text.rfind("，", 0, lead_end), text.rfind(",", 0, lead_end))
    if k > 1 and text[k - 1] == "中":
        opened = max(text.rfind(c, 0, k) for c in "，,；;。：:") + 1
        whole = text[opened : k - 1]
        if not whole.startswith(_IN_WORDS):
            whole = whole.removeprefix("在")  # 在X中, but 在校学生中 is 在校学生
        if len(whole) < 3 or _DIGIT.search(whole) or whole.endswith(_NOT_A_WHOLE):
            whole = ""
    if whole:
        name = name.split("占")[0] + "占" + whole
    elif "占" not in name[1:]:
        return name
    return name.replace("的", "").replace("占到", "占").replace("占了", "占") + "比重"


def _disposal_name(text: str, lead_end: int, name: str) -> str:
    """继续把A转为B，今年再转500亿元: a bare verb (with 再/又/还) repeats the verb of the 把
    clause before it, and that clause names the measure: A转为B."""
    verb = name.lstrip("再又还")
    k = max(text.rfind("，", 0, lead_end), text.rfind(",", 0, lead_end))
    if not verb or verb == name or k < 0:
        return name
    opened = max(text.rfind(c, 0, k) for c in "，,；;。：:") + 1
    clause = text[opened:k]
    at = clause.find("把")
    return clause[at + 1 :] if at >= 0 and verb in clause[at + 1 :] else name
