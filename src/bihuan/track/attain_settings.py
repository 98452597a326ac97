"""The settings of the 兑现 judgement (data/attain.toml): tolerances of 左右, the words that make a
longer name another quantity, and the scale words of units. A frozen dataclass, loaded from the
shipped file or a deployment's own, any field overridable by the caller."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bihuan.track.datafile import read_toml
from bihuan.track.errors import TrackError


@dataclass(frozen=True, slots=True)
class AttainSettings:
    about_points: float = 0.5
    about_share: float = 0.05
    other_quantity: tuple[str, ...] = ()
    min_contained: int = 3
    scales: tuple[tuple[str, float], ...] = ()  # longest word first
    same_series: tuple[frozenset[str], ...] = ()  # measure ids one series for 兑现 (gnp, gdp)

    def one_series(self, a: str, b: str) -> bool:
        return any(a in group and b in group for group in self.same_series)

    def replace(self, **changes: Any) -> AttainSettings:
        """These settings with some fields changed, validated again."""
        return _validated(dataclasses.replace(self, **changes))


def _bad(key: str, what_zh: str, what_en: str) -> TrackError:
    return TrackError(f"兑现设置 {key} {what_zh}", f"attainment setting {key} {what_en}")


def _number(raw: dict[str, Any], key: str, default: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise _bad(key, "须为非负数", "must be a non-negative number")
    return float(value)


def parse_settings(raw: dict[str, Any]) -> AttainSettings:
    """The settings of a parsed attain.toml, validated: unknown keys and bad values are errors."""
    known = {f.name for f in dataclasses.fields(AttainSettings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _bad(unknown[0], "未知", "is unknown")
    words = raw.get("other_quantity", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise _bad("other_quantity", "须为词表", "must be a list of words")
    scales = raw.get("scales", {})
    if not isinstance(scales, dict) or not all(
        isinstance(k, str) and k and isinstance(v, int | float) and not isinstance(v, bool) and v > 0
        for k, v in scales.items()
    ):
        raise _bad("scales", "须为“词 = 正数”", "must map words to positive numbers")
    series = raw.get("same_series", [])
    if not isinstance(series, list) or not all(
        isinstance(g, list) and len(g) >= 2 and all(isinstance(m, str) and m for m in g) for g in series
    ):
        raise _bad("same_series", "须为指标编号组的列表", "must be a list of lists of measure ids")
    contained = raw.get("min_contained", 3)
    if isinstance(contained, bool) or not isinstance(contained, int) or contained < 1:
        raise _bad("min_contained", "须为正整数", "must be a positive integer")
    return _validated(
        AttainSettings(
            about_points=_number(raw, "about_points", 0.5),
            about_share=_number(raw, "about_share", 0.05),
            other_quantity=tuple(words),
            min_contained=contained,
            scales=tuple(sorted(((k, float(v)) for k, v in scales.items()), key=lambda kv: -len(kv[0]))),
            same_series=tuple(frozenset(g) for g in series),
        )
    )


def _validated(s: AttainSettings) -> AttainSettings:
    if s.about_share >= 1:
        raise _bad("about_share", "须小于 1", "must be below 1")
    return s


@cache
def shipped_settings() -> AttainSettings:
    return parse_settings(read_toml("attain.toml", None, "兑现设置", "attainment settings"))


def load_settings(path: Path | None = None, **overrides: Any) -> AttainSettings:
    """The shipped settings, or those of the file at `path`, with `overrides` applied."""
    base = (
        shipped_settings()
        if path is None
        else parse_settings(read_toml("attain.toml", path, "兑现设置", "attainment settings"))
    )
    return base.replace(**overrides) if overrides else base
