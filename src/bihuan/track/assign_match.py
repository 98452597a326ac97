"""The lead-unit matcher: reads a task the way a clerk does. Whole words of the task's own text
first, each weighted by how specific it is to a unit; the heading only breaks a tie (or decides,
with low confidence, when the task says nothing); then similar tasks the office confirmed; then
the kind of task. It always answers, and says how sure it is and which words decided."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bihuan.track.assign_evidence import Neighbour, NeighbourModel
from bihuan.track.assign_words import WordRules, add_words, find_words, rules, segment
from bihuan.track.directory import DirectoryUnit

NAME_WEIGHT = 6.0  # a unit named in the task (由县发改局牵头) outweighs any keyword
COOPERATE_SHARE = 0.35  # a unit scoring this share of the lead's score is suggested to cooperate
MAX_COOPERATING = 3
HIGH_SCORE = 2.0  # a lead this strong, and MARGIN times the next one, is high confidence
MARGIN = 1.5
WEAK = 1.0  # a task whose best unit scores less than this says only generic words
HEAD_SHARE = 0.3  # then the heading's words count this share of the task's own
OWN_NAME_BONUS = 1.5  # a keyword the unit's own name holds (园区 in 园区管委会) counts this much more for it
EVIDENCE_WEIGHT = 4.0  # a confirmed task as similar as 1.0 counts like this many specific words
CLAUSE_DECAY = 0.5  # a clerk reads the first clause as the task: later clauses count less
CONFIDENCE_ZH = {"high": "高", "medium": "中", "low": "低"}


@dataclass(frozen=True, slots=True)
class Suggestion:
    lead: DirectoryUnit | None
    cooperating: tuple[DirectoryUnit, ...]
    reason: str
    scores: tuple[tuple[str, float], ...] = ()
    confidence: str = "low"  # high | medium | low
    words: tuple[str, ...] = ()  # the words that decided the lead
    similar: Neighbour | None = None  # the confirmed task that decided it, if one did

    @property
    def confidence_zh(self) -> str:
        return CONFIDENCE_ZH[self.confidence]


class Matcher:
    """All units' keywords and names, each word weighted by how specific it is to one unit."""

    def __init__(self, units: Sequence[DirectoryUnit], evidence: NeighbourModel | None = None) -> None:
        self.units = list(units)
        self.rules: WordRules = rules()
        self.evidence = evidence
        self.owners: dict[str, list[tuple[int, float]]] = {}
        names = {n for u in self.units for n in u.names}
        vocab = {w for u in self.units for w in u.keywords}
        self.words = add_words(names | vocab)
        if evidence is not None:
            evidence.fit(self.tokens, self.words)
        for k, u in enumerate(self.units):
            for name in u.names:
                self.owners.setdefault(name, []).append((k, NAME_WEIGHT))
            for word in u.keywords:
                if word not in names:
                    own = OWN_NAME_BONUS if any(word in n for n in u.names) else 1.0
                    self.owners.setdefault(word, []).append((k, own * self._weight(word, vocab)))
        self.by_name = {u.name: k for k, u in enumerate(self.units)}

    def _weight(self, word: str, vocab: set[str]) -> float:
        """Longer words say more (高标准农田 more than 农业); a word inside many units' keywords,
        or on the generic list, says little (项目, 品牌, 建设)."""
        n = max(2, len(self.units))
        df = sum(1 for u in self.units if any(word in w for w in u.keywords))
        idf = math.log(n / max(1, df)) / math.log(n) if df > 1 else 1.0
        share = self.rules.generic_share if word in self.rules.generic else 1.0
        if self.evidence is not None:
            share *= self.evidence.specificity(word)
        return (1.0 + 0.5 * max(0, len(word) - 2)) * max(idf, 0.2) * share

    def tokens(self, text: str) -> list[str]:
        return segment(text, self.words)

    def _score(self, text: str) -> tuple[list[float], list[list[str]]]:
        scores = [0.0] * len(self.units)
        hits: list[list[str]] = [[] for _ in self.units]
        for word, clause in find_words(self.tokens(text), self.owners):
            for k, w in self.owners[word]:
                scores[k] += w / (1.0 + CLAUSE_DECAY * clause)
                if word not in hits[k]:
                    hits[k].append(word)
        return scores, hits

    def suggest(self, text: str, area: str | None = None, key: tuple[int, str] | None = None) -> Suggestion:
        """The lead and cooperating units for a task; `key` (plan id, task key) keeps the task's own
        assignment out of the evidence."""
        if not self.units:
            return Suggestion(None, (), "单位名录是空的，请先导入单位名录")
        own, hits = self._score(text)
        head, head_hits = self._score(area) if area else ([0.0] * len(self.units), [[] for _ in hits])
        similar: dict[int, tuple[float, Neighbour]] = {}
        if self.evidence is not None:
            for nb in self.evidence.nearest(self.tokens(text), key):
                k = self.by_name.get(nb.lead)
                if k is not None:
                    own[k] += EVIDENCE_WEIGHT * nb.similarity
                    if k not in similar or similar[k][0] < nb.similarity:
                        similar[k] = (nb.similarity, nb)
        weak = 0 < max(own) < WEAK
        if weak:
            # only generic words of its own: among the units they point to, the heading's words count
            own = [o + HEAD_SHARE * h if o > 0 else 0.0 for o, h in zip(own, head, strict=True)]
            hits = [a + [w for w in b if w not in a] for a, b in zip(hits, head_hits, strict=True)]
        if max(own) > 0:
            return self._ranked(own, head, hits, similar, weak)
        if max(head) > 0:
            lead = max(range(len(self.units)), key=lambda k: (head[k], -k))
            words = tuple(head_hits[lead][:5])
            reason = f"任务本身没有明确的词，按所在部分标题的“{'、'.join(words)}”（把握低）"
            return Suggestion(self.units[lead], (), reason, _table(self.units, head), "low", words)
        return self._by_kind(text)

    def _ranked(
        self,
        own: list[float],
        head: list[float],
        hits: list[list[str]],
        similar: dict[int, tuple[float, Neighbour]],
        weak: bool,
    ) -> Suggestion:
        # the task's own score decides; the heading only orders units the task leaves tied
        ranked = sorted(range(len(self.units)), key=lambda k: (-round(own[k], 6), -head[k], k))
        lead, second = ranked[0], ranked[1] if len(ranked) > 1 else ranked[0]
        coop = [
            k for k in ranked[1 : MAX_COOPERATING + 1] if own[k] >= COOPERATE_SHARE * own[lead] and own[k] > 0
        ]
        nb = similar.get(lead, (0.0, None))[1]
        from_words = own[lead] - (EVIDENCE_WEIGHT * nb.similarity if nb else 0.0)
        clear = own[lead] >= HIGH_SCORE and (second == lead or own[lead] >= MARGIN * own[second])
        named = any(w in self.units[lead].names for w in hits[lead])
        confidence = "high" if clear or named else "medium"
        parts = [
            f"{self.units[k].short or self.units[k].name}：{'、'.join('“' + h + '”' for h in hits[k][:5])}"
            for k in (lead, *coop)
            if hits[k]
        ]
        if nb is not None and EVIDENCE_WEIGHT * nb.similarity >= from_words:
            parts.insert(0, f"与已确认的任务“{_short(nb.text)}”相似（{nb.similarity:.0%}，牵头：{nb.lead}）")
        if weak:
            parts.append("任务本身的词较泛，参考了所在部分标题")
            confidence = "low" if head[lead] > 0 else "medium"
        elif own[lead] == own[second] and lead != second:
            parts.append("与其他单位得分相同，按所在部分标题定")
            confidence = "medium"
        reason = "；".join(parts) + f"（把握{CONFIDENCE_ZH[confidence]}）"
        return Suggestion(
            self.units[lead],
            tuple(self.units[k] for k in coop),
            reason,
            _table(self.units, own),
            confidence,
            tuple(hits[lead][:5]),
            nb,
        )

    def _by_kind(self, text: str) -> Suggestion:
        """Nothing names a unit: the kind of task decides (low confidence), never silence."""
        for kind in self.rules.kinds:
            k = self.by_name.get(kind.unit)
            word = kind.find(text)
            if k is not None and word is not None:
                reason = f"未匹配到单位关键词；按任务类别（{kind.what}，“{word}”）暂定（把握低），请核对"
                return Suggestion(self.units[k], (), reason, (), "low", (word,))
        k = self.by_name.get(self.rules.last_resort, 0)
        reason = (
            f"未匹配到单位关键词，暂由{self.units[k].short or self.units[k].name}统筹（把握低），请人工指定"
        )
        return Suggestion(self.units[k], (), reason, (), "low")


def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _table(units: Sequence[DirectoryUnit], scores: Sequence[float]) -> tuple[tuple[str, float], ...]:
    ranked = sorted(range(len(units)), key=lambda k: (-scores[k], k))
    return tuple((units[k].name, round(scores[k], 2)) for k in ranked if scores[k] > 0)
