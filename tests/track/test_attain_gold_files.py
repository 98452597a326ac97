"""The hand-made attainment gold (tests/golden/attain/) is well formed and agrees with its sources.

Each file pairs the one-year targets of a national report (OLD) with the actuals that the next
year's report (NEW) states for that year. The report texts are not in the project: spans are
checked against ../shared/corpus and targets against ../shared/gold; those tests skip when
../shared is absent. The shape and the status rules are checked from the files alone.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

GOLD_DIR = Path(__file__).resolve().parents[1] / "golden" / "attain"
PAIRS = [(1992, 1993), (1993, 1994), (1994, 1995), (1997, 1998), (1998, 1999)]
STATUSES = {"met", "not_met", "not_stated"}
ITEM_KEYS = {"name", "target", "actual", "status", "why"}
ACTUAL_KEYS = {"name", "value", "unit", "growth_pct", "basis", "qualifier", "new_gold", "span"}
# The same measure under the names the reports use for it.
SAME_MEASURE = [{"国民生产总值", "国内生产总值", "经济增长"}, {"零售物价上涨幅度", "商品零售物价"}]
# A span covers whole sentences: it starts after one of these and ends on one of these.
SENTENCE_START = set("。！？；\n\u3000 ")
SENTENCE_END = set("。！？；")
GROWTH_TOLERANCE_PP = 0.5
AMOUNT_TOLERANCE = 0.05

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(
    r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+)?"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{5,}")


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLD_DIR / name).read_text("utf-8"))
    return data


def _gold_files() -> list[str]:
    return [f"national-{old}-{new}.json" for old, new in PAIRS]


def _cn_integer(text: str) -> int:
    """十二 → 12, 二十一 → 21, 一百二十 → 120, 一亿二千万 → 120000000."""
    total = section = digit = 0
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        else:  # 亿 scales all that came before it (三万亿 = 3 × 10^12)
            total = (total + section + digit) * 100_000_000
            section = digit = 0
    return total + section + digit


def _cn_to_arabic(match: re.Match[str]) -> str:
    whole, _, fraction = match.group().partition("点")
    number = str(_cn_integer(whole))
    if fraction:
        number += "." + "".join(str(_CN_DIGITS[c]) for c in fraction)
    return number


def numbers_in(text: str) -> set[float]:
    """Every number written in a stretch of report text, whatever its script: full-width digits,
    digits spaced apart by a print layout (8 ．8 ％), a middle dot as decimal point, Chinese numerals."""
    text = unicodedata.normalize("NFKC", text).replace("·", ".")
    text = re.sub(r"(?<=[\d.])\s+(?=[\d.])", "", text)
    text = _CN_NUMBER.sub(_cn_to_arabic, text)
    return {float(n) for n in _NUMBER.findall(text.replace(",", ""))}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("比上年增长百分之十二点八。", 12.8),
        ("高达百分之二十一点七", 21.7),
        ("突破３万亿元大关", 3.0),
        ("达到４３８００亿元", 43800.0),
        ("去年经济增长8 ．8 ％", 8.8),
        ("全年增长19·5％", 19.5),
        ("从40个减少到29个", 29.0),
        ("一百二十户", 120.0),
        ("十三个百分点", 13.0),
        ("三万亿元", 3e12),
        ("一亿二千万", 1.2e8),
    ],
)
def test_numbers_in_reads_every_script(text: str, number: float) -> None:
    assert number in numbers_in(text)


def expected_status(target: dict[str, Any], actual: dict[str, Any] | None) -> str:
    """The status rules of the gold files' notes, applied to a target and its actual."""
    if actual is None:
        return "not_stated"
    growth = target["growth_pct"] is not None or (target["range"] is not None and target["value"] is None)
    field = "growth_pct" if growth else "value"
    got = actual[field]
    assert got is not None, f"{target['name']}: the actual has no {field} to compare"
    ceiling = target["qualifier"] == "at_most"
    if target["qualifier"] == "range":
        low, high = target["range"]
        return "met" if (got <= high if ceiling else got >= low) else "not_met"
    want = target[field]
    if target["qualifier"] == "about":
        slack = GROWTH_TOLERANCE_PP if growth or target["unit"] == "%" else abs(want) * AMOUNT_TOLERANCE
        return "met" if (got <= want + slack if ceiling else got >= want - slack) else "not_met"
    return "met" if (got <= want if ceiling else got >= want) else "not_met"


def _target(**fields: Any) -> dict[str, Any]:
    base = {"name": "x", "value": None, "unit": None, "growth_pct": None, "qualifier": None, "range": None}
    return base | fields


@pytest.mark.parametrize(
    ("target", "actual", "status"),
    [
        (_target(growth_pct=6), {"growth_pct": 12.8}, "met"),
        (_target(growth_pct=8), {"growth_pct": 7.8}, "not_met"),
        (_target(growth_pct=10, qualifier="at_least"), {"growth_pct": 10}, "met"),
        (_target(value=10, unit="%", qualifier="at_most"), {"value": 21.7}, "not_met"),
        (_target(value=3, unit="%", qualifier="at_most"), {"value": 0.8}, "met"),
        (_target(growth_pct=7, qualifier="about"), {"growth_pct": 6.6}, "met"),
        (_target(growth_pct=7, qualifier="about"), {"growth_pct": 6.4}, "not_met"),
        (_target(value=15, unit="%", qualifier="about"), {"value": 15.4}, "met"),
        (_target(value=300, unit="万人", qualifier="about"), {"value": 286}, "met"),
        (_target(value=300, unit="万人", qualifier="about"), {"value": 280}, "not_met"),
        (_target(range=[8, 9], qualifier="range"), {"growth_pct": 8.2}, "met"),
        (_target(range=[8, 9], qualifier="range"), {"growth_pct": 7.9}, "not_met"),
        (_target(value=29, unit="个"), {"value": 29}, "met"),
        (_target(growth_pct=8), None, "not_stated"),
    ],
)
def test_status_rules(target: dict[str, Any], actual: dict[str, Any] | None, status: str) -> None:
    assert expected_status(target, actual) == status


def test_one_file_per_pair_and_nothing_else() -> None:
    assert sorted(p.name for p in GOLD_DIR.glob("*.json")) == sorted(_gold_files())


@pytest.mark.parametrize("name", _gold_files())
def test_file_shape_and_statuses(name: str) -> None:
    data = _load(name)
    old, new = (int(y) for y in name.removeprefix("national-").removesuffix(".json").split("-"))
    assert set(data) == {"old", "new", "year", "notes", "targets"}
    assert (data["old"], data["new"], data["year"]) == (
        f"national-{old}-report.txt",
        f"national-{new}-report.txt",
        old,
    )
    assert "not_stated" in data["notes"] and "at_most" in data["notes"]
    assert not _CJK_RUN.search(data["notes"]), "notes are English"
    assert data["targets"], "a pair without targets"
    names = [item["name"] for item in data["targets"]]
    assert len(names) == len(set(names)), "a target listed twice"
    for item in data["targets"]:
        assert ITEM_KEYS <= set(item) <= ITEM_KEYS | {"qualitative"}, item["name"]
        assert item["name"] == item["target"]["name"]
        assert item["target"]["kind"] == "target"
        assert item["status"] in STATUSES
        assert item["why"] and not _CJK_RUN.search(item["why"]), f"{item['name']}: why is one English line"
        actual = item["actual"]
        assert (actual is None) == (item["status"] == "not_stated"), item["name"]
        if actual is not None:
            assert set(actual) == ACTUAL_KEYS, item["name"]
            assert actual["value"] is not None or actual["growth_pct"] is not None
            assert any(actual["name"] in group and item["name"] in group for group in SAME_MEASURE) or (
                actual["name"] == item["name"]
            ), f"{item['name']} matched to another measure, {actual['name']}"
        if "qualitative" in item:
            assert item["status"] == "not_stated", "words stand in only where no figure is given"
            assert item["qualitative"]["suggests"] in {"met", "not_met"}
        assert expected_status(item["target"], actual) == item["status"], item["name"]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_spans_hold_the_actual_figure(shared_dir: Path, old: int, new: int) -> None:
    data = _load(f"national-{old}-{new}.json")
    path = shared_dir / "corpus" / data["new"]
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    for item in data["targets"]:
        for key in ("actual", "qualitative"):
            evidence = item.get(key)
            if evidence is None:
                continue
            start, end = evidence["span"]
            assert 0 <= start < end <= len(text), f"{item['name']}: span outside {data['new']}"
            assert end - start < 400, f"{item['name']}: a span is a sentence, not a passage"
            quoted = text[start:end]
            assert quoted == quoted.strip(), f"{item['name']}: span starts or ends in blank space"
            assert start == 0 or text[start - 1] in SENTENCE_START, (
                f"{item['name']}: span starts mid-sentence"
            )
            assert quoted[-1] in SENTENCE_END, f"{item['name']}: span ends mid-sentence"
            if key == "actual":
                figures = numbers_in(quoted)
                for field in ("value", "growth_pct"):
                    if evidence[field] is not None:
                        assert float(evidence[field]) in figures, (
                            f"{item['name']}: {field} {evidence[field]} not at {start}-{end} of {data['new']}"
                        )


def _facts(shared_dir: Path, year: int) -> list[dict[str, Any]]:
    gold: dict[str, Any] = json.loads(
        (shared_dir / "gold" / f"national-{year}-report.json").read_text("utf-8")
    )
    facts: list[dict[str, Any]] = gold["facts"]
    return facts


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_targets_are_the_old_reports_one_year_targets(shared_dir: Path, old: int, new: int) -> None:
    data = _load(f"national-{old}-{new}.json")
    old_targets = [f for f in _facts(shared_dir, old) if f["kind"] == "target"]
    listed = [item["target"] for item in data["targets"]]
    for target in listed:
        assert target in old_targets, f"{target['name']}: not a target of the {old} gold, or changed"
    one_year = [f for f in old_targets if f["period"] == str(old)]
    missing = [f["name"] for f in one_year if f not in listed]
    assert not missing, f"one-year targets of {old} left out: {missing}"
    for target in listed:
        if target["period"] != str(old):  # a multi-year goal is kept only with an actual for its period
            item = next(i for i in data["targets"] if i["target"] == target)
            assert item["actual"] is not None, target["name"]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_actuals_marked_new_gold_are_in_the_new_gold(shared_dir: Path, old: int, new: int) -> None:
    data = _load(f"national-{old}-{new}.json")
    new_actuals = [f for f in _facts(shared_dir, new) if f["kind"] == "actual" and f["period"] == str(old)]
    fields = ("name", "value", "unit", "growth_pct", "basis", "qualifier")
    for item in data["targets"]:
        actual = item["actual"]
        if actual is None or not actual["new_gold"]:
            continue
        assert any(all(f[k] == actual[k] for k in fields) for f in new_actuals), (
            f"{item['name']}: {actual['name']} is not a {old} actual of the {new} gold"
        )
