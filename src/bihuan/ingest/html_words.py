"""Word lists for HTML main-text selection, loaded once from html_boilerplate.txt."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

DATA_FILE = "html_boilerplate.txt"
SECTIONS = ("content", "title", "stop", "skip")
_SECTION = re.compile(r"^\[([a-z]+)\]$")


@dataclass(frozen=True)
class HtmlWords:
    content: tuple[str, ...]  # id/class words of the element holding the article
    title: tuple[str, ...]  # id/class words of the article title
    stop: tuple[str, ...]  # navigation/footer markers
    skip: tuple[str, ...]  # article metadata and page tools

    def is_content_ident(self, ident: str) -> bool:
        return any(word in ident for word in self.content)

    def is_title_ident(self, ident: str) -> bool:
        return any(word in ident for word in self.title)

    @cached_property
    def _stop_re(self) -> re.Pattern[str]:
        return re.compile("|".join(map(re.escape, self.stop)), re.IGNORECASE)

    @cached_property
    def _skip_re(self) -> re.Pattern[str]:
        return re.compile("|".join(map(re.escape, self.skip)), re.IGNORECASE)

    def has_stop(self, line: str) -> bool:
        return self._stop_re.search(line) is not None

    def has_skip(self, line: str) -> bool:
        return self._skip_re.search(line) is not None


def parse_words(text: str) -> HtmlWords:
    """Parse the word-list file; raises ValueError on an unknown section or an entry before one."""
    sections: dict[str, list[str]] = {name: [] for name in SECTIONS}
    current: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _SECTION.match(line)
        if header:
            if header.group(1) not in sections:
                raise ValueError(f"{DATA_FILE}:{number}: unknown section [{header.group(1)}]")
            current = sections[header.group(1)]
        elif current is None:
            raise ValueError(f"{DATA_FILE}:{number}: entry outside a section")
        else:
            current.append(line.lower())
    empty = [name for name, words in sections.items() if not words]
    if empty:
        raise ValueError(f"{DATA_FILE}: empty section(s): {', '.join(empty)}")
    return HtmlWords(**{name: tuple(words) for name, words in sections.items()})


@cache
def load_words() -> HtmlWords:
    """The packaged word lists (read once)."""
    text = resources.files("bihuan.ingest").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_words(text)
