"""分别 and 均: one statement about several measures becomes one fact per measure."""

from __future__ import annotations

import re
from functools import cache

from bihuan.extract import rules

_SPLIT = re.compile(r"、|和|及|与|以及")
# 甲区、乙区、丙区三个开发区…: a count of the listed items, in apposition to the list.
_COLLECTIVE = re.compile(r"^(?:这|等)?[两二三四五六七八九十\d]{1,3}(?:个|家|所|项|座|条|类|大|地)?")


@cache
def _pairs() -> dict[str, tuple[str, ...]]:
    """城乡 → 城镇, 农村: words that name two things at once (words.toml [pairs])."""
    return {k: v for k, v in rules.words().get("pairs", {}).items()}


def _without_collective(head: str, items: list[str]) -> str:
    """三个开发区工业产值 → 工业产值: drop the count of the list and its noun, which ends with the
    last character the listed items share (区), or is one of the short group words (地, 大)."""
    m = _COLLECTIVE.match(head)
    if not m or not m.group():
        return head
    tail = items[-1][-1:]
    if tail and all(s.endswith(tail) for s in items):
        k = head.find(tail, m.end())
        if 0 <= k <= m.end() + 5:
            return head[k + 1 :] or head
    return head[m.end() :] or head


def split_pair(name: str, count: int) -> list[str]:
    """城乡居民人均可支配收入 with two values → [城镇居民…, 农村居民…]."""
    if count != 2:
        return [name]
    for word, parts in _pairs().items():
        k = name.find(word)
        if 0 <= k <= 4 and len(parts) == 2:
            return [name[:k] + p + name[k + len(word) :] for p in parts]
    return [name]


def split_subjects(name: str, count: int) -> list[str]:
    """农村和城镇常住居民人均可支配收入 → [农村常住居民人均可支配收入, 城镇常住居民人均可支配收入].

    Items are split on 、/和/及; when the earlier items are short modifiers of the last one's
    head noun, the head is shared out (less a count of the items: 甲区、乙区三个开发区产值).
    A name with 城乡 (or another pair word) and two values splits into its two parts.
    Returns [name] when the name does not split."""
    items = [s for s in _SPLIT.split(name) if s]
    if len(items) < 2:
        return split_pair(name, count)
    doer = DOER.match(items[0])
    if doer:
        # 规模以上工业企业实现利润、税金: what the subject achieved, each item the subject's.
        who = doer.group(1)
        return [items[0], *(who + s for s in items[1:])] if count in (1, len(items)) else [name]
    if count > 1 and len(items) != count:
        return [name]
    first = len(items[0])
    last = items[-1]
    count_at = _COUNT_IN.search(last)
    if count_at and count_at.start() > 0:
        # 汽车零部件、新材料两个产业集群产值: the list ends where its count starts.
        own = last[: count_at.start()]
        head = _without_collective(last[count_at.start() :], [*items[:-1], own])
        return [s + head for s in items[:-1]] + [own + head]
    if all(len(s) <= 3 for s in items[:-1]) and len(_NOTE.sub("", last)) > first + 1:
        # 城八区和郊区污水处理率: the last item's own word ends where the first item's did (区).
        k = last.find(items[0][-1], 0, first + 1)
        own = k + 1 if 0 < k < first else first
        head = _without_collective(last[own:], [*items[:-1], last[:own]])
        return [s + head for s in items[:-1]] + [last[:own] + head]
    tails = items[1:]
    if len(first_item := items[0]) > 4 and all(2 <= len(s) <= 3 and s[-1] == first_item[-1] for s in tails):
        # 万元地区生产总值能耗、水耗: the later items share the first one's opening words.
        size = len(tails[0])
        if all(len(s) == size for s in tails):
            return [first_item] + [first_item[:-size] + s for s in tails]
    return items


_NOTE = re.compile(r"[（(][^（）()]{1,6}[）)]")
# 国有单位共完成固定资产投资: who achieved (group 1) before the verb and what they achieved.
DOER = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:共|累计)?(?:实现|完成)(?=[\u4e00-\u9fff]{2})")
_COUNT_IN = re.compile(r"[两二三四五六七八九十]{1,2}(?:个|家|所|项|座|条|类|大)")
