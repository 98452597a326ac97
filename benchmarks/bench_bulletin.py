"""How fast a 督查通报 is drawn for a large plan: `python benchmarks/bench_bulletin.py` prints
figures. The ledger is bench_status.py's (2,000 tasks with a quantified target each, handed over,
24 monthly periods of progress, extensions and close-outs); the bulletin is on 2023-12-20 (period
2023-11). Times, each the median of --runs runs after one warm-up: the content
(track.bulletin.compose), the Word file (export.bulletin_docx) and the PDF (export.bulletin_pdf);
and the files' sizes and page count. The issue's bars: docx under 3 s, PDF under 10 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_status import TASKS, build  # benchmarks/bench_status.py
from common import print_machine

from bihuan.export.bulletin_docx import docx_bytes
from bihuan.export.bulletin_pdf import pdf_bytes
from bihuan.ledger.db import open_ledger
from bihuan.track.bulletin import compose
from bihuan.track.bulletin_settings import BulletinSettings
from bihuan.track.status import Settings

ON = dt.date(2023, 12, 20)


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times[1:]), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--table-rows", type=int, help="rows of the flagged table (default: bulletin.toml's; 0: all)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        doc, built = build(url)
        ledger = open_ledger(url)
        with ledger.sessions() as s:
            options = BulletinSettings.load()
            if args.table_rows is not None:
                options = dataclasses.replace(options, table_rows=args.table_rows)
            content, b = timed(lambda: compose(s, doc, ON, None, 1, options, Settings.load()), args.runs)
        ledger.close()
        word, docx = timed(lambda: docx_bytes(b), args.runs)
        pdf_s, pdf = timed(lambda: pdf_bytes(b), args.runs)
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        pages = len(opened.pages)
    print_machine()
    print(f"ledger:  {TASKS} tasks, built in {built:.1f} s; bulletin on {ON} (period {b.period})")
    c = b.counts
    print(f"content: red {c.red}, yellow {c.yellow}, green {c.green}; {len(b.flagged)} rows in the table "
          f"({b.flagged_more} more counted), "
          f"{len(b.missing)} units missing reports, {len(b.praised)} praised")  # fmt: skip
    print(f"compose: {content:.2f} s (median of {args.runs})")
    print(f"docx:    {word:.2f} s, {len(docx) / 1024:.0f} KB (bar: 3 s)")
    print(f"pdf:     {pdf_s:.2f} s, {len(pdf) / 1024:.0f} KB, {pages} pages (bar: 10 s)")


if __name__ == "__main__":
    sys.exit(main())
