"""考核: each unit's score for a plan on a day, every point explained by the event that earned it.

`facts` reads the ledger (a fixed number of queries, whatever the number of tasks) and says what
happened, rule by rule; `assess` applies the rules (track.assess_rules.score, pure).

What counts, and for whom:
- Reports (按时报送 / 迟报 / 漏报): every period due by `on` from the task's 交办 month to its
  deadline's (as on the status page: track.status.due_periods), for the task's current lead unit.
  A period is reported when the lead unit (or the office) stored a report for it; the first such
  report is on time when stored by the report day of the next month. A closed task (办结销号)
  owes no report due after the closing day.
- Tasks (按期完成 / 超期完成 / 逾期未完成): the task's status on `on` (track.status); a task done
  by reports is on time when it was already done on its deadline, a closed task when the office
  accepted the closing by the deadline. For the current lead unit.
- 督办 received, by grade: each 督办 sent to the unit (a rule's draft counts once approved).
- 答复超期: a 催办 or 督办 first answered after its answer deadline, or still unanswered on `on`
  past it; for the unit it was sent to.
- 办结销号: the office accepted the unit's request to close a task.
Rows count whenever they were recorded, as on the status page; `on` says which reports were
due and which deadlines had passed. Cooperating units earn and lose nothing.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Notice
from bihuan.track.assess_ledger import PlanRows, Reported, closing_facts, report_facts, task_facts
from bihuan.track.assess_rules import SUPERVISED, AssessRules, Fact, UnitScore, score
from bihuan.track.errors import TrackError
from bihuan.track.lifecycle import ANSWERABLE, NOTICE_GRADES, notice_state
from bihuan.track.status import Settings, month_of

ANSWERED_KINDS = ("催办", "督办")


@dataclass(frozen=True, slots=True)
class Assessment:
    document_id: int
    region: str
    plan_year: int
    on: dt.date
    rules: AssessRules
    units: tuple[UnitScore, ...]  # ranked

    @property
    def rules_sha256(self) -> str:
        return self.rules.sha256


def assess(
    session: Session,
    document_id: int,
    on: dt.date,
    rules: AssessRules,
    settings: Settings | None = None,
) -> Assessment:
    """Every unit leading a task of the plan (and every unit an event names), scored and ranked."""
    doc = queries.document(session, document_id)
    if doc is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    with _no_cycle_collection():
        found, leads = facts(session, document_id, on, settings or Settings())
        names = {u.id: u.name for u in queries.units(session)}
        units = {uid: names.get(uid, f"单位{uid}") for uid in leads | {f.unit_id for f in found}}
        ranked = score(found, units, rules)
    return Assessment(document_id, doc.region, doc.plan_year, on, rules, ranked)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A year's assessment of a large plan makes tens of thousands of tuples, strings and dates,
    none of which can form a reference cycle; the cyclic collector would walk them again and
    again (a third of the time, measured on 2,000 tasks x 24 periods). It is paused meanwhile
    and left as it was found (in every order of concurrent calls it ends enabled if it was)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def facts(session: Session, document_id: int, on: dt.date, settings: Settings) -> tuple[list[Fact], set[int]]:
    """What happened, rule by rule, and the units leading a task of the plan."""
    plan = PlanRows(session, document_id)
    reported = Reported(plan, month_of(on))
    report_facts(plan, reported, on, settings)
    task_facts(plan, reported, on, settings)
    notice_facts(plan, on)
    closing_facts(plan)
    return plan.items, plan.leads()


def notice_facts(plan: PlanRows, on: dt.date) -> None:
    """督办 received (by grade) and answers past their deadline, for the unit addressed."""
    rows = plan.session.scalars(
        select(Notice).where(Notice.document_id == plan.document_id).order_by(Notice.id)
    ).all()
    history = queries.notice_histories(plan.session, [n.id for n in rows])
    out = plan
    for n in rows:
        events, answers = history[n.id]
        sent = (
            next((e.created_at.date() for e in events if e.action == "发出"), None)
            if n.draft
            else n.created_at.date()
        )
        if sent is None:
            continue  # a rule's draft the office has not approved
        if n.kind == "督办" and n.grade in NOTICE_GRADES:
            out.add(f"{SUPERVISED}{n.grade}", n.unit_id, n.task_key, sent,
                    f"{sent.isoformat()} 收到{n.grade}督办：{_short(n.text)}")  # fmt: skip
        if n.kind not in ANSWERED_KINDS or n.answer_by is None:
            continue
        by = n.answer_by
        if answers:
            first = answers[0].created_at.date()
            if first > by:
                out.add("answer_late", n.unit_id, n.task_key, first,
                        f"{n.kind}件（{sent.isoformat()}）应于 {by.isoformat()} 前答复，{first.isoformat()} 才答复（迟 {(first - by).days} 天）")  # fmt: skip
        elif on > by and notice_state(n, events, answers) in ANSWERABLE:
            out.add("answer_late", n.unit_id, n.task_key, by,
                    f"{n.kind}件（{sent.isoformat()}）应于 {by.isoformat()} 前答复，截至 {on.isoformat()} 未答复")  # fmt: skip


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
