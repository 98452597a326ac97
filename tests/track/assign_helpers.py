"""What the assignment tests share: the shipped unit directory as units, without a ledger."""

from __future__ import annotations

from bihuan.track.directory import DirectoryUnit, default_directory_text, parse_yaml


def default_units() -> list[DirectoryUnit]:
    """The default directory's units, numbered by their place in the file."""
    return [
        DirectoryUnit(k, e.name, e.short, e.aliases, e.keywords)
        for k, e in enumerate(parse_yaml(default_directory_text()))
    ]
