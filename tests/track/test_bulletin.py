"""The 督查通报's content on the hand-worked ledger of tests/bulletin_ledger.py (SQLite and
PostgreSQL), its period rules and its settings file."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bihuan.extract.types import Plan
from bihuan.track.bulletin import check_period, compose, default_period
from bihuan.track.bulletin_parts import Counts
from bihuan.track.bulletin_settings import BulletinSettings
from bihuan.track.errors import TrackError
from bihuan.track.status import Settings
from bulletin_ledger import ON, PERIOD, build


@pytest.fixture
def composed(ledger: Any, sample_plan: Plan) -> Any:
    with ledger.sessions() as s:
        doc = build(s, sample_plan)
        return compose(s, doc, ON, None, 6, BulletinSettings.load(), Settings.load())


def test_counts_and_opening(composed: Any) -> None:
    b = composed
    assert b.period == PERIOD and b.draft and b.year == 2022
    assert b.number == "某县督查室〔2022〕6号"
    assert b.title == "关于某某县2022年政府工作报告重点任务推进情况的通报"
    assert b.counts == Counts(tasks=3, completed=1, on_track=0, behind=1, overdue=1, not_handed=0,
                              red=1, yellow=1, green=1, due_reports=3, missing_reports=1, late_reports=1)  # fmt: skip
    assert "3 项重点任务中，已完成 1 项，正常推进 0 项，滞后 1 项，逾期 1 项" in b.opening
    assert "2022年6月进度应报送 3 项，未按时报送 2 项（其中至今未报送 1 项）" in b.opening


def test_areas_and_flagged_table(composed: Any) -> None:
    b = composed
    assert [(a.name, a.counts.tasks, a.counts.completed, a.counts.overdue, a.counts.behind, a.red_tasks)
            for a in b.areas] == [("（一）推动工业提质增效", 2, 1, 1, 0, (2,)), ("（二）增进民生福祉", 1, 0, 0, 1, ())]  # fmt: skip
    assert [(t.number, t.light, t.state, t.lead, t.deadline) for t in b.flagged] == [
        (2, "red", "逾期", "工业和信息化局", dt.date(2022, 6, 30)),
        (3, "yellow", "滞后", "人力资源和社会保障局", dt.date(2022, 12, 31)),
    ]
    red, yellow = b.flagged
    assert red.latest == "形象进度 60%（2022-05）" and "逾期 10 天" in red.reason
    assert yellow.latest == "形象进度 38%（2022-06）" and "落后 14 个百分点" in yellow.reason


def test_the_table_is_cut_at_table_rows_red_first(ledger: Any, sample_plan: Plan) -> None:
    short = dataclasses.replace(BulletinSettings.load(), table_rows=1)
    with ledger.sessions() as s:
        b = compose(s, build(s, sample_plan), ON, None, 1, short, Settings.load())
    assert [t.number for t in b.flagged] == [2] and b.flagged_more == 1
    assert "2 项任务亮红灯或黄灯（红灯 1 项、黄灯 1 项），下表列出其中 1 项（红灯在前）" in b.flagged_said
    assert b.more_said == "另有 1 项亮灯任务未列出，详见系统“总览”页。"


def test_the_sentences(composed: Any) -> None:
    b = composed
    assert b.flagged_said.startswith("2 项任务亮红灯或黄灯") and b.more_said == ""
    assert b.missing_said == (
        "2022年6月进度应报送 3 项，按时报送 1 项；至今未报送 1 项：工业和信息化局（第 2 项）；"
        "逾期报送 1 项：人力资源和社会保障局（第 3 项）。请有关单位严格按时报送。"
    )
    assert b.praised_said == "以下单位提前完成或超序时推进任务，予以表扬：农业农村局（提前完成第 1 项）。"
    assert b.notices_said == "2022年6月以来共发出提醒、催办、督办 2 件，已答复 1 件，逾期未答复 1 件。"


def test_units_missing_and_praised(composed: Any) -> None:
    b = composed
    assert [(u.unit, u.tasks) for u in b.missing] == [("工业和信息化局", (2,))]
    assert [(u.unit, u.tasks) for u in b.late] == [("人力资源和社会保障局", (3,))]
    assert [(u.unit, u.tasks, u.ahead) for u in b.praised] == [("农业农村局", (1,), ())]


def test_notices_as_they_stood_on_the_day(composed: Any) -> None:
    lines = {n.task_number: n for n in composed.notices}
    assert sorted(lines) == [2, 3]  # the 提醒 of 2022-05-10 is before the period
    assert (lines[3].kind, lines[3].grade, lines[3].state, lines[3].answered) == (
        "督办", "重点", "已答复", dt.date(2022, 6, 25))  # fmt: skip
    assert lines[3].unit == "人力资源和社会保障局" and lines[3].answer == "已部署，正在落实"
    # answered on 2022-07-20: after the bulletin's date, so not yet answered and overdue then
    assert (lines[2].state, lines[2].overdue, lines[2].answered) == ("待签收", True, None)


def test_charts_rows(composed: Any) -> None:
    assert [(r.name, r.red, r.yellow, r.green) for r in composed.by_area] == [
        ("（一）推动工业提质增效", 1, 0, 1), ("（二）增进民生福祉", 0, 1, 0)]  # fmt: skip
    assert [r.name for r in composed.by_unit] == ["工业和信息化局", "人力资源和社会保障局", "农业农村局"]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2022, 7, 10), "2022-06"),
        (dt.date(2022, 7, 6), "2022-06"),
        (dt.date(2022, 7, 5), "2022-05"),  # the June report is due by 5 July: not missing yet
        (dt.date(2022, 1, 3), "2021-11"),
        (dt.date(2022, 1, 31), "2021-12"),
    ],
)
def test_default_period(on: dt.date, expected: str) -> None:
    assert default_period(on, Settings()) == expected


@pytest.mark.parametrize(
    ("period", "error"),
    [
        ("2022-13", "期间须为年月"),
        ("2022-6", "期间须为年月"),
        ("六月", "期间须为年月"),
        ("2022-07", "还未到报送期限"),
        ("2023-01", "还未到报送期限"),
    ],
)
def test_bad_periods(period: str, error: str) -> None:
    with pytest.raises(TrackError, match=error):
        check_period(period, dt.date(2022, 7, 10), Settings())


def test_reports_sent_after_the_date_are_not_known_yet(ledger: Any, sample_plan: Plan) -> None:
    with ledger.sessions() as s:
        doc = build(s, sample_plan)
        b = compose(s, doc, dt.date(2022, 7, 7), None, 1, BulletinSettings.load(), Settings.load())
    # on 7 July task 3's June report (sent on the 8th) is not in yet: missing, not late
    assert sorted(u.tasks for u in b.missing) == [(2,), (3,)] and b.late == ()
    assert (b.counts.missing_reports, b.counts.late_reports) == (2, 0)


def test_an_earlier_period_is_taken_as_given() -> None:
    assert check_period(" 2022-03 ", dt.date(2022, 7, 10), Settings()) == "2022-03"


def test_shipped_settings_load() -> None:
    s = BulletinSettings.load()
    assert s.number_text(2023, 6) == "某县督查室〔2023〕6号" and s.office.endswith("督查室")


_GOOD = Path(__file__).resolve().parents[2] / "src" / "bihuan" / "track" / "data" / "bulletin.toml"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (('number = "{prefix}〔{year}〕{seq}号"', 'number = "{prefix}〔{year}〕"'), "须含"),
        (('number = "{prefix}〔{year}〕{seq}号"', 'number = "{prefix}〔{yr}〕{seq}号"'), "格式有误"),
        (('title = "关于', 'title = "{nope}关于'), "格式有误"),
        (("ahead_gap = 0.10", "ahead_gap = 2"), "ahead_gap"),
        (("task_chars = 40", "task_chars = 3"), "task_chars"),
        (("table_rows = 200", "table_rows = -1"), "table_rows"),
        (('office = "某县人民政府督查室"', 'office = ""'), "非空"),
        (('office = "某县人民政府督查室"', 'officer = "某县"'), "未知"),
        (("task_chars = 40", ""), "缺少"),
        (("ahead_gap = 0.10", "ahead_gap = ["), "无法读取"),
    ],
)
def test_bad_settings_files(tmp_path: Path, change: tuple[str, str], error: str) -> None:
    text = _GOOD.read_text("utf-8")
    assert change[0] in text
    path = tmp_path / "bulletin.toml"
    path.write_text(text.replace(change[0], change[1]), "utf-8")
    with pytest.raises(TrackError, match=error):
        BulletinSettings.load(path)


def test_an_own_settings_file_names_the_office(tmp_path: Path) -> None:
    text = _GOOD.read_text("utf-8").replace("某县督查室", "临川区督查室")
    path = tmp_path / "mine.toml"
    path.write_text(text, "utf-8")
    assert BulletinSettings.load(path).number_text(2024, 1) == "临川区督查室〔2024〕1号"
