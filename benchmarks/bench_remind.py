"""How fast `bihuan remind run` evaluates the rules and queues: `python3 benchmarks/bench_remind.py`

Builds a ledger (rows inserted directly) of one plan with 2,000 tasks led by 40 units, each task
handed over (交办) in January 2022 with a deadline of 2023-12-31, 24 monthly periods of progress
(2022-01 … 2023-12) for nine tasks in ten and reports up to 2023-06 only for the rest, every unit
with an email address, a 钉钉 and a 企业微信 robot. Then times, on 2023-12-22 (the deadline
ten days off, the November reports overdue): evaluation alone, evaluation plus queueing
(reminders, 催办 notices, 督办 drafts and their outbox rows, one transaction), and a second run
on the same day (which finds everything said). Sending is excluded. Bar: evaluation plus
queueing under 2 s. --url runs it on another (empty) database, e.g. PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from common import print_machine, synthetic_plan  # benchmarks/common.py
from sqlalchemy import func, insert, select

from bihuan.ledger import queries
from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import (
    Assignment,
    Handover,
    Notice,
    OutboxMessage,
    ProgressReport,
    Reminder,
    Unit,
    UnitContact,
)
from bihuan.track import plans, remind
from bihuan.track.reminder_rules import Rules

TASKS, UNITS, PERIODS = 2000, 40, 24
ON = dt.date(2023, 12, 22)
BAR_S = 2.0


def build(url: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    ledger = open_ledger(url)
    plan = synthetic_plan(TASKS, 2022)
    with ledger.sessions() as s:
        doc = plans.import_plan(s, plan, text="基准" * 10, source_name="bench", user="bench").document_id
        s.execute(insert(Unit), [dict(name=f"基准单位{u:02d}", created_by="bench") for u in range(UNITS)])
        units = list(s.scalars(select(Unit.id).order_by(Unit.id)))
        s.execute(
            insert(UnitContact),
            [
                dict(unit_id=u, email=f"unit{u}@example.org", created_by="bench",
                     dingtalk_webhook=f"http://127.0.0.1:9/dingtalk?access_token=t{u}", dingtalk_secret="SEC",
                     wecom_webhook=f"http://127.0.0.1:9/wecom?key=k{u}")
                for u in units
            ],
        )  # fmt: skip
        rev = queries.latest_revision(s, doc)
        assert rev is not None
        tasks = queries.tasks(s, rev.id)
        inds = {i.iid: i.key for i in queries.indicators(s, rev.id)}
        lead = {t.key: units[t.number % UNITS] for t in tasks}
        s.execute(
            insert(Assignment),
            [
                dict(document_id=doc, task_key=t.key, lead_unit_id=lead[t.key], cooperating_unit_ids=[],
                     leader=f"副县长{t.number % 6}", milestones=[], origin="set", created_by="bench",
                     deadline=dt.date(2023, 12, 31))
                for t in tasks
            ],
        )  # fmt: skip
        s.execute(
            insert(Handover),
            [
                dict(document_id=doc, task_key=t.key, unit_id=lead[t.key], handed_on=dt.date(2022, 1, 10),
                     sign_by=dt.date(2022, 1, 13), created_by="bench")
                for t in tasks
            ],
        )  # fmt: skip
        rows = []
        for t in tasks:
            target = float(t.number % 50 + 10)
            stops = PERIODS if t.number % 10 else 18  # one task in ten stops reporting after 2023-06
            for p in range(stops):
                year, month = 2022 + p // 12, p % 12 + 1
                reached = target * (p + 1) / PERIODS * (0.7 + 0.4 * ((t.number * 7 + p) % 10) / 10)
                rows.append(
                    dict(document_id=doc, task_key=t.key, period=f"{year}-{month:02d}",
                         values={inds[t.indicator_iids[0]]: round(reached, 2)}, percent=None,
                         narrative="按计划推进", author="bench")
                )  # fmt: skip
        s.execute(insert(ProgressReport), rows)
        s.commit()
    ledger.close()
    return doc, time.perf_counter() - t0


def count(s: object, model: type) -> int:
    return int(s.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--url", help="database URL (default: a new SQLite file in a temporary directory)")
    args = ap.parse_args()
    rules = Rules.load()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        _, built = build(url)
        ledger = open_ledger(url)
        with ledger.sessions() as s:
            t0, c0 = time.perf_counter(), time.process_time()
            planned = remind.evaluate(s, ON, rules)
            evaluated, evaluated_cpu = time.perf_counter() - t0, time.process_time() - c0
        with ledger.sessions() as s:
            t0, c0 = time.perf_counter(), time.process_time()
            queued = remind.run(s, ON, rules)
            first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
        with ledger.sessions() as s:
            t0, c0 = time.perf_counter(), time.process_time()
            again = remind.run(s, ON, rules)
            second, second_cpu = time.perf_counter() - t0, time.process_time() - c0
            totals = {m.__name__: count(s, m) for m in (Reminder, Notice, OutboxMessage, ProgressReport)}
        ledger.close()
    print_machine()
    print(f"ledger:  {url.split('://')[0]}; {TASKS} tasks, {UNITS} units, {totals['ProgressReport']} progress reports "
          f"({PERIODS} periods); built in {built:.1f} s")  # fmt: skip
    by_rule: dict[str, int] = {}
    for p in planned:
        by_rule[p.rule] = by_rule.get(p.rule, 0) + 1
    print(
        f"on {ON}: {len(planned)} reminders to write ({', '.join(f'{k} {v}' for k, v in sorted(by_rule.items()))})"
    )
    print(
        "(wall time; CPU time of this process in brackets: on a busy machine the wall time grows, not the CPU)"
    )
    print(f"evaluate only:            {evaluated:.2f} s ({evaluated_cpu:.2f} s CPU)")
    print(f"evaluate + queue (run):   {first:.2f} s ({first_cpu:.2f} s CPU) -> {len(queued.reminders)} reminders, {queued.notices} notices, "
          f"{queued.messages} outbox messages  (bar < {BAR_S:.0f} s: {'met' if first < BAR_S else 'MISSED'})")  # fmt: skip
    print(f"second run, same day:     {second:.2f} s ({second_cpu:.2f} s CPU) -> {len(again.reminders)} new")
    print(
        f"rows: {totals['Reminder']} reminders, {totals['Notice']} notices, {totals['OutboxMessage']} outbox"
    )


if __name__ == "__main__":
    sys.exit(main())
