"""The 督查通报's settings (data/bulletin.toml, or a deployment's own file): the issuing office,
the 文号 and title patterns, when a task counts as ahead of time. Validated when loaded."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from bihuan.track.datafile import read_toml
from bihuan.track.errors import TrackError

_WHAT = ("通报设置文件", "bulletin settings")


@dataclass(frozen=True, slots=True)
class BulletinSettings:
    office: str = "某县人民政府督查室"
    prefix: str = "某县督查室"
    number: str = "{prefix}〔{year}〕{seq}号"
    title: str = "关于{region}{plan_year}年政府工作报告重点任务推进情况的通报"
    masthead: str = "督查通报"
    ahead_gap: float = 0.10
    task_chars: int = 40
    table_rows: int = 200

    @classmethod
    def load(cls, path: Path | None = None) -> BulletinSettings:
        """The shipped settings, or a deployment's own TOML file (every key, nothing unknown)."""
        raw = read_toml("bulletin.toml", path, *_WHAT)
        names = {f.name for f in fields(cls)}
        unknown, missing = set(raw) - names, names - set(raw)
        if unknown or missing:
            zh = "、".join(sorted(unknown)) if unknown else "、".join(sorted(missing))
            raise TrackError(
                f"通报设置文件中有{'未知' if unknown else '缺少的'}设置：{zh}",
                f"{'unknown' if unknown else 'missing'} bulletin settings: {', '.join(sorted(unknown or missing))}",
            )
        for name in ("office", "prefix", "number", "title", "masthead"):
            if not isinstance(raw[name], str) or not raw[name].strip():
                raise TrackError(f"通报设置 {name} 须为非空文字", f"bulletin setting {name} must be text")
        if not isinstance(raw["ahead_gap"], int | float) or not 0 <= raw["ahead_gap"] <= 1:
            raise TrackError("通报设置 ahead_gap 须在 0–1 之间", "bulletin setting ahead_gap must be 0-1")
        if not isinstance(raw["task_chars"], int) or not 10 <= raw["task_chars"] <= 500:
            raise TrackError("通报设置 task_chars 须为 10–500 的整数", "task_chars must be an integer 10-500")
        if not isinstance(raw["table_rows"], int) or raw["table_rows"] < 0:
            raise TrackError("通报设置 table_rows 须为不小于 0 的整数", "table_rows must be an integer >= 0")
        s = cls(**raw)
        s.number_text(2023, 1)  # a pattern with an unknown field fails here, not at issue time
        s.title_text("某县", 2023, "2023年6月")
        if "{seq}" not in s.number:
            raise TrackError("通报设置 number 须含 {seq}（序号）", "bulletin setting number needs {seq}")
        return s

    def number_text(self, year: int, seq: int) -> str:
        return _format(self.number, "number", prefix=self.prefix, year=year, seq=seq)

    def title_text(self, region: str, plan_year: int, period: str) -> str:
        return _format(self.title, "title", region=region, plan_year=plan_year, period=period)


def _format(pattern: str, name: str, **values: object) -> str:
    try:
        return pattern.format(**values)
    except (KeyError, IndexError, ValueError) as e:
        known = "、".join("{" + k + "}" for k in values)
        raise TrackError(
            f"通报设置 {name} 的格式有误（可用 {known}）：{pattern}",
            f"bad bulletin setting {name} (fields: {', '.join(values)}): {e}",
        ) from e
