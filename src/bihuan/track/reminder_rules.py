"""The reminder rules, as data: data/reminders.toml (shipped) or a deployment's own file.

Loaded once and validated: an unknown key, a value of the wrong type or out of range is one
clear error, never a half-read file."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bihuan.track.datafile import read_toml
from bihuan.track.errors import TrackError

# Rule names, as stored in Reminder.rule and Notice.rule, and what they are called in Chinese.
RULE_ZH = {
    "report_due": "报送临期提醒",
    "report_missed": "逾期未报自动催办",
    "task_deadline": "完成时限临期提醒",
    "notice_answer": "督办件答复临期提醒",
    "notice_overdue": "督办件逾期未答复",
    "handover_unsigned": "交办逾期未签收",
    "red_streak": "连续红灯拟督办",
}


@dataclass(frozen=True, slots=True)
class Rules:
    report_day: int = 5
    report_due_days: int = 3
    task_deadline_days: int = 10
    notice_answer_days: int = 2
    notice_overdue: bool = True
    handover_unsigned: bool = True
    urge_answer_days: int = 3
    red_periods: int = 3
    supervise_answer_days: int = 7
    max_attempts: int = 10
    retry_first_minutes: float = 5.0
    retry_max_minutes: float = 360.0
    lease_seconds: float = 300.0
    batch: int = 20
    timeout_seconds: float = 10.0

    @classmethod
    def load(cls, path: Path | None = None) -> Rules:
        """The shipped rules, or a deployment's own TOML file."""
        return cls.from_mapping(read_toml("reminders.toml", path, "提醒规则文件", "reminder rules"))

    @classmethod
    def from_mapping(cls, raw: dict[str, object]) -> Rules:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(raw) - set(fields))
        if unknown:
            raise TrackError(
                f"提醒规则文件中有未知设置：{'、'.join(unknown)}",
                f"unknown reminder rule settings: {', '.join(unknown)}",
            )
        for name, value in raw.items():
            kind = type(getattr(cls(), name))
            ok = (
                isinstance(value, bool)
                if kind is bool
                else isinstance(value, int) and not isinstance(value, bool)
                if kind is int
                else isinstance(value, int | float) and not isinstance(value, bool)
            )
            if not ok:
                raise TrackError(
                    f"提醒规则 {name} 的值类型不对（应为{'是/否' if kind is bool else '数字'}）：{value!r}",
                    f"reminder rule {name} must be a {kind.__name__}, got {value!r}",
                )
        rules = cls(**raw)  # type: ignore[arg-type]
        rules.check()
        return rules

    def check(self) -> None:
        bad = []
        if not 1 <= self.report_day <= 28:
            bad.append("report_day 须在 1–28 之间")
        for name in ("report_due_days", "task_deadline_days", "notice_answer_days", "urge_answer_days"):
            if not 0 <= getattr(self, name) <= 366:
                bad.append(f"{name} 须在 0–366 之间")
        if not 0 <= self.red_periods <= 12:
            bad.append("red_periods 须在 0–12 之间")
        if not 1 <= self.supervise_answer_days <= 366:
            bad.append("supervise_answer_days 须在 1–366 之间")
        if not 1 <= self.max_attempts <= 100:
            bad.append("max_attempts 须在 1–100 之间")
        if not 0 <= self.retry_first_minutes <= self.retry_max_minutes <= 7 * 24 * 60:
            bad.append("须 0 ≤ retry_first_minutes ≤ retry_max_minutes ≤ 10080")
        if not 1 <= self.batch <= 1000:
            bad.append("batch 须在 1–1000 之间")
        if not 0.1 <= self.timeout_seconds <= 300:
            bad.append("timeout_seconds 须在 0.1–300 之间")
        if not self.lease_seconds > 3 * self.timeout_seconds:
            bad.append("lease_seconds 须大于 timeout_seconds 的 3 倍")
        if bad:
            raise TrackError("提醒规则不合理：" + "；".join(bad), "bad reminder rules: " + "; ".join(bad))

    @property
    def lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.lease_seconds)

    def retry_after(self, attempts: int) -> dt.timedelta:
        """How long to wait after the `attempts`-th failed attempt (1, 2, …): doubling, capped."""
        minutes = min(self.retry_max_minutes, self.retry_first_minutes * 2 ** max(0, attempts - 1))
        return dt.timedelta(minutes=minutes)
