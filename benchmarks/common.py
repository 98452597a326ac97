"""What the benchmark scripts share: the machine they ran on, and a synthetic plan.

The scripts run as `python3 benchmarks/NAME.py`, so this folder is on their import path."""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path

from bihuan.extract import Document, Indicator, Plan, Section, Task


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def print_machine() -> None:
    """The two lines every benchmark opens its figures with."""
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, {cpu_model()}")
    print(f"python:  {platform.python_implementation()} {platform.python_version()}; date {dt.date.today()}")


def synthetic_plan(n: int, year: int) -> Plan:
    """A plan of `n` tasks in eight work areas, each task with one quantified target."""
    sections = (
        Section("s1", f"一、{year}年重点工作", 1, (0, 10), role="tasks"),
        *(Section(f"s1.{a}", f"（{a}）工作领域{a}", 2, (0, 10), "s1", "tasks") for a in range(1, 9)),
    )
    indicators = tuple(
        Indicator(f"i{k}", f"完成投资{k}", "target", str(year), f"任务{k}完成投资{k % 50 + 10}亿元", (0, 10),
                  value=float(k % 50 + 10), unit="亿元", section=f"s1.{k % 8 + 1}")
        for k in range(1, n + 1)
    )  # fmt: skip
    tasks = tuple(
        Task(f"t{k}", f"s1.{k % 8 + 1}", f"第{k}项重点项目建设，完成投资{k % 50 + 10}亿元", (0, 10),
             indicators=(f"i{k}",), deadline=f"{year}-12-31")
        for k in range(1, n + 1)
    )  # fmt: skip
    return Plan(Document("政府工作报告", "基准县", None, year), sections, indicators, tasks)
