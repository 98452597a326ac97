"""Paragraphs, headings and sentences of repaired text, with offsets into it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bihuan.extract import rules
from bihuan.extract.types import Role

_L1 = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_L2 = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
_L3 = re.compile(r"^(?:\d{1,2}[.、](?!\d)|[（(]\d{1,2}[）)])")
# The salutation that ends a title block and opens the speech.
SALUTATION = re.compile(r"^(?:各位代表|同志们|各位委员)")
_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]*")
_BLOCK = re.compile(
    r"^(?:[（(](?:摘要|节选|全文)[）)]|——.*|.{0,12}政府工作报告.{0,8}|.{0,6}[长理]\s*[\u4e00-\u9fff·]{2,4})$"
)


@dataclass(frozen=True, slots=True)
class Para:
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(slots=True)
class Heading:
    id: str
    level: int
    heading: str
    start: int
    end: int
    parent: str | None
    role: Role
    para: int  # index of the paragraph the heading opens


def paragraphs(text: str) -> list[Para]:
    out: list[Para] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append(Para(pos, line))
        pos += len(line) + 1
    return out


def sentences(para: Para) -> list[tuple[int, str]]:
    """(absolute start, text) of each sentence; a sentence ends at 。！？ or ；."""
    start = para.start
    return [(start + m.start(), m.group()) for m in _SENTENCE.finditer(para.text)]


def is_block(text: str) -> bool:
    """A title-block line: 政府工作报告, ——date line, speaker, (摘要)."""
    return len(text) <= 80 and bool(_BLOCK.match(text)) and "。" not in text


def _level(text: str) -> int:
    if _L1.match(text):
        return 1
    if _L2.match(text):
        return 2
    if _L3.match(text):
        return 3
    return 0


def _heading_text(text: str, level: int) -> str:
    cut = re.search(r"[。！？!?]", text)
    head = text[: cut.start()] if cut else text
    if level == 1 and cut is None and len(head) > 60:
        head = head[:60]
    return head


@cache
def _role_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    roles = rules.sections()["roles"]
    order = ("self_building", "review", "goals", "tasks")
    return tuple((role, re.compile(rules.alternation(tuple(roles[role])))) for role in order)


def _role(heading: str, parent: Role | None) -> Role:
    if parent in ("review", "self_building"):
        return parent
    for role, pattern in _role_patterns():
        if pattern.search(heading):
            if parent in ("goals", "tasks") and role in ("goals", "review"):
                return "tasks"
            return role  # type: ignore[return-value]
    return "tasks" if parent in ("goals", "tasks") else "other"


def headings(paras: list[Para], text_end: int, marked: frozenset[int] = frozenset()) -> list[Heading]:
    """Sections from 一、 / （一） / 1. headings, each spanning to the next of its level or above.
    A paragraph in `marked` (a Markdown heading with no number) opens a top-level section."""
    found: list[Heading] = []
    stack: list[Heading] = []
    counters: dict[str | None, int] = {}
    for i, p in enumerate(paras):
        level = _level(p.text) or (1 if i in marked and len(p.text) <= 40 else 0)
        if not level or is_block(p.text):
            continue
        while stack and stack[-1].level >= level:
            stack.pop().end = p.start
        parent = stack[-1] if stack else None
        key = parent.id if parent else None
        counters[key] = counters.get(key, 0) + 1
        sid = f"{parent.id}.{counters[key]}" if parent else f"s{counters[key]}"
        h = Heading(sid, level, _heading_text(p.text, level), p.start, text_end, key, "other", i)
        h.role = _role(h.heading, parent.role if parent else None)
        found.append(h)
        stack.append(h)
    return found
