"""Fuzz the extraction engine for a set time: `python benchmarks/fuzz_extract.py --seconds 600`.

Every input goes through extract_text, and the plan it returns must follow the contract
(schema-valid, spans inside the text, ids that resolve) and must come back within 10 s per MB
(at least 1 s, for tiny inputs). extract_text documents no error at all ("never raises for any
str input"), so any exception is a failure. At the end it prints how many inputs it tried, the
slowest input per MB (among inputs of at least 16 KB, where the per-MB figure means something)
and every failure; failing inputs are saved under --out as UTF-8 text files.

Engines:
- atheris (coverage-guided libFuzzer; `pip install atheris`), seeded with paragraphs of the
  example reports; the bytes are turned into text three ways (UTF-8 with replacement,
  report-like pieces chosen by the bytes, or arbitrary code points);
- mutate (the fallback, and the default when atheris is missing): random edits of slices of
  examples/*.txt (insert report-like pieces, numbers, headings, line breaks, brackets, odd
  whitespace and random code points; delete, duplicate and shuffle), now and then grown to
  up to 512 KB to measure time per MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType
from typing import Any

from jsonschema import Draft202012Validator

from bihuan.contract import load_schema
from bihuan.extract import extract_text

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO_ROOT / "examples").glob("*.txt"))
MB = 1024 * 1024
S_PER_MB_LIMIT = 10.0  # the hang bar
MIN_LIMIT_S = 1.0  # tiny inputs: fixed costs dominate
HARD_STOP_S = 120.0  # one input running this long is stopped (SIGALRM) and saved as a hang
PER_MB_FROM_BYTES = 16 * 1024

PIECES = (
    "分别", "均", "增长", "下降", "减少", "亿元", "万元", "元", "万人", "万亩", "公里", "个", "件", "户",
    "个百分点", "个工作日", "左右", "以上", "以内", "以下", "超过", "突破", "不低于", "控制在", "年均",
    "累计", "预计", "初步核算", "实现", "完成", "达到", "力争", "确保", "主要预期目标", "今后五年",
    "到2025年", "2023年", "一、", "二、", "十二、", "（一）", "（十）", "1.", "(2)", "——", "政府工作报告",
    "全县", "县域内", "地区生产总值", "一般公共预算收入", "城镇新增就业", "6月底前", "百分之", "%", "％",
    "、", "，", "。", "；", "：", "（", "）", "(", ")", "《", "》", "“", "”", "\n", "\r\n", "\u3000",
    "\xa0", "\u200b", "\ufeff", "\t", "  ", "\n\n",
)  # fmt: skip
NUMERALS = "0123456789０１２３４５６７８９零一二三四五六七八九十百千万亿两"


class Hang(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang(f"still running after {HARD_STOP_S:.0f} s")


class Checker:
    """Runs one input and keeps the tallies."""

    def __init__(self, out: Path, use_alarm: bool = True) -> None:
        self.use_alarm = use_alarm  # libFuzzer owns SIGALRM (its -timeout) under atheris
        self.validator = Draft202012Validator(load_schema())
        self.out = out
        self.tried = 0
        self.bytes = 0
        self.failures: list[tuple[str, str]] = []  # (file, problem)
        self.slowest: tuple[float, int, float] = (0.0, 0, 0.0)  # s/MB, bytes, seconds
        self.longest: tuple[float, int] = (0.0, 0)  # seconds, bytes
        self.slowest_text = ""
        self.longest_text = ""

    def run(self, text: str) -> None:
        size = len(text.encode("utf-8", errors="surrogatepass"))
        self.tried += 1
        self.bytes += size
        problem = ""
        if self.use_alarm:
            signal.setitimer(signal.ITIMER_REAL, HARD_STOP_S)
        start = time.perf_counter()
        try:
            data = extract_text(text, "txt").to_dict()
            elapsed = time.perf_counter() - start
            self.disarm()
            problem = "; ".join(self.problems(data, len(text))[:3])
        except Hang as e:
            elapsed = time.perf_counter() - start
            problem = f"hang: {e}"
        except Exception as e:  # the engine promises never to raise: any exception is a finding
            self.disarm()
            elapsed = time.perf_counter() - start
            problem = f"raised {type(e).__name__}: {e}"[:500]
        if elapsed > self.longest[0]:
            self.longest = (elapsed, size)
            self.longest_text = text
        if size >= PER_MB_FROM_BYTES and elapsed / (size / MB) > self.slowest[0]:
            self.slowest = (elapsed / (size / MB), size, elapsed)
            self.slowest_text = text
        limit = max(MIN_LIMIT_S, S_PER_MB_LIMIT * size / MB)
        if not problem and elapsed > limit:
            problem = f"slow: {elapsed:.2f} s for {size / 1024:.1f} KB (limit {limit:.1f} s)"
        if problem:
            self.save(text, problem)

    def disarm(self) -> None:
        if self.use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def problems(self, data: dict[str, Any], text_len: int) -> list[str]:
        json.dumps(data, ensure_ascii=False)
        found = [f"schema: {list(e.absolute_path)}: {e.message}" for e in self.validator.iter_errors(data)]
        sections = {s["id"] for s in data["sections"]}
        indicators = {i["id"] for i in data["indicators"]}
        for part in ("sections", "indicators", "tasks"):
            for item in data[part]:
                start, end = item["span"]
                if not 0 <= start <= end <= text_len:
                    found.append(f"{part} {item['id']}: span {item['span']} outside [0, {text_len}]")
        found += [f"section {s['id']}: no parent {s['parent']}" for s in data["sections"]
                  if s.get("parent") is not None and s["parent"] not in sections]  # fmt: skip
        for item in (*data["indicators"], *data["tasks"]):
            if item.get("section") is not None and item["section"] not in sections:
                found.append(f"{item['id']}: no section {item['section']}")
        for ref in (x for t in data["tasks"] for x in t["indicators"]):
            if ref not in indicators:
                found.append(f"task: no indicator {ref}")
        for ref in (x for c in data["checks"] for x in c.get("indicators", [])):
            if ref not in indicators:
                found.append(f"check: no indicator {ref}")
        return found

    def save(self, text: str, problem: str) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / f"failure-{len(self.failures) + 1:04d}.txt"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        path.with_suffix(".why").write_text(problem + "\n", encoding="utf-8")
        self.failures.append((str(path), problem))
        print(f"FAIL {path}: {problem}", flush=True)

    def report(self, engine: str, seconds: float) -> int:
        rate = self.tried / seconds if seconds else 0.0
        print(f"engine: {engine}; ran {seconds:.0f} s")
        print(f"inputs tried: {self.tried:,} ({rate:,.0f}/s), {self.bytes / MB:.1f} MB of text in all")
        per_mb, size, took = self.slowest
        if size:
            self.out.mkdir(parents=True, exist_ok=True)
            slowest = self.out / "slowest-per-mb.txt"
            slowest.write_text(self.slowest_text, encoding="utf-8", errors="surrogatepass")
            print(f"slowest per MB: {per_mb:.2f} s/MB ({took:.3f} s for {size / 1024:.0f} KB; "
                  f"bar {S_PER_MB_LIMIT:g} s/MB; saved as {slowest})")  # fmt: skip
            best = min(_timed(self.slowest_text) for _ in range(3))
            print(f"  the same input timed again, best of 3: {best / (size / MB):.2f} s/MB (one run can be slowed "
                  "by the machine's other work)")  # fmt: skip
        if self.tried:
            self.out.mkdir(parents=True, exist_ok=True)
            longest = self.out / "longest.txt"
            longest.write_text(self.longest_text, encoding="utf-8", errors="surrogatepass")
            print(
                f"longest single input: {self.longest[0]:.3f} s ({self.longest[1] / 1024:.1f} KB; saved as {longest})"
            )
        print(f"failures: {len(self.failures)}" + (f", saved under {self.out}" if self.failures else ""))
        for path, problem in self.failures[:20]:
            print(f"  {path}: {problem}")
        return 1 if self.failures else 0


def _timed(text: str) -> float:
    start = time.perf_counter()
    extract_text(text, "txt")
    return time.perf_counter() - start


# ---------------------------------------------------------------- the mutation engine
def random_piece(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(PIECES)
    if roll < 0.65:
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 5)))
        return digits + (f".{rng.randint(0, 99)}" if rng.random() < 0.4 else "")
    if roll < 0.8:
        return "".join(rng.choice(NUMERALS) for _ in range(rng.randint(1, 4)))
    if roll < 0.9:
        return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(1, 4)))
    return "".join(chr(rng.choice((rng.randint(0, 0x2FF), rng.randint(0, 0xD7FF), rng.randint(0xE000, 0x10FFFF))))
                   for _ in range(rng.randint(1, 3)))  # fmt: skip


def mutate(base: str, rng: random.Random) -> str:
    start = rng.randrange(len(base))
    text = base[start : start + rng.choice((40, 200, 1000, 5000))]
    for _ in range(rng.randint(1, 12)):
        op = rng.random()
        at = rng.randint(0, len(text))
        if op < 0.45:
            text = text[:at] + "".join(random_piece(rng) for _ in range(rng.randint(1, 6))) + text[at:]
        elif op < 0.6 and text:
            text = text[:at] + text[at + rng.randint(1, 20) :]
        elif op < 0.75:
            end = min(len(text), at + rng.randint(1, 60))
            text = text[:at] + text[at:end] * rng.randint(2, 30) + text[at:]
        elif op < 0.85:
            lines = text.split("\n")
            rng.shuffle(lines)
            text = "\n".join(lines)
        elif op < 0.95:  # break lines inside words and numbers, as PDF copies do
            text = "".join(ch + ("\n" if rng.random() < 0.08 else "") for ch in text)
        else:
            text = text[:at] + rng.choice(("（" * 50, "）" * 50, "分别" * 20, "、" * 100)) + text[at:]
    if rng.random() < 0.02 and text:  # now and then a big one, to measure time per MB
        text = text * (rng.randint(64, 512) * 1024 // max(1, len(text.encode("utf-8"))) + 1)
    return text


def run_mutate(checker: Checker, seconds: float, seed: int) -> None:
    rng = random.Random(seed)
    bases = [p.read_text(encoding="utf-8") for p in EXAMPLES] or ["地区生产总值增长7%。"]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        checker.run(mutate(rng.choice(bases), rng))


# ---------------------------------------------------------------- the atheris engine
def run_atheris(checker: Checker, seconds: float, seed: int) -> None:
    import atheris  # type: ignore[import-not-found]  # optional: pip install atheris

    checker.use_alarm = False
    corpus = Path(tempfile.mkdtemp(prefix="bihuan-fuzz-seeds-"))
    for n, path in enumerate(EXAMPLES):
        for k, para in enumerate(path.read_text(encoding="utf-8").split("\n")[:200]):
            if para.strip():
                (corpus / f"{n}-{k}").write_bytes(b"\x00" + para.encode("utf-8"))
    started: list[float] = []  # set by the first input: instrumenting takes a while

    def text_of(data: bytes) -> str:
        if not data:
            return ""
        mode, rest = data[0] % 3, data[1:]
        if mode == 0:
            return rest.decode("utf-8", errors="replace")
        fdp = atheris.FuzzedDataProvider(rest)
        if mode == 1:
            return "".join(PIECES[fdp.ConsumeIntInRange(0, len(PIECES) - 1)] if fdp.ConsumeBool()
                           else fdp.ConsumeUnicodeNoSurrogates(3) for _ in range(fdp.ConsumeIntInRange(0, 200)))  # fmt: skip
        return fdp.ConsumeUnicodeNoSurrogates(len(rest))

    def one_input(data: bytes) -> None:
        if not started:
            started.append(time.monotonic())
        checker.run(text_of(data))
        if time.monotonic() - started[0] >= seconds:
            code = checker.report("atheris", time.monotonic() - started[0])
            shutil.rmtree(corpus, ignore_errors=True)
            sys.stdout.flush()
            os._exit(code)

    atheris.instrument_all()  # coverage feedback from the engine (already imported) and all else
    checker.out.mkdir(parents=True, exist_ok=True)  # libFuzzer saves a hung input there (timeout-*)
    args = [sys.argv[0], f"-seed={seed}", "-max_len=8192", "-rss_limit_mb=4096", f"-timeout={HARD_STOP_S:.0f}",
            f"-artifact_prefix={checker.out}/", f"-max_total_time={int(seconds) + 60}", str(corpus)]  # fmt: skip
    atheris.Setup(args, one_input)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (default 60)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"), help="where failing inputs go")
    parser.add_argument("--engine", choices=("auto", "atheris", "mutate"), default="auto")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    checker = Checker(args.out)
    extract_text(
        "二、2024年主要预期目标\n地区生产总值增长6%左右。"
    )  # warm-up: rules loaded, patterns compiled
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # type: ignore[import-not-found]  # noqa: F401
        except ImportError:
            engine = "mutate"
        else:
            engine = "atheris"
    print(f"fuzzing extract_text with {engine} for {args.seconds:g} s (seed {args.seed})", flush=True)
    if engine == "atheris":
        run_atheris(checker, args.seconds, args.seed)
    signal.signal(signal.SIGALRM, _alarm)
    started = time.monotonic()
    run_mutate(checker, args.seconds, args.seed)
    return checker.report("mutate", time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
