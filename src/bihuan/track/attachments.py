"""Evidence files: which are allowed (told from their bytes, never from the name or the browser),
how large and how many, and who may fetch one. The bytes go to the content-addressed store
(ledger/blobs.py); each file a person attaches is an Attachment row with its hash, size and type.

A refused upload leaves nothing behind: every file is checked before any is written, and files
written for a request that is then not stored are taken back."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bihuan.ledger import queries
from bihuan.ledger.blobs import BlobStore, data_dir, digest
from bihuan.ledger.models import Attachment, Notice, NoticeAnswer, UnitRequest
from bihuan.track.board import check_task_access
from bihuan.track.errors import Forbidden, TrackError
from bihuan.track.handover import FILE_TYPES, SuperviseSettings
from bihuan.track.users import Person

TYPE_ZH = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WebP",
           "docx": "Word（docx）", "xlsx": "Excel（xlsx）"}  # fmt: skip
MAX_ZIP_ENTRIES = 5000  # a real docx or xlsx has tens of parts; more is not an office file
MAX_NAME = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class NoSuchAttachment(TrackError):
    """No attachment with this id, or one that belongs to no task (the web answers 404)."""

    def __init__(self) -> None:
        super().__init__("没有这个附件", "no such attachment")


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as a person sent it: the name they gave it and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Checked:
    name: str  # cleaned, ending as its type does
    data: bytes
    kind: str  # a key of FILE_TYPES

    @property
    def mime(self) -> str:
        return FILE_TYPES[self.kind][0]


def sniff(data: bytes) -> str | None:
    """The file's type from its first bytes (a key of FILE_TYPES), or None when it is none of them."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return None


def _office(data: bytes) -> str | None:
    """docx or xlsx: a zip whose parts say so. The entry count is read from the zip's end record
    first, so a zip of a million entries is refused without listing them; macros are refused."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    (entries,) = struct.unpack("<H", data[end + 10 : end + 12])
    if entries > MAX_ZIP_ENTRIES:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist()[: MAX_ZIP_ENTRIES + 1])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return None
    if len(names) > MAX_ZIP_ENTRIES or "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def clean_name(name: str, kind: str) -> str:
    """The last part of the name a browser sent, without control characters, ending as the type
    does (a PDF sent as 证明.html is kept as 证明.html.pdf)."""
    base = _CONTROL.sub("", re.split(r"[/\\]", name or "")[-1]).strip().strip(".") or "附件"
    ext = FILE_TYPES[kind][1]
    endings = (ext, ".jpeg") if kind == "jpeg" else (ext,)
    if not base.lower().endswith(endings):
        base = base[: MAX_NAME - len(ext)] + ext
    if len(base) > MAX_NAME:
        base = base[: MAX_NAME - len(ext)] + ext
    return base


def allowed_words(settings: SuperviseSettings) -> str:
    return "、".join(TYPE_ZH.get(t, t) for t in settings.attachment_types)


def check_uploads(uploads: Sequence[Upload], settings: SuperviseSettings) -> list[Checked]:
    """Every file checked (count, size, type) before any is stored; the first problem refuses all."""
    if len(uploads) > settings.attachment_max_files:
        raise TrackError(
            f"附件最多 {settings.attachment_max_files} 个（收到 {len(uploads)} 个），未保存",
            f"at most {settings.attachment_max_files} files ({len(uploads)} sent); nothing was stored",
        )
    out = []
    for up in uploads:
        shown = _CONTROL.sub("", up.name)[:80] or "附件"
        if not up.data:
            raise TrackError(f"文件“{shown}”是空的，未保存", f"file {shown!r} is empty; nothing was stored")
        if len(up.data) > settings.attachment_max_bytes:
            raise TrackError(
                f"文件“{shown}”超过 {settings.attachment_max_mb:g} MB，未保存",
                f"file {shown!r} is over {settings.attachment_max_mb:g} MB; nothing was stored",
            )
        kind = sniff(up.data)
        if kind is None or kind not in settings.attachment_types:
            raise TrackError(
                f"文件“{shown}”不是允许的类型（只收 {allowed_words(settings)}，按文件内容判断），未保存",
                f"file {shown!r} is not an allowed type ({', '.join(settings.attachment_types)}, "
                "told from its content); nothing was stored",
            )
        out.append(Checked(clean_name(up.name, kind), up.data, kind))
    return out


def store_for(session: Session) -> BlobStore:
    """The file store of the ledger this session works on."""
    return BlobStore(data_dir(session.get_bind().engine.url))


def write_files(store: BlobStore, files: Iterable[Checked]) -> list[str]:
    """Put the bytes in the store; the hashes of the files this call wrote (to take back if the
    rows are not stored)."""
    written = []
    try:
        for f in files:
            sha, new = store.put(f.data)
            if new:
                written.append(sha)
    except OSError as e:
        take_back(None, store, written)
        raise TrackError(
            f"附件无法保存到数据目录 {store.root}：{e.strerror or e}",
            f"cannot write the attachment under {store.root}: {e}",
        ) from e
    return written


def add_rows(session: Session, files: Sequence[Checked], user: str) -> list[Attachment]:
    """Attachment rows for files already in the store. Call inside a transaction."""
    rows = [
        Attachment(sha256=digest(f.data), size=len(f.data), mime=f.mime, name=f.name, created_by=user)
        for f in files
    ]
    session.add_all(rows)
    session.flush()
    return rows


def take_back(session: Session | None, store: BlobStore, written: Sequence[str]) -> None:
    """Remove files this call wrote that no stored row refers to (the rows were not stored)."""
    for sha in written:
        if session is not None:
            session.rollback()
            if session.scalar(select(Attachment.id).where(Attachment.sha256 == sha).limit(1)) is not None:
                continue  # someone else attached the same bytes meanwhile
        store.remove(sha)


# ---------------------------------------------------------------- fetching
def attachment_for(session: Session, attachment_id: int, person: Person) -> Attachment:
    """The attachment, if this person may see a task it belongs to (a request's evidence, a
    notice's document or an answer's); otherwise Forbidden, or 'no such attachment'."""
    att = session.get(Attachment, attachment_id)
    tasks = _owners(session, attachment_id) if att is not None else []
    if att is None or not tasks:
        raise NoSuchAttachment()
    for document_id, key in tasks:
        try:
            check_task_access(person, queries.current_assignments(session, document_id, key).get(key))
            return att
        except Forbidden:
            continue
    raise Forbidden("这个附件不属于你的单位的任务", "this attachment is not on your unit's task")


def _owners(session: Session, attachment_id: int) -> list[tuple[int, str]]:
    """The tasks (document, key) an attachment belongs to."""
    out: list[tuple[int, str]] = []
    rows = session.execute(
        select(UnitRequest.document_id, UnitRequest.task_key, UnitRequest.attachment_ids).where(
            UnitRequest.kind == "办结"
        )
    )
    out += [(d, k) for d, k, ids in rows if attachment_id in (ids or [])]
    out += [
        (d, k)
        for d, k in session.execute(
            select(Notice.document_id, Notice.task_key).where(Notice.attachment_id == attachment_id)
        )
    ]
    out += [
        (d, k)
        for d, k in session.execute(
            select(Notice.document_id, Notice.task_key)
            .join(NoticeAnswer, NoticeAnswer.notice_id == Notice.id)
            .where(NoticeAnswer.attachment_id == attachment_id)
        )
    ]
    return out
