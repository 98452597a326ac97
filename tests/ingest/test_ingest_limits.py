"""What a .docx may unpack to is checked from its zip directory before it is parsed; a document
with more paragraphs than any work report is refused while it is read."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from ingest_builders import REPORT, add_members, make_docx, make_zip, pad_docx

from bihuan.ingest import ReadError, read_bytes
from bihuan.ingest.archive import DEFAULT_LIMITS, ArchiveLimits, ArchiveTooLarge, check_archive
from bihuan.ingest.docx_text import docx_text


def test_an_unpacking_bomb_is_refused_before_parsing() -> None:
    bomb = pad_docx(make_docx(), 1_000_000)  # a 6 MB document.xml of empty paragraphs
    assert len(bomb) < 60_000
    t0 = time.perf_counter()
    with pytest.raises(ReadError) as caught:
        read_bytes(bomb, "bomb.docx")
    assert time.perf_counter() - t0 < 30  # a hang guard, not a speed bar: parsing it took 10 s
    assert "压缩比异常" in caught.value.zh and "bomb.docx" in caught.value.zh
    assert "zip bomb" in caught.value.en
    assert "\n" not in str(caught.value)


def test_an_archive_of_too_many_members_is_refused() -> None:
    crowded = add_members(make_docx(), DEFAULT_LIMITS.max_members)
    with pytest.raises(ReadError) as caught:
        read_bytes(crowded, "crowded.docx")
    assert "文件过多" in caught.value.zh and "too many members" in caught.value.en


def test_too_many_paragraphs_are_refused_while_reading() -> None:
    # varied text compresses like a real report, so only the paragraph cap stops it
    many = pad_docx(make_docx(), 1_200, "各项工作稳步推进")
    assert "各项工作稳步推进" in docx_text(many, "many.docx", max_paragraphs=2_000)
    with pytest.raises(ReadError) as caught:
        docx_text(many, "many.docx", max_paragraphs=1_000)
    assert "段落过多" in caught.value.zh and "1000 paragraphs" in caught.value.en


def test_a_normal_docx_still_reads() -> None:
    source = read_bytes(make_docx(), "report.docx")
    assert source.source_format == "docx" and "6%左右" in source.text


@pytest.mark.parametrize(
    ("limits", "zh"),
    [
        (ArchiveLimits(max_members=2), "文件过多"),
        (ArchiveLimits(max_unpacked=100), "解压后内容过大"),
        (ArchiveLimits(max_xml=100), "word/document.xml 解压后"),
        (ArchiveLimits(ratio_floor=100, max_ratio=2), "压缩比异常"),
    ],
)
def test_each_limit_is_checked_from_the_directory(limits: ArchiveLimits, zh: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("word/document.xml", REPORT.encode() * 20), ("a.txt", b"x"), ("b.txt", b"y")):
            archive.writestr(name, data)
    with pytest.raises(ArchiveTooLarge) as caught:
        check_archive(out.getvalue(), limits)
    assert zh in caught.value.zh


def test_a_directory_that_understates_a_size_cannot_unpack_more() -> None:
    """zipfile stops a member at its declared size and fails the CRC check: a lie in the
    directory is read as damage, not as a small member."""
    data = bytearray(make_zip({"word/document.xml": b"<w:p/>" * 200_000}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    end = data.rindex(b"PK\x01\x02")  # the (only) central directory entry
    data[end + 24 : end + 28] = (1000).to_bytes(4, "little")  # declared uncompressed size
    check_archive(bytes(data))  # passes the directory check: it claims only 1000 bytes ...
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive, pytest.raises(zipfile.BadZipFile):
        archive.read("word/document.xml")  # ... and can unpack no more than that
    assert info.file_size == 1_200_000


def test_something_not_a_zip_passes_to_the_reader() -> None:
    check_archive(b"not a zip")
    with pytest.raises(ReadError) as caught:
        read_bytes(b"not a zip at all", "r.docx")
    assert "损坏" in caught.value.zh
