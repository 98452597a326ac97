"""Read many report files into plan files and one indicator table, on all cores, resumably.

`find_reports` turns the folders and files a person names into `Report`s (where each plan goes);
`run_batch` reads them in a pool of forked worker processes. Each worker writes its own plan
JSON (atomically: a temp file, then os.replace) and sends back only the report's table rows,
so the parent stays light. A plan carries `made_by` (the engine stamp and the source file's size
and modification time); a later run reuses a plan whose `made_by` still matches, and reads its
rows back from it, unless forced.
"""

from __future__ import annotations

import gc
import hashlib
import os
import signal
import sys
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from bihuan import __version__
from bihuan.export import ExportError
from bihuan.export.indicator_table import (
    IndicatorTable,
    Row,
    engine_plan_rows,
    layout_of,
    plan_rows,
    readable_name,
    replacing,
)

if TYPE_CHECKING:
    from bihuan.extract import Plan

PLANS = "plans"
MADE_BY = "made_by"  # the plan's top-level key saying what made it from which file state
# Folders and files never read: hidden ones (.git, .DS_Store) and Word's lock files (~$报告.docx).
_SKIP_PREFIXES = (".", "~$")

Status = Literal["done", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class Report:
    path: str  # the file to read, as the person named it (a given folder joined with `source`)
    source: str  # its path relative to the folder given ("河北省/2011.md"), or its name
    plan: str  # where its plan goes: OUT/plans/<source without the extension>.json


@dataclass(frozen=True, slots=True)
class Failure:
    path: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Outcome:
    index: int
    status: Status
    rows: list[Row]
    failure: Failure | None = None
    max_rss_kb: int = 0


@dataclass
class BatchResult:
    done: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    table: IndicatorTable = field(default_factory=IndicatorTable)  # the rows of every plan
    seconds: float = 0.0
    max_rss_mb: float = 0.0  # the largest peak resident memory of one worker (or this process)
    jobs: int = 1
    attainment_rows: int = 0  # rows of OUT/attainment.* (targets of year Y against report Y+1)

    @property
    def total(self) -> int:
        return self.done + self.skipped + len(self.failures)


# ---------------------------------------------------------------- finding the report files
def report_extensions() -> frozenset[str]:
    """The extensions a folder is searched for: those bihuan.ingest reads."""
    from bihuan.ingest.sniff import SUPPORTED_EXTENSIONS

    return frozenset(SUPPORTED_EXTENSIONS)


def _hidden(name: str) -> bool:
    return name.startswith(_SKIP_PREFIXES)


def _walk(root: Path, skip: Path | None, extensions: frozenset[str]) -> Iterator[Path]:
    """The report files under `root`, in a stable order, skipping hidden entries and `skip`."""
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not _hidden(d) and (skip is None or (here / d).resolve() != skip))
        for name in sorted(files):
            if not _hidden(name) and name.rpartition(".")[2].lower() in extensions and "." in name:
                yield here / name


def _no_path(name: str) -> ExportError:
    return ExportError(f"找不到路径：{name}", f"No such file or directory: {name}")


def find_reports(paths: Sequence[str], out: Path) -> tuple[list[Report], list[Failure]]:
    """The reports under the given folders and files, and those that cannot be planned (two
    files that would share one plan file: the first keeps it). Raises ExportError for a path
    that does not exist, or when there is no report file at all."""
    extensions = report_extensions()
    plans = out / PLANS
    skip = out.resolve()
    found: list[Report] = []
    failures: list[Failure] = []
    seen: set[Path] = set()
    owners: dict[str, str] = {}
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise _no_path(given)
        pairs: Iterator[tuple[Path, Path]]
        if root.is_dir():
            pairs = ((f, f.relative_to(root)) for f in _walk(root, skip, extensions))
        else:
            pairs = iter([(root, Path(root.name))])
        for file, rel in pairs:
            real = file.resolve()
            if real in seen:
                continue
            seen.add(real)
            plan = str(plans / rel.with_suffix(".json"))
            owner = owners.setdefault(plan, str(file))
            if owner != str(file):
                failures.append(
                    Failure(
                        str(file),
                        f"与 {owner} 的计划文件同名（{plan}），未读取：{file}",
                        f"shares its plan file {plan} with {owner}; not read: {file}",
                    )
                )
                continue
            found.append(Report(str(file), readable_name(rel.as_posix()), plan))
    if not found and not failures:
        shown = "、".join(paths)
        kinds = " ".join(f".{e}" for e in sorted(extensions))
        raise ExportError(
            f"在 {shown} 下没有找到报告文件（{kinds}）",
            f"No report files ({kinds}) found in: {', '.join(paths)}",
        )
    return found, failures


# ---------------------------------------------------------------- what made a plan
def engine_stamp() -> str:
    """bihuan's version plus a digest of the code and rules that turn a file into a plan
    (bihuan.ingest and bihuan.extract), so plans made by changed code are not reused."""
    import bihuan.extract
    import bihuan.ingest

    digest = hashlib.sha256()
    for package in (bihuan.ingest, bihuan.extract):
        base = Path(package.__file__ or "").parent
        try:
            files = sorted(
                p for p in base.rglob("*") if p.suffix in {".py", ".toml", ".txt", ".json"} and p.is_file()
            )
            for p in files:
                digest.update(p.relative_to(base).as_posix().encode())
                digest.update(p.read_bytes())
        except OSError:
            return __version__
    return f"{__version__}+{digest.hexdigest()[:12]}"


# ---------------------------------------------------------------- the worker
_stamp = ""
_force = False


def _init_worker(stamp: str, force: bool, pooled: bool) -> None:
    global _stamp, _force
    _stamp, _force = stamp, force
    if pooled:  # Ctrl-C reaches the parent, which ends the pool; workers do not print tracebacks
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _max_rss_kb() -> int:
    try:
        import resource
    except ImportError:  # not on Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB on Linux


def _made_by(report: Report, st: os.stat_result) -> dict[str, Any]:
    return {
        "bihuan": _stamp,
        "source": report.source,
        "source_bytes": st.st_size,
        "source_mtime_ns": st.st_mtime_ns,
    }


def _reusable(report: Report, made_by: dict[str, Any]) -> dict[str, Any] | None:
    """The plan already on disk when it was made by this engine from this state of the file."""
    import orjson  # a C library of its own: reads and writes a plan in a tenth of json's time

    try:
        with open(report.plan, "rb") as handle:
            data = orjson.loads(handle.read())
    except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError
        return None
    if not isinstance(data, dict) or data.get(MADE_BY) != made_by:
        return None
    return data


def _write_atomic(path: str, data: bytes) -> None:
    """Write a file so that it is either the old one or the whole new one, never half of it."""
    with replacing(Path(path)) as tmp:
        tmp.write_bytes(data)


def _plan_of(report: Report) -> Plan:
    from bihuan.extract import extract_text
    from bihuan.ingest import read_path

    source = read_path(report.path)
    return extract_text(source.text, source.source_format)


def plan_json(plan: Plan, made_by: dict[str, Any]) -> bytes:
    """The plan's bihuan.plan/1 JSON (what `plan.to_dict()` holds; a test keeps the two the
    same) with `made_by` added. orjson writes the frozen dataclasses directly, which saves
    building the dict first; a plan without a source format (the contract has no null for it)
    goes through `to_dict`, which leaves the key out."""
    import orjson

    if plan.document.source_format is None:
        body = orjson.dumps(plan.to_dict())
    else:
        body = orjson.dumps(plan)
    return body[:-1] + b',"' + MADE_BY.encode() + b'":' + orjson.dumps(made_by) + b"}"


def _failure(report: Report, e: Exception) -> Failure:
    from bihuan.ingest import ReadError

    if isinstance(e, ReadError):
        return Failure(report.path, e.zh, e.en)
    if isinstance(e, OSError):
        reason = e.strerror or type(e).__name__
        if e.filename == report.plan:  # writing the plan, not reading the file
            return Failure(
                report.path,
                f"无法写入计划文件 {report.plan}（{reason}）",
                f"cannot write the plan file {report.plan} ({reason})",
            )
        return Failure(
            report.path,
            f"无法读取文件：{report.path}（{reason}）",
            f"Cannot read file: {report.path} ({reason})",
        )
    return Failure(
        report.path,
        f"读取时出现内部错误（{type(e).__name__}），请把此行报告给开发者：{report.path}",
        f"unexpected {type(e).__name__} while reading {report.path}: {e}",
    )


def process(job: tuple[int, Report]) -> Outcome:
    """Plan one report: reuse its plan file if still good, else read it and write the plan.
    Never raises: a problem is the report's Failure."""
    index, report = job
    try:
        st = os.stat(report.path)
        made_by = _made_by(report, st)
        layout = layout_of(Path(os.path.abspath(report.path)))
        data = None if _force else _reusable(report, made_by)
        if data is not None:
            rows = plan_rows(data, report.source, layout)
            return Outcome(index, "skipped", rows, max_rss_kb=_max_rss_kb())
        plan = _plan_of(report)
        try:
            _write_atomic(report.plan, plan_json(plan, made_by))
        except OSError as e:
            e.filename = report.plan
            raise
        rows = engine_plan_rows(plan, report.source, layout)
        return Outcome(index, "done", rows, max_rss_kb=_max_rss_kb())
    except Exception as e:
        return Outcome(index, "failed", [], _failure(report, e), _max_rss_kb())


# ---------------------------------------------------------------- the run
def _warm_up() -> None:
    """Import the engine and the text reader and load their rules once, in the parent: forked
    workers share them instead of each loading its own copy."""
    from bihuan.extract import extract_text
    from bihuan.ingest import read_bytes

    text = read_bytes("示例县政府工作报告\n一、2022年工作回顾\n地区生产总值增长6%。\n".encode(), "w.txt").text
    extract_text(text, "txt")


def _prepare(reports: Sequence[Report]) -> None:
    """Make the plan folders, and clear temp files an interrupted run left in them."""
    for folder in sorted({os.path.dirname(r.plan) for r in reports}):
        os.makedirs(folder, exist_ok=True)
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file():
                    os.unlink(entry.path)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _chunksize(n: int, jobs: int) -> int:
    return max(1, min(8, n // (jobs * 24)))


def run_batch(
    reports: Sequence[Report],
    jobs: int,
    force: bool = False,
    on_outcome: Callable[[Report, Outcome], None] | None = None,
) -> BatchResult:
    """Plan every report with `jobs` worker processes (1: in this process). The table holds the
    rows, and `failures` the failures, in the order of `reports`."""
    start = time.perf_counter()
    result = BatchResult(jobs=max(1, min(jobs, len(reports))))
    if not reports:
        return result
    _prepare(reports)
    stamp = engine_stamp()
    # Largest first, so that no worker is left with a big report at the end.
    order = sorted(range(len(reports)), key=lambda k: -_size(reports[k].path))
    work = [(k, reports[k]) for k in order]
    peak_kb = 0
    failed: list[tuple[int, Failure]] = []

    def take(outcome: Outcome) -> None:
        nonlocal peak_kb
        peak_kb = max(peak_kb, outcome.max_rss_kb)
        if outcome.status == "failed" and outcome.failure is not None:
            failed.append((outcome.index, outcome.failure))
        else:
            result.table.add(outcome.index, outcome.rows)
            if outcome.status == "done":
                result.done += 1
            else:
                result.skipped += 1
        if on_outcome is not None:
            on_outcome(reports[outcome.index], outcome)

    if result.jobs == 1:
        _init_worker(stamp, force, pooled=False)
        for job in work:
            take(process(job))
    else:
        with closing(_pooled(work, result.jobs, stamp, force)) as outcomes:
            for outcome in outcomes:
                take(outcome)
    result.failures = [f for _, f in sorted(failed, key=lambda pair: pair[0])]
    result.max_rss_mb = peak_kb / 1024
    result.seconds = time.perf_counter() - start
    return result


def _pooled(
    work: list[tuple[int, Report]], jobs: int, stamp: str, force: bool
) -> Generator[Outcome, None, None]:
    import multiprocessing

    _warm_up()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    gc.collect()
    gc.freeze()  # the parent's objects stay shared with the forked workers, not copied on write
    try:
        pool = context.Pool(jobs, _init_worker, (stamp, force, True))
    finally:
        gc.unfreeze()
    try:
        yield from pool.imap_unordered(process, work, chunksize=_chunksize(len(work), jobs))
        pool.close()
    except BaseException:
        pool.terminate()
        pool.join()
        _prepare([job[1] for job in work])  # a worker ended mid-write leaves its temp file
        raise
    pool.join()


def write_tables(result: BatchResult, out: Path) -> tuple[Path, Path]:
    """OUT/indicators.parquet and OUT/indicators.csv, then the attainment table made from them
    (OUT/attainment.parquet and .csv, see bihuan.export.attainment)."""
    from bihuan.export.attainment import write_attainment

    parquet, csv_path = out / "indicators.parquet", out / "indicators.csv"
    result.table.write(parquet, csv_path)
    result.attainment_rows = write_attainment(result.table.table(), out)[2]
    return parquet, csv_path
