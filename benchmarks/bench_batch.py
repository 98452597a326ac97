"""How fast `bihuan batch` reads a corpus: `python benchmarks/bench_batch.py` prints a small table.

- the command itself, end to end (`python -m bihuan.cli batch CORPUS --out TMP --jobs 2`, a
  fresh interpreter, tables written): reports, seconds, reports per second;
- the same through the library (bihuan.export.batch), split into finding the files, reading
  them in the pool, and writing the tables; the largest peak memory (max RSS) of one worker,
  from resource.getrusage in the workers;
- the command again over the same output, which reuses every plan (resume);
- extraction alone on one core (extract_text over the texts read beforehand), in M chars/s of
  wall time and of CPU time (the fair figure on a busy machine);
- the machine it ran on.

The corpus is ../shared/corpus/provinces.tar.xz (815 provincial reports), unpacked to a temp
folder, or any folder of reports given with --corpus DIR.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from common import print_machine  # benchmarks/common.py

from bihuan.export.batch import find_reports, run_batch, write_tables

REPO_ROOT = Path(__file__).resolve().parents[1]
PROVINCES = REPO_ROOT.parent / "shared" / "corpus" / "provinces.tar.xz"


def corpus_dir(given: Path | None, tmp: Path) -> Path:
    if given is not None:
        return given
    if not PROVINCES.is_file():
        sys.exit(f"{PROVINCES} not present: give a folder of reports with --corpus DIR")
    with tarfile.open(PROVINCES) as archive:
        archive.extractall(tmp, filter="data")
    return tmp / "provinces"


def command_run(corpus: Path, out: Path, jobs: int) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bihuan.cli", "batch", str(corpus), "--out", str(out), "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 2):
        sys.exit(f"bihuan batch failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stdout.splitlines()[0] if done.stdout else ""


def cpu_seconds() -> tuple[float, float]:
    """CPU time (user + system) so far of this process and of its ended children."""
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def library_run(corpus: Path, out: Path, jobs: int, force: bool) -> None:
    load_before = os.getloadavg()[0]
    own0, children0 = cpu_seconds()
    start = time.perf_counter()
    reports, early = find_reports([str(corpus)], out)
    found = time.perf_counter()
    result = run_batch(reports, jobs, force)
    ran = time.perf_counter()
    write_tables(result, out)
    end = time.perf_counter()
    own1, children1 = cpu_seconds()
    total = end - start
    print(
        f"  {len(reports)} reports: {result.done} read, {result.skipped} reused, "
        f"{len(result.failures) + len(early)} failed; {result.table.rows:,} indicator rows"
    )
    print(
        f"  {total:.2f} s = find {found - start:.2f} + pool {ran - found:.2f} + tables {end - ran:.2f}; "
        f"{len(reports) / total:.1f} reports/s; max RSS of one worker {result.max_rss_mb:.0f} MB"
    )
    print(
        f"  CPU {children1 - children0:.2f} s in the workers + {own1 - own0:.2f} s here "
        f"(load average before: {load_before:.2f}; on a busy machine the wall time exceeds CPU / {jobs})"
    )


def extraction_alone(corpus: Path) -> None:
    from bihuan.extract import extract_text
    from bihuan.ingest import read_path

    reports, _ = find_reports([str(corpus)], Path(tempfile.gettempdir()) / "bench-batch-unused")
    texts = [read_path(r.path).text for r in reports]
    extract_text(texts[0], "txt")  # warm-up: rules loaded, patterns compiled
    chars = sum(len(t) for t in texts)
    start, cpu_start = time.perf_counter(), time.process_time()
    for text in texts:
        extract_text(text, "txt")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        f"  {len(texts)} texts, {chars / 1e6:.1f} M chars in {seconds:.2f} s: {chars / 1e6 / seconds:.2f} M chars/s"
    )
    # On a shared machine the wall time counts other processes' turns; the CPU time does not.
    print(f"  CPU {cpu:.2f} s: {chars / 1e6 / cpu:.2f} M chars/s of CPU time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, help="a folder of reports (default: the 815 provincial reports)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = corpus_dir(args.corpus, tmp)
        print_machine()
        print(f"corpus:  {corpus}; --jobs {args.jobs}")
        print()
        n = len(find_reports([str(corpus)], tmp / "out-command")[0])
        seconds, summary = command_run(corpus, tmp / "out-command", args.jobs)
        print(
            f"bihuan batch (a fresh process, end to end): {n} reports in {seconds:.2f} s wall, {n / seconds:.1f} reports/s"
        )
        print(f"  its summary: {summary}")
        print("bihuan.export.batch (in this process):")
        library_run(corpus, tmp / "out-library", args.jobs, force=False)
        seconds, summary = command_run(corpus, tmp / "out-command", args.jobs)
        print(f"bihuan batch again over the same output (every plan reused): {seconds:.2f} s wall")
        print(f"  its summary: {summary}")
        print("extraction alone, one core:")
        extraction_alone(corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
