"""Issued bulletins as records, on SQLite and PostgreSQL: numbers in sequence per year, the files
kept with their SHA-256, superseding (once, newest only), and the database refusing any change."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from docx import Document
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from bihuan.export.bulletin_files import render
from bihuan.extract.types import Plan
from bihuan.ledger.models import BulletinRecord
from bihuan.track import bulletin_records as records
from bihuan.track.bulletin import compose
from bihuan.track.bulletin_settings import BulletinSettings
from bihuan.track.errors import TrackError
from bihuan.track.status import Settings
from bulletin_ledger import ON, build

SETTINGS = BulletinSettings.load()


def _draft(s: Any, doc: int) -> Any:
    return compose(s, doc, ON, None, records.next_sequence(s, ON.year), SETTINGS, Settings.load())


def _docx(b: Any) -> tuple[bytes, bytes | None]:
    return render(b, False)


def _text(data: bytes) -> str:
    import io

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_issuing_twice_numbers_1_and_2_and_supersede_links_back(ledger: Any, sample_plan: Plan) -> None:
    with ledger.sessions() as s:
        doc = build(s, sample_plan)
        assert _draft(s, doc).number == "某县督查室〔2022〕1号"
        first = records.issue(s, _draft(s, doc), _docx, "张三", SETTINGS)
        second = records.issue(s, _draft(s, doc), _docx, "张三", SETTINGS, supersedes=first.id)
        assert (first.sequence, second.sequence) == (1, 2)
        assert (first.number, second.number) == ("某县督查室〔2022〕1号", "某县督查室〔2022〕2号")
        assert second.supersedes_id == first.id and first.pdf is None
    with ledger.sessions() as s:
        kept = s.get(BulletinRecord, second.id)
        assert hashlib.sha256(kept.docx).hexdigest() == kept.docx_sha256
        # the file carries the number it was issued with, not the draft's
        assert "某县督查室〔2022〕2号" in _text(kept.docx) and "草稿" not in _text(kept.docx)
        lines = records.issued(s, doc)
        assert [(x.number, x.supersedes, x.superseded_by) for x in lines] == [
            ("某县督查室〔2022〕2号", "某县督查室〔2022〕1号", None),
            ("某县督查室〔2022〕1号", None, "某县督查室〔2022〕2号"),
        ]
        with pytest.raises(TrackError, match="已被 某县督查室〔2022〕2号 替代"):
            records.issue(s, _draft(s, doc), _docx, "张三", SETTINGS, supersedes=first.id)
        with pytest.raises(TrackError, match="没有编号为 99"):
            records.issue(s, _draft(s, doc), _docx, "张三", SETTINGS, supersedes=99)
        assert len(records.issued(s)) == 2  # the refused issues stored nothing


def test_a_new_year_starts_at_1(ledger: Any, sample_plan: Plan) -> None:
    import dataclasses
    import datetime as dt

    with ledger.sessions() as s:
        doc = build(s, sample_plan)
        records.issue(s, _draft(s, doc), _docx, "张三", SETTINGS)
        later = dataclasses.replace(_draft(s, doc), on=dt.date(2023, 1, 10), year=2023)
        row = records.issue(s, later, _docx, "李四", SETTINGS)
        assert (row.year, row.sequence, row.number) == (2023, 1, "某县督查室〔2023〕1号")


def test_a_number_taken_while_drawing_is_drawn_again(ledger: Any, sample_plan: Plan) -> None:
    with ledger.sessions() as s:
        doc = build(s, sample_plan)
    drawn: list[str] = []

    def racing(b: Any) -> tuple[bytes, bytes | None]:
        drawn.append(b.number)
        if len(drawn) == 1:  # another office clerk issues at this moment
            with ledger.sessions() as other:
                records.issue(other, _draft(other, doc), _docx, "李四", SETTINGS)
        return _docx(b)

    with ledger.sessions() as s:
        row = records.issue(s, _draft(s, doc), racing, "张三", SETTINGS)
    assert drawn == ["某县督查室〔2022〕1号", "某县督查室〔2022〕2号"] and row.sequence == 2


@pytest.mark.parametrize("by", ["", "   "])
def test_issuing_needs_a_name(ledger: Any, sample_plan: Plan, by: str) -> None:
    with ledger.sessions() as s:
        doc = build(s, sample_plan)
        with pytest.raises(TrackError, match="印发人"):
            records.issue(s, _draft(s, doc), _docx, by, SETTINGS)


@pytest.mark.parametrize(
    "change",
    [
        update(BulletinRecord).values(title="改过的标题"),
        update(BulletinRecord).values(docx=b"other"),
        delete(BulletinRecord),
    ],
    ids=["title", "file", "delete"],
)
def test_the_database_refuses_to_change_an_issued_bulletin(
    ledger: Any, sample_plan: Plan, change: Any
) -> None:
    with ledger.sessions() as s:
        doc = build(s, sample_plan)
        row = records.issue(s, _draft(s, doc), _docx, "张三", SETTINGS)
    with ledger.sessions() as s, pytest.raises(DBAPIError, match="cannot be changed"):
        s.execute(change)
        s.commit()
    with ledger.sessions() as s:
        kept = s.get(BulletinRecord, row.id)
        assert kept.title == row.title and hashlib.sha256(kept.docx).hexdigest() == row.docx_sha256
