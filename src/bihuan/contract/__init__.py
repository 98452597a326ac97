"""The bihuan.plan/1 contract: the JSON Schema that `bihuan extract --json` output follows.

plan.schema.json is a byte-for-byte copy of the team's shared contract, shipped as package
data so that an installed bihuan can validate its own output without the shared folder.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

SCHEMA_FILE = "plan.schema.json"


@cache
def schema_text() -> str:
    """The schema file exactly as shipped (read once)."""
    return files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def load_schema() -> dict[str, Any]:
    """The bihuan.plan/1 JSON Schema (Draft 2020-12) as a fresh dict."""
    schema: dict[str, Any] = json.loads(schema_text())
    return schema
