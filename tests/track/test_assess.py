"""考核 on a real ledger (SQLite and PostgreSQL): a small plan with a hand-computed expected ranking;
a different rule file changes points, ranks and the hash and nothing else; and the facts that
count (lead unit only, closed tasks owe no later report, drafts not yet sent do not count).

The fixture ledger (sample plan, 3 tasks, 交办 on 2022-01-16, assessed on 2022-08-10 with the
report day the 5th, so reports 2022-01 … 2022-07 are due, each by the 5th of the next month):

- task 1, lead 农业农村局 (A), deadline 2022-12-31: A reports 2022-01 … 2022-07, each on the 3rd
  of the next month (on time), 形象进度 50% at most: in progress. A 一般 督办 on 2022-07-01,
  answer by 2022-07-10, answered 2022-07-08 (on time).
- task 2, lead 工业和信息化局 (B), cooperating 发展和改革局 (D), deadline 2022-06-30: B reports
  2022-01 … 2022-03 on time, 2022-04 on 2022-05-09 (late), 2022-05 and 2022-06 never (D reports
  2022-05: a cooperating unit's report does not count). 40% done: overdue since 2022-06-30.
  A 重点 督办 on 2022-07-13, answer by 2022-07-20, never answered.
- task 3, lead 人力资源和社会保障局 (C), deadline 2022-12-31: C reports 2022-01 … 2022-06 on time;
  its 办结销号 is accepted on 2022-07-20, so 2022-07's report (due 2022-08-05) is not owed.
  A rule's 督办 draft (挂牌) for C, never approved: it does not count.

Rules R1 (below): on time +1, late -1, missing -2, task on time +5, overdue -5, 一般 -1, 重点 -3,
挂牌 -5, answer late -2, 办结销号 +3.
  A = 100 + 7×1 (on time) − 1 (一般)                                   = 106
  B = 100 + 3×1 − 1 (late) − 2×2 (missing) − 5 (overdue) − 3 (重点) − 2 (answer) = 88
  C = 100 + 6×1 + 5 (closed by its deadline) + 3 (办结销号)                = 114
  Ranking: 1 C 114, 2 A 106, 3 B 88. D leads nothing: not ranked.
Rules R2: the same but on time +3, missing -0.5, task on time +1, overdue -1, 重点 -0.5,
answer late -0.5, 办结销号 +0.5:
  A = 100 + 21 − 1 = 120;  B = 100 + 9 − 1 − 1 − 1 − 0.5 − 0.5 = 105;  C = 100 + 18 + 1 + 0.5 = 119.5
  Ranking: 1 A 120, 2 C 119.5, 3 B 105.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bihuan.extract.types import Plan
from bihuan.ledger import queries
from bihuan.ledger.blobs import BlobStore
from bihuan.ledger.models import Notice, NoticeAnswer, ProgressReport, RequestDecision
from bihuan.track import assign, handover, notices, supervise
from bihuan.track.assess import assess
from bihuan.track.assess_rules import AssessRules
from bihuan.track.attachments import Upload
from bihuan.track.directory import directory, ensure_directory
from bihuan.track.errors import TrackError
from bihuan.track.plans import import_plan
from bihuan.track.tx import transaction
from bihuan.track.users import Person

D = dt.date
ON = D(2022, 8, 10)
A, B, C, COOP = "农业农村局", "工业和信息化局", "人力资源和社会保障局", "发展和改革局"
OFFICE = Person(1, "督查室", "admin", None, None)
R1 = """base = 100
[points]
report_on_time = 1
report_late = -1
report_missing = -2
task_on_time = 5
task_completed_late = -2
task_overdue = -5
answer_late = -2
closed_accepted = 3
[points.supervised]
"一般" = -1
"重点" = -3
"挂牌" = -5
"""
R2 = (
    R1.replace("report_on_time = 1", "report_on_time = 3")
    .replace("report_missing = -2", "report_missing = -0.5")
    .replace("task_on_time = 5", "task_on_time = 1")
    .replace("task_overdue = -5", "task_overdue = -1")
    .replace('"重点" = -3', '"重点" = -0.5')
    .replace("answer_late = -2", "answer_late = -0.5")
    .replace("closed_accepted = 3", "closed_accepted = 0.5")
)


def at(day: D) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, 0)


def _report(s: Session, unit: int | None, key: str, period: str, day: D, percent: float) -> None:
    s.add(ProgressReport(document_id=1, task_key=key, period=period, percent=percent, unit_id=unit,
                         author="联络员", created_at=at(day)))  # fmt: skip


def _build(s: Session, plan: Plan, store: BlobStore) -> None:
    assert import_plan(s, plan, text="x" * 400, source_name="r.txt", user="t").document_id == 1
    ensure_directory(s, "t")
    ids = {u.name: u.id for u in directory(s)}
    year_end = D(2022, 12, 31)
    assign.set_assignment(
        s, 1, "1", lead=A, cooperating=[], leader=None, deadline=year_end, milestones=None, user="t"
    )
    assign.set_assignment(
        s, 1, "2", lead=B, cooperating=[COOP], leader=None, deadline=D(2022, 6, 30), milestones=None, user="t"
    )
    assign.set_assignment(
        s, 1, "3", lead=C, cooperating=[], leader=None, deadline=year_end, milestones=None, user="t"
    )
    handover.publish(s, 1, D(2022, 1, 16), "督查室")
    keys = {t.number: t.key for t in queries.tasks(s, 1)}
    with transaction(s):
        for m in range(1, 8):
            _report(s, ids[A], keys[1], f"2022-{m:02d}", D(2022, m + 1, 3), 7.0 * m)
        for m in range(1, 4):
            _report(s, ids[B], keys[2], f"2022-{m:02d}", D(2022, m + 1, 2), 10.0 * m)
        _report(s, ids[B], keys[2], "2022-04", D(2022, 5, 9), 40)
        _report(s, ids[COOP], keys[2], "2022-05", D(2022, 6, 1), 45)  # a cooperating unit: not counted
        for m in range(1, 7):
            _report(s, None if m == 2 else ids[C], keys[3], f"2022-{m:02d}", D(2022, m + 1, 4), 10.0 * m)
    unit_a = Person(2, "农业联络员", "unit", ids[A], A)
    n1 = notices.send(s, 1, "1", "督办", "一般", "进度偏慢", D(2022, 7, 10), OFFICE, today=D(2022, 7, 1))
    notices.answer(s, n1.id, "已加快推进", unit_a)
    n2 = notices.send(
        s, 1, "2", "督办", "重点", "已逾期，请说明", D(2022, 7, 20), OFFICE, today=D(2022, 7, 13)
    )
    unit_c = Person(3, "人社联络员", "unit", ids[C], C)
    r = supervise.request_close(
        s, 1, "3", unit_c, "已完成", [Upload("证明.pdf", b"%PDF-1.4\n%%EOF\n")], store=store
    )
    supervise.decide(s, r.id, OFFICE, True, "同意", D(2022, 7, 20))
    with transaction(s):
        s.add(Notice(document_id=1, task_key=keys[3], unit_id=ids[C], kind="督办", grade="挂牌", text="拟督办",
                     answer_by=D(2022, 7, 1), draft=True, rule="red_streak", created_by="提醒规则",
                     created_at=at(D(2022, 6, 20))))  # fmt: skip
        # what happened on those days: the rows are recorded as of then
        s.execute(update(Notice).where(Notice.id == n1.id).values(created_at=at(D(2022, 7, 1))))
        s.execute(
            update(NoticeAnswer).where(NoticeAnswer.notice_id == n1.id).values(created_at=at(D(2022, 7, 8)))
        )
        s.execute(update(Notice).where(Notice.id == n2.id).values(created_at=at(D(2022, 7, 13))))
        s.execute(update(RequestDecision).values(created_at=at(D(2022, 7, 20))))


@pytest.fixture
def s(ledger: Any, sample_plan: Plan, tmp_path: Path) -> Iterator[Session]:
    with ledger.sessions() as session:
        _build(session, sample_plan, BlobStore(tmp_path / "files"))
        yield session


def rules_file(tmp_path: Path, text: str, name: str = "rules.toml") -> AssessRules:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return AssessRules.load(path)


def test_the_hand_computed_ranking(s: Session, tmp_path: Path) -> None:
    result = assess(s, 1, ON, rules_file(tmp_path, R1))
    assert [(u.rank, u.unit, u.score) for u in result.units] == [(1, C, 114), (2, A, 106), (3, B, 88)]
    by = {u.unit: u for u in result.units}
    assert [(e.rule, e.task_number, e.day) for e in by[B].events] == [
        ("report_on_time", 2, D(2022, 2, 2)),
        ("report_on_time", 2, D(2022, 3, 2)),
        ("report_on_time", 2, D(2022, 4, 2)),
        ("report_late", 2, D(2022, 5, 9)),
        ("report_missing", 2, D(2022, 6, 5)),
        ("report_missing", 2, D(2022, 7, 5)),
        ("task_overdue", 2, D(2022, 6, 30)),
        ("supervised.重点", 2, D(2022, 7, 13)),
        ("answer_late", 2, D(2022, 7, 20)),
    ]
    reasons = [e.reason for e in by[B].events]
    assert "2022-04 的进度于 2022-05-09 报送，晚于截止日 2022-05-05（迟 4 天）" in reasons
    assert "2022-05 的进度应于 2022-06-05 前报送，截至 2022-08-10 未报送" in reasons
    assert any(r.startswith("已过完成时限 2022-06-30（逾期 41 天）") for r in reasons)
    assert any("截至 2022-08-10 未答复" in r for r in reasons)
    assert [e.rule for e in by[C].events] == ["report_on_time"] * 6 + ["task_on_time", "closed_accepted"]
    assert "2022-07-20 办结销号，完成时限 2022-12-31" in [e.reason for e in by[C].events]
    assert [e.rule for e in by[A].events] == ["report_on_time"] * 7 + ["supervised.一般"]
    assert all(u.score == 100 + sum(e.points for e in u.events) for u in result.units)


def test_a_different_rule_file_changes_the_ranking_and_nothing_else(s: Session, tmp_path: Path) -> None:
    one = assess(s, 1, ON, rules_file(tmp_path, R1, "r1.toml"))
    two = assess(s, 1, ON, rules_file(tmp_path, R2, "r2.toml"))
    assert [(u.rank, u.unit, u.score) for u in two.units] == [(1, A, 120), (2, C, 119.5), (3, B, 105)]
    assert one.rules_sha256 != two.rules_sha256

    def what(a: Any) -> dict[str, list[tuple[Any, ...]]]:
        return {
            u.unit: [(e.rule, e.task_number, e.task_key, e.day, e.reason) for e in u.events] for u in a.units
        }

    assert what(one) == what(two)
    points = {u.unit: [e.points for e in u.events] for u in one.units}
    assert points != {u.unit: [e.points for e in u.events] for u in two.units}


def test_the_shipped_rules_record_their_hash(s: Session) -> None:
    shipped = AssessRules.load()
    result = assess(s, 1, ON, shipped)
    assert result.rules_sha256 == shipped.sha256 and len(result.rules_sha256) == 64
    assert {u.unit for u in result.units} == {A, B, C}


def test_before_the_first_report_is_due_no_report_counts(s: Session, tmp_path: Path) -> None:
    """2022-01 is due by the end of 2022-02-05. Rows count whenever they were recorded, as on the
    status page (which shows task 3 closed): its 办结销号 and the 督办 count, no report does."""
    result = assess(s, 1, D(2022, 2, 5), rules_file(tmp_path, R1))
    assert [(u.unit, u.score) for u in result.units] == [(C, 108), (A, 99), (B, 97)]
    assert [e.rule for e in result.units[0].events] == ["task_on_time", "closed_accepted"]
    assert [e.rule for e in result.units[1].events] == ["supervised.一般"]
    assert [e.rule for e in result.units[2].events] == ["supervised.重点"]  # unanswered, but not yet due


def test_a_plan_without_assignments_ranks_nobody(ledger: Any, sample_plan: Plan) -> None:
    with ledger.sessions() as session:
        import_plan(session, sample_plan, text="x" * 400, source_name="r.txt", user="t")
        assert assess(session, 1, ON, AssessRules.load()).units == ()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cycle_collector_is_left_as_it_was(s: Session, tmp_path: Path, enabled: bool) -> None:
    import gc

    (gc.enable if enabled else gc.disable)()
    try:
        assess(s, 1, ON, rules_file(tmp_path, R1))
        assert gc.isenabled() is enabled
        with pytest.raises(TrackError):
            assess(s, 99, ON, rules_file(tmp_path, R1))
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
