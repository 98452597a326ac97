"""How fast the 考核 is: `python benchmarks/bench_assess.py` prints figures.

Builds the ledger of bench_status.py (one plan of 2,000 tasks, 24 monthly periods of reports for
every task, extensions and close-outs), adds a 督办 on every tenth task (grades in turn, half of
them answered), then times `track.assess.assess` with the shipped rules on 2023-12-20 (23 periods
due per task): median, min and max over --runs runs, the SQL statements it sends, and the number
of events. The bar (issue 11): under 1 s. Use --url for another (empty) database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_status import build  # benchmarks/bench_status.py: the same ledger
from common import print_machine
from sqlalchemy import event, insert

from bihuan.ledger import queries
from bihuan.ledger.db import Ledger, open_ledger
from bihuan.ledger.models import Notice, NoticeAnswer
from bihuan.track.assess import Assessment, assess
from bihuan.track.assess_rules import AssessRules
from bihuan.track.lifecycle import NOTICE_GRADES
from bihuan.track.status import Settings


def add_notices(url: str, doc: int) -> int:
    ledger = open_ledger(url)
    try:
        with ledger.sessions() as s:
            rev = queries.latest_revision(s, doc)
            assert rev is not None
            lead = queries.current_assignments(s, doc)
            tasks = queries.tasks(s, rev.id)[::10]
            s.execute(
                insert(Notice),
                [dict(document_id=doc, task_key=t.key, unit_id=lead[t.key].lead_unit_id, kind="督办",
                      grade=NOTICE_GRADES[n % 3], text="请说明进度滞后原因", answer_by=dt.date(2023, 6, 30),
                      created_by="bench") for n, t in enumerate(tasks)],
            )  # fmt: skip
            ids = [n.id for n in s.query(Notice).order_by(Notice.id)]
            s.execute(
                insert(NoticeAnswer), [dict(notice_id=i, text="已落实", created_by="bench") for i in ids[::2]]
            )
            s.commit()
            return len(ids)
    finally:
        ledger.close()


def timed(
    ledger: Ledger, doc: int, on: dt.date, rules: AssessRules, settings: Settings
) -> tuple[float, float, Assessment]:
    """One assessment: wall time, this process's CPU time (what the wall time is on an idle
    machine) and the result."""
    with ledger.sessions() as s:
        wall, cpu = time.perf_counter(), time.process_time()
        result = assess(s, doc, on, rules, settings)
        return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--url", help="database URL (default: a new SQLite file in a temporary directory)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        doc, built = build(url)
        notices = add_notices(url, doc)
        ledger = open_ledger(url)
        rules, settings = AssessRules.load(), Settings.load()
        on = dt.date(2023, 12, 20)
        statements: list[str] = []
        event.listen(ledger.engine, "before_cursor_execute", lambda *a: statements.append(str(a[2])))
        runs = [timed(ledger, doc, on, rules, settings) for _ in range(args.runs + 1)][
            1:
        ]  # the first warms up
        sent = len(statements) // (args.runs + 1)
        ledger.close()
        times, cpu = [w for w, _, _ in runs], [c for _, c, _ in runs]
        result = runs[-1][2]
        events = sum(len(u.events) for u in result.units)
        print_machine()
        print(
            f"ledger:  {url.split('://')[0]}; 2000 tasks x 24 periods of reports, {notices} 督办; built in {built:.1f} s"
        )
        print(f"assess on {on}: median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms ({args.runs} runs); bar: under 1000 ms")  # fmt: skip
        print(f"cpu:     median {statistics.median(cpu) * 1000:.0f} ms, min {min(cpu) * 1000:.0f} ms of this process; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
        print(f"result:  {len(result.units)} units, {events} events; {sent} SQL statements")
        best, worst = result.units[0], result.units[-1]
        print(f"ranking: first {best.unit} {best.score:g}, last {worst.unit} {worst.score:g}")


if __name__ == "__main__":
    sys.exit(main())
