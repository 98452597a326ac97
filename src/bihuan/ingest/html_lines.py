"""Render HTML tokens to lines, and trim boilerplate lines around an article."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bihuan.ingest.html_tokens import Token
from bihuan.ingest.html_words import HtmlWords

_WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
# A source line break between two Chinese characters is not a space (CSS Text 3 does the same).
_WIDE_BREAK = re.compile(rf"(?<=[{_WIDE}])[^\S\n]*\n\s*(?=[{_WIDE}])")
_SPACES = re.compile(r"\s+")
_HANZI = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")

SUBSTANTIAL_HANZI = 15  # a line with this many Chinese characters is article text
SHORT_LINE = 60  # only lines up to this long can be boilerplate
OUTWARD_LINES = 6  # how far to look past the first/last article line for a title or signature


def hanzi_count(text: str) -> int:
    return len(_HANZI.findall(text))


def _clean_line(parts: list[str]) -> str:
    return _SPACES.sub(" ", _WIDE_BREAK.sub("", "".join(parts))).strip()


def render(
    tokens: Sequence[Token], keep: Sequence[bool], start: int = 0, end: int | None = None
) -> list[str]:
    """Non-empty lines of ``tokens[start:end]``, skipping tokens whose ``keep`` flag is False."""
    lines: list[str] = []
    parts: list[str] = []
    for index in range(start, len(tokens) if end is None else end):
        if not keep[index]:
            continue
        token = tokens[index]
        if token is None:
            line = _clean_line(parts)
            if line:
                lines.append(line)
            parts = []
        else:
            parts.append(token)
    line = _clean_line(parts)
    if line:
        lines.append(line)
    return lines


def _menu_like(line: str) -> bool:
    words = line.split(" ")
    return len(words) >= 4 and sum(map(len, words)) <= 4 * len(words) and not _DIGIT.search(line)


def _has_words(line: str, words: HtmlWords) -> bool:
    return len(line) <= SHORT_LINE and (words.has_stop(line) or words.has_skip(line))


def is_boilerplate(line: str, words: HtmlWords) -> bool:
    """A short line of navigation, footer, page tools or article metadata, or menu-shaped."""
    return _has_words(line, words) or (len(line) <= SHORT_LINE and _menu_like(line))


def _is_stop(line: str, words: HtmlWords) -> bool:
    return len(line) <= SHORT_LINE and words.has_stop(line)


def _outward(lines: list[str], indices: range, words: HtmlWords) -> list[int]:
    """Indices of title/signature lines next to the article, walking away from it."""
    kept: list[int] = []
    for index in indices[:OUTWARD_LINES]:
        line = lines[index]
        if _is_stop(line, words):
            break
        if is_boilerplate(line, words):
            continue
        if hanzi_count(line) >= 2 or _DIGIT.search(line):
            kept.append(index)
    return kept


def trim(lines: list[str], words: HtmlWords, drop_middle: bool) -> list[str]:
    """Drop boilerplate before the first and after the last substantial line.

    A title just before the article and a signature/date just after it are kept. With
    ``drop_middle`` short lines with boilerplate words between the first and last article line
    go too (menu-shaped lines stay there: they may be table rows).
    """
    substantial = [
        i
        for i, line in enumerate(lines)
        if hanzi_count(line) >= SUBSTANTIAL_HANZI and not is_boilerplate(line, words)
    ]
    if not substantial:
        return [line for line in lines if not is_boilerplate(line, words)]
    first, last = substantial[0], substantial[-1]
    before = _outward(lines, range(first - 1, -1, -1), words)
    after = _outward(lines, range(last + 1, len(lines)), words)
    middle = [i for i in range(first, last + 1) if not (drop_middle and _has_words(lines[i], words))]
    return [lines[i] for i in sorted(before) + middle + after]
