"""The last touch on a name: list numbering, dashes and time or hedge words it opens with.

（1）生产总值, ——国内生产总值 and 预期今年全省地区生产总值 all name 生产总值's measure; the
numbering and the words before the noun belong to the sentence, not to the name.
"""

from __future__ import annotations

import re
from functools import cache

from bihuan.extract import rules

_NUMBERING = re.compile(
    r"^(?:[（(]\s*\d{1,2}\s*[）)]|\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]{1,2}是|[—\-－―]+|[，,、：:；;\s])+"
)


@cache
def _lead_words() -> re.Pattern[str]:
    lead = rules.alternation(tuple(rules.words()["names"]["lead_words"]))
    return re.compile(rf"^(?:{lead})+")


def tidy_name(name: str) -> str:
    """The name without the numbering and the time or hedge words before it; never empty when
    `name` was not (a name that is only such words stays as it was)."""
    out = _NUMBERING.sub("", name)
    out = _lead_words().sub("", out)
    return out if len(out) >= 2 else name
