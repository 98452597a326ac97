"""Status rules as a parameter table: task facts and a date in, state, light and reasons out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bihuan.track.errors import TrackError
from bihuan.track.status import Settings, Target, TaskFacts, judge

D = dt.date
S = Settings()
INV = Target("k1", "完成投资", 60.0, "亿元")
YEAR = dict(start=D(2022, 1, 1), end=D(2022, 12, 31), handed_over=D(2022, 1, 1))
MONTHS_TO = {p: frozenset(f"2022-{m:02d}" for m in range(1, p + 1)) for p in range(1, 13)}


def facts(**kw: object) -> TaskFacts:
    return TaskFacts(key="t", **{**YEAR, **kw})  # type: ignore[arg-type]


CASES = [
    # (id, facts, on, state, light, words in the reasons)
    ("done by value", facts(targets=(INV,), values={"k1": 61.0}, periods=MONTHS_TO[5]), D(2022, 6, 3), "已完成", "green", "已完成"),
    ("done by percent", facts(percent=100.0, periods=MONTHS_TO[2]), D(2022, 3, 3), "已完成", "green", "形象进度"),
    ("on track", facts(targets=(INV,), values={"k1": 30.0}, periods=MONTHS_TO[5]), D(2022, 6, 3), "正常推进", "green", ""),
    ("behind a little", facts(targets=(INV,), values={"k1": 15.0}, periods=MONTHS_TO[5]), D(2022, 6, 3), "滞后", "yellow", "落后"),
    ("far behind", facts(targets=(INV,), values={"k1": 5.0}, periods=MONTHS_TO[5]), D(2022, 6, 3), "滞后", "red", "落后"),
    ("overdue", facts(percent=80.0, periods=MONTHS_TO[12]), D(2023, 1, 10), "逾期", "red", "逾期 10 天"),
    ("early, nothing yet", facts(), D(2022, 1, 20), "待报送", "green", "2022-01 的进度应于 2022-02-05 前报送"),
    ("late start", facts(), D(2022, 5, 20), "未报送", "red", "未报送进度：2022-01、2022-02、2022-03、2022-04"),
    ("missed one report", facts(percent=40.0, periods=MONTHS_TO[4]), D(2022, 6, 10), "正常推进", "yellow", "2022-05 的进度未按时报送"),
    ("missed two reports", facts(percent=40.0, periods=MONTHS_TO[3]), D(2022, 6, 10), "正常推进", "red", "2022-04、2022-05"),
    ("report not yet due", facts(percent=40.0, periods=MONTHS_TO[4]), D(2022, 6, 4), "正常推进", "green", ""),
    (
        "milestone missed",
        facts(milestones=({"due": "2022-03-31", "pct": 50, "label": "主体完工"},), percent=15.0, periods=MONTHS_TO[4]),
        D(2022, 5, 3),
        "滞后",
        "red",
        "节点 2022-03-31 应完成 50%（主体完工）",
    ),
    (
        "milestone met",
        facts(milestones=({"due": "2022-03-31", "pct": 50, "label": None},), percent=55.0, periods=MONTHS_TO[4]),
        D(2022, 5, 3),
        "正常推进",
        "green",
        "",
    ),
    ("deadline near", facts(end=D(2022, 6, 30), percent=95.0, periods=MONTHS_TO[5]), D(2022, 6, 25), "正常推进", "yellow", "只剩 5 天"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("facts_", "on", "state", "light", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_judge(facts_: TaskFacts, on: dt.date, state: str, light: str, words: str) -> None:
    status = judge(facts_, on, S)
    assert (status.state, status.light) == (state, light), status.reasons
    assert words in "；".join(status.reasons)
    if light != "green":
        assert status.reasons  # every red or yellow light says why


def test_thresholds_are_settings(tmp_path: Path) -> None:
    loose = tmp_path / "loose.toml"
    loose.write_text("yellow_gap = 0.3\nred_gap = 0.6\n", "utf-8")
    f = facts(targets=(INV,), values={"k1": 15.0}, periods=MONTHS_TO[5])
    assert judge(f, D(2022, 6, 3), S).light == "yellow"
    assert judge(f, D(2022, 6, 3), Settings.load(loose)).light == "green"


@pytest.mark.parametrize(
    "text",
    ["yellow_gap = 0.5\nred_gap = 0.2\n", "unknown = 1\n", "yellow_gap = [\n", "report_day = 40\n"],
)
def test_bad_settings_are_refused(tmp_path: Path, text: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text, "utf-8")
    with pytest.raises(TrackError):
        Settings.load(bad)


def test_shipped_settings_load() -> None:
    assert Settings.load() == Settings()
