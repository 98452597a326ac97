"""Whole words of a task: jieba segmentation with the directory's words kept whole, and the
word rules of the matcher (data/assign.toml)."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache
from typing import Any

from bihuan.track.datafile import read_toml
from bihuan.track.errors import TrackError

MAX_TOKENS_PER_WORD = 6  # a keyword may span this many segments (高标准 + 农田)

_lock = threading.Lock()
_tokenizer: Any = None
_known: set[str] = set()


@dataclass(frozen=True, slots=True)
class Kind:
    what: str
    unit: str
    words: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...] = ()

    def find(self, text: str) -> str | None:
        """The first of its words, or the text one of its patterns matches, in `text`."""
        word = next((w for w in self.words if w in text), None)
        if word is None:
            word = next((m.group(0) for p in self.patterns if (m := p.search(text))), None)
        return word


@dataclass(frozen=True, slots=True)
class WordRules:
    whole_words: tuple[str, ...]
    generic: frozenset[str]
    generic_share: float
    kinds: tuple[Kind, ...]
    last_resort: str


@cache
def rules() -> WordRules:
    """The shipped word rules, checked once."""
    data = read_toml("assign.toml", None, "分工词表", "assignment word rules")
    try:
        kinds = tuple(
            Kind(
                str(k["what"]),
                str(k["unit"]),
                tuple(str(w) for w in k["words"] if str(w)),
                tuple(re.compile(str(p)) for p in k.get("patterns", [])),
            )
            for k in data.get("kind", [])
        )
        out = WordRules(
            tuple(str(w) for w in data["whole_words"]),
            frozenset(str(w) for w in data["generic"]),
            float(data["generic_share"]),
            kinds,
            str(data["last_resort"]),
        )
    except (KeyError, TypeError, ValueError, re.error) as e:
        raise TrackError("分工词表格式不对", f"assignment word rules are malformed: {e}") from e
    if not 0 < out.generic_share <= 1 or any(not (k.words or k.patterns) for k in kinds):
        raise TrackError(
            "分工词表格式不对", "generic_share must be in (0, 1] and every kind needs words or patterns"
        )
    return out


def _cache_dir() -> str | None:
    """Where jieba keeps its dictionary cache: the user's cache folder (XDG_CACHE_HOME or
    ~/.cache)/bihuan, not the temporary folder, which belongs to whoever runs us (the demo removes
    its own and checks nothing else was left). None (jieba's default) when it cannot be made."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "bihuan")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return folder


def _jieba() -> Any:
    """One tokenizer for the process, initialised on first use and quietly (jieba logs to stderr)."""
    global _tokenizer
    if _tokenizer is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.tmp_dir = _cache_dir()
        tok.initialize()
        _tokenizer = tok
    return _tokenizer


def add_words(words: Iterable[str]) -> frozenset[str]:
    """Make `words` (and the shipped whole words) whole words of the tokenizer; returns them all."""
    out = frozenset((*rules().whole_words, *words))
    with _lock:
        tok = _jieba()
        for w in out - _known:
            if w:
                # a frequency that makes the word win over its parts
                tok.add_word(w, freq=max(tok.suggest_freq(w, tune=False), 10 * len(w)))
                _known.add(w)
    return out


def segment(text: str, words: AbstractSet[str] | None = None) -> list[str]:
    """`text` cut into words; `words` (from add_words, which it calls when not given) stay whole."""
    keep = add_words(()) if words is None else words
    tok = _jieba()
    out: list[str] = []
    for t in tok.lcut(text.translate(_QUOTES)):
        if t.strip():
            out.extend(_split_compound(t, tok.FREQ) if t not in keep else (t,))
    return out


# quotation marks wrap slogans and short names (村“两委”班子, “放管服”改革): read through them
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")


def _split_compound(token: str, freq: dict[str, int]) -> tuple[str, ...]:
    """A long token made of two words of two or more characters each (金融服务, 严厉打击) is read
    as those words, so that a unit's word inside it still counts; 高质量 stays whole."""
    if len(token) >= 4:
        for i in range(2, len(token) - 1):
            if freq.get(token[:i]) and freq.get(token[i:]):
                return token[:i], token[i:]
    return (token,)


CLAUSE_MARKS = frozenset("，。；;,！？")


def find_words(tokens: Sequence[str], vocabulary: set[str] | dict[str, Any]) -> list[tuple[str, int]]:
    """Vocabulary words that are whole runs of tokens, longest first, left to right, no overlaps;
    each with the number of its clause (0 for the words before the first comma)."""
    out: list[tuple[str, int]] = []
    i = clause = 0
    while i < len(tokens):
        if tokens[i] in CLAUSE_MARKS:
            clause += 1
            i += 1
            continue
        for j in range(min(len(tokens), i + MAX_TOKENS_PER_WORD), i, -1):
            run = "".join(tokens[i:j])
            if run in vocabulary:
                out.append((run, clause))
                i = j
                break
        else:
            i += 1
    return out
