"""The pure extraction engine: report text in, Plan out. No I/O, no database."""

from bihuan.extract.pipeline import extract_text
from bihuan.extract.types import SCHEMA, Check, Document, Indicator, Plan, Section, Task

__all__ = ["SCHEMA", "Check", "Document", "Indicator", "Plan", "Section", "Task", "extract_text"]
