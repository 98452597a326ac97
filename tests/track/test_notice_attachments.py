"""A notice and an answer may carry one file: checked before anything is written, stored
content-addressed beside the ledger, its row in the same transaction as the notice or answer,
nothing left behind when refused, and readable only by people who may see the task."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_notices import OFFICE, PEOPLE, PID, TODAY, a_task, demo_file, ledger, s  # noqa: F401

from bihuan.ledger.models import Attachment, Notice, NoticeAnswer
from bihuan.track import attachments, notices
from bihuan.track.attachments import Upload
from bihuan.track.errors import Forbidden, TrackError

PDF = b"%PDF-1.4\n% a notice's document\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _send(session: Session, number: int, files: list[Upload]) -> Notice:
    return notices.send(session, PID, str(number), "督办", "重点", "请说明进度", TODAY, OFFICE, today=TODAY,
                        files=files)  # fmt: skip


def _files(session: Session) -> list[Path]:
    root = attachments.store_for(session).root
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_notice_and_its_answer_carry_one_file_each(s: Session) -> None:  # noqa: F811
    number = a_task(s)
    n = _send(s, number, [Upload("督办通知.pdf", PDF)])
    assert n.attachment_id is not None
    row = s.get(Attachment, n.attachment_id)
    assert row is not None and row.mime == "application/pdf" and row.size == len(PDF)
    unit = PEOPLE["addressed"](s)
    ans = notices.answer(s, n.id, "已落实，见附件", unit, files=[Upload("落实情况.png", PNG)])
    assert ans.attachment_id is not None and ans.attachment_id != n.attachment_id
    steps = notices.views(s, [n], TODAY)[0].history
    assert [st.attachment_id for st in steps if st.attachment_id] == [n.attachment_id, ans.attachment_id]
    # the addressed unit, the copied unit, the leader and the office may read them; another unit not
    for who in ("addressed", "copied", "office", "leader"):
        assert attachments.attachment_for(s, n.attachment_id, PEOPLE[who](s)).id == n.attachment_id
    with pytest.raises(Forbidden):
        attachments.attachment_for(s, ans.attachment_id, PEOPLE["other unit"](s))
    assert len(_files(s)) == 2


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ([Upload("通知.pdf", b"<html><script>alert(1)</script></html>")], "类型"),
        ([Upload("a.pdf", PDF), Upload("b.pdf", PDF + b" ")], "一个文件"),
        ([Upload("空.pdf", b"")], ""),
    ],
    ids=["html named pdf", "two files", "empty file"],
)
def test_a_refused_file_leaves_no_notice_row_or_file(
    s: Session,  # noqa: F811
    files: list[Upload],
    words: str,
) -> None:
    number = a_task(s)
    before = (_count(s, Notice), _count(s, Attachment))
    with pytest.raises(TrackError) as e:
        _send(s, number, files)
    assert words in e.value.zh
    assert (_count(s, Notice), _count(s, Attachment)) == before
    assert _files(s) == []


def test_a_refused_answer_takes_its_file_back(s: Session) -> None:  # noqa: F811
    number = a_task(s)
    n = _send(s, number, [])
    before = (_count(s, NoticeAnswer), _count(s, Attachment))
    with pytest.raises(Forbidden):  # the office cannot answer for the unit, file or not
        notices.answer(s, n.id, "代答", OFFICE, files=[Upload("x.pdf", PDF)])
    assert (_count(s, NoticeAnswer), _count(s, Attachment)) == before
    assert _files(s) == []
