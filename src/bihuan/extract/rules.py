"""Load the rule files under rules/ once, validate them, and expose typed views."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


class RuleError(ValueError):
    """A rule file is missing a key or holds a value of the wrong shape."""


def load(name: str) -> dict[str, Any]:
    """Parse rules/<name>.toml from the package."""
    text = resources.files("bihuan.extract").joinpath("rules", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def _words(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"{where}: `{key}` must be a non-empty list of strings")
    # Longest first, so alternations in regexes prefer the longer word.
    return tuple(sorted(dict.fromkeys(value), key=len, reverse=True))


@dataclass(frozen=True)
class Units:
    money: tuple[str, ...]
    measure: tuple[str, ...]
    count: tuple[str, ...]
    never: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(sorted({*self.money, *self.measure, *self.count}, key=len, reverse=True))


@cache
def units() -> Units:
    raw = load("units")
    return Units(*(_words(raw, k, "units.toml") for k in ("money", "measure", "count", "never")))


@cache
def words() -> dict[str, dict[str, tuple[str, ...]]]:
    """words.toml as {table: {key: words longest first}}."""
    raw = load("words")
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for table, entries in raw.items():
        if not isinstance(entries, dict):
            raise RuleError(f"words.toml: [{table}] must be a table")
        out[table] = {key: _words(entries, key, f"words.toml [{table}]") for key in entries}
    return out


@cache
def sections() -> dict[str, Any]:
    raw = load("sections")
    roles = raw.get("roles")
    if not isinstance(roles, dict):
        raise RuleError("sections.toml: [roles] missing")
    for role in ("self_building", "review", "goals", "tasks"):
        _words(roles, role, "sections.toml [roles]")
    block = raw.get("title_block")
    if not isinstance(block, dict) or not isinstance(block.get("national_region"), str):
        raise RuleError("sections.toml: [title_block] national_region missing")
    for key in ("titles", "abstract", "national"):
        _words(block, key, "sections.toml [title_block]")
    return raw


def alternation(items: tuple[str, ...]) -> str:
    """A regex alternation of literal words, longest first, each word once."""
    return "|".join(re.escape(w) for w in sorted(dict.fromkeys(items), key=len, reverse=True))
