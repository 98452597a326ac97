"""A forgiving HTML pass with the stdlib parser: a flat token stream plus element ranges.

Tokens are text strings, or None for a line break between blocks. Each recorded element knows
the range of tokens it holds, so any element's text is ``tokens[start:end]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Never part of the text.
DROPPED = frozenset(
    "script style noscript template title nav aside select iframe svg object canvas button".split()
)
# Dropped unless they hold most of the page's Chinese text (many sites wrap a whole page in a
# <form>) or sit inside <article>/<main> (an article's own <header> carries its title).
CONDITIONAL = frozenset({"header", "footer", "form"})
ARTICLE_TAGS = frozenset({"article", "main"})
TITLE_TAGS = frozenset({"h1", "h2", "h3"})
BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr table tbody thead tfoot caption section article "
    "main header footer form fieldset legend blockquote pre center address figure figcaption".split()
)
CELLS = frozenset({"td", "th"})
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Opening the key tag closes these if they are the innermost open elements.
_AUTO_CLOSE: dict[str, frozenset[str]] = {
    "li": frozenset({"li", "p"}),
    "td": frozenset({"td", "th", "p"}),
    "th": frozenset({"td", "th", "p"}),
    "tr": frozenset({"tr", "td", "th", "p"}),
    "dt": frozenset({"dt", "dd", "p"}),
    "dd": frozenset({"dt", "dd", "p"}),
}
_CLOSES_P = frozenset({"p"})

Token = str | None


@dataclass
class Element:
    tag: str
    ident: str  # lower-case id and class, space-separated
    start: int
    end: int = -1
    in_article: bool = False


@dataclass
class _Open:
    tag: str
    element: Element | None
    dropped: bool


@dataclass
class ParsedHtml:
    tokens: list[Token] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = ParsedHtml()
        self.stack: list[_Open] = []
        self.dropping = 0  # how many open elements are DROPPED
        self.articles = 0  # how many open elements are <article>/<main>
        self.open_tags: dict[str, int] = {}  # tag -> how many are open

    def _break(self) -> None:
        if not self.dropping:
            self.out.tokens.append(None)

    def _pop(self) -> None:
        item = self.stack.pop()
        self.open_tags[item.tag] -= 1
        if item.dropped:
            self.dropping -= 1
            return
        if item.tag in ARTICLE_TAGS:
            self.articles -= 1
        if item.tag in BLOCKS:
            self._break()
        if item.element is not None:
            item.element.end = len(self.out.tokens)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            if tag in {"br", "hr"}:
                self._break()
            return
        closes = _AUTO_CLOSE.get(tag, _CLOSES_P if tag in BLOCKS else frozenset())
        while self.stack and self.stack[-1].tag in closes:
            self._pop()
        self.open_tags[tag] = self.open_tags.get(tag, 0) + 1
        if self.dropping or tag in DROPPED:
            self.stack.append(_Open(tag, None, True))
            self.dropping += 1
            return
        if tag in BLOCKS:
            self._break()
        elif tag in CELLS:
            self.out.tokens.append(" ")
        ident = " ".join(value for key, value in attrs if key in {"id", "class"} and value).lower()
        element = None
        if ident or tag in CONDITIONAL or tag in ARTICLE_TAGS or tag in TITLE_TAGS:
            element = Element(tag, ident, len(self.out.tokens), in_article=self.articles > 0)
            self.out.elements.append(element)
        if tag in ARTICLE_TAGS:
            self.articles += 1
        self.stack.append(_Open(tag, element, False))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1].tag == tag:
            self._pop()

    def handle_endtag(self, tag: str) -> None:
        if self.open_tags.get(tag):
            while self.stack:
                top = self.stack[-1].tag
                self._pop()
                if top == tag:
                    break
        elif tag in {"p", "br"}:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.tokens.append(data)

    def finish(self) -> ParsedHtml:
        while self.stack:
            self._pop()
        return self.out


def parse_html(text: str) -> ParsedHtml:
    """Tokens and element ranges of an HTML document; never raises on malformed markup."""
    builder = _Builder()
    try:
        builder.feed(text)
        builder.close()
    except Exception:  # the stdlib parser can still trip on odd markup; keep what was read
        pass
    return builder.finish()
