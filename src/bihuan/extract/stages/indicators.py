"""Every quantified statement: what was achieved (actual) and what is aimed at (target)."""

from __future__ import annotations

import re
from functools import cache

from bihuan.extract import rules
from bihuan.extract.numbers import Quantity, find_quantities
from bihuan.extract.stages import names as nm
from bihuan.extract.stages.distribute import split_subjects
from bihuan.extract.stages.fact import Fact
from bihuan.extract.stages.periods import YEAR_AT, Scope, has_words, sentence_period, words
from bihuan.extract.types import Check

_RATE_NAME = re.compile(
    r"(?:(?P<up>增长速度|增长率|增速|增幅|涨幅|增长)|(?P<down>减少幅度|下降幅度|降幅|减幅))(?:要|为|在|是|预定|预期)*$"
)
MAX_PER_SENTENCE = 120  # no report sentence holds more; past it the text is not prose
_LIST_SEP = re.compile(r"^(?:、|和|及|与|，)$")


@cache
def _bridge() -> re.Pattern[str]:
    """What may stand between a value and the growth that belongs to it."""
    bridge = rules.alternation(words("growth", "bridge"))
    return re.compile(rf"(?:[，,、]?(?:{bridge}))*[，,、]?(?:分别|均)?")


def read_sentence(scope: Scope, start: int, text: str, section: str | None) -> None:
    """All facts of one sentence, appended to the scope."""
    if not scope.clause_open:
        scope.carry = None
    scope.clause_open = text.rstrip().endswith(("；", ";"))
    if scope.term_section:
        opened = YEAR_AT.match(text)
        if opened and int(opened.group(1)) < scope.plan_year:
            scope.carry = opened.group(1)
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
    estimated_at = min((text.find(w) for w in words("kind", "estimated") if w in text), default=-1)
    growth = {
        i: nm.growth_word_before(text, q.start)
        for i, q in enumerate(qs)
        if q.kind in ("pct", "times", "points")
    }
    # A number right after a growth number and a list separator is in the same growth list.
    for i, q in enumerate(qs):
        if q.kind in ("pct", "times") and growth.get(i) is None and i and growth.get(i - 1):
            if _LIST_SEP.match(text[qs[i - 1].end : q.start]) and qs[i - 1].kind == q.kind:
                growth[i] = growth[i - 1]
    modifier = _modifiers(text, qs)
    used: set[int] = set()
    last_name = ""
    floor = 0  # end of the last quantity that was not a modifier
    i = 0
    while i < len(qs):
        q = qs[i]
        if i and not modifier[i - 1]:
            floor = qs[i - 1].end
        if i in used or modifier[i] or (q.kind == "times" and not growth.get(i)):
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
        if i and modifier[i - 1] and qs[i - 1].start and text[qs[i - 1].start - 1] in "由从":
            # 进出口总额由1655亿美元增加到3251亿美元: the name stands before the starting value.
            lead_end = qs[i - 1].start - 1
        name, dropped = nm.name_before(text, lead_end, floor, reach_back=g is not None)
        if nm.is_filler(name):
            name = ""
        elif (
            len(nm.without_notes(name)) <= 2
            and q.kind == "amount"
            and q.unit not in rules.units().money
            and not _has_verb(name)
        ):
            # 主要工业产品产量继续增加，原煤达到10.9亿吨: 原煤 stands for 原煤产量.
            head = next((w for w in words("names", "topic_heads") if w in text[:lead_end]), None)
            name = nm.without_notes(name) + head if head and not name.endswith(head) else name
        if not g and q.kind == "amount":
            verb_text = text[max(floor, lead_end - 8) : lead_end]
            inv = nm.invest_name(text, q.end, verb_text)
            after = nm.name_after(text, q.end)
            if inv:
                name = inv
            elif (
                not name
                or text[:lead_end].endswith("的")
                or (not dropped and (nm.ends_with_action(name) or nm.is_only_verbs(name)))
            ) and after:
                name = after
        if nm.is_generic(name):
            # 新增市场主体6300户，总数突破4.5万户: the total of the subject before it, else nothing.
            name = nm.topic(last_name) + name if last_name else ""
        distributed = (
            "分别" in text[floor : lead_end + 4] or "均" in text[max(floor, lead_end - 3) : lead_end + 2]
        )
        subjects = split_subjects(name, len(group)) if (len(group) > 1 or distributed) else [name]
        if not name and last_name:
            subjects = [last_name]
        if len(group) > 1 and len(subjects) != len(group):
            scope.checks.append(
                Check("list_length", False, f"“{name}”列出{len(subjects)}项，却给出{len(group)}个数值", ())
            )
            subjects = [name] * len(group)
        facts: list[Fact] = []
        if len(subjects) > 1 and len(group) == 1:
            group = group * len(subjects)
        for subj, k in zip(subjects, group, strict=False):
            facts.append(_fact(scope, text, start, qs[k], growth.get(k), subj, section, estimated_at))
        used.update(group)
        # Growths after the values: "分别达19610元、33025元，增长10%、8.5%" or "130亿元、增长22.6%".
        j = group[-1] + 1
        if not g and j < len(qs) and growth.get(j):
            gl = [j]
            while gl[-1] + 1 < len(qs) and growth.get(gl[-1] + 1) == growth.get(j):
                gl.append(gl[-1] + 1)
            gap = text[qs[group[-1]].end : growth[j][0]]  # type: ignore[index]
            if _bridge().fullmatch(gap) and len(gl) in (
                1,
                len(facts),
            ):
                for n, f in enumerate(facts):
                    _add_growth(scope, f, qs[gl[min(n, len(gl) - 1)]], growth[j], text)  # type: ignore[arg-type]
                    f.end = start + qs[gl[-1]].end
                used.update(gl)
        for f in facts:
            if len(f.name) > 1:  # one character (只有849天) names nothing
                scope.facts.append(f)
                last_name = f.name
        i += 1
    return


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
    f = Fact(
        name,
        kind,
        period,
        start + anchor if g else start + q.start,
        start + q.end,
        text.strip(),
        section=section,
    )
    f.estimated = 0 <= estimated_at < q.start
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
            f.name = _growth_name(f.name[: rate.start()]) or f.name
            f.growth_pct, f.basis, f.value, f.unit = sign * q.value, "yoy", None, None
            if q.range:
                f.range = (sign * q.range[0], sign * q.range[1]) if sign > 0 else (-q.range[1], -q.range[0])
    f.name = _tidy(f.name)
    if g:
        f.name = _growth_name(f.name)
    if f.growth_pct is not None and f.value is None and _is_price(f.name):
        # Prices rise by a level: 零售物价上涨2.9% is 物价涨幅 2.9%.
        f.value, f.unit, f.growth_pct, f.basis = f.growth_pct, "%", None, None
        f.qualifier, f.growth_qualifier = f.qualifier or f.growth_qualifier, None
    return f


def _has_verb(name: str) -> bool:
    return any(w in name for w in (*words("growth", "up"), *words("growth", "down")))


def _growth_name(name: str) -> str:
    """经济 alone is not a measure: 经济增长 is."""
    return name + "增长" if name in words("names", "growth_named") else name


def _is_price(name: str) -> bool:
    return name.endswith(words("names", "price"))


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
    name = name.strip("，、；：,;: ")
    for adverb in words("names", "inner_adverbs"):
        k = name.find(adverb, 2)
        if k > 0 and name.startswith(words("growth", "up") + words("growth", "down"), k + len(adverb)):
            name = name[:k] + name[k + len(adverb) :]
    return name


def _modifiers(text: str, qs: list[Quantity]) -> list[bool]:
    """A quantity that only describes a noun: 80个[2000万元以上]项目, [四个]优势产业产值达到500亿元."""
    out = [False] * len(qs)
    for i, q in enumerate(qs):
        if q.kind != "amount":
            continue
        if i and qs[i - 1].end == q.start and qs[i - 1].kind == "amount":
            out[i] = True
            continue
        if i + 1 < len(qs) and qs[i + 1].kind == "amount":
            between = text[q.end : qs[i + 1].start]
            if (
                between
                and not re.search(r"[，,；;。：:、]|[和及与]$", between)
                and not between.startswith("，")
            ):
                out[i] = True
    return out
