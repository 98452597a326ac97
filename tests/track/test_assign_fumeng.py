"""The matcher on a real county report (../shared/corpus/fumeng-2021-report.txt, read from there,
never copied), scored against blind labels in tests/golden/assign/fumeng-labels.json made by a
teammate who saw neither the keyword lists nor the matcher, and against a second labelling
(fumeng-labels-second.json) by another teammate blind to the matcher and to the first labels, made
after this stop's changes to the matcher. Skips while the labels are absent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from assign_helpers import default_units

from bihuan.extract import extract_text
from bihuan.track.assign import Matcher
from bihuan.track.assign_learn import resolve

GOLD = Path(__file__).resolve().parents[1] / "golden" / "assign"


# measured 2026-12-03: first labels 47/54 = 0.870, clear-cut 38/38 (0.796 and 36/38 at the last
# stop; this stop's general fixes came after seeing which of these tasks were missed); second
# labels 45/54 = 0.833, clear-cut 39/39 (blind: made after the fixes, never seen by them)
@pytest.mark.parametrize("name", ["fumeng-labels.json", "fumeng-labels-second.json"])
def test_fumeng_blind_labels(shared_dir: Path, name: str) -> None:
    labels_file = GOLD / name
    report = shared_dir / "corpus" / "fumeng-2021-report.txt"
    if not report.is_file():
        pytest.skip(f"{report} not present: the real county report is needed")
    if not labels_file.is_file():
        pytest.skip(f"{name} not written yet: the blind labels of the fumeng report are needed")
    labels: dict[str, Any] = json.loads(labels_file.read_text("utf-8"))
    units = default_units()
    plan = extract_text(report.read_text("utf-8"), "txt")
    tasks = {t.id: t for t in plan.tasks}
    headings = {s.id: s.heading for s in plan.sections}
    matcher = Matcher(units)
    n = right = clear = clear_right = top2 = unanswered = 0
    for gold in labels["tasks"]:
        task = tasks.get(gold["id"])
        assert task is not None and list(task.span)[:2] == list(gold["span"]), f"task {gold['id']} moved"
        want = resolve(units, gold["lead"])
        s = matcher.suggest(task.text, headings.get(task.section))
        got = s.lead.name if s.lead else None
        hit = want is not None and got == want.name
        n += 1
        right += hit
        unanswered += got is None
        top2 += hit or (want is not None and want.name in [u.name for u in s.cooperating[:1]])
        if not gold.get("ambiguous"):
            clear += 1
            clear_right += hit
    print(
        f"\nfumeng blind labels ({name}): lead right {right}/{n} = {right / n:.3f}; on clear-cut {clear_right}/{clear}"
        f" = {clear_right / max(1, clear):.3f}; lead in first two {top2}/{n}; no answer {unanswered}"
    )
    assert n > 0
    assert unanswered == 0
    # the bars
    assert right / n >= 0.80 and clear_right / clear >= 0.90


def test_the_two_labellers_agree() -> None:
    """How far two careful blind labellers differ: the ceiling any matcher can be measured at."""
    first, second = (
        json.loads((GOLD / n).read_text("utf-8"))["tasks"]
        for n in ("fumeng-labels.json", "fumeng-labels-second.json")
    )
    units = default_units()

    def lead(t: dict[str, Any]) -> str:
        u = resolve(units, t["lead"])
        assert u is not None, t["lead"]
        return u.name

    pairs = list(zip(first, second, strict=True))
    assert all(a["id"] == b["id"] and a["span"] == b["span"] for a, b in pairs)
    agree = sum(lead(a) == lead(b) for a, b in pairs)
    clear = [(a, b) for a, b in pairs if not a.get("ambiguous") and not b.get("ambiguous")]
    clear_agree = sum(lead(a) == lead(b) for a, b in clear)
    print(
        f"\nfumeng labellers agree on the lead {agree}/{len(pairs)}; on tasks both call clear-cut {clear_agree}/{len(clear)}"
    )
    assert agree / len(pairs) >= 0.85 and clear_agree == len(clear)  # measured 50/54 and 37/37
