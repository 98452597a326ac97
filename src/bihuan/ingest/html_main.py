"""Main text of a saved government web page: decode, drop page chrome, pick the article."""

from __future__ import annotations

import re
from itertools import accumulate

from bihuan.ingest.decode import decode_text
from bihuan.ingest.html_lines import hanzi_count, is_boilerplate, render, trim
from bihuan.ingest.html_tokens import ARTICLE_TAGS, CONDITIONAL, TITLE_TAGS, Element, ParsedHtml, parse_html
from bihuan.ingest.html_words import HtmlWords, load_words

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
MAJORITY = 0.5  # an element holding more than this share of the Chinese text holds the article
TITLE_GAP_LINES = 6  # a title may sit this many lines above the article element


def declared_charset(data: bytes) -> str | None:
    """The charset of ``<meta charset=...>`` or ``<meta http-equiv ... content="...; charset=...">``."""
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii") if match else None


class _Page:
    def __init__(self, parsed: ParsedHtml) -> None:
        self.tokens = parsed.tokens
        self.elements = [e for e in parsed.elements if e.end > e.start]
        self.keep = [True] * len(self.tokens)
        self._recount()

    def _recount(self) -> None:
        counts = (hanzi_count(t) if t and k else 0 for t, k in zip(self.tokens, self.keep, strict=True))
        self.prefix = [0, *accumulate(counts)]

    def hanzi(self, element: Element) -> int:
        return self.prefix[element.end] - self.prefix[element.start]

    @property
    def total(self) -> int:
        return self.prefix[-1]

    def drop_chrome(self) -> None:
        """Drop <header>/<footer>/<form> unless they hold the article."""
        total = self.total
        chrome = [e for e in self.elements if e.tag in CONDITIONAL and not e.in_article]
        for element in chrome:
            if self.hanzi(element) <= MAJORITY * total:
                self.keep[element.start : element.end] = [False] * (element.end - element.start)
        self._recount()

    def article(self, words: HtmlWords) -> Element | None:
        """The tightest content-looking element holding most of the Chinese text."""
        total = self.total
        best: Element | None = None
        for element in self.elements:
            if not (element.tag in ARTICLE_TAGS or words.is_content_ident(element.ident)):
                continue
            count = self.hanzi(element)
            if total == 0 or count <= MAJORITY * total:
                continue
            if best is None or (count, element.end - element.start) < (
                self.hanzi(best),
                best.end - best.start,
            ):
                best = element
        return best

    def title_before(self, article: Element, words: HtmlWords) -> str | None:
        """The nearest title-looking element above ``article`` and close to it."""
        titles = [
            e
            for e in self.elements
            if e.end <= article.start and (e.tag in TITLE_TAGS or words.is_title_ident(e.ident))
        ]
        for element in sorted(titles, key=lambda e: e.end, reverse=True):
            if len(render(self.tokens, self.keep, element.end, article.start)) > TITLE_GAP_LINES:
                return None
            text = " ".join(render(self.tokens, self.keep, element.start, element.end))
            if 4 <= len(text) <= 100 and hanzi_count(text) >= 4 and not is_boilerplate(text, words):
                return text
        return None


def main_text(parsed: ParsedHtml, words: HtmlWords) -> str:
    """The article text of a parsed page, one block per line."""
    page = _Page(parsed)
    page.drop_chrome()
    article = page.article(words)
    if article is None:
        return "\n".join(trim(render(page.tokens, page.keep), words, drop_middle=True))
    lines = render(page.tokens, page.keep, article.start, article.end)
    title = page.title_before(article, words)
    if title and title not in lines[:3]:
        lines.insert(0, title)
    return "\n".join(trim(lines, words, drop_middle=False))


def html_text(data: bytes, name: str) -> str:
    """Decode an HTML file (meta charset, else detection) and return its main text."""
    markup = decode_text(data, name, declared=declared_charset(data))
    return main_text(parse_html(markup), load_words())
