"""How fast the 待办 is: `python3 benchmarks/bench_todo.py` prints figures.

Builds the ledger of bench_status.py (one plan of 2,000 tasks over the default units, 24 periods
of progress), hands every task over (交办), has two thirds of them signed for, and adds 2,000
notices in every state (with their 签收 / 答复 / 退回 / 办结 rows), a 责任领导 on every tenth
task. Then times, for a unit, the office and a leader: `todo_counts` (the nav badge, computed
on a page whose ledger changed) and the whole `todo` (the 待办 page), median of --runs runs,
with the number of SQL statements each issues. Use --url for another (empty) database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_status import build  # benchmarks/bench_status.py
from common import print_machine  # benchmarks/common.py
from sqlalchemy import event, insert, select, update

from bihuan.ledger import queries
from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import Assignment, Handover, HandoverSign, Notice, NoticeAnswer, NoticeEvent
from bihuan.track.status import Settings
from bihuan.track.todo import todo, todo_counts
from bihuan.track.users import Person

NOTICES = 2000
STEPS = ((), ("签收",), ("签收", "答复"), ("签收", "答复", "退回"), ("答复", "办结"))


def supervise(url: str, doc: int) -> tuple[int, str]:
    """Handovers, signs, leaders and notices; returns a unit id with tasks, and a leader's name."""
    ledger = open_ledger(url)
    with ledger.sessions() as s:
        current = queries.current_assignments(s, doc)
        s.execute(
            insert(Handover),
            [dict(document_id=doc, task_key=k, unit_id=a.lead_unit_id, handed_on=dt.date(2022, 1, 10),
                  sign_by=dt.date(2022, 1, 13), created_by="bench") for k, a in current.items()],
        )  # fmt: skip
        handed = s.scalars(select(Handover.id)).all()
        s.execute(insert(HandoverSign), [dict(handover_id=h, created_by="bench") for h in handed if h % 3])
        keys = sorted(current)
        s.execute(
            update(Assignment)
            .where(Assignment.task_key.in_(keys[::10]), Assignment.document_id == doc)
            .values(leader="副县长甲")
        )
        notes = [
            dict(document_id=doc, task_key=keys[k % len(keys)], unit_id=current[keys[k % len(keys)]].lead_unit_id,
                 kind="督办", grade=("一般", "重点", "挂牌")[k % 3], text=f"督办{k}",
                 answer_by=dt.date(2023, 12, 1 + k % 28), copy_unit_ids=[], copy_leader="副县长甲" if k % 10 == 0 else None,
                 draft=False, created_at=dt.datetime(2023, 11, 1, 9), created_by="bench")
            for k in range(NOTICES)
        ]  # fmt: skip
        s.execute(insert(Notice), notes)
        ids = s.scalars(select(Notice.id).order_by(Notice.id)).all()
        events, answers = [], []
        start = dt.datetime(2023, 11, 1, 9)
        for k, nid in enumerate(ids):
            for j, step in enumerate(STEPS[k % len(STEPS)]):
                at = start + dt.timedelta(hours=j + 1)  # the steps in time order, as people take them
                if step == "答复":
                    answers.append(dict(notice_id=nid, text="已办", created_at=at, created_by="bench"))
                else:
                    events.append(
                        dict(notice_id=nid, action=step, text=None, created_at=at, created_by="bench")
                    )
        s.execute(insert(NoticeEvent), events)
        s.execute(insert(NoticeAnswer), answers)
        s.commit()
        unit = current[keys[0]].lead_unit_id
    ledger.close()
    return unit, "副县长甲"


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        got = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--url", help="database URL (default: a new SQLite file in a temporary directory)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        t0 = time.perf_counter()
        doc, _ = build(url)
        unit_id, leader = supervise(url, doc)
        built = time.perf_counter() - t0
        ledger = open_ledger(url)
        statements: list[str] = []
        event.listen(ledger.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        on, settings = dt.date(2023, 12, 20), Settings.load()
        people = {
            "unit": Person(1, "单位", "unit", unit_id, None),
            "office": Person(2, "督查室", "admin", None, None),
            "leader": Person(3, leader, "leader", None, None),
        }
        print_machine()
        print(
            f"ledger:  {url.split('://')[0]}; 2000 tasks, 24 periods, {NOTICES} notices; built in {built:.1f} s"
        )
        with ledger.sessions() as s:
            for who, person in people.items():
                statements.clear()
                badge_s, count = timed(lambda p=person: todo_counts(s, p, on, settings), args.runs)  # type: ignore[misc]
                badge_q = len(statements) // (args.runs + 1)
                statements.clear()
                page_s, t = timed(lambda p=person: todo(s, p, on, settings), args.runs)  # type: ignore[misc]
                page_q = len(statements) // (args.runs + 1)
                print(f"{who:7s} badge {count:5d}: {badge_s * 1000:6.1f} ms, {badge_q} queries;  "
                      f"待办 page data: {page_s * 1000:6.1f} ms, {page_q} queries; counts {t.counts}")  # fmt: skip
        ledger.close()


if __name__ == "__main__":
    sys.exit(main())
