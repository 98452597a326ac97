"""API fuzzing with schemathesis: every operation of /api/v1's OpenAPI schema, with inputs that
fit the schema and inputs that do not, as a logged-in unit and as the office (督查室), on a copy
of the demo ledger. No answer may be a 500, and every answer must match the schema (its status
declared, its body the declared model). The number of cases run is printed.

Bounded (FUZZ_EXAMPLES per operation, mode and person) so CI stays quick; raise
BIHUAN_FUZZ_EXAMPLES for a longer run."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from web_helpers import ADMIN, PID, UNIT_USERS, Web, api_csrf, foreign_task, led_task

from bihuan.web.deps import COOKIE

FUZZ_EXAMPLES = int(os.environ.get("BIHUAN_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
PEOPLE = {"unit": "发改局", "admin": ADMIN}


def _operations(web: Web) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app)
    ops = [result.ok() for result in schema.get_all_operations()]
    assert len(ops) >= 8, [op.label for op in ops]
    return ops


def _fuzz(web: Web, who: str) -> tuple[dict[str, int], dict[int, int]]:
    client = web.as_(PEOPLE[who])
    cookies = {COOKIE: client.cookies.get(COOKIE)}
    headers = {"X-CSRF-Token": api_csrf(client)}
    with web.db() as s:  # ids that exist: the unit's own task and another unit's
        own, other = led_task(s, UNIT_USERS[PEOPLE["unit"]]), foreign_task(s, UNIT_USERS[PEOPLE["unit"]])
    counts: dict[str, int] = {}
    codes: dict[int, int] = {}
    for op in _operations(web):
        names = {p.name for p in op.path_parameters}
        modes = [op.as_strategy(GenerationMode.POSITIVE), op.as_strategy(GenerationMode.NEGATIVE)]
        for number in (own.number, other.number):
            real = {k: v for k, v in {"pid": PID, "number": number}.items() if k in names}
            if real:
                modes.append(op.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
        strategy = st.one_of(*modes)

        @settings(
            max_examples=FUZZ_EXAMPLES * len(modes),
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case: Any) -> None:
            response = case.call(headers=headers, cookies=cookies)
            case.validate_response(response, checks=CHECKS)
            counts[case.operation.label] = counts.get(case.operation.label, 0) + 1
            codes[response.status_code] = codes.get(response.status_code, 0) + 1

        run()
    return counts, codes


@pytest.mark.parametrize("who", list(PEOPLE))
def test_api_fuzz_no_500_and_every_answer_matches_the_schema(
    who: str, web: Web, capsys: pytest.CaptureFixture[str]
) -> None:
    counts, codes = _fuzz(web, who)
    total = sum(counts.values())
    assert total >= len(counts) * 5
    assert codes.get(200, 0) >= 10, codes  # the fuzzing reached the answers, not only refusals
    statuses = ", ".join(f"{c}: {n}" for c, n in sorted(codes.items()))
    with capsys.disabled():
        print(
            f"\nschemathesis {schemathesis.__version__} as {who}: {total} cases over {len(counts)} operations "
            f"(answers {statuses})"
        )
