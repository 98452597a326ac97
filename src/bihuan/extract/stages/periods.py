"""The time scope of paragraphs and sentences: which period a quantity belongs to, and whether
it is done (actual) or aimed at (target)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from bihuan.extract import rules
from bihuan.extract.segment import Para
from bihuan.extract.stages.fact import Fact
from bihuan.extract.types import Check, Role

YEAR_AT = re.compile(r"^(?:到|至|在)?(\d{4})年")
_A_YEAR = re.compile(r"(\d{4})年")
_YEAR_WORD = re.compile(r"\d{4}年|一年|去年")
_BY_YEAR = re.compile(r"到(\d{4})年")
# These open with a digit (the character before it checked behind it), so the regex engine skips
# to the next digit at C speed instead of trying every position.
_YEAR_IN = re.compile(r"(\d(?<![\d到至比较]\d)\d{3})年(?!以来|来|起|以后|后|前|以前|之前)")
_COMPARE = re.compile(r"(\d\d{3})年(?:同|与|比|较)(\d{4})年(?:相比)?")
_WINDOW = 160  # how far back time words are looked for; keeps long sentences linear
_BASE_YEAR = re.compile(
    r"(?:比|较|与|同|由|从)(\d{4})年(?:的|相比|同期)?(?=增长|提高|增加|上升|下降|减少|降低|翻|，|,|$)"
)
# N年来, 过去N年, 这N年 for any N: the N years before the plan year.
_YEARS_SPAN = re.compile(
    r"(?<![\d一二三四五六七八九十两])(?:过去|近|这)?([二两三四六七八九十]|\d)年(?:来|间|中|里)|过去的?([二两三四六七八九十]|\d)年"
)
# 本届政府以来: the term that began with the last elections (1998, 2003, … 2018, 2023).
_THIS_TERM = re.compile(r"本届政府(?:成立|履职)?以来")
_TERM_ANCHOR = 2018
_FIRST_YEAR = re.compile(r".{0,8}?第一年")
# A five-year plan by name: “十二五” (2011-2015), “九五”时期 (1996-2000), 十四五末 (2025).
_FIVE_YEAR_PLAN = re.compile(
    r"[“\"](十[一二三四五六七八九]?|[三四五六七八九])五[”\"](末|期末|以来)?"
    r"|(十[一二三四五六七八九]?|[三四五六七八九])五(?=时期|期间|规划|计划)"
)
_REACHED_BY = re.compile(r"(?:增加|增长|提高|上升|下降|减少|降低|扩大|达|增|升|降)?(?:到|至)(\d{4})年")
_HEAD = 60  # how far into a sentence a list of targets is announced
_PLAN_TERM = re.compile(
    r"“?十[一二三四五六七八九]?五”?(?:规划|计划)?(?:时期|期间)?的?(?:主要)?(?:发展)?目标|[一二三四五两]年(?:内|间)"
)


@cache
def words(table: str, key: str) -> tuple[str, ...]:
    return rules.words()[table][key]


@cache
def has_words(table: str, key: str) -> re.Pattern[str]:
    """A regex that finds any word of a word list."""
    return re.compile(rules.alternation(words(table, key)))


@dataclass(slots=True)
class Scope:
    """What the paragraphs say about time: the period facts belong to, and whether they are done."""

    plan_year: int
    role: Role = "review"
    period: str = ""
    kind: str = "actual"
    facts: list[Fact] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # The section reviews the outgoing term (过去五年): a year named in a sentence holds for
    # that sentence (and the clauses joined to it by ；) only, not for the paragraph.
    term_section: bool = False
    carry: str | None = None  # the year a sentence opened with, until its 。
    clause_open: bool = False  # the last sentence ended with ；
    late: bool = False  # delivered in the autumn or winter before the plan year: 今年 is the review's year
    # The facts already read, by name, kind, period and numbers: a fact said twice is one indicator.
    seen: set[tuple[object, ...]] = field(default_factory=set)
    # 1992年同1987年相比，…: the comparison holds for the sentences after it until another marker.
    compare: tuple[int, int] | None = None
    review_span: str | None = None  # the term a top-level review section covers, for its subsections
    estimated_section: str | None = None  # the section a （预计数，下同） note made estimates
    # A paragraph that is only a measure's name (a table's row label, 国内生产总值) names the
    # figures of the paragraph after it; `subject` is the name a clause chain (…；…) goes on with.
    label: str | None = None
    subject: str | None = None

    @property
    def term(self) -> str:
        return f"{self.plan_year - 5}-{self.plan_year - 1}"

    @property
    def next_five(self) -> str:
        return f"{self.plan_year}-{self.plan_year + 4}"


def enter_paragraph(scope: Scope, para: Para, role: Role, heading_level: int, new_section: bool) -> None:
    """Update the time scope at a paragraph: its role and any time words it opens with."""
    p = scope.plan_year
    head = para.text[:24]
    scope.carry, scope.clause_open, scope.compare = None, False, None
    if new_section or role != scope.role:
        inherited = (
            scope.review_span if role == "review" and scope.role == "review" and heading_level > 1 else None
        )
        scope.role = role
        scope.kind = "actual" if role == "review" else "target"
        scope.period = str(p - 1) if role == "review" else str(p)
        scope.term_section = False
        past = [m for m in _plan_marks(scope, head) if m[2] == "actual" and "-" in m[1]]
        if inherited:
            # （一）…: a subsection of a term review (一、“十一五”时期工作回顾) reviews the term too.
            scope.period, scope.term_section = inherited, True
        elif role == "review" and ("五年" in head or _term_at(para.text, len(head)) >= 0 or past):
            scope.period = past[0][1] if past else scope.term
            # 一、过去五年和2022年工作回顾 reviews a year too: there paragraphs set the period.
            scope.term_section = heading_level > 0 and not _YEAR_WORD.search(head)
        if heading_level == 1 or role != "review":
            scope.review_span = scope.period if scope.term_section else None
    if heading_level == 2 and role != "review":
        scope.period = str(p)
    year = YEAR_AT.match(para.text)
    lead_years = [int(y) for y in _A_YEAR.findall(para.text[:30]) if int(y) < p]
    if role == "review":
        past = [m for m in _plan_marks(scope, head) if m[2] == "actual"]
        first_year = _A_YEAR.search(head)
        if past and "-" in past[0][1] and (first_year is None or first_year.start() > past[0][0]):
            scope.period = past[0][1]
        elif _term_at(para.text, 12) >= 0:
            scope.period = scope.term
        elif scope.term_section:
            scope.period = scope.term
        elif lead_years:
            scope.period = str(max(lead_years))
        elif para.text.startswith(words("periods", "last_year")):
            scope.period = str(p - 1)
        return
    named = [m for m in _plan_marks(scope, head) if m[2] == "target"]
    if has_words("periods", "next_five").search(head):
        scope.period, scope.kind = scope.next_five, "target"
    elif named:
        scope.period, scope.kind = named[0][1], "target"
    elif year and int(year.group(1)) >= p:
        scope.period, scope.kind = year.group(1), "target"
    elif year or para.text.startswith(("去年", "过去一年", "上年")):
        scope.period, scope.kind = (year.group(1) if year else str(p - 1)), "actual"
    elif heading_level:
        scope.kind = "target"


def enter_sentence(scope: Scope, text: str) -> None:
    """Time words a sentence opens with hold until the next ones: a list of targets
    (今年…的主要预期目标是：) turns a review into a plan, 去年 / 一年来 / 2021年 turns it back."""
    p = scope.plan_year
    head = text[:_HEAD]
    if scope.kind == "actual":
        cmp_ = _COMPARE.search(text)
        if cmp_:
            y1, y0 = sorted((int(cmp_.group(1)), int(cmp_.group(2))), reverse=True)
            scope.compare = (y1, y0) if y1 < p else None
        elif scope.compare is not None and (
            YEAR_AT.match(text) or _term_at(text, 6) >= 0 or _YEARS_SPAN.match(text)
        ):
            scope.compare = None
    cue = _target_cue().search(head)
    if cue:
        lead = head[: cue.start()]
        if has_words("periods", "next_five").search(lead) or _PLAN_TERM.search(lead):
            scope.period, scope.kind = scope.next_five, "target"
            return
        years = [int(y) for y in _A_YEAR.findall(lead)]
        if years:
            if max(years) >= p:
                scope.period, scope.kind = str(max(years)), "target"
            return
        if _past(lead):
            return  # the targets of a year gone by, as the review recalls them
        scope.period, scope.kind = str(p), "target"
        return
    if scope.kind == "target" and scope.role != "review":
        # 今年，是…之年。要力争…: a sentence opening with the plan year's word returns to it.
        if text.startswith(f"{p}年") or _this_year(scope.late).match(text):
            scope.period = str(p)
    if scope.kind == "target" and scope.role == "review":
        opened = YEAR_AT.match(text)
        if opened and int(opened.group(1)) < p:
            scope.period, scope.kind = opened.group(1), "actual"
        elif text.startswith(words("periods", "last_year")):
            scope.period, scope.kind = str(p - 1), "actual"


def _past(lead: str) -> bool:
    return bool(has_words("periods", "last_year").search(lead) or has_words("periods", "term").search(lead))


@cache
def _target_cue() -> re.Pattern[str]:
    """What opens a list of targets: 主要预期目标是：, 计划指标初步安排为."""
    return re.compile(
        "(?:" + rules.alternation(words("periods", "target_nouns")) + ")"
        "(?:" + rules.alternation(words("periods", "target_copulas")) + ")"
    )


def sentence_period(scope: Scope, text: str, pos: int, growth: bool = False) -> tuple[str, str]:
    """Period and kind for a quantity at `pos` of sentence `text` (a growth if `growth`)."""
    before = text[max(0, pos - _WINDOW) : pos]
    by = list(_BY_YEAR.finditer(before))
    if by and int(by[-1].group(1)) > scope.plan_year - 1:
        return by[-1].group(1), "target"
    if scope.kind == "actual":
        found = _review_period(scope, text, before, pos, growth)
        if found:
            return found
    else:
        # In a plan, the time word nearest before the quantity decides: 今后五年, 1997年, 今年;
        # a past one (去年, 2021年 opening a clause) makes the quantity a result.
        marks = [(before.rfind(w), scope.next_five, "target") for w in words("periods", "next_five")]
        marks += [
            (m.start(), m.group(1), "target")
            for m in _YEAR_IN.finditer(before)
            if int(m.group(1)) > scope.plan_year
        ]
        marks += [(before.rfind(w), str(scope.plan_year), "target") for w in words("periods", "this_year")]
        marks += _plan_marks(scope, before)
        century = before.rfind("本世纪末")  # 到本世纪末: the century's last year
        if century >= 0:
            marks.append((century, str(((scope.plan_year - 1) // 100 + 1) * 100), "target"))
        marks += [
            (m.start(), m.group(1) or str(scope.plan_year - 1), "actual")
            for m in _past_clause().finditer(before)
            if not m.group(1) or int(m.group(1)) < scope.plan_year
        ]
        at, period, kind = max(marks)
        if at >= 0:
            return period, kind
    return scope.period, scope.kind


@cache
def _past_clause() -> re.Pattern[str]:
    """A past year or 去年 opening a clause: a result stated among the targets."""
    last = rules.alternation(words("periods", "last_year"))
    return re.compile(rf"(?:^|(?<=[，,；;：:]))(?:(\d{{4}})年(?![底末前后以起来])|(?:{last}))")


def _last(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of `pattern` in `text` starts, or -1."""
    at = -1
    for m in pattern.finditer(text):
        at = m.start()
    return at


def _review_period(scope: Scope, text: str, before: str, pos: int, growth: bool) -> tuple[str, str] | None:
    """In a review, the time word nearest before the quantity decides its period (and a
    plan-year word, 今年 in a report of January, makes it a target)."""
    marks: list[tuple[int, str]] = []
    ahead = _last(_this_year(scope.late), before)
    if ahead >= 0:
        marks.append((ahead, "plan"))
    term_at = _term_at(before)
    if term_at >= 0:
        marks.append((term_at, scope.term))
    for at, span, kind in _plan_marks(scope, before):
        if kind == "actual":
            marks.append((at, span))
            if "-" in span:
                term_at = max(term_at, at)
    for m in _YEARS_SPAN.finditer(before) if "年" in before else ():
        n = _span_years(m.group(1) or m.group(2))
        if n:
            marks.append(
                (
                    m.start(),
                    f"{scope.plan_year - n}-{scope.plan_year - 1}" if n > 1 else str(scope.plan_year - 1),
                )
            )
    for m in _THIS_TERM.finditer(before):
        start = scope.plan_year - 1 - (scope.plan_year - 1 - _TERM_ANCHOR) % 5
        marks.append(
            (m.start(), f"{start}-{scope.plan_year - 1}" if start < scope.plan_year - 1 else str(start))
        )
    cmp_ = next(reversed(list(_COMPARE.finditer(before))), None)
    if cmp_:
        y1, y0 = sorted((int(cmp_.group(1)), int(cmp_.group(2))), reverse=True)
        marks.append((cmp_.start(), f"{y0 + 1}-{y1}" if growth and y1 - y0 > 1 else str(y1)))
    offset = max(0, pos - _WINDOW)
    for m in _YEAR_IN.finditer(before):
        if int(m.group(1)) < scope.plan_year and (not cmp_ or m.start() >= cmp_.end()):
            marks.append((m.start(), m.group(1)))
    reached = _REACHED_BY.finditer(before) if "到" in before or "至" in before else ()
    for m in reached:  # 由2005年的3984亿元增加到2010年的9150亿元
        if int(m.group(1)) < scope.plan_year:
            marks.append((m.start(), m.group(1)))
    yoy = _last(has_words("periods", "vs_last_year"), before) if growth else -1
    if yoy >= 0:
        marks.append((yoy, str(scope.plan_year - 1)))
    if offset == 0 and text.startswith(words("periods", "last_year")):
        if scope.period != scope.term or scope.term_section:
            marks.append((0, str(scope.plan_year - 1)))
    if not marks and scope.carry:
        marks.append((-1, scope.carry))
    if not marks and scope.compare:
        y1, y0 = scope.compare
        marks.append((-1, f"{y0 + 1}-{y1}" if growth and y1 - y0 > 1 else str(y1)))
    if not marks and not scope.period:
        return None
    period = max(marks)[1] if marks else scope.period
    if period == "plan":
        return str(scope.plan_year), "target"
    base = _last_base(before) if growth else None
    if base is not None and "-" not in period and base < int(period):
        # 1992年…比1987年增长65.7%，年均递增10.6%: growth over the years since the base year.
        return f"{base + 1}-{period}", "actual"
    if not marks:
        return None
    if growth and "-" not in period and (scope.term_section or term_at >= 0):
        window = before[-12:]
        if has_words("growth", "annual").search(window):
            return scope.term, "actual"
    return period, "actual"


def plan_span(m: re.Match[str]) -> tuple[int, int]:
    """The years of a five-year plan named by a `_FIVE_YEAR_PLAN` match (the third ran 1966-1970)."""
    name = m.group(1) or m.group(3)
    k = (
        10 + ("一二三四五六七八九".find(name[1]) + 1 if len(name) > 1 else 0)
        if name[0] == "十"
        else "一二三四五六七八九".find(name) + 1
    )
    start = 1966 + 5 * (k - 3)
    return start, start + 4


def _plan_marks(scope: Scope, text: str) -> list[tuple[int, str, str]]:
    """(where, period, kind) for each five-year plan named in `text`: its span, or its last year
    for …末, as a target when it has not begun, as a result when it is over."""
    out: list[tuple[int, str, str]] = []
    if "五" not in text:  # every plan's name has it
        return out
    p = scope.plan_year
    for m in _FIVE_YEAR_PLAN.finditer(text):
        start, end = plan_span(m)
        tail = m.group(2) or ""
        if start >= p or (end >= p and tail != "以来"):
            out.append((m.start(), str(end) if "末" in tail else f"{start}-{end}", "target"))
        elif end < p:
            out.append((m.start(), str(end) if "末" in tail else f"{start}-{end}", "actual"))
        elif tail == "以来":
            out.append((m.start(), f"{start}-{p - 1}" if start < p - 1 else str(start), "actual"))
    return out


def _term_at(before: str, within: int | None = None) -> int:
    """Where the last word for the outgoing term stands, if it starts before `within` (not
    本届政府…第一年: that is one year)."""
    at = -1
    for m in has_words("periods", "term").finditer(before, 0, len(before) if within is None else within + 8):
        if (within is None or m.start() < within) and not _FIRST_YEAR.match(before, m.end()):
            at = m.start()
    return at


def _span_years(word: str) -> int | None:
    """两 → 2, 四 → 4, 3 → 3: the N of N年来, up to ten."""
    n = int(word) if word.isdigit() else "一两三四五六七八九十".find(word) + 1
    if word == "二":
        n = 2
    return n if 1 < n <= 10 else None


def _last_base(before: str) -> int | None:
    """The base year of a comparison (比1987年, 较2015年) in the clause before a growth."""
    clause = re.split(r"[；;。]", before)[-1]
    found = list(_BASE_YEAR.finditer(clause))
    if not found or _last(has_words("periods", "vs_last_year"), clause) > found[-1].start():
        return None  # …比1987年增长73.5%，…比上年增长18.5%: the later 比上年 holds
    return int(found[-1].group(1))


@cache
def _this_year(late: bool) -> re.Pattern[str]:
    """The plan year's own word in a review: 今年 in January, 明年 in December."""
    return re.compile("明年" if late else r"今年(?!以来|来|前|初|上半年|一季度)")
