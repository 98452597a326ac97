"""What the office decided before, as evidence for the next suggestion: a tf-idf nearest-neighbour
model over the texts of confirmed tasks (pure Python, explainable: it names the similar task)."""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MIN_SIMILARITY = 0.3  # below this a confirmed task is not called similar
NEIGHBOURS = 3  # how many similar confirmed tasks vote


@dataclass(frozen=True, slots=True)
class Evidence:
    """A task and the units the office gave it: from the ledger, or a published 任务分解表."""

    text: str
    lead: str  # the unit's full directory name
    cooperating: tuple[str, ...] = ()
    source: str = ""  # where it was decided: a plan, or a loaded file
    key: tuple[int, str] | None = None  # (plan id, task key) when it is a task of a plan in the ledger
    accepted: bool = False  # the office accepted the suggestion as it was (no information of its own)


@dataclass(frozen=True, slots=True)
class Neighbour:
    text: str
    lead: str
    cooperating: tuple[str, ...]
    similarity: float
    source: str


class NeighbourModel:
    """Confirmed tasks as tf-idf vectors of their words; `fit` with the matcher's tokenizer."""

    def __init__(self, items: Sequence[Evidence]) -> None:
        self.items = list(items)
        # a word: the items holding it, with its weight in each one's normalised tf-idf vector
        self.postings: dict[str, list[tuple[int, float]]] = {}
        self.idf: dict[str, float] = {}
        self.leads_of: dict[str, set[str]] = {}
        self.leads = {e.lead for e in self.items}
        self._fitted: object = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.items)

    def fit(self, tokenize: Callable[[str], list[str]], words: object = None) -> None:
        """Vectors of the items' words. A model already fitted for the same `words` (the
        tokenizer's whole words) is left as it is: a cached model is fitted once."""
        with self._lock:
            if words is not None and words == self._fitted:
                return
            docs = [_terms(tokenize(e.text)) for e in self.items]
            df: Counter[str] = Counter(t for d in docs for t in set(d))
            n = len(docs)
            self.idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
            leads_of: dict[str, set[str]] = {}
            for d, e in zip(docs, self.items, strict=True):
                for t in set(d):
                    leads_of.setdefault(t, set()).add(e.lead)
            postings: dict[str, list[tuple[int, float]]] = {}
            for k, d in enumerate(docs):
                for t, w in self._vector(d).items():
                    postings.setdefault(t, []).append((k, w))
            self.postings = postings
            self.leads_of = leads_of
            self._fitted = words

    def _vector(self, terms: list[str]) -> dict[str, float]:
        tf = Counter(terms)
        vec = {t: c * self.idf.get(t, 0.0) for t, c in tf.items() if t in self.idf}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {t: v / norm for t, v in vec.items()} if norm else {}

    def specificity(self, word: str) -> float:
        """1.0 for a word the office's tasks give to one unit; less the more units share it."""
        leads = self.leads_of.get(word)
        if not leads or len(self.leads) < 3:
            return 1.0
        return max(0.25, 1.0 / math.sqrt(len(leads)))

    def nearest(self, tokens: list[str], exclude: tuple[int, str] | None = None) -> list[Neighbour]:
        """The most similar confirmed tasks (at least MIN_SIMILARITY), most similar first; never
        the task `exclude` (plan id, task key) itself: its own assignment is not evidence for it."""
        if not self.postings:
            return []
        q = self._vector(_terms(tokens))
        if not q:
            return []
        dot: dict[int, float] = {}
        for t, w in q.items():
            for k, v in self.postings.get(t, ()):
                dot[k] = dot.get(k, 0.0) + w * v
        sims = [(d, k) for k, d in dot.items() if exclude is None or self.items[k].key != exclude]
        best = sorted((s for s in sims if s[0] >= MIN_SIMILARITY), key=lambda s: (-s[0], s[1]))
        return [
            Neighbour(e.text, e.lead, e.cooperating, round(s, 3), e.source)
            for s, k in best[:NEIGHBOURS]
            for e in (self.items[k],)
        ]


def _terms(tokens: list[str]) -> list[str]:
    """Words that carry meaning: two characters or more, not numbers."""
    return [t for t in tokens if len(t) >= 2 and not any(c.isdigit() for c in t)]
