"""The last touch on a name: list numbering, dashes and time or hedge words it opens with.

（1）生产总值, ——国内生产总值 and 预期今年全省地区生产总值 all name 生产总值's measure; the
numbering and the words before the noun belong to the sentence, not to the name.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from bihuan.extract import rules
from bihuan.extract.stages.periods import words

_NUMBERING = re.compile(
    r"^(?:[（(]\s*\d{1,2}\s*[）)]|\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]{1,2}是|[—\-－―]+|[，,、：:；;\s])+"
)


# 广西壮族自治区 → 广西, 新疆维吾尔自治区 → 新疆, 某某蒙古族自治县 → 某某
_AUTONOMOUS = re.compile(r"^([\u4e00-\u9fff]{2,}?)(?:[\u4e00-\u9fff]{1,3}族|维吾尔)*自治(?:区|州|县|旗)$")


@cache
def _lead_words() -> re.Pattern[str]:
    lead = rules.alternation(words("names", "lead_words"))
    return re.compile(rf"^(?:{lead})+")


def region_names(region: str | None) -> tuple[str, ...]:
    """The names a report calls its own region by: 西藏自治区 and 西藏, 河北省 and 河北."""
    if not region:
        return ()
    autonomous = _AUTONOMOUS.match(region)
    short = autonomous.group(1) if autonomous else re.sub(r"(?:省|市|县|区|旗|盟|州|地区)$", "", region)
    return tuple(n for n in dict.fromkeys((region, short)) if len(n) >= 2)


@lru_cache(maxsize=16384)  # pure, and the same names come back often: tidied once
def tidy_name(name: str, region: tuple[str, ...] = ()) -> str:
    """The name without the numbering, the time or hedge words and the region's own name
    before it (西藏生产总值 → 生产总值 in 西藏自治区's report); a name that is only such words
    stays as it was."""
    # Both patterns are anchored at the start: a match there, not a scan of every position.
    m = _NUMBERING.match(name)
    out = name[m.end() :] if m else name
    m = _lead_words().match(out)
    out = out[m.end() :] if m else out
    verbs = words("names", "lead_verbs")
    verb = next((v for v in verbs if out.startswith(v)), None) if out.startswith(verbs) else None
    if verb and len(out) - len(verb) >= 4:
        out = out[len(verb) :]
    for own in region:
        if out.startswith(own) and len(out) - len(own) >= 2:
            out = out[len(own) :]
            break
    return out if len(out) >= 2 else name
