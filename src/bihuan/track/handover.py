"""交办: publishing the 任务分解表 hands each assigned task to its lead unit, with a 签收 deadline.

A task is handed over once per lead unit: publishing again hands over only the tasks assigned
since (or whose lead unit changed), so it is safe to repeat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.models import Handover
from bihuan.track.datafile import read_toml
from bihuan.track.errors import TrackError
from bihuan.track.tx import transaction

# The evidence file types bihuan knows how to tell from their bytes (track/attachments.py), with
# the type they are served as and the file name ending they are saved under.
FILE_TYPES = {
    "pdf": ("application/pdf", ".pdf"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "gif": ("image/gif", ".gif"),
    "webp": ("image/webp", ".webp"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


@dataclass(frozen=True, slots=True)
class SuperviseSettings:
    sign_working_days: int = 3
    # evidence files (办结销号): the types allowed (sniffed from the bytes), size and count
    attachment_types: tuple[str, ...] = ("pdf", "png", "jpeg", "gif", "webp", "docx", "xlsx")
    attachment_max_mb: float = 10.0
    attachment_max_files: int = 5

    @classmethod
    def load(cls, path: Path | None = None) -> SuperviseSettings:
        raw = read_toml("supervise.toml", path, "督导设置文件", "supervision settings")
        try:
            if "attachment_types" in raw:
                raw["attachment_types"] = tuple(raw["attachment_types"])
            s = cls(**raw)
        except TypeError as e:  # an unknown setting
            raise TrackError(
                f"无法读取督导设置文件 {path}", f"cannot read supervision settings {path}: {e}"
            ) from e
        if not 0 <= s.sign_working_days <= 60:
            raise TrackError("签收期限须在 0–60 个工作日之间", "sign_working_days must be 0-60")
        unknown = [t for t in s.attachment_types if t not in FILE_TYPES]
        if unknown:
            raise TrackError(
                f"不认识的附件类型：{'、'.join(map(str, unknown))}（可用 {'、'.join(FILE_TYPES)}）",
                f"unknown attachment types {unknown}; known: {', '.join(FILE_TYPES)}",
            )
        if not 0 < s.attachment_max_mb <= 1024 or not 1 <= s.attachment_max_files <= 100:
            raise TrackError(
                "附件大小上限须在 0–1024 MB 之间，个数上限须在 1–100 之间",
                "attachment_max_mb must be 0-1024 and attachment_max_files 1-100",
            )
        return s

    @property
    def attachment_max_bytes(self) -> int:
        return int(self.attachment_max_mb * 1024 * 1024)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """`n` working days (Monday to Friday) after `day`."""
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


@dataclass(frozen=True, slots=True)
class Published:
    handed_over: int  # tasks handed over now
    already: int  # tasks already handed over to their current lead unit
    unassigned: int  # tasks with no lead unit yet: not handed over


def publish(
    session: Session, document_id: int, on: dt.date, user: str, settings: SuperviseSettings | None = None
) -> Published:
    """Hand over every assigned task not yet handed to its current lead unit, on `on`."""
    settings = settings or SuperviseSettings.load()
    rev = queries.latest_revision(session, document_id)
    if rev is None:
        raise TrackError(f"没有编号为 {document_id} 的计划", f"no plan with id {document_id}")
    tasks = queries.tasks(session, rev.id)
    assigned = queries.current_assignments(session, document_id)
    handed = queries.current_handovers(session, document_id)
    sign_by = add_working_days(on, settings.sign_working_days)
    new = []
    already = unassigned = 0
    for t in tasks:
        a = assigned.get(t.key)
        if a is None:
            unassigned += 1
            continue
        h = handed.get(t.key)
        if h is not None and h.unit_id == a.lead_unit_id:
            already += 1
            continue
        new.append(
            Handover(
                document_id=document_id,
                task_key=t.key,
                unit_id=a.lead_unit_id,
                handed_on=on,
                sign_by=sign_by,
                created_by=user,
            )
        )
    if new:
        with transaction(session):
            session.add_all(new)
    return Published(len(new), already, unassigned)
