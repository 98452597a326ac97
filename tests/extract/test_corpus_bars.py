"""The issue's bars on the team's shared corpus report, scored with the shared matcher."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from bihuan.extract import extract_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fumeng(shared_dir: Path, score_tool: ModuleType) -> tuple[dict, dict, ModuleType]:
    text = (shared_dir / "corpus" / "fumeng-2021-report.txt").read_text("utf-8")
    gold = json.loads((shared_dir / "gold" / "fumeng-2021-report.json").read_text("utf-8"))
    return extract_text(text, "txt").to_dict(), gold, score_tool


def test_fumeng_facts(fumeng: tuple[dict, dict, ModuleType]) -> None:
    plan, gold, score = fumeng
    out, misses, _ = score.score(gold["facts"], plan["indicators"], True)
    print("\nfumeng-2021-report:", json.dumps(out, ensure_ascii=False))
    headline = [g for g in gold["facts"] if g["tier"] == "headline"]
    assert not [g for g in misses if g in headline], "every headline fact right"
    assert out["recall"] >= 0.95 and out["precision"] >= 0.95


def test_fumeng_document_and_sections(fumeng: tuple[dict, dict, ModuleType]) -> None:
    plan, _, _ = fumeng
    doc = plan["document"]
    assert (doc["region"], doc["report_date"], doc["plan_year"]) == ("阜新蒙古族自治县", "2021-12-08", 2022)
    assert doc["title"] == "政府工作报告" and doc["speaker"] == "包峰"
    areas = [s for s in plan["sections"] if s["role"] == "tasks"]
    assert [s["heading"][:3] for s in areas] == [f"（{n}）" for n in "一二三四五六七八"]
    assert 40 <= len(plan["tasks"]) <= 200


def test_fumeng_task_facts_are_linked(fumeng: tuple[dict, dict, ModuleType]) -> None:
    plan, gold, score = fumeng
    linked = {i for t in plan["tasks"] for i in t["indicators"]}
    by_id = {i["id"]: i for i in plan["indicators"]}
    for g in (g for g in gold["facts"] if g["tier"] == "task"):
        hits = [i for i in plan["indicators"] if score.same_slot(g, i) and score.numbers_match(g, i)]
        assert hits, g["name"]
        assert any(h["id"] in linked for h in hits), f"{g['name']} is not linked from a task"
        task = next(t for t in plan["tasks"] if hits[0]["id"] in t["indicators"])
        span = by_id[hits[0]["id"]]["span"]
        assert task["span"][0] <= span[0] and span[1] <= task["span"][1]


def test_fumeng_spans_point_at_the_source(fumeng: tuple[dict, dict, ModuleType], shared_dir: Path) -> None:
    plan, _, _ = fumeng
    text = (shared_dir / "corpus" / "fumeng-2021-report.txt").read_text("utf-8")
    for ind in plan["indicators"]:
        a, b = ind["span"]
        source = "".join(text[a:b].split())
        if ind["value"] is not None and ind["unit"] != "%":
            digits = f"{ind['value']:g}"
            assert digits in source or digits.split(".")[0] in source, (ind["name"], source)


NATIONAL_YEARS = [1992, 1993, 1994, 1995, 1997, 1998, 1999]


@pytest.fixture(scope="module")
def national(shared_dir: Path, score_tool: ModuleType) -> dict[int, tuple[dict, dict, dict]]:
    """Each national report read once: (score, plan, gold) by year."""
    out = {}
    for year in NATIONAL_YEARS:
        text = (shared_dir / "corpus" / f"national-{year}-report.txt").read_text("utf-8")
        gold = json.loads((shared_dir / "gold" / f"national-{year}-report.json").read_text("utf-8"))
        plan = extract_text(text, "txt").to_dict()
        scored, _, _ = score_tool.score(gold["facts"], plan["indicators"], False)
        out[year] = (scored, plan, gold)
    return out


@pytest.mark.parametrize("year", NATIONAL_YEARS)
def test_national_reports_recall(national: dict[int, tuple[dict, dict, dict]], year: int) -> None:
    """The 1990s national reports (a different register: State Council, term reviews, Chinese
    numerals): figures are printed, and each must keep at least 0.85 recall (0.85-1.00 now)."""
    out, plan, gold = national[year]
    print(f"\nnational-{year}:", json.dumps(out, ensure_ascii=False))
    assert plan["document"]["region"] == gold["region"]
    assert plan["document"]["plan_year"] == gold["plan_year"]
    assert out["recall"] >= 0.85


def test_national_reports_recall_pooled(national: dict[int, tuple[dict, dict, dict]]) -> None:
    """Pooled over the seven reports, the issue's bar: 0.956 now (197/206); the misses left are
    names the gold writes in words the reports do not use, and levels of a term review."""
    outs = [out for out, _, _ in national.values()]
    recall = sum(o["matched"] for o in outs) / sum(o["gold"] for o in outs)
    print(f"\nnational pooled: {recall:.4f}")
    assert recall >= 0.95


@pytest.mark.parametrize(("name", "floor"), [("shixian-2022-report", 0.93), ("shishi-2023-report", 0.88)])
def test_own_examples(score_tool: ModuleType, name: str, floor: float) -> None:
    """The project's fictional reports, written after the engine's rules: a check against overfitting."""
    text = (ROOT / "examples" / f"{name}.txt").read_text("utf-8")
    gold = json.loads((ROOT / "tests" / "golden" / "gold" / f"{name}.json").read_text("utf-8"))
    plan = extract_text(text, "txt").to_dict()
    out, _, _ = score_tool.score(gold["facts"], plan["indicators"], True)
    print(f"\n{name}:", json.dumps(out, ensure_ascii=False))
    doc = plan["document"]
    assert (doc["region"], doc["report_date"], doc["plan_year"]) == (
        gold["region"],
        gold["report_date"],
        gold["plan_year"],
    )
    assert out["recall"] >= floor and out["precision"] >= floor
