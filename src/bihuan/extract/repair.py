"""Repair broken report text and keep a map from every repaired character back to the source.

Newspaper columns and PDF layout break lines inside words and numbers, put blank lines inside
sentences and space out titles. `repair` rejoins what belongs together, drops print artifacts
and normalises full-width digits, while `Repaired.span` turns any repaired span back into the
span of the text as decoded from the file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# One-to-one replacements, so they never move an offset.
_FULLWIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "％": "%",
        "．": ".",
        "＋": "+",
        "　": " ",
        "\t": " ",
        "\xa0": " ",
        "\r": "\n",
    }
)

_ARTIFACT = re.compile(r"[（(]\s*[上下]?[接转]第?[一二三四五六七八九十\d]{1,3}\s*版\s*[）)]")
_HEADING_START = re.compile(r"[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|——|--")
_LEVEL1 = re.compile(r"[一二三四五六七八九十]{1,3}、")
_TERMINAL = re.compile(r"[。！？：；!?;:][”’」』）)\"']?$")
_SPACED = re.compile(r"^(?:[\u4e00-\u9fff] +){1,}[\u4e00-\u9fff]$")
_BLOCK = re.compile(r"^(?:[（(](?:摘要|节选|全文)[）)]|政府工作报告|——.*|--.*)$")
# Spaces, and zero-width characters (U+200B…U+200D, U+2060, U+FEFF) that web pages leave inside
# words and numbers (3\u200b12.5亿元): dropped, so the number reads as one.
_SPACE_RUN = re.compile(r"[ \u200b\u200c\u200d\u2060\ufeff]+")
# A number broken by a line break (31 / 2.5亿元): a number never spans two paragraphs.
_NUMBER_END = re.compile(r"[\u4e00-\u9fff]\d[\d.,]*$")
_NUMBER_GOES_ON = re.compile(r"^(?:\d|\.\d)(?!\d{0,1}[.、](?!\d))")
_LINE = re.compile(r"[^\n]+")
# A middle dot between digits is a decimal point in some printed reports (14·1%); some print it
# as 。 (12。2%), taken only where a short fraction and a unit follow. Patterns open with a
# character class so the regex engine can skip ahead: these run over the whole text.
_DOT_DECIMAL = re.compile(r"\d(?: ?[·・•∙] ?|。(?=\d{1,2}(?:%|‰|亿|万|个|倍|元|吨|公斤|斤|美元)))(?=\d)")
_DOT_MARK = re.compile(r"[·・•∙。]")
_FULLWIDTH_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _FULLWIDTH) + "]")
_PUNCT = re.compile(r"[。，；：！？]")
# Scanned text reads 1 as l or I and 0 as O inside a number (增长l0%, 1O.5%).
_OCR = re.compile(r"[lIOo](?=[\d%.])")


def _ocr_digit(m: re.Match[str]) -> str:
    c, at, text = m.group(), m.start(), m.string
    prev = text[at - 1] if at else ""
    after_digit = prev.isdigit()
    opens_number = not (prev.isascii() and prev.isalpha()) and text[at + 1].isdigit() and c in "lIO"
    if after_digit or opens_number:
        return "1" if c in "lI" else "0"
    return c


@dataclass(frozen=True, slots=True)
class Repaired:
    """Repaired text plus the pieces it was copied from: piece k starts at `starts[k]` in the
    repaired text and at `sources[k]` in the source."""

    text: str
    starts: tuple[int, ...]
    sources: tuple[int, ...]
    source_len: int

    def to_source(self, i: int) -> int:
        if not self.starts:
            return 0
        k = bisect_right(self.starts, i) - 1
        if k < 0:
            return self.sources[0]
        return min(self.sources[k] + (i - self.starts[k]), self.source_len)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of repaired text[start:end]."""
        s = self.to_source(start)
        e = self.to_source(end - 1) + 1 if end > start else s
        e = min(max(e, s), self.source_len)
        return (s, e)


_NARROW = re.compile(r"[^\u2e80-\U0010ffff“”‘’]")


def _width(line: str) -> float:
    """Printed width in full-width characters: Latin letters, digits and ASCII count half."""
    return len(line) - 0.5 * len(_NARROW.findall(line))


def _pieces(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """Source pieces of one line with artifacts and inner spaces left out."""
    pieces: list[tuple[int, int]] = []
    pos = start
    cuts = (
        [(m.start(), m.end()) for m in _ARTIFACT.finditer(raw, start, end)]
        if raw.find("版", start, end) >= 0
        else []
    )
    for m in _SPACE_RUN.finditer(raw, start, end):
        a, b = m.start(), m.end()
        left, right = raw[a - 1] if a > start else "", raw[b] if b < end else ""
        if left.isascii() and left.isalpha() and right.isascii() and right.isalpha() and " " in raw[a:b]:
            continue
        cuts.append((a, b))
    for a, b in sorted(cuts):
        if a > pos:
            pieces.append((pos, a))
        pos = max(pos, b)
    if pos < end:
        pieces.append((pos, end))
    return pieces


def _is_layout(lines: list[str], widths: list[float] | None = None) -> bool:
    """True when lines are cut by a column or page width rather than one paragraph per line
    (`widths`: the sorted widths of its lines of 4 characters or more, when already known)."""
    body = [ln for ln in lines if len(ln) >= 4]
    if len(body) < 4:
        return False
    # _TERMINAL ends at the line's end and is at most 2 characters long: only those are searched.
    open_ended = sum(1 for ln in body if not _TERMINAL.search(ln[-2:]) and not _HEADING_START.match(ln))
    widths = widths if widths is not None else sorted(_width(ln) for ln in body)
    return open_ended / len(body) >= 0.45 and widths[len(widths) // 2] <= 45


def repair(source: str) -> Repaired:
    """Rejoin broken lines, drop artifacts and spaces, normalise full-width characters."""
    raw = _FULLWIDTH_CHARS.sub(lambda m: _FULLWIDTH[ord(m.group())], source)
    raw = _DOT_DECIMAL.sub(lambda m: _DOT_MARK.sub(".", m.group()), raw)
    raw = _OCR.sub(_ocr_digit, raw)
    # Non-empty lines only, each with whether a blank line stands before it: a text of a
    # million newlines costs one regex scan, not a million list entries.
    lines: list[tuple[str, list[tuple[int, int]], int, bool]] = []  # (text, pieces, end, blank before)
    prev = 0
    blank = False
    for m in _LINE.finditer(raw):
        start, end = m.span()
        blank = blank or raw.count("\n", prev, start) > 1
        prev = end
        pieces = _pieces(raw, start, end)
        clean = raw[pieces[0][0] : pieces[0][1]] if len(pieces) == 1 else "".join(raw[a:b] for a, b in pieces)
        if not clean:
            blank = True  # a line of spaces is a blank line
            continue
        lines.append((clean, pieces, end, blank))
        blank = False
    texts = [t for t, _, _, _ in lines]
    widths = sorted(_width(t) for t in texts if len(t) >= 4)
    layout = _is_layout([t for t in texts if t], widths)
    full = (widths[len(widths) // 2] - 2.5) if widths else 0.0

    out_pieces: list[tuple[int, int]] = []  # (source start, source end); end == -1 marks a "\n"
    para = last = ""  # the paragraph's first line, and its last line
    punct = False  # whether the paragraph so far has sentence punctuation
    prev_end = 0
    for text, pieces, src_end, blank_since in lines:
        if para and _breaks(para, punct, last, text, blank_since, layout, full):
            out_pieces.append((prev_end, -1))
            para, punct = "", False
        out_pieces.extend(pieces)
        para = para or text
        punct = punct or bool(_PUNCT.search(text))
        last = text
        prev_end = pieces[-1][1] if pieces else src_end

    chunks: list[str] = []
    starts: list[int] = []
    sources: list[int] = []
    n = 0
    for a, b in out_pieces:
        piece = "\n" if b == -1 else raw[a:b]
        starts.append(n)
        sources.append(a)
        chunks.append(piece)
        n += len(piece)
    return Repaired("".join(chunks), tuple(starts), tuple(sources), len(source))


def _breaks(para: str, punct: bool, last: str, nxt: str, blank: bool, layout: bool, full: float) -> bool:
    """Whether a paragraph ends between the paragraph so far (first line `para`, last line
    `last`, `punct` if it has sentence punctuation) and the next line."""
    # The last character is checked first: a line ending in no digit, "." or "," is not scanned.
    ends_in_number = (last[-1:].isdecimal() or last[-1:] in (".", ",")) and _NUMBER_END.search(last)
    if ends_in_number and _NUMBER_GOES_ON.match(nxt) and not blank:
        return False
    if not layout:
        return True
    prev_full = _width(last) >= full
    terminal = bool(_TERMINAL.search(last[-2:]))
    if (
        (para is last and _BLOCK.match(para))
        or _SPACED.match(nxt)
        or _BLOCK.match(nxt)
        or _SPACED.match(last)
    ):
        return True
    if _HEADING_START.match(nxt) and (terminal or not prev_full):
        return True
    if terminal and (not prev_full or blank):
        return True
    if _LEVEL1.match(para) and not punct:
        # A level-1 heading: a short unpunctuated next line is its continuation.
        return not (_width(nxt) < full and not _PUNCT.search(nxt)) and not prev_full
    return False
