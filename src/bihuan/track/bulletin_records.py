"""Issued 督查通报 as records: the next 文号 of a year, issuing (the files rendered under the number
they are issued with, stored with their SHA-256), superseding, and reading them back.

Issued bulletins are never changed (the database refuses it). A correction is a new bulletin with
the next number that names the one it supersedes; a bulletin is superseded at most once.
The files are drawn by the caller's `render` (the export layer, above this one): it is called
outside the write, and again if another issue took the number meanwhile."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bihuan.ledger.models import BulletinRecord
from bihuan.track.bulletin import Bulletin
from bihuan.track.bulletin_settings import BulletinSettings
from bihuan.track.errors import Forbidden, TrackError
from bihuan.track.tx import transaction
from bihuan.track.users import Person

Render = Callable[[Bulletin], tuple[bytes, bytes | None]]  # the .docx and (optional) .pdf bytes
TRIES = 3


def check_office(person: Person) -> None:
    if person.role != "admin":
        raise Forbidden("只有督查室可以起草和印发通报", "only the office drafts and issues bulletins")


def check_reader(person: Person) -> None:
    """Issued bulletins are read by the office and leaders; a unit sees the tasks of its own only."""
    if person.role not in ("admin", "leader"):
        raise Forbidden("通报只供督查室和领导查阅", "bulletins are for the office and leaders")


def next_sequence(session: Session, year: int) -> int:
    top = session.scalar(select(func.max(BulletinRecord.sequence)).where(BulletinRecord.year == year))
    return int(top or 0) + 1


def issue(
    session: Session,
    draft: Bulletin,
    render: Render,
    by: str,
    settings: BulletinSettings,
    supersedes: int | None = None,
) -> BulletinRecord:
    """Record `draft` under the year's next number, with the files `render` draws for it."""
    by = " ".join(by.split())[:100]
    if not by:
        raise TrackError("请写明印发人（--by）", "who issues the bulletin? (--by)")
    if supersedes is not None:
        _check_supersedable(session, supersedes, draft.document_id)
    for _ in range(TRIES):
        seq = next_sequence(session, draft.year)
        final = draft.issued(seq, settings.number_text(draft.year, seq))
        docx, pdf = render(final)
        session.rollback()  # end the read: the write below begins afresh
        try:
            with transaction(session):
                if next_sequence(session, draft.year) != seq:
                    continue  # another issue took the number while the files were drawn
                if supersedes is not None:
                    _check_supersedable(session, supersedes, draft.document_id)
                row = BulletinRecord(
                    document_id=final.document_id, year=final.year, sequence=seq, number=final.number,
                    day=final.on, period=final.period, title=final.title, docx=docx, docx_sha256=_sha(docx),
                    pdf=pdf, pdf_sha256=_sha(pdf) if pdf is not None else None, supersedes_id=supersedes,
                    issued_by=by,
                )  # fmt: skip
                session.add(row)
                session.flush()
            return row
        except IntegrityError:
            continue  # the same number taken at the same moment (PostgreSQL): draw again
    raise TrackError("通报编号被同时占用，请重试", "the bulletin number was taken meanwhile; try again")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_supersedable(session: Session, record_id: int, document_id: int) -> None:
    old = session.get(BulletinRecord, record_id)
    if old is None:
        raise TrackError(f"没有编号为 {record_id} 的已印发通报", f"no issued bulletin {record_id}")
    if old.document_id != document_id:
        raise TrackError("被替代的通报属于另一个计划", "the superseded bulletin is of another plan")
    newer = superseded_by(session, [record_id]).get(record_id)
    if newer is not None:
        raise TrackError(
            f"通报 {old.number} 已被 {newer.number} 替代，请替代最新的一份",
            f"bulletin {old.number} is already superseded by {newer.number}",
        )


def superseded_by(session: Session, ids: Sequence[int]) -> dict[int, BulletinRecord]:
    """The bulletin that supersedes each of `ids`, where one does."""
    if not ids:
        return {}
    rows = session.scalars(select(BulletinRecord).where(BulletinRecord.supersedes_id.in_(list(ids))))
    return {r.supersedes_id: r for r in rows if r.supersedes_id is not None}


@dataclass(frozen=True, slots=True)
class IssuedLine:
    """An issued bulletin in the list (without its files)."""

    id: int
    document_id: int
    number: str
    title: str
    day: dt.date
    period: str
    issued_by: str
    issued_at: dt.datetime
    has_pdf: bool
    docx_sha256: str
    supersedes: str | None  # the number it replaces
    superseded_by: str | None  # the number that replaced it


def issued(session: Session, document_id: int | None = None) -> list[IssuedLine]:
    """Issued bulletins, newest first (of one plan with `document_id`)."""
    cols = [c for c in BulletinRecord.__table__.c if c.name not in ("docx", "pdf")]
    q = select(*cols, (BulletinRecord.pdf_sha256.is_not(None)).label("has_pdf"))
    if document_id is not None:
        q = q.where(BulletinRecord.document_id == document_id)
    rows = session.execute(q.order_by(BulletinRecord.year.desc(), BulletinRecord.sequence.desc())).all()
    numbers = {r.id: r.number for r in rows}
    later = {r.supersedes_id: r.number for r in rows if r.supersedes_id is not None}
    missing = [
        r.supersedes_id for r in rows if r.supersedes_id is not None and r.supersedes_id not in numbers
    ]
    for r in session.execute(
        select(BulletinRecord.id, BulletinRecord.number).where(BulletinRecord.id.in_(missing))
    ):
        numbers[r.id] = r.number
    return [
        IssuedLine(
            r.id, r.document_id, r.number, r.title, r.day, r.period, r.issued_by, r.issued_at, bool(r.has_pdf),
            r.docx_sha256, numbers.get(r.supersedes_id) if r.supersedes_id else None, later.get(r.id),
        )
        for r in rows
    ]  # fmt: skip


def record(session: Session, record_id: int) -> BulletinRecord:
    row = session.get(BulletinRecord, record_id)
    if row is None:
        raise TrackError(f"没有编号为 {record_id} 的已印发通报", f"no issued bulletin {record_id}")
    return row
