"""How fast bihuan reads a report: `python benchmarks/bench_extract.py` prints a small table.

- extract_text on the corpus report ../shared/corpus/fumeng-2021-report.txt (or, without the
  shared folder, examples/shixian-2022-report.txt): median, min and p90 over --runs runs
  after a warm-up;
- read_path on the same file (decoding included);
- extract_text on 0.25, 0.5, 1 and 2 MB made by repeating that report, in ms per MB, to show
  the time grows linearly; peak memory (tracemalloc) of the 1 MB run;
- read_bytes on 1 MB of text in each common encoding;
- extract_text on the hostile 1 MB inputs that tests/extract/test_robust.py only guards against
  hangs (分别 lists, bare headings, numbers broken across lines, ...), in seconds per MB;
- the machine it ran on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from common import print_machine  # benchmarks/common.py

from bihuan.extract import extract_text
from bihuan.ingest import read_bytes, read_path

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_REPORT = REPO_ROOT.parent / "shared" / "corpus" / "fumeng-2021-report.txt"
EXAMPLE_REPORT = REPO_ROOT / "examples" / "shixian-2022-report.txt"
MB = 1024 * 1024
SIZES_MB = (0.25, 0.5, 1.0, 2.0)


def timings(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm-up: rule files loaded, patterns compiled
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return sorted(out)


def p90(sorted_times: list[float]) -> float:
    return sorted_times[min(len(sorted_times) - 1, round(0.9 * (len(sorted_times) - 1)))]


def grown(text: str, size_mb: float) -> str:
    """The report repeated (paragraph-wise) until it is size_mb of UTF-8."""
    unit = text if text.endswith("\n") else text + "\n"
    want = int(size_mb * MB)
    copies = want // len(unit.encode("utf-8")) + 1
    return (unit * copies).encode("utf-8")[:want].decode("utf-8", errors="ignore")


def megabyte(unit: str) -> str:
    """`unit` repeated to one MiB of UTF-8."""
    return unit * (MB // len(unit.encode("utf-8")) + 1)


def list_sentence(n: int) -> str:
    names = "、".join(f"第{i}项指标" for i in range(n))
    return f"{names}分别增长" + "、".join(f"{i % 10}.{i % 7}%" for i in range(n)) + "。"


def adversarial() -> dict[str, str]:
    """The same shapes as ADVERSARIAL in tests/extract/test_robust.py."""
    return {
        "digits and punctuation": megabyte("1234567890.，、。％%１２３．5－6～"),
        "one line of Chinese": megabyte("地区生产总值实现亿元增长一般公共预算收入完成农村居民人均可支配收入"),
        "分别 lists": megabyte(list_sentence(40)),
        "分别 with no numbers": megabyte("甲、乙、丙、丁分别"),
        "均增长 chains": megabyte("出口、进口、投资均增长7%，"),
        "nested brackets": "（" * 200_000 + "一" + "）" * 200_000 + "(" * 100_000,
        "only newlines": "\n" * MB,
        "headings only": megabyte("一、\n（一）\n1.\n"),
        "numbers broken across lines": megabyte("169.7\n亿元，增长\n7.5\n%；"),
        # Found by fuzzing: a run of one tail word before a stray character doubled the time per word.
        "a run of one tail word": megabyte("收入" + "突破" * 30 + "甲突破5亿元。"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="timed runs on the report (default 50)")
    parser.add_argument("--big-runs", type=int, default=5, help="timed runs per grown size (default 5)")
    args = parser.parse_args()

    path = CORPUS_REPORT
    if not path.is_file():
        path = EXAMPLE_REPORT
        print(f"note: {CORPUS_REPORT} not present; using {path.relative_to(REPO_ROOT)} instead")
    source = read_path(str(path), 50 * MB)
    text = source.text
    size = len(text.encode("utf-8"))
    plan = extract_text(text, source.source_format)

    print_machine()
    print(f"report:  {path.name}, {len(text):,} chars, {size / 1024:.1f} KB; "
          f"{len(plan.indicators)} indicators, {len(plan.tasks)} tasks")  # fmt: skip
    print()
    print(f"{'what':<44} {'median':>10} {'min':>10} {'p90':>10} {'ms/MB':>10}")
    print("-" * 88)

    def row(what: str, times: list[float], nbytes: int) -> None:
        med = statistics.median(times)
        print(
            f"{what:<44} {med * 1e3:>8.2f}ms {times[0] * 1e3:>8.2f}ms {p90(times) * 1e3:>8.2f}ms "
            f"{med * 1e3 / (nbytes / MB):>10.0f}"
        )

    row(f"read_path ({args.runs} runs)", timings(lambda: read_path(str(path), 50 * MB), args.runs), size)
    row(f"extract_text ({args.runs} runs)", timings(lambda: extract_text(text, "txt"), args.runs), size)
    for size_mb in SIZES_MB:
        big = grown(text, size_mb)
        row(f"extract_text, {size_mb:g} MB ({args.big_runs} runs)",
            timings(lambda big=big: extract_text(big, "txt"), args.big_runs), len(big.encode("utf-8")))  # fmt: skip

    for codec in ("utf-8", "gb18030", "utf-16"):
        data = grown(text, 1.0).encode(codec)
        row(f"read_bytes, 1 MB {codec} ({args.big_runs} runs)",
            timings(lambda data=data: read_bytes(data, "big.txt"), args.big_runs), len(data))  # fmt: skip
    for name, hostile in adversarial().items():
        row(f"hostile: {name} ({args.big_runs})",
            timings(lambda hostile=hostile: extract_text(hostile, "txt"), args.big_runs),
            len(hostile.encode("utf-8")))  # fmt: skip

    big = grown(text, 1.0)
    tracemalloc.start()
    extract_text(big, "txt")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print("-" * 88)
    print(f"peak memory (tracemalloc) of extract_text on 1 MB: {peak / MB:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
