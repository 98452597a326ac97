"""Run the stages in order: repair, segment, metadata, indicators, tasks, checks."""

from __future__ import annotations

from bihuan.extract.types import Document, Plan


def extract_text(text: str, source_format: str | None = None) -> Plan:
    """Read one report's decoded text into a plan. Never raises for any str input."""
    return Plan(Document(source_format=source_format, chars=len(text)))
