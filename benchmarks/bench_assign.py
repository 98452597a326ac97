"""How fast the lead-unit suggestions are: `python benchmarks/bench_assign.py` prints figures.

A new SQLite ledger (or --url) with the default directory and the team's two fictional example
plans (示例县 2022, 68 tasks; 示例市 2023, 56 tasks); then --rows rows of earlier 任务分解表 loaded as
evidence (the 124 hand-labelled fictional tasks, repeated with a batch number so that no two rows
are the same). Times `assign.suggest_plan` on the county plan: with no evidence, the first run
with the evidence (the model is built and fitted), and the runs after it (the model is kept while
the ledger does not change), plus the matcher alone per task.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import print_machine
from sqlalchemy.orm import Session

from bihuan.extract import extract_text
from bihuan.ledger.db import open_ledger
from bihuan.track import assign, directory, plans
from bihuan.track.assign_learn import TableRow, learn_table
from bihuan.track.assign_match import Matcher

ROOT = Path(__file__).resolve().parents[1]
USER = "bench"


def _import(s: Session, name: str) -> int:
    text = (ROOT / "examples" / name).read_text("utf-8")
    return plans.import_plan(s, extract_text(text, "txt"), text=text, source_name=name, user=USER).document_id


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2000, help="rows of earlier tables loaded as evidence")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--url", help="database URL (default: a new SQLite file in a temporary directory)")
    args = ap.parse_args()
    labels = json.loads((ROOT / "tests" / "golden" / "assign" / "labels.json").read_text("utf-8"))["tasks"]
    rows = [
        TableRow(
            k + 2, f"{t['text']}（第{k // len(labels) + 1}批）", t["lead"], tuple(t.get("cooperating", []))
        )
        for k, t in ((k, labels[k % len(labels)]) for k in range(args.rows))
    ]
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_ledger(args.url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            with ledger.sessions() as s:
                units = directory.ensure_directory(s, USER)
                county = _import(s, "shixian-2022-report.txt")
                _import(s, "shishi-2023-report.txt")
                n = len(assign.suggest_plan(s, county, USER))
                bare = [_timed(lambda: assign.suggest_plan(s, county, USER)) for _ in range(args.runs)]
                learn_table(s, rows, "bench.xlsx", units, USER)
                first = _timed(lambda: assign.suggest_plan(s, county, USER))
                kept = [_timed(lambda: assign.suggest_plan(s, county, USER)) for _ in range(args.runs)]
                matcher = Matcher(units)
                texts = [t["text"] for t in labels]
                one = _timed(lambda: [matcher.suggest(t) for t in texts]) / len(texts)
        finally:
            ledger.close()
    print_machine()
    print(f"plan:      示例县 2022, {n} tasks; evidence {args.rows} loaded rows")
    print(f"no evidence:        median {statistics.median(bare) * 1000:.0f} ms per plan ({args.runs} runs)")
    print(f"evidence, first:    {first * 1000:.0f} ms (model built and fitted)")
    print(f"evidence, kept:     median {statistics.median(kept) * 1000:.0f} ms per plan ({args.runs} runs)")
    print(f"matcher alone:      {one * 1000:.2f} ms per task (124 tasks, no ledger)")


if __name__ == "__main__":
    sys.exit(main())
