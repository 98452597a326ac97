"""分别 and 均: one statement about several measures becomes one fact per measure."""

from __future__ import annotations

import re

_SPLIT = re.compile(r"、|和|及|与|以及")


def split_subjects(name: str, count: int) -> list[str]:
    """农村和城镇常住居民人均可支配收入 → [农村常住居民人均可支配收入, 城镇常住居民人均可支配收入].

    Items are split on 、/和/及; when the earlier items are short modifiers of the last one's
    head noun, the head is shared out. Returns [name] when the name does not split."""
    items = [s for s in _SPLIT.split(name) if s]
    if len(items) < 2 or (count > 1 and len(items) != count):
        return [name]
    first = len(items[0])
    last = items[-1]
    if all(len(s) <= 3 for s in items[:-1]) and len(last) > first + 1:
        head = last[first:]
        return [s + head for s in items[:-1]] + [last]
    return items
