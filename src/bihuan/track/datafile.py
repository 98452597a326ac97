"""Reading a settings file of the domain: the one shipped in bihuan/track/data/, or a
deployment's own file in its place; an unreadable file is one clear error."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from bihuan.track.errors import TrackError


def read_toml(name: str, path: Path | None, what_zh: str, what_en: str) -> dict[str, Any]:
    """data/`name` as shipped, or the file at `path`; `what_*` names it in the error."""
    try:
        if path is None:
            text = resources.files("bihuan.track").joinpath(f"data/{name}").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        return tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise TrackError(f"无法读取{what_zh} {path}", f"cannot read {what_en} {path}: {e}") from e
