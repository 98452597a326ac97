"""签收, 申请调整, 延期申请, 办结销号 and the attachment store: who may do what, one open request
of a kind at a time, decisions once, a reassignment that keeps the milestones and hands the task
to the new unit, and evidence files told from their bytes, stored once, never left behind."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bihuan.extract.types import Plan
from bihuan.ledger import queries
from bihuan.ledger.blobs import BlobStore, data_dir, digest
from bihuan.ledger.db import open_ledger
from bihuan.ledger.models import Assignment, Attachment, Handover, HandoverSign, RequestDecision, UnitRequest
from bihuan.track import assign, handover, supervise
from bihuan.track.attachments import Upload, check_uploads, clean_name, sniff
from bihuan.track.board import Forbidden
from bihuan.track.directory import directory, ensure_directory
from bihuan.track.errors import TrackError
from bihuan.track.handover import SuperviseSettings
from bihuan.track.plans import import_plan
from bihuan.track.supervise_views import request_lines, sign_lines, task_panel
from bihuan.track.users import Person

ON = dt.date(2022, 3, 1)  # a Tuesday
LEAD, COOP, OTHER, NEW = "农业农村局", "发展和改革局", "住房和城乡建设局", "乡村振兴局"
MILESTONES = ["2022-06-30:50%:完成主体", "2022-09-30:80%"]


# ---------------------------------------------------------------- builders
def pdf(text: str = "证明") -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 40
WEBP = b"RIFF\x20\x00\x00\x00WEBPVP8 " + b"\x00" * 40


def office(*parts: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in parts:
            z.writestr(p, "<x/>")
    return buf.getvalue()


DOCX = office("[Content_Types].xml", "word/document.xml")
XLSX = office("[Content_Types].xml", "xl/workbook.xml")


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "files")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def s(sqlite_url: str, sample_plan: Plan) -> Iterator[Session]:
    yield from _session(sqlite_url, sample_plan)


def _session(url: str, plan: Plan) -> Iterator[Session]:
    ledger = open_ledger(url)
    try:
        with ledger.sessions() as session:
            _setup(session, plan)
            yield session
    finally:
        ledger.close()


def _setup(session: Session, plan: Plan) -> None:
    doc = import_plan(session, plan, text="x" * 400, source_name="r.txt", user="t").document_id
    assert doc == 1
    ensure_directory(session, "t")
    assign.set_assignment(session, 1, "1", lead=LEAD, cooperating=[COOP], leader="王副县长",
                          deadline=dt.date(2022, 12, 31), milestones=MILESTONES, user="t")  # fmt: skip
    assign.set_assignment(session, 1, "2", lead=OTHER, cooperating=[], leader=None, deadline=None,
                          milestones=None, user="t")  # fmt: skip
    handover.publish(session, 1, ON, "督查室")


def unit_id(s: Session, name: str) -> int:
    return next(u.id for u in directory(s) if u.name == name)


def who(s: Session, role: str) -> Person:
    if role == "admin":
        return Person(1, "督查室", "admin", None, None)
    if role == "leader":
        return Person(2, "县长", "leader", None, None)
    name = {"lead": LEAD, "coop": COOP, "other": OTHER, "new": NEW}[role]
    return Person(10, f"{name}联络员", "unit", unit_id(s, name), name)


def count(s: Session, model: Any) -> int:
    return s.scalar(select(func.count()).select_from(model)) or 0


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# ---------------------------------------------------------------- who may do what
def _do(s: Session, action: str, person: Person, store: BlobStore) -> object:
    if action == "sign":
        return supervise.sign(s, 1, "1", person)
    if action == "change":
        return supervise.request_change(s, 1, "1", person, "职能不符", NEW)
    if action == "extend":
        return supervise.request_extension(s, 1, "1", person, dt.date(2023, 3, 31), "受汛期影响", ON)
    if action == "close":
        return supervise.request_close(s, 1, "1", person, "已完成", [Upload("证明.pdf", pdf())], store=store)
    if action == "decide":
        r = supervise.request_extension(s, 1, "1", who(s, "lead"), dt.date(2023, 3, 31), "受汛期影响", ON)
        return supervise.decide(s, r.id, person, True, "同意", ON)
    raise AssertionError(action)


ACTIONS = ("sign", "change", "extend", "close", "decide")
ROLES = ("lead", "coop", "other", "admin", "leader")
# ok: done; 403: Forbidden (may not); what each role gets for each action on task 1
ALLOWED = {
    #            lead   coop   other  admin  leader
    "sign":     ("ok",  403,   403,   403,   403),
    "change":   ("ok",  403,   403,   403,   403),
    "extend":   ("ok",  403,   403,   403,   403),
    "close":    ("ok",  403,   403,   403,   403),
    "decide":   (403,   403,   403,   "ok",  403),
}  # fmt: skip


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_do_what(s: Session, store: BlobStore, action: str, role: str) -> None:
    expected = ALLOWED[action][ROLES.index(role)]
    person = who(s, role)
    before = {m.__name__: count(s, m) for m in (HandoverSign, UnitRequest, RequestDecision, Attachment)}
    if expected == "ok":
        assert _do(s, action, person, store) is not None
        return
    with pytest.raises(Forbidden):
        _do(s, action, person, store)
    after = {m.__name__: count(s, m) for m in (HandoverSign, UnitRequest, RequestDecision, Attachment)}
    if action != "decide":  # deciding made the lead unit's request first
        assert after == before
    else:
        assert after["RequestDecision"] == before["RequestDecision"]
    assert files_in(store.root) == []


def test_sign_once_and_only_when_handed_over(s: Session, sample_plan: Plan) -> None:
    lead = who(s, "lead")
    row = supervise.sign(s, 1, "1", lead)
    assert row.created_by == lead.name
    with pytest.raises(TrackError, match=r"已由 .* 签收"):
        supervise.sign(s, 1, "1", lead)
    # task 3 has no assignment, so it was not handed over: the office assigns it afterwards
    assign.set_assignment(s, 1, "3", lead=LEAD, cooperating=[], leader=None, deadline=None, milestones=None,
                          user="t")  # fmt: skip
    with pytest.raises(TrackError, match="尚未交办"):
        supervise.sign(s, 1, "3", lead)
    lines = {x.task_number: x for x in sign_lines(s, 1)}
    assert set(lines) == {1, 2}
    assert lines[1].signed is not None and not lines[2].signed
    assert lines[2].sign_by == dt.date(2022, 3, 4)  # three working days after Tuesday 1 March
    assert not lines[2].overdue(dt.date(2022, 3, 4)) and lines[2].overdue(dt.date(2022, 3, 5))


def test_one_open_request_per_task_and_kind(s: Session, store: BlobStore) -> None:
    lead, admin = who(s, "lead"), who(s, "admin")
    first = supervise.request_extension(s, 1, "1", lead, dt.date(2023, 3, 31), "汛期", ON)
    with pytest.raises(TrackError, match="已有一份待审核的延期申请"):
        supervise.request_extension(s, 1, "1", lead, dt.date(2023, 4, 30), "再延", ON)
    # another kind is its own queue
    supervise.request_change(s, 1, "1", lead, "职能不符")
    with pytest.raises(TrackError, match="待审核的申请调整"):
        supervise.request_change(s, 1, "1", lead, "职能不符")
    supervise.decide(s, first.id, admin, False, "理由不足", ON)
    supervise.request_extension(s, 1, "1", lead, dt.date(2023, 4, 30), "补充理由", ON)
    kinds = [(x.kind, x.state) for x in request_lines(s, 1)]
    assert kinds == [("延期", "已退回"), ("调整", "待审核"), ("延期", "待审核")]
    assert [x.kind for x in request_lines(s, 1, state="待审核", kind="延期")] == ["延期"]


def test_decisions_once_and_refusal_needs_a_reason(s: Session) -> None:
    lead, admin = who(s, "lead"), who(s, "admin")
    r = supervise.request_extension(s, 1, "1", lead, dt.date(2023, 3, 31), "汛期", ON)
    with pytest.raises(TrackError, match="请写明理由"):
        supervise.decide(s, r.id, admin, False, "  ", ON)
    supervise.decide(s, r.id, admin, True, None, ON)
    with pytest.raises(TrackError, match="已审核过"):
        supervise.decide(s, r.id, admin, False, "改主意", ON)
    assert count(s, RequestDecision) == 1
    assert queries.approved_deadlines(s, 1) == {queries.tasks(s, 1)[0].key: dt.date(2023, 3, 31)}
    with pytest.raises(TrackError, match="没有这份申请"):
        supervise.decide(s, 999, admin, True, None, ON)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (dt.date(2022, 2, 1), "已经过去"),  # before today
        (dt.date(2022, 12, 31), "须晚于现在的 2022-12-31"),  # not later than the deadline
        (dt.date(2022, 6, 30), "须晚于"),
    ],
)
def test_an_extension_must_be_later(s: Session, new: dt.date, message: str) -> None:
    with pytest.raises(TrackError, match=message):
        supervise.request_extension(s, 1, "1", who(s, "lead"), new, "汛期", ON)
    assert count(s, UnitRequest) == 0


def test_reassignment_keeps_milestones_and_hands_over_to_the_new_unit(s: Session) -> None:
    lead, admin, new = who(s, "lead"), who(s, "admin"), who(s, "new")
    key = queries.tasks(s, 1)[0].key
    before = queries.current_assignments(s, 1)[key]
    r = supervise.request_change(s, 1, "1", lead, "该项由乡村振兴局负责更合适", NEW)
    assert r.proposed_unit_id == unit_id(s, NEW)
    n_assign, n_hand = count(s, Assignment), count(s, Handover)
    d = supervise.decide(s, r.id, admin, True, "同意", dt.date(2022, 3, 10))
    assert d.new_lead_unit_id == unit_id(s, NEW)
    assert count(s, Assignment) == n_assign + 1 and count(s, Handover) == n_hand + 1
    after = queries.current_assignments(s, 1)[key]
    assert after.lead_unit_id == unit_id(s, NEW)
    assert after.cooperating_unit_ids == before.cooperating_unit_ids == [unit_id(s, COOP)]
    assert (after.leader, after.deadline) == (before.leader, before.deadline)
    assert after.milestones == before.milestones and len(after.milestones) == 2
    h = queries.current_handovers(s, 1)[key]
    assert (h.unit_id, h.handed_on, h.sign_by) == (
        unit_id(s, NEW),
        dt.date(2022, 3, 10),
        dt.date(2022, 3, 15),
    )
    assert queries.handover_dates(s, 1)[key] == ON  # reporting duty still starts at the first 交办
    # the old lead unit no longer signs or asks; the new one signs
    with pytest.raises(Forbidden):
        supervise.sign(s, 1, "1", lead)
    with pytest.raises(Forbidden):
        supervise.request_extension(s, 1, "1", lead, dt.date(2023, 3, 31), "汛期", ON)
    supervise.sign(s, 1, "1", new)
    panel = task_panel(s, 1, "1", admin, ON)
    assert panel.handover_unit == NEW and panel.signed is not None and panel.requests[0].new_lead == NEW


@pytest.mark.parametrize(
    ("proposed", "given", "message"),
    [
        (None, None, "请指定新的牵头单位"),
        (None, LEAD, "与原来的相同"),
        (None, "没有的局", "单位名录中没有"),
    ],
)
def test_accepting_a_change_needs_another_unit(
    s: Session, proposed: str | None, given: str | None, message: str
) -> None:
    r = supervise.request_change(s, 1, "1", who(s, "lead"), "职能不符", proposed)
    n = count(s, Assignment)
    with pytest.raises(TrackError, match=message):
        supervise.decide(s, r.id, who(s, "admin"), True, None, ON, new_lead_unit=given)
    assert count(s, Assignment) == n and count(s, RequestDecision) == 0


def test_refusing_a_change_keeps_the_lead(s: Session) -> None:
    r = supervise.request_change(s, 1, "1", who(s, "lead"), "职能不符", NEW)
    supervise.decide(s, r.id, who(s, "admin"), False, "职能相符，请继续牵头", ON)
    key = queries.tasks(s, 1)[0].key
    assert queries.current_assignments(s, 1)[key].lead_unit_id == unit_id(s, LEAD)
    assert request_lines(s, 1)[0].state == "已退回"


def test_close_returned_then_accepted(s: Session, store: BlobStore) -> None:
    lead, admin = who(s, "lead"), who(s, "admin")
    key = queries.tasks(s, 1)[0].key
    r1 = supervise.request_close(s, 1, "1", lead, "已完工", [Upload("验收.pdf", pdf())], store=store)
    supervise.decide(s, r1.id, admin, False, "缺少验收单", ON)
    assert queries.closed_tasks(s, 1) == {}
    r2 = supervise.request_close(
        s, 1, "1", lead, "补验收单", [Upload("验收单.png", PNG), Upload("清单.xlsx", XLSX)], store=store
    )
    d = supervise.decide(s, r2.id, admin, True, None, ON)
    assert queries.closed_tasks(s, 1) == {key: d}
    with pytest.raises(TrackError, match="已办结销号"):
        supervise.request_extension(s, 1, "1", lead, dt.date(2023, 3, 31), "汛期", ON)
    line = request_lines(s, 1, kind="办结")[-1]
    assert [(a.name, a.mime) for a in line.attachments] == [("验收单.png", "image/png"), (
        "清单.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]  # fmt: skip
    panel = task_panel(s, 1, "1", lead, ON)
    assert panel.closed and not panel.can_request


def test_a_close_needs_evidence(s: Session, store: BlobStore) -> None:
    with pytest.raises(TrackError, match="佐证材料"):
        supervise.request_close(s, 1, "1", who(s, "lead"), "已完成", [], store=store)


# ---------------------------------------------------------------- attachments
@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (pdf(), "pdf"),
        (PNG, "png"),
        (JPEG, "jpeg"),
        (GIF, "gif"),
        (b"GIF87a" + b"\x00" * 8, "gif"),
        (WEBP, "webp"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (b"<!doctype html><html><script>alert(1)</script>", None),  # html, whatever its name
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"MZ\x90\x00" + b"\x00" * 60, None),  # a Windows program
        (office("a.txt", "b.txt"), None),  # a plain zip
        (office("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"), None),  # macros
        (office("word/document.xml"), None),  # no content types: not an office file
        (b"PK\x03\x04" + b"\x00" * 100, None),  # a broken zip
        (b" %PDF-1.4", None),  # not at the start
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
        (b"", None),
    ],
)
def test_sniffing(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_a_zip_with_too_many_entries_is_refused_unlisted() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("word/document.xml", "<x/>")
        for i in range(5001):
            z.writestr(f"p/{i}", "")
    assert sniff(buf.getvalue()) is None


@pytest.mark.parametrize(
    ("name", "kind", "kept"),
    [
        ("证明.pdf", "pdf", "证明.pdf"),
        ("证明.html", "pdf", "证明.html.pdf"),
        ("C:\\Users\\x\\照片.JPEG", "jpeg", "照片.JPEG"),
        ("../../etc/passwd", "png", "passwd.png"),
        ("a\x00b\r\n.docx", "docx", "ab.docx"),
        ("", "xlsx", "附件.xlsx"),
        ("长" * 300 + ".pdf", "pdf", "长" * 196 + ".pdf"),
    ],
)
def test_names_are_cleaned(name: str, kind: str, kept: str) -> None:
    assert clean_name(name, kind) == kept


@pytest.mark.parametrize(
    ("uploads", "message"),
    [
        ([Upload("证明.pdf", b"<html><body>not a pdf</body></html>")], "不是允许的类型"),
        ([Upload("a.svg", b"<svg/>")], "不是允许的类型"),
        ([Upload("a.pdf", pdf()), Upload("b.exe", b"MZ\x90\x00")], "不是允许的类型"),
        ([Upload("big.pdf", pdf() + b"\x00" * (1024 * 1024))], "超过 1 MB"),
        ([Upload(f"{i}.pdf", pdf(str(i))) for i in range(3)], "最多 2 个"),
        ([Upload("empty.pdf", b"")], "是空的"),
    ],
)
def test_a_refused_upload_leaves_nothing(
    s: Session, store: BlobStore, uploads: list[Upload], message: str
) -> None:
    settings = SuperviseSettings(attachment_max_mb=1, attachment_max_files=2)
    with pytest.raises(TrackError, match=message):
        supervise.request_close(s, 1, "1", who(s, "lead"), "已完成", uploads, settings=settings, store=store)
    assert count(s, UnitRequest) == 0 and count(s, Attachment) == 0
    assert files_in(store.root) == []


def test_a_request_refused_after_the_files_were_written_takes_them_back(s: Session, store: BlobStore) -> None:
    """Two requests race: the second finds the first open only inside its transaction (here:
    made to, by skipping the early check), after its files were written; they are removed."""
    lead = who(s, "lead")
    supervise.request_close(s, 1, "1", lead, "已完成", [Upload("a.pdf", pdf("a"))], store=store)
    kept = files_in(store.root)
    early = supervise._refuse_if_open
    calls = {"n": 0}

    def late_only(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] > 1:  # the check under the lock
            early(*args)

    supervise._refuse_if_open = late_only  # type: ignore[assignment]
    try:
        with pytest.raises(TrackError, match="待审核"):
            supervise.request_close(s, 1, "1", lead, "再次", [Upload("b.pdf", pdf("b"))], store=store)
    finally:
        supervise._refuse_if_open = early  # type: ignore[assignment]
    assert files_in(store.root) == kept and count(s, Attachment) == 1 and count(s, UnitRequest) == 1


def test_the_same_bytes_are_stored_once(s: Session, store: BlobStore) -> None:
    lead, admin = who(s, "lead"), who(s, "admin")
    data = pdf("同一份")
    r = supervise.request_close(s, 1, "1", lead, "已完成", [Upload("一.pdf", data)], store=store)
    supervise.decide(s, r.id, admin, False, "请补充", ON)
    supervise.request_close(s, 1, "1", lead, "再报", [Upload("二.pdf", data)], store=store)
    rows = list(s.scalars(select(Attachment).order_by(Attachment.id)))
    assert [(a.name, a.sha256, a.size, a.mime) for a in rows] == [
        ("一.pdf", digest(data), len(data), "application/pdf"),
        ("二.pdf", digest(data), len(data), "application/pdf"),
    ]
    sha = digest(data)
    assert files_in(store.root) == [store.root / sha[:2] / sha[2:4] / sha]
    assert store.read(sha) == data


def test_the_store_writes_atomically_and_once(store: BlobStore) -> None:
    sha, new = store.put(b"abc")
    assert new and store.put(b"abc") == (sha, False)
    assert [p.name for p in files_in(store.root)] == [sha]  # no temporary file left
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")


@pytest.mark.parametrize(
    ("url", "env", "expected"),
    [
        ("sqlite:////srv/督查.db", {}, "/srv/督查.db.files"),
        ("sqlite:////srv/督查.db", {"BIHUAN_DATA_DIR": "/data/bihuan"}, "/data/bihuan"),
        ("postgresql+psycopg://u@h/db", {}, "bihuan-files"),
        ("sqlite://", {}, "bihuan-files"),
    ],
)
def test_where_files_live(url: str, env: dict[str, str], expected: str) -> None:
    assert data_dir(url, env) == Path(expected)


def test_settings_are_checked(tmp_path: Path) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text('attachment_types = ["pdf", "html"]\n', "utf-8")
    with pytest.raises(TrackError, match="不认识的附件类型"):
        SuperviseSettings.load(bad)
    shipped = SuperviseSettings.load()
    assert shipped.attachment_max_files == 5 and shipped.attachment_max_mb == 10
    assert "pdf" in shipped.attachment_types
    assert check_uploads([Upload("x.pdf", pdf())], shipped)[0].mime == "application/pdf"


# ---------------------------------------------------------------- the whole flow, SQLite and PostgreSQL
def test_the_flow(db_url: str, sample_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIHUAN_DATA_DIR", str(tmp_path / "data"))
    for session in _session(db_url, sample_plan):
        lead, admin = who(session, "lead"), who(session, "admin")
        supervise.sign(session, 1, "1", lead)
        e = supervise.request_extension(session, 1, "1", lead, dt.date(2023, 3, 31), "汛期", ON)
        supervise.decide(session, e.id, admin, True, None, ON)
        c = supervise.request_close(session, 1, "1", lead, "已完成", [Upload("证明.pdf", pdf())])
        supervise.decide(session, c.id, admin, True, "同意销号", ON)
        ch = supervise.request_change(session, 1, "2", who(session, "other"), "职能不符", NEW)
        supervise.decide(session, ch.id, admin, True, None, ON)
        key1, key2 = (t.key for t in queries.tasks(session, 1)[:2])
        assert queries.approved_deadlines(session, 1) == {key1: dt.date(2023, 3, 31)}
        assert set(queries.closed_tasks(session, 1)) == {key1}
        assert queries.current_handovers(session, 1)[key2].unit_id == unit_id(session, NEW)
        assert len(files_in(tmp_path / "data")) == 1
        kinds = [x.kind for x in request_lines(session, 1, state="已同意")]
        assert kinds == ["延期", "办结", "调整"]
