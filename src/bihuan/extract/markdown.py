"""Markdown and YAML front matter, read without moving a character.

A report in Markdown (`# 标题`, `**——在…会议上**`, `> 引文`) says the same as the plain text
without its marks. `unmark` blanks the marks out with spaces, which `repair` drops as it drops
every inner space, so the text keeps its length and every span still indexes the file as
decoded. The front matter (`---` / `key: value` lines / `---`) is blanked out of the body and
read for the document's title, date and source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)
# Marks at the start of a line: headings, block quotes, bullets (not 1. — a report's own heading).
_LINE_MARK = re.compile(r"^[ \t]{0,3}(?:#{1,6}(?=[ \t]|$)|>[ \t]?(?:>[ \t]?)*|[-+*](?=[ \t]))", re.M)
_RULE = re.compile(r"^[ \t]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$", re.M)
_TRAILING_HASHES = re.compile(r"[ \t]+#+[ \t]*$", re.M)
# Emphasis pairs: **x**, __x__, *x*; a lone * or _ (5*3, snake_case) is left alone.
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPH = re.compile(r"(?<![A-Za-z0-9*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![A-Za-z0-9*])")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|~>])")
_CODE_TICKS = re.compile(r"`+")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    title: str | None = None
    date: str | None = None
    source: str | None = None
    # Where a line's heading mark stands (# 标题, or a short bold run opening a line): offsets
    # into the text, for headings that carry no number of their own.
    headings: tuple[int, ...] = ()


# A short bold run opening a line (**2023年工作回顾**), not a sentence (it has no 。 and does not
# end with ：), may be followed on its line by the paragraph it heads.
_BOLD_HEAD = re.compile(r"^[ \t]{0,3}\*\*(?=\S)([^*\n。！？]{2,40}?)(?<=[^\s：:，,])\*\*(?!\*)", re.M)
_HASH_HEAD = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(?=\S)", re.M)


def has_front_matter(text: str) -> bool:
    return text.startswith(("---", "\ufeff---")) and _FRONT.match(text) is not None


_NOT_NEWLINE = re.compile(r"[^\n]")


def _spaces(text: str) -> str:
    """`text` with every character but a line break turned into a space."""
    return _NOT_NEWLINE.sub(" ", text)


def _blank(m: re.Match[str]) -> str:
    return _spaces(m.group())


def _keep_group(group: int) -> Callable[[re.Match[str]], str]:
    """A replacement that keeps one group of the match and blanks the marks around it."""

    def sub(m: re.Match[str]) -> str:
        a, b = m.start(group) - m.start(), m.end(group) - m.start()
        return " " * a + m.group(group) + _spaces(m.group()[b:])

    return sub


def _value(raw: str) -> str | None:
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value or None


def front_matter(text: str) -> tuple[FrontMatter, int]:
    """The front matter's fields and where the body starts (0 when there is none)."""
    m = _FRONT.match(text)
    if m is None:
        return FrontMatter(), 0
    fields: dict[str, str | None] = {}
    key = None
    for line in m.group(1).splitlines():
        item = re.match(r"^[ \t]*-[ \t]+(.*)$", line)
        if item and key and fields.get(key) is None:
            fields[key] = _value(item.group(1))  # a list: its first item
            continue
        found = _FIELD.match(line)
        if found:
            key = found.group(1).lower()
            fields.setdefault(key, _value(found.group(2)))
    date = fields.get("date")
    day = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", date or "")
    iso = f"{day.group(1)}-{int(day.group(2)):02d}-{int(day.group(3)):02d}" if day else None
    source = fields.get("source") or fields.get("url") or fields.get("source_url")
    return FrontMatter(fields.get("title"), iso, source), m.end()


def _split_bold_heads(rest: str, body: int) -> tuple[str, list[int]]:
    """Offsets of bold heads; a head with its paragraph on the same line gets a line break
    where its closing mark stood (same length), so the paragraph stands on its own."""
    starts: list[int] = []
    chunks: list[str] = []
    pos = 0
    for m in _BOLD_HEAD.finditer(rest):
        starts.append(body + m.start(1))
        alone = rest[m.end() : m.end() + 1] in ("", "\n", "\r")
        chunks += [rest[pos : m.start(1) - 2], "  ", m.group(1), "  " if alone else "\n "]
        pos = m.end()
    chunks.append(rest[pos:])
    return "".join(chunks), starts


def _sub(pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str] | str, text: str, needs: str) -> str:
    """`pattern.sub`, skipped when none of the characters every match needs stands in the text:
    each pass over a whole report costs as much as the check."""
    return pattern.sub(repl, text) if any(c in text for c in needs) else text


def unmark(text: str) -> tuple[str, FrontMatter]:
    """The text with front matter and Markdown marks blanked out (same length), and the front matter."""
    meta, body = front_matter(text)
    head = _spaces(text[:body])
    rest = text[body:]
    hashes = [body + m.end() for m in _HASH_HEAD.finditer(rest)] if "#" in rest else []
    rest, bold = _split_bold_heads(rest, body) if "**" in rest else (rest, [])
    meta = FrontMatter(meta.title, meta.date, meta.source, tuple(sorted(hashes + bold)))
    rest = _sub(_HTML_COMMENT, _blank, rest, "<")
    rest = _sub(_BREAK_TAG, _blank, rest, "<")
    rest = _sub(_RULE, _blank, rest, "*-_")
    rest = _sub(_TRAILING_HASHES, _blank, rest, "#")
    rest = _sub(_LINE_MARK, _blank, rest, "#>-+*")
    rest = _sub(_LINK, _keep_group(1), rest, "]")
    rest = _sub(_STRONG, _keep_group(2), rest, "*_")
    rest = _sub(_EMPH, _keep_group(1), rest, "*")
    rest = _sub(_ESCAPE, " ", rest, "\\")
    rest = _sub(_CODE_TICKS, _blank, rest, "`")
    return head + rest, meta
