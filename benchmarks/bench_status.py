"""How fast the ledger answers "what is late": `python benchmarks/bench_status.py` prints figures.

Builds a SQLite ledger with one plan of 2,000 tasks (each with a quantified target), assigns
them to the default units with a two-year deadline (and a cooperating unit), hands them over
(交办) in January, stores 24 monthly periods of the lead unit's progress for every task (48,000
reports) and a cooperating unit's report on every third task, an approved extension on every
tenth and an accepted close-out on every twentieth, then times `track.status.statuses` for all
tasks: median, min and max over --runs runs, and counts its SQL statements. Also prints how long building took and the database size. Use --url to run it on
another database (e.g. PostgreSQL); the database must be empty.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import print_machine, synthetic_plan  # benchmarks/common.py
from sqlalchemy import event, insert

from bihuan.ledger import queries
from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import Assignment, Handover, ProgressReport, RequestDecision, UnitRequest
from bihuan.track import directory, plans
from bihuan.track.status import Settings, statuses, summary

TASKS = 2000
PERIODS = 24


def build(url: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    ledger = open_ledger(url)
    plan = synthetic_plan(TASKS, 2022)
    with ledger.sessions() as s:
        doc = plans.import_plan(s, plan, text="基准" * 10, source_name="bench", user="bench").document_id
        units = directory.ensure_directory(s, "bench")
        rev = queries.latest_revision(s, doc)
        assert rev is not None
        tasks = queries.tasks(s, rev.id)
        inds = {i.iid: i.key for i in queries.indicators(s, rev.id)}
        s.execute(
            insert(Assignment),
            [
                dict(document_id=doc, task_key=t.key, lead_unit_id=units[t.number % len(units)].id,
                     cooperating_unit_ids=[units[(t.number + 1) % len(units)].id], milestones=[],
                     origin="set", created_by="bench",
                     deadline=dt.date(2023, 12, 31))
                for t in tasks
            ],
        )  # fmt: skip
        rows = []
        for t in tasks:
            target = float(t.number % 50 + 10)
            for p in range(PERIODS):
                year, month = 2022 + p // 12, p % 12 + 1
                reached = target * (p + 1) / PERIODS * (0.55 + 0.5 * ((t.number * 7 + p) % 10) / 10)
                rows.append(
                    dict(document_id=doc, task_key=t.key, period=f"{year}-{month:02d}",
                         values={inds[t.indicator_iids[0]]: round(reached, 2)}, percent=None,
                         narrative="按计划推进", author="bench", unit_id=units[t.number % len(units)].id)
                )  # fmt: skip
        for t in tasks[::3]:  # a cooperating unit's own part: never the task's figure
            rows.append(
                dict(document_id=doc, task_key=t.key, period="2023-11", values={inds[t.indicator_iids[0]]: 1e6},
                     percent=100.0, narrative="配合", author="bench", unit_id=units[(t.number + 1) % len(units)].id)
            )  # fmt: skip
        s.execute(insert(ProgressReport), rows)
        s.execute(
            insert(Handover),
            [dict(document_id=doc, task_key=t.key, unit_id=units[t.number % len(units)].id,
                  handed_on=dt.date(2022, 1, 16), sign_by=dt.date(2022, 1, 19), created_by="bench") for t in tasks],
        )  # fmt: skip
        for n, t in enumerate(tasks):
            kind = "办结" if n % 20 == 0 else "延期" if n % 10 == 0 else None
            if kind is None:
                continue
            r = UnitRequest(document_id=doc, task_key=t.key, unit_id=units[t.number % len(units)].id, kind=kind,
                            reason="bench", new_deadline=dt.date(2024, 6, 30) if kind == "延期" else None,
                            created_by="bench")  # fmt: skip
            s.add(r)
            s.flush()
            s.add(RequestDecision(request_id=r.id, accepted=True, created_by="bench"))
        s.commit()
    ledger.close()
    return doc, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--url", help="database URL (default: a new SQLite file in a temporary directory)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = args.url or f"sqlite:///{path}"
        doc, built = build(url)
        ledger = open_ledger(url)
        settings = Settings.load()
        on = dt.date(2023, 12, 20)
        times = []
        counts: dict[str, int] = {}
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        for _ in range(args.runs + 1):
            with ledger.sessions() as s:
                statements.clear()
                event.listen(ledger.engine, "before_cursor_execute", count)
                t0 = time.perf_counter()
                items = statuses(s, doc, on, settings)
                times.append(time.perf_counter() - t0)
                event.remove(ledger.engine, "before_cursor_execute", count)
                counts = summary(items)
                states = Counter(it.status.state for it in items)
        times = times[1:]  # the first run warms the caches
        ledger.close()
        size = path.stat().st_size / 1024 / 1024 if path.exists() else float("nan")
        print_machine()
        print(
            f"ledger:  {url.split('://')[0]}; {TASKS} tasks x {PERIODS} periods = {TASKS * PERIODS} progress reports"
        )
        print(f"build:   {built:.1f} s; database file {size:.1f} MB")
        print(f"status of all {len(items)} tasks on {on}: median {statistics.median(times) * 1000:.0f} ms, "
              f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms ({args.runs} runs)")  # fmt: skip
        print(f"lights:  red {counts['red']}, yellow {counts['yellow']}, green {counts['green']}")
        print(f"states:  {', '.join(f'{k} {v}' for k, v in sorted(states.items(), key=lambda kv: -kv[1]))}")
        print(f"queries: {len(statements)} SQL statements for all {len(items)} tasks (none per task)")


if __name__ == "__main__":
    sys.exit(main())
