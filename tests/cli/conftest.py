"""Helpers for driving the `bihuan` app in-process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result

from bihuan.launch import app

# A short fictional report in the usual shape (title block, review, goals, work areas).
TINY_REPORT = """政府工作报告
——2022年1月5日在青山县第十八届人民代表大会第一次会议上
县长　李明

一、2021年工作回顾
2021年，全县地区生产总值实现100.5亿元，增长6.5%；一般公共预算收入完成5.2亿元，增长8%。

二、今后五年目标和2022年主要预期目标
今后五年，地区生产总值年均增长6.5%左右。
2022年主要预期目标是：地区生产总值增长7%左右；一般公共预算收入增长6%以上；城镇登记失业率控制在4.5%以内。

三、2022年重点工作
（一）推动工业提质增效。新建5G基站200个，建设高标准农田3万亩。
（二）增进民生福祉。新增城镇就业3000人，6月底前完成10件民生实事。
"""


@pytest.fixture
def invoke() -> Callable[..., Result]:
    """invoke(*args, input=None, env=None): run `bihuan ARGS` with stdout and stderr kept apart."""
    runner = CliRunner()

    def call(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env={"COLUMNS": "160", **(env or {})})

    return call


@pytest.fixture
def tiny_text() -> str:
    return TINY_REPORT


@pytest.fixture
def tiny_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """TINY_REPORT saved as a UTF-8 .txt file; its path as a string."""
    path = tmp_path_factory.mktemp("report") / "青山县2022报告.txt"
    path.write_text(TINY_REPORT, encoding="utf-8")
    return str(path)
