"""Numbers as reports write them: Arabic, Chinese (三百余, 百分之七点九), with scales and units."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from bihuan.extract import rules

QKind = Literal["amount", "pct", "points", "times"]

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "零〇一二两三四五六七八九十百千万亿"


def cn_to_number(text: str) -> float | None:
    """Read a Chinese numeral (一百二十三, 两千, 七点九, 一二三 as digits). None if unreadable."""
    if not text or any(c not in CN_CHARS + "点" for c in text):
        return None
    if "点" in text:
        whole, _, frac = text.partition("点")
        head = cn_to_number(whole) if whole else 0.0
        if head is None or not frac or any(c not in _CN_DIGITS for c in frac):
            return None
        return float(f"{int(head)}.{''.join(str(_CN_DIGITS[c]) for c in frac)}")
    if all(c in _CN_DIGITS for c in text) and len(text) > 1:
        return float("".join(str(_CN_DIGITS[c]) for c in text))
    total = section = 0
    digit: int | None = None
    for c in text:
        if c in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[c]
        elif c in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[c]
            digit = None
        else:
            big = _CN_BIG[c]
            section += digit or 0
            digit = None
            if section == 0 and total == 0:
                return None
            total = (total + section) * big if big > 10_000 or total < big else total + section * big
            section = 0
    return float(total + section + (digit or 0))


def read_number(text: str) -> float | None:
    """An Arabic or Chinese number, spaces and thousands separators ignored."""
    t = text.replace(",", "").replace(" ", "")
    try:
        return float(t)
    except ValueError:
        return cn_to_number(t)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with what it measures, at [start, end) of the sentence it was found in."""

    start: int
    end: int
    value: float
    unit: str
    kind: QKind
    qualifier: str | None = None
    range: tuple[float, float] | None = None
    chinese: bool = False


_CN = "[零〇一二两三四五六七八九十百千]+"
# 三百三十四亿六千万元: a Chinese numeral may run on past 亿 into the 万 of the scale after it.
_NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|{_CN}(?:亿{_CN}(?=万[^亿])|点[零〇一二三四五六七八九]+)?)"


@cache
def _pattern() -> re.Pattern[str]:
    u = rules.units()
    base = rules.alternation(u.all)
    never = rules.alternation(u.never)
    people = rules.alternation(rules.words()["numbers"]["bare_scale_nouns"])
    after = rules.alternation(tuple(w for w, _ in _qual_after()))
    dash = r"[－\-~～—–―至到]"
    # The lookahead lets the engine skip, at C speed, every position where no number can start.
    return re.compile(
        r"(?=[百千\d零〇一二两三四五六七八九十])"
        rf"(?:(?P<pre>百分之)|(?P<permille>千分之))?(?P<num>{_NUM})"
        rf"(?:(?P<pct1>%)?(?P<scale1>万亿|亿|万)?{dash}(?:百分之|千分之)?(?P<num2>{_NUM}))?"
        rf"(?:(?P<pct>%|‰)|(?P<points>个百分点)|(?P<times>倍)"
        rf"|(?P<more>多|余|来)?(?P<scale>万亿|亿|万)?(?P<more2>多|余)?(?P<unit>{base})(?![众体落])"
        rf"|(?P<more0>多|余)?(?P<bare>万亿|亿|万)(?P<more3>多|余)?"
        rf"(?=(?:{after})?(?:[，。；、,;]|$|{people}))"
        rf"|(?P<never>{never}))?"
    )


@cache
def _stop_phrases() -> re.Pattern[str]:
    phrases = rules.words()["stoplist"]["phrases"]
    return re.compile("|".join('[“”"]?'.join(re.escape(c) for c in p) for p in phrases))


_OPENING = "“《「『"
_QUOTE_MARK = re.compile("[“《「『”》」』]")


def _masked(sentence: str) -> list[bool]:
    """True at positions inside quotes or book-title marks (slogans and names) and inside fixed
    political phrases (八项规定): there numerals are not quantities."""
    mask = [False] * len(sentence)
    # Only the quote marks change the depth: a run opened at depth 0 is masked up to the mark
    # that closes it (a closing mark is not masked, an opening one is).
    depth = opened = 0
    inner: list[int] = []  # closing marks inside an outer pair
    quoted = "“" in sentence or "《" in sentence or "「" in sentence or "『" in sentence
    for q in _QUOTE_MARK.finditer(sentence) if quoted else ():
        i = q.start()
        if sentence[i] in _OPENING:
            if not depth:
                opened = i
            depth += 1
        elif depth:
            depth -= 1
            if depth:
                inner.append(i)
            else:
                mask[opened:i] = [True] * (i - opened)
    if depth:
        mask[opened:] = [True] * (len(sentence) - opened)
    for i in inner:
        mask[i] = False
    for m in _stop_phrases().finditer(sentence):
        mask[m.start() : m.end()] = [True] * (m.end() - m.start())
    return mask


@cache
def _qual_after() -> tuple[tuple[str, str], ...]:
    q = rules.words()["qualifiers"]
    pairs = [(w, "about") for w in q["about_after"]]
    pairs += [(w, "at_least") for w in q["at_least_tail"]]
    pairs += [(w, "at_most") for w in q["at_most_after"]]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


@cache
def _qual_before() -> tuple[tuple[str, str], ...]:
    q = rules.words()["qualifiers"]
    pairs = [(w, "about") for w in q["about_before"]]
    pairs += [(w, "at_least") for w in q["at_least_before"]]
    pairs += [(w, "at_most") for w in q["at_most_before"]]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


@cache
def _qual_after_by_first() -> dict[str, tuple[tuple[str, str], ...]]:
    """`_qual_after` by first character, in its order: only these can open a tail."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for pair in _qual_after():
        out[pair[0][0]] = (*out.get(pair[0][0], ()), pair)
    return out


@cache
def _qual_before_by_last() -> dict[str, tuple[tuple[str, str], ...]]:
    """`_qual_before` by last character, in its order: only these can end a head."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for pair in _qual_before():
        out[pair[0][-1]] = (*out.get(pair[0][-1], ()), pair)
    return out


def find_quantities(sentence: str, limit: int = 10_000) -> list[Quantity]:
    """Every quantity in one sentence, in order. Ordinals, years, slogans in quotes and numbers
    glued to Latin letters (5G, PM2.5) are not quantities."""
    mask: list[bool] | None = None
    found: list[Quantity] = []
    for m in _pattern().finditer(sentence):
        # The groups fetched in one call: most matches are numerals with no unit, dropped here.
        num, never, unit_word, bare, pct, pre, permille, points, times, pct1 = m.group(
            "num", "never", "unit", "bare", "pct", "pre", "permille", "points", "times", "pct1"
        )
        if (
            not num
            or (never and not _age(sentence, m))
            or not (unit_word or bare or never or pct or pre or permille or points or times or pct1)
        ):
            continue
        s, e = m.start(), m.end()
        if mask is None:
            mask = _masked(sentence)
        # 增长-2.4%: a minus sign after a word (not after a letter or digit) makes it negative.
        sign = -1.0 if s > 1 and sentence[s - 1] in "-－" and not sentence[s - 2].isascii() else 1.0
        if sign < 0:
            s -= 1
        if mask[s] or (sign > 0 and _glued(sentence, s, e)):
            continue
        scale, more, more0, more2, more3 = m.group("scale", "more", "more0", "more2", "more3")
        chinese = not num[0].isdigit()
        pre_pct = bool(pre)
        kind: QKind
        unit = ""
        if permille:
            kind, unit = "pct", "‰"
        elif pct or pre_pct or pct1:
            kind, unit = "pct", pct or "%"
        elif points:
            kind, unit = "points", "个百分点"
        elif times:
            kind, unit = "times", "倍"
        elif unit_word:
            kind, unit = "amount", (scale or "") + unit_word
        elif bare or never:
            kind, unit = "amount", bare or never
        else:
            continue
        value = _value(m.group("num"))
        if value is None:
            continue
        value *= sign
        if "亿" in m.group("num"):
            unit = "亿" + unit[1:]  # 三百三十四亿六千万元: 334.6亿元
        if (
            chinese
            and kind == "amount"
            and _rhetorical(m.group("num"), value, m.group("unit"), m.group("scale"))
        ):
            continue
        rng = None
        qual: str | None = None
        if m.group("num2"):
            hi = _value(m.group("num2"))
            if hi is None or hi <= value or not _same_scale(m):
                continue
            rng, qual = (value, hi), "range"
        if more or more0 or more2 or more3:
            qual = "at_least"
        if unit == "元" and (jiao := _JIAO.match(sentence, e)):
            d = jiao.group(1)
            value, e = value + (int(d) if d.isdigit() else _CN_DIGITS[d]) / 10, jiao.end()
        tail = sentence[e : e + 8]
        for word, q in _qual_after_by_first().get(tail[:1], ()):
            if tail.startswith(word):
                qual, e = qual or q, e + len(word)
                break
        if qual is None:
            head = sentence[max(0, s - 5) : s]
            for word, q in _qual_before_by_last().get(head[-1:], ()):
                if head.endswith(word):
                    qual = q
                    break
        found.append(Quantity(s, e, value, unit, kind, qual, rng, chinese))
        if len(found) >= limit:
            break
    if "番" in sentence:
        found = sorted(found + _doublings(sentence), key=lambda q: q.start)[:limit]
    return found


_JIAO = re.compile(r"([一二三四五六七八九1-9])角")  # 一百十一元五角: 111.5元


def _same_scale(m: re.Match[str]) -> bool:
    """二百二十七亿到二百三十亿元: a range's low end may carry its own scale, the high end's."""
    low = m.group("scale1")
    high = m.group("scale") or m.group("unit") or m.group("bare") or ""
    return low is None or ((high.startswith(low) and not high.startswith("万亿")) or low == "万亿")


def _value(num: str) -> float | None:
    """A number's value; 三百三十四亿六千 (before 万) in 亿."""
    if "亿" not in num:
        return read_number(num)
    yi, _, wan = num.partition("亿")
    a, b = cn_to_number(yi), cn_to_number(wan)
    return None if a is None or b is None else a + b / 10_000


_DOUBLING = re.compile(r"翻了?(?:([一两二三四])番|番)")


def _doublings(sentence: str) -> list[Quantity]:
    """翻两番 is a growth to four times (+300%), 翻一番 (翻番) to twice (+100%): a quantity of
    kind `times` in 倍 less one, with the unit 番 so the reader knows its growth word is 翻."""
    out = []
    for m in _DOUBLING.finditer(sentence):
        n = _CN_DIGITS[m.group(1)] if m.group(1) else 1
        out.append(Quantity(m.start(), m.end(), float(2**n - 1), "番", "times", None, None, True))
    return out


def _age(sentence: str, m: re.Match[str]) -> bool:
    """平均期望寿命达到70.8岁: 岁 is a unit only after an age measure."""
    return m.group("never") == "岁" and any(
        w in sentence[max(0, m.start() - 12) : m.start()] for w in rules.words()["numbers"]["age_names"]
    )


def _rhetorical(num: str, value: float, unit: str, scale: str | None) -> bool:
    """两个积极性, 五项原则, 百家争鸣: small Chinese-numeral counts are figures of speech."""
    if scale or unit not in rules.units().count:
        return value < 2
    return value < 10 or len(num) < 2


def _glued(sentence: str, s: int, e: int) -> bool:
    before = sentence[s - 1] if s else ""
    after = sentence[e] if e < len(sentence) else ""
    if before == "第" or (before and before.isascii() and (before.isalnum() or before in ".-+")):
        return True
    return bool(after) and after.isascii() and after.isalpha()
