"""The canonical measures (rules/measures.toml): which measure an indicator's name is.

`measure_of_name` tries the name as written (lightly normalised), then without region prefixes
and lead verbs, then without the growth or time words a name sometimes keeps at its end; each
try is a dictionary lookup first, then the measures' patterns, which must match the whole name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal, cast, get_args

from bihuan.extract.rules import RuleError, load, words

MeasureType = Literal["flow", "level", "rate", "ceiling"]
Direction = Literal["up", "down"]
UNIT_FAMILIES = frozenset(
    {
        "money",
        "percent",
        "permille",
        "mass",
        "area",
        "count",
        "energy",
        "people",
        "length",
        "volume",
        "index",
        "concentration",
        "power",
        "duration",
    }
)
NORMALISE = "_normalise"
_ID = re.compile(r"[a-z][a-z0-9_]*")
_KEYS = frozenset({"name", "synonyms", "patterns", "type", "direction", "unit_family"})
# A name longer than this is a clause the engine could not cut, never a measure.
MAX_NAME = 80

_SPACE_QUOTES = re.compile(r"[\s“”‘’\"'《》〈〉「」『』*]+")
_ASCII_NOTE = re.compile(r"\([A-Z0-9.&+\- ]*\)")


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    name: str
    synonyms: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    type: MeasureType
    direction: Direction
    unit_family: str


@dataclass(frozen=True, slots=True)
class Dictionary:
    measures: dict[str, Measure]
    by_name: dict[str, str]
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    lead: tuple[str, ...]
    tail: tuple[str, ...]
    tail_patterns: tuple[re.Pattern[str], ...]


def clean(name: str) -> str:
    """The name in one spelling: NFKC (full-width to half-width), no spaces, quotes or
    parenthesised Latin notes (生产总值（GDP） → 生产总值), Latin letters upper case."""
    text = unicodedata.normalize("NFKC", name).upper()
    return _ASCII_NOTE.sub("", _SPACE_QUOTES.sub("", text))


def parse(raw: dict[str, Any]) -> Dictionary:
    """The dictionary from the parsed TOML, validated; RuleError names the bad table."""
    norm = raw.get(NORMALISE)
    if not isinstance(norm, dict):
        raise RuleError(f"measures.toml: [{NORMALISE}] missing")
    lead = _strings(norm, "lead", "measures.toml [_normalise]")
    tail = _strings(norm, "tail", "measures.toml [_normalise]")
    tail_patterns = tuple(
        _compile(p, "measures.toml [_normalise]") for p in _strings(norm, "tail_patterns", "[_normalise]")
    )
    measures: dict[str, Measure] = {}
    by_name: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for mid, table in raw.items():
        if mid == NORMALISE:
            continue
        m = _measure(mid, table)
        measures[mid] = m
        for s in (m.name, *m.synonyms):
            key = clean(s)
            other = by_name.setdefault(key, mid)
            if other != mid:
                raise RuleError(f"measures.toml: “{s}” is a name of both [{other}] and [{mid}]")
        patterns.extend((p, mid) for p in m.patterns)
    if not measures:
        raise RuleError("measures.toml: no measures")
    return Dictionary(measures, by_name, tuple(patterns), lead, tail, tail_patterns)


def _measure(mid: str, table: Any) -> Measure:
    where = f"measures.toml [{mid}]"
    if not _ID.fullmatch(mid) or not isinstance(table, dict):
        raise RuleError(f"{where}: a measure is a table named in lower_snake_case")
    unknown = set(table) - _KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise RuleError(f"{where}: `name` must be a non-empty string")
    synonyms = _strings(table, "synonyms", where, required=False)
    patterns = tuple(_compile(p, where) for p in _strings(table, "patterns", where, required=False))
    kind, direction, family = table.get("type"), table.get("direction"), table.get("unit_family")
    if kind not in get_args(MeasureType):
        raise RuleError(f"{where}: `type` must be one of {get_args(MeasureType)}")
    if direction not in get_args(Direction):
        raise RuleError(f"{where}: `direction` must be up or down")
    if family not in UNIT_FAMILIES:
        raise RuleError(f"{where}: `unit_family` must be one of {sorted(UNIT_FAMILIES)}")
    return Measure(mid, name, synonyms, patterns, cast(MeasureType, kind), cast(Direction, direction), family)


def _strings(table: dict[str, Any], key: str, where: str, required: bool = True) -> tuple[str, ...]:
    value = table.get(key, None if required else [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"{where}: `{key}` must be a list of non-empty strings")
    return tuple(value)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise RuleError(f"{where}: bad pattern {pattern!r}: {e}") from e


@cache
def dictionary() -> Dictionary:
    """rules/measures.toml, loaded and validated once."""
    return parse(load("measures"))


def measure(mid: str) -> Measure:
    """The measure with this id (KeyError for an unknown id)."""
    return dictionary().measures[mid]


@lru_cache(maxsize=16384)
def measure_of_name(name: str) -> str | None:
    """The id of the measure an indicator's name names, or None. Never raises for a str."""
    if len(name) > MAX_NAME:
        return None
    d = dictionary()
    for key in _candidates(clean(name), d):
        mid = d.by_name.get(key)
        if mid is not None:
            return mid
        for pattern, pid in d.patterns:
            if pattern.fullmatch(key):
                return pid
    return None


def _candidates(name: str, d: Dictionary) -> Iterator[str]:
    """The name, then without prefixes, then without tails; each only when it changed."""
    if not name:
        return
    yield name
    prefixes = (*_region_prefixes(), *d.lead)
    bare = _strip_front(name, prefixes)
    if bare and bare != name:
        yield bare
    short = _strip_back(bare, d)
    if short and short != bare:
        yield short


@cache
def _region_prefixes() -> tuple[str, ...]:
    return words()["names"]["region_prefix"]


def _strip_front(name: str, prefixes: tuple[str, ...]) -> str:
    changed = True
    while changed and name.startswith(prefixes):  # no prefix at all: nothing to try
        changed = False
        for p in prefixes:
            if name.startswith(p) and len(name) > len(p):
                name, changed = name[len(p) :], True
                break
    return name


def _strip_back(name: str, d: Dictionary) -> str:
    for pattern in d.tail_patterns:
        cut = pattern.search(name)
        if cut is not None and cut.start() > 0:
            name = name[: cut.start()]
    changed = True
    while changed and name.endswith(d.tail):
        changed = False
        for t in d.tail:
            if name.endswith(t) and len(name) > len(t):
                name, changed = name[: -len(t)], True
                break
    return name
