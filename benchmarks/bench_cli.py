"""How fast the `bihuan` command starts: `python3 benchmarks/bench_cli.py` prints a table.

Each command runs --runs times (10 by default) as a fresh process, output to /dev/null, after
one warm-up run (which fills the OS file cache and __pycache__):

- `python3 -c pass`: the interpreter alone, the floor under everything else;
- `bihuan --version`: the command's start-up (bar: median under 0.25 s);
- `bihuan extract examples/shixian-2022-report.txt`: start-up, reading and extraction of the
  example report, its tables printed (bar: median under 0.4 s).

The `bihuan` on PATH is used (the console script); without one, `python3 -m bihuan.launch`.
Run it with PYTHONPATH=src to measure a checkout. Figures on a busy machine are noisy: the
min column, and the cpu column (median user + system seconds of the process), are the
closest to what a quiet machine shows.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import print_machine  # benchmarks/common.py

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = REPO_ROOT / "examples" / "shixian-2022-report.txt"


def bihuan_command() -> list[str]:
    found = shutil.which("bihuan")
    return [found] if found else [sys.executable, "-m", "bihuan.launch"]


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def times(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (user + system) seconds of each run."""
    env = {**os.environ, "COLUMNS": "100"}
    wall, cpu = [], []
    for k in range(runs + 1):
        cpu_before, start = cpu_of_children(), time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, timeout=120)
        elapsed, used = time.perf_counter() - start, cpu_of_children() - cpu_before
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode(errors='replace')}")
        if k:  # the first run is the warm-up
            wall.append(elapsed)
            cpu.append(used)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per command (default 10)")
    args = parser.parse_args()

    bihuan = bihuan_command()
    rows = [
        ("python3 -c pass", [sys.executable, "-c", "pass"], None),
        ("bihuan --version", [*bihuan, "--version"], 0.25),
        ("bihuan extract examples/shixian-2022-report.txt", [*bihuan, "extract", str(EXAMPLE)], 0.40),
    ]
    print_machine()
    print(
        f"bihuan:  {' '.join(bihuan)}; {args.runs} runs each after a warm-up; load average {os.getloadavg()[0]:.2f}"
    )
    print()
    print(f"{'command':<50} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>6} {'bar s':>6}  ok")
    for name, argv, bar in rows:
        wall, cpu = times(argv, args.runs)
        median = statistics.median(wall)
        verdict = "" if bar is None else ("yes" if median < bar else "NO")
        bar_text = "" if bar is None else f"{bar:.2f}"
        print(
            f"{name:<50} {median:>9.3f} {min(wall):>7.3f} {max(wall):>7.3f} {statistics.median(cpu):>6.3f}"
            f" {bar_text:>6}  {verdict}"
        )


if __name__ == "__main__":
    main()
