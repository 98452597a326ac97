"""The unit of a reported value must be the target's: a bare number is taken in the target's
unit, a number written with the same unit is accepted, any other unit is a row error naming the
target's unit (checked in `check_rows`, which the CLI, the web form, the API and Excel import share)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bihuan.extract.types import Plan
from bihuan.track import assign, directory, plans
from bihuan.track.progress import ProgressInput, check_rows, number_and_unit, unit_key


@pytest.mark.parametrize(
    ("written", "number", "unit"),
    [
        ("12.5亿元", 12.5, "亿元"),
        ("12.5", 12.5, None),
        (12.5, 12.5, None),
        (3, 3.0, None),
        (" 1,200 万元 ", 1200.0, "万元"),
        ("95%", 95.0, "%"),
        ("95 ％", 95.0, "％"),
        (".5亿元", 0.5, "亿元"),
        ("1e3", 1000.0, None),
        ("-3个", -3.0, "个"),
        ("约一半", None, None),
        ("亿元12", None, None),
        (True, None, None),
    ],
)
def test_number_and_unit(written: object, number: float | None, unit: str | None) -> None:
    assert number_and_unit(written) == (number, unit)


def test_full_width_percent_and_spaces_are_the_same_unit() -> None:
    assert unit_key("％") == unit_key("%") and unit_key("万 亩") == unit_key("万亩") and unit_key(None) == ""


@pytest.mark.parametrize(
    ("written", "stored", "error"),
    [
        ("1.5", 1.5, None),
        (1.5, 1.5, None),
        ("1.5万亩", 1.5, None),
        ("1.5 万亩", 1.5, None),
        ("15000亩", None, "“高标准农田”的单位应与目标一致，为“万亩”，收到“15000亩”"),
        ("1.5万吨", None, "为“万亩”"),
        ("1.5%", None, "为“万亩”"),
        ("很多", None, "应填数字"),
    ],
)
def test_check_rows_takes_the_targets_unit(
    ledger: Any, sample_plan: Plan, written: object, stored: float | None, error: str | None
) -> None:
    with ledger.sessions() as s:
        doc = plans.import_plan(
            s, sample_plan, text="x" * 400, source_name="样例.txt", user="督查室"
        ).document_id
        directory.ensure_directory(s, "督查室")
        assign.set_assignment(s, doc, "1", lead="农业农村局", cooperating=[], leader=None, deadline=None,
                              milestones=None, user="督查室")  # fmt: skip
        row = ProgressInput(1, "1", "2022-05", {"高标准农田": written})
        good, problems = check_rows(s, doc, [row], dt.date(2022, 6, 10))
        if error is None:
            assert problems == []
            ((_, _, values, _),) = good
            assert list(values.values()) == [stored]
        else:
            assert good == [] and len(problems) == 1
            assert error in problems[0][1], problems
