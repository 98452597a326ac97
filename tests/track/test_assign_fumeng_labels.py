"""The blind lead-unit labels of the fumeng report (tests/golden/assign/fumeng-labels.json) are sound.

The file's shape is checked always; that it has one entry per task of today's extraction, and
that it quotes none of the report, needs the report from ../shared and skips without it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bihuan.extract import extract_text

ROOT = Path(__file__).resolve().parents[2]
LABELS_FILE = ROOT / "tests" / "golden" / "assign" / "fumeng-labels.json"
LABELS: dict[str, Any] = json.loads(LABELS_FILE.read_text("utf-8"))
ENTRIES: list[dict[str, Any]] = LABELS["tasks"]
REPORT = "fumeng-2021-report.txt"
QUOTE_LEN = 12  # a run of this many report characters in the file counts as copied text


@pytest.fixture(scope="module")
def report_text(shared_dir: Path) -> str:
    path = shared_dir / "corpus" / REPORT
    if not path.is_file():
        pytest.skip(f"{path} not present: the labels are checked against the real report")
    return path.read_text("utf-8")


def test_file_header() -> None:
    assert set(LABELS) == {"about", "report", "units", "tasks"}
    assert LABELS["report"] == REPORT
    assert isinstance(LABELS["about"], str) and "blind" in LABELS["about"].lower()
    units = LABELS["units"]
    assert units and len(units) == len(set(units)), "units are listed once each"
    used = {e["lead"] for e in ENTRIES} | {u for e in ENTRIES for u in e["cooperating"]}
    assert used == set(units), "units lists exactly the names the labels use"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_entry(entry: dict[str, Any]) -> None:
    assert set(entry) <= {"id", "span", "lead", "cooperating", "ambiguous", "note"}
    start, end = entry["span"]
    assert isinstance(start, int) and isinstance(end, int) and 0 <= start < end
    assert entry["lead"] in LABELS["units"]
    cooperating = entry["cooperating"]
    assert isinstance(cooperating, list) and len(cooperating) <= 3
    assert len(cooperating) == len(set(cooperating)), "a cooperating unit is named once"
    assert all(unit in LABELS["units"] for unit in cooperating)
    assert entry["lead"] not in cooperating, "the lead is not also cooperating"
    assert isinstance(entry["ambiguous"], bool)
    assert isinstance(entry.get("note", ""), str)
    if entry["ambiguous"]:
        assert entry.get("note"), "an ambiguous task says which other units could lead"


def test_some_tasks_are_clear_cut_and_leads_vary() -> None:
    clear = [e for e in ENTRIES if not e["ambiguous"]]
    leads = Counter(e["lead"] for e in ENTRIES)
    print(f"\nfumeng labels: {len(ENTRIES)} tasks, {len(ENTRIES) - len(clear)} ambiguous;", dict(leads))
    assert len(clear) >= len(ENTRIES) / 2, "most tasks have an obvious lead"
    assert max(leads.values()) <= len(ENTRIES) / 4, "no unit leads a quarter of the report"


def test_one_entry_per_extracted_task(report_text: str) -> None:
    plan = extract_text(report_text, "txt").to_dict()
    extracted = [(t["id"], t["span"]) for t in plan["tasks"]]
    labelled = [(e["id"], e["span"]) for e in ENTRIES]
    assert labelled == extracted, "relabel when the extraction's tasks change (ids or spans)"


def test_no_report_text_is_copied(report_text: str) -> None:
    source = "".join(report_text.split())
    windows = {source[i : i + QUOTE_LEN] for i in range(len(source) - QUOTE_LEN + 1)}
    written = [LABELS["about"], *(e.get("note", "") for e in ENTRIES)]
    copied = [
        text[i : i + QUOTE_LEN]
        for text in ("".join(w.split()) for w in written)
        for i in range(len(text) - QUOTE_LEN + 1)
        if text[i : i + QUOTE_LEN] in windows
    ]
    assert not copied, copied[:3]
