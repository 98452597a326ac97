"""Run the stages in order: repair, segment, metadata, indicators, tasks, checks."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import cache

from bihuan.extract import rules
from bihuan.extract.markdown import FrontMatter, has_front_matter, unmark
from bihuan.extract.measures import measure_of_name
from bihuan.extract.repair import Repaired, repair
from bihuan.extract.segment import SALUTATION, Heading, Para, headings, is_block, paragraphs, sentences
from bihuan.extract.stages.checks import growth_consistency
from bihuan.extract.stages.fact import Fact
from bihuan.extract.stages.indicators import read_sentence
from bihuan.extract.stages.metadata import read_metadata
from bihuan.extract.stages.periods import Scope, enter_paragraph, enter_sentence, words
from bihuan.extract.stages.tasks import extract_tasks
from bihuan.extract.stages.tidy import region_names, tidy_name
from bihuan.extract.types import Check, Indicator, Plan, Role, Section

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")


def extract_text(text: str, source_format: str | None = None) -> Plan:
    """Read one report's decoded text into a plan. Never raises for any str input."""
    front = FrontMatter()
    plain = text
    markdown = source_format == "md" or has_front_matter(text)
    if markdown:
        plain, front = unmark(text)  # same length: spans still index `text`
    rep = repair(plain)
    paras = paragraphs(rep.text)
    doc = read_metadata(paras, "txt" if source_format == "md" else source_format, len(text), front)
    if markdown:
        doc = replace(doc, markup="markdown")
    body_end = _body_end(paras, len(rep.text))
    heads = headings([p for p in paras if p.start < body_end], body_end, _marked(paras, rep, front.headings))
    if doc.plan_year is None or doc.report_date is None:
        guess = _guess_year(rep.text, heads) or doc.plan_year or _year_after_review(rep.text, heads)
        doc = replace(doc, plan_year=guess)
    year = doc.plan_year or 2000
    _review_by_content(heads, paras, year)
    late = doc.report_date is not None and int(doc.report_date[5:7]) >= 9
    facts, checks = _facts(paras, heads, Scope(year, late=late), body_end)
    own = region_names(doc.region)
    indicators = [_indicator(f"i{n + 1}", f, rep, own) for n, f in enumerate(facts)]
    targets = [
        (ind.id, f.start, f.end) for ind, f in zip(indicators, facts, strict=True) if f.kind == "target"
    ]
    tasks = extract_tasks(paras, heads, targets, doc.plan_year, rep.span)
    checks = growth_consistency(indicators, year) + checks
    sections = tuple(
        Section(h.id, h.heading, h.level, rep.span(h.start, h.end), h.parent, h.role) for h in heads
    )
    return Plan(doc, sections, tuple(indicators), tuple(tasks), tuple(checks))


@cache
def _past_opening() -> re.Pattern[str]:
    return re.compile("^(?:" + rules.alternation(words("periods", "review_openings")) + ")")


def _review_by_content(heads: list[Heading], paras: list[Para], year: int) -> None:
    """A section whose heading is a slogan (…交出高质量发展答卷) is a review when it says so:
    its heading names a year gone by, or its first paragraph opens with 过去一年 / 一年来 / 2023年.
    Subsections take their parent's role."""
    changed: set[str] = set()
    for h in heads:
        if h.parent in changed:
            h.role = "review"
            changed.add(h.id)
            continue
        if h.level != 1 or h.role not in ("tasks", "other"):
            continue
        named = [int(y) for y in re.findall(r"(?<![到至])(\d{4})年", h.heading)]
        first = paras[h.para + 1].text[:12] if h.para + 1 < len(paras) else ""
        opened = re.match(r"^(\d{4})年", first)
        if (
            (named and max(named) < year)
            or _past_opening().match(first)
            or (opened and int(opened.group(1)) < year)
        ):
            h.role = "review"
            changed.add(h.id)


def _marked(paras: list[Para], rep: Repaired, marks: tuple[int, ...]) -> frozenset[int]:
    """The paragraphs a Markdown heading mark opens, past the title block and its salutation."""
    if not marks:
        return frozenset()
    wanted = set(marks)
    first = next((i + 1 for i, p in enumerate(paras[:20]) if SALUTATION.match(p.text)), 0)
    out = set()
    for i, p in enumerate(paras):
        if i < first:
            continue
        src = rep.to_source(p.start)
        if src in wanted:
            out.add(i)
    return frozenset(out)


def _body_end(paras: list[Para], end: int) -> int:
    """Where the trailing title block (in newspaper prints) starts."""
    k = len(paras)
    while k and is_block(paras[k - 1].text):
        k -= 1
    return paras[k].start if k < len(paras) and k > 0 else end


def _guess_year(text: str, heads: list[Heading]) -> int | None:
    """With no date: the year after the one the review's heading names (一、1994年工作回顾)."""
    review = [h for h in heads if h.role == "review" and h.level == 1]
    titled = [int(y) for h in review for y in _YEAR.findall(h.heading)]
    if titled:
        return min(titled) + 1
    return None


def _year_after_review(text: str, heads: list[Heading]) -> int | None:
    """The year after the year the review mentions most: a last resort for periods."""
    review = [h for h in heads if h.role == "review" and h.level == 1]
    for part in (*(text[h.start : h.end] for h in review), text[:200_000]):
        years = Counter(int(y) for y in _YEAR.findall(part))
        if years:
            top = years.most_common(1)[0][0]
            return top + 1
    return None


def _facts(
    paras: list[Para], heads: list[Heading], scope: Scope, body_end: int
) -> tuple[list[Fact], list[Check]]:
    first_role: Role = "review"
    opened = {h.para: h for h in heads}
    current: Heading | None = None
    for i, p in enumerate(paras):
        if p.start >= body_end:
            break
        h = opened.get(i)
        if h is not None:
            current = h
        role = current.role if current else first_role
        section = current.id if current else None
        enter_paragraph(scope, p, role, h.level if h else 0, h is not None)
        for s, text in sentences(p):
            enter_sentence(scope, text)
            read_sentence(scope, s, text, section)
        scope.label = p.text if h is None and _is_label(p.text) else None
    return scope.facts, scope.checks


_LABEL = re.compile(r"[\u4e00-\u9fff]{2,12}")


def _is_label(text: str) -> bool:
    """国内生产总值 alone on a line: a row label of a table printed as paragraphs."""
    return bool(_LABEL.fullmatch(text)) and measure_of_name(text) is not None


def _indicator(iid: str, f: Fact, rep: Repaired, own: tuple[str, ...]) -> Indicator:
    name = tidy_name(f.name, own)
    return Indicator(
        id=iid,
        name=name,
        kind=f.kind,  # type: ignore[arg-type]
        period=f.period,
        quote=f.quote,
        span=rep.span(f.start, f.end),
        value=f.value,
        unit=f.unit,
        growth_pct=f.growth_pct,
        basis=f.basis,  # type: ignore[arg-type]
        qualifier=f.qualifier,  # type: ignore[arg-type]
        growth_qualifier=f.growth_qualifier,  # type: ignore[arg-type]
        range=f.range,
        estimated=f.estimated,
        section=f.section,
        measure=measure_of_name(name),
    )
