"""Headline facts of 12 provincial reports (1982-2024), hand-annotated, scored with the shared matcher.

The gold files live in tests/golden/provinces/; the report texts do not: they are read from the
team's shared corpus (../shared/corpus/provinces.tar.xz), unpacked into a temporary directory.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bihuan.extract import extract_text
from bihuan.ingest import read_path

GOLD_DIR = Path(__file__).resolve().parents[1] / "golden" / "provinces"
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))
# The bar: 0.95 pooled headline recall; 0.954 (331/347) on 2026-12-03.

BAR = 0.95

FACT_FIELDS: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "kind": (str,),
    "period": (str,),
    "value": (int, float, type(None)),
    "unit": (str, type(None)),
    "growth_pct": (int, float, type(None)),
    "basis": (str, type(None)),
    "qualifier": (str, type(None)),
    "growth_qualifier": (str, type(None)),
    "range": (list, type(None)),
    "estimated": (bool,),
    "tier": (str,),
}
QUALIFIERS = {None, "about", "at_least", "at_most", "range"}
PERIOD = re.compile(r"^(\d{4})(-(\d{4}))?$")


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _fact_problems(fact: dict[str, Any]) -> list[str]:
    where = f"{fact.get('name')!r} {fact.get('period')!r}"
    problems = [] if set(fact) == set(FACT_FIELDS) else [f"{where}: missing or extra fields"]
    for field, types in FACT_FIELDS.items():
        value = fact.get(field)
        if field in fact and (
            not isinstance(value, types) or (isinstance(value, bool) and bool not in types)
        ):
            problems.append(f"{where}: {field} is {type(value).__name__}")
    if fact.get("kind") not in ("actual", "target"):
        problems.append(f"{where}: kind {fact.get('kind')!r}")
    if fact.get("tier") != "headline":
        problems.append(f"{where}: tier {fact.get('tier')!r}")
    period = PERIOD.match(str(fact.get("period")))
    if not period or (period.group(3) and int(period.group(3)) <= int(period.group(1))):
        problems.append(f"{where}: period")
    if fact.get("basis") not in (None, "yoy", "annual_avg", "cumulative"):
        problems.append(f"{where}: basis {fact.get('basis')!r}")
    if fact.get("qualifier") not in QUALIFIERS or fact.get("growth_qualifier") not in QUALIFIERS:
        problems.append(f"{where}: qualifier")
    if fact.get("growth_pct") is not None and fact.get("basis") is None:
        problems.append(f"{where}: a growth without a basis")
    if fact.get("value") is not None and not fact.get("unit"):
        problems.append(f"{where}: a value without a unit")
    numbers = [fact.get("value"), fact.get("growth_pct"), fact.get("range")]
    if all(n is None for n in numbers):
        problems.append(f"{where}: no number")
    rng = fact.get("range")
    if (rng is not None) != (fact.get("qualifier") == "range" or fact.get("growth_qualifier") == "range"):
        problems.append(f"{where}: range and qualifier disagree")
    if rng is not None and not (
        len(rng) == 2 and all(isinstance(x, (int, float)) for x in rng) and rng[0] < rng[1]
    ):
        problems.append(f"{where}: range {rng!r}")
    return problems


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_file_is_well_formed(path: Path) -> None:
    data = _load(path)
    region, year = path.stem.rsplit("-", 1)
    assert data["document"] == f"provinces/{region}/{year}.md"
    assert data["region"] == region
    assert data["report_date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["report_date"])
    if data["report_date"]:
        assert data["report_date"].startswith(year)
    assert isinstance(data["plan_year"], int) and data["plan_year"] == int(year)
    assert isinstance(data.get("notes", ""), str)
    facts = data["facts"]
    assert 8 <= len(facts) <= 60
    problems = [p for f in facts for p in _fact_problems(f)]
    assert not problems, problems[:5]
    assert {f["kind"] for f in facts} == {"actual", "target"}
    assert any(f["period"] == year and f["kind"] == "target" for f in facts), "the plan year's targets"


def test_gold_covers_twelve_regions_over_four_decades() -> None:
    stems = [p.stem.rsplit("-", 1) for p in GOLD_FILES]
    assert len(stems) == 12
    assert len({region for region, _ in stems}) == 12
    assert {int(year) // 10 for _, year in stems} >= {198, 199, 200, 201, 202}


def test_headline_recall(provinces: Path, score_tool: ModuleType) -> None:
    score = score_tool
    pooled_gold = pooled_hit = 0
    lines = []
    for path in GOLD_FILES:
        gold = _load(path)
        src = read_path(provinces.parent / gold["document"])
        plan = extract_text(src.text, src.source_format).to_dict()
        headline = [f for f in gold["facts"] if f["tier"] == "headline"]
        out, misses, _ = score.score(headline, plan["indicators"], False)
        pooled_gold += out["gold"]
        pooled_hit += out["matched"]
        lines.append(f"{path.stem}: {out['matched']}/{out['gold']} recall {out['recall']}")
        for g in misses:
            numbers = {
                k: g[k] for k in ("value", "unit", "growth_pct", "qualifier", "range") if g[k] is not None
            }
            lines.append(
                f"  MISS {g['kind']} {g['period']} {g['name']} {json.dumps(numbers, ensure_ascii=False)}"
            )
    recall = pooled_hit / pooled_gold
    print("\n" + "\n".join(lines) + f"\npooled headline recall: {pooled_hit}/{pooled_gold} = {recall:.4f}")
    assert recall >= BAR, f"pooled headline recall {recall:.4f} < {BAR}"
