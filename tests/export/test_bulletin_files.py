"""The 督查通报's Word and PDF files read back: python-docx (A4, the 公文 margins, title, 文号, a
table cell, the PAGE field, the fonts and their fallback, the charts) and pdfplumber (A4, title,
a table cell, page numbers, every font embedded)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.shared import Mm

from bihuan.export.bulletin_files import check_target, render, save
from bihuan.export.bulletin_html import area_heading, body, zh_number
from bihuan.export.bulletin_pdf import pdf_bytes
from bihuan.ledger.db import open_ledger
from bihuan.track.bulletin import Bulletin, compose
from bihuan.track.bulletin_settings import BulletinSettings
from bihuan.track.status import Settings
from bulletin_ledger import ON, build, sample_plan

pdfplumber = pytest.importorskip("pdfplumber")
TITLE = "关于某某县2022年政府工作报告重点任务推进情况的通报"


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[Bulletin, bytes]:
    plan = sample_plan()
    ledger = open_ledger(f"sqlite:///{tmp_path_factory.mktemp('b') / 'ledger.db'}")
    try:
        with ledger.sessions() as s:
            doc = build(s, plan)
            b = compose(s, doc, ON, None, 7, BulletinSettings.load(), Settings.load())
    finally:
        ledger.close()
    docx, _ = render(b, False)
    return b, docx


@pytest.fixture(scope="module")
def drawn_pdf(drawn: Any, cjk_fonts: None) -> bytes:
    return pdf_bytes(drawn[0])


def _pdf(data: bytes) -> Any:
    return pdfplumber.open(io.BytesIO(data))


def _emu_close(a: int | None, mm: float) -> bool:
    return a is not None and abs(a - Mm(mm)) < Mm(0.5)


def test_docx_page_is_a4_with_the_official_margins(drawn: Any) -> None:
    s = Document(io.BytesIO(drawn[1])).sections[0]
    assert _emu_close(s.page_width, 210) and _emu_close(s.page_height, 297)
    assert [round(x / Mm(1)) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [
        37,
        35,
        28,
        26,
    ]


def test_docx_title_number_and_tables(drawn: Any) -> None:
    d = Document(io.BytesIO(drawn[1]))
    texts = [p.text for p in d.paragraphs]
    assert TITLE in texts and "某县督查室〔2022〕7号" in texts and "草稿（未印发）" in texts
    assert any("3 项重点任务中" in t for t in texts)
    flagged, notices = d.tables
    assert [c.text for c in flagged.rows[0].cells][:4] == ["序号", "灯", "重点任务", "牵头单位"]
    assert [c.text for c in flagged.rows[1].cells][:2] == ["2", "红"]
    assert flagged.rows[1].cells[3].text == "工业和信息化局" and flagged.rows[2].cells[4].text == "2022-12-31"
    assert notices.rows[1].cells[0].text == "督办" and notices.rows[2].cells[7].text == "未答复"
    assert len(d.inline_shapes) == 2  # the two charts, as pictures


def test_docx_page_number_field_and_fonts(drawn: Any) -> None:
    d = Document(io.BytesIO(drawn[1]))
    footer = d.sections[0].footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    east = {r._r.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
            for p in d.paragraphs for r in p.runs if r.text}  # fmt: skip
    assert east == {"方正小标宋简体", "仿宋_GB2312"}
    body_size = d.styles["Normal"].font.size
    assert body_size is not None and body_size.pt == 16
    fonts = next(p for p in d.part.package.iter_parts() if p.partname == "/word/fontTable.xml").blob.decode()
    assert fonts.count('w:altName w:val="Noto Serif CJK SC"') == 2


def test_pdf_is_a4_and_its_text_can_be_read(drawn_pdf: bytes) -> None:
    with _pdf(drawn_pdf) as pdf:
        first = pdf.pages[0]
        assert abs(first.width - 595.3) < 1 and abs(first.height - 841.9) < 1
        text = "".join(first.extract_text().split())
        assert TITLE in text and "某县督查室〔2022〕7号" in text and "—1—" in text
        cells = {
            "".join(c.split())
            for page in pdf.pages
            for t in page.extract_tables()
            for row in t
            for c in row
            if c
        }
        assert {"序号", "牵头单位", "工业和信息化局", "人力资源和社会保障局", "2022-06-30"} <= cells


def test_pdf_embeds_every_font(drawn_pdf: bytes) -> None:
    from pdfminer.pdftypes import resolve1

    seen = 0
    with _pdf(drawn_pdf) as pdf:
        for page in pdf.pages:
            for font in resolve1(page.page_obj.resources.get("Font", {})).values():
                font = resolve1(font)
                parts = [resolve1(x) for x in resolve1(font.get("DescendantFonts", []))] or [font]
                for part in parts:
                    descriptor = resolve1(part["FontDescriptor"])
                    assert {"FontFile", "FontFile2", "FontFile3"} & set(descriptor), font.get("BaseFont")
                    seen += 1
    assert seen >= 2


@pytest.mark.parametrize(
    ("n", "zh"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (38, "三十八")]
)
def test_area_numbers_in_chinese(n: int, zh: str) -> None:
    assert zh_number(n) == zh
    assert (
        area_heading(n, "民生") == f"（{zh}）民生"
        and area_heading(n, "（二）增进民生福祉") == "（二）增进民生福祉"
    )


def test_html_escapes_what_the_ledger_holds(drawn: Any) -> None:
    import dataclasses

    b = dataclasses.replace(drawn[0], office="<script>x</script>督查室")
    html = body(b)
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;督查室" in html


@pytest.mark.parametrize(
    ("name", "suffix", "error"), [("a.doc", ".docx", "须以 .docx 结尾"), ("no/a.docx", ".docx", "目录不存在")]
)
def test_bad_targets(tmp_path: Path, name: str, suffix: str, error: str) -> None:
    from bihuan.export import ExportError

    with pytest.raises(ExportError, match=error):
        check_target(tmp_path / name, suffix)


def test_save_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "通报.docx"
    target.write_bytes(b"old")
    save(target, b"new bytes")
    assert target.read_bytes() == b"new bytes" and [p.name for p in tmp_path.iterdir()] == ["通报.docx"]
