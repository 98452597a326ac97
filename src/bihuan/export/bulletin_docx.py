"""The 督查通报 as a Word file (python-docx), in the 公文 layout: A4; margins top 37 mm, bottom 35,
left 28, right 26; the masthead and title in 方正小标宋简体, the body in 仿宋_GB2312 三号 (16 pt);
page numbers (a PAGE field) centred in the footer as "— 1 —"; the charts as PNG pictures.

Fonts: each run names its East Asian font; the file's font table gives every 公文 font the
alternative "Noto Serif CJK SC" (w:altName), which Word and LibreOffice use on a machine without
the 公文 fonts."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as Doc
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from bihuan.export.bulletin_charts import charts, png
from bihuan.export.bulletin_html import area_heading
from bihuan.track.bulletin import Bulletin

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
FALLBACK = "Noto Serif CJK SC"
LATIN = "Times New Roman"
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
TABLE_PT = 10.5  # 五号
RED = RGBColor(0xCC, 0x00, 0x00)
TEXT_WIDTH_MM = 210 - 28 - 26
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# characters XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def docx_bytes(b: Bulletin) -> bytes:
    doc = Document()
    _page(doc)
    _fallbacks(doc)
    normal = doc.styles["Normal"]
    _font(normal.element.get_or_add_rPr(), BODY_FONT, BODY_PT)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    if b.draft:
        _para(doc, "草稿（未印发）", size=12, align=WD_ALIGN_PARAGRAPH.RIGHT, colour=RED)
    _para(doc, b.masthead, TITLE_FONT, 36, align=WD_ALIGN_PARAGRAPH.CENTER, colour=RED, bold=True)
    _para(doc, b.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _rule(_para(doc, ""))
    _para(doc, b.title, TITLE_FONT, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _para(doc, f"（{b.period_zh}）", align=WD_ALIGN_PARAGRAPH.CENTER)
    _heading(doc, "一、总体情况")
    _para(doc, b.opening, indent=True)
    for i, c in enumerate(charts(b), 1):
        doc.add_picture(io.BytesIO(png(c.svg)), width=Mm(TEXT_WIDTH_MM))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _para(doc, f"图{i}　{c.title}", size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _heading(doc, "二、分领域推进情况")
    for i, a in enumerate(b.areas, 1):
        p = _para(doc, "", indent=True)
        _run(p, f"{area_heading(i, a.name)}。", TITLE_FONT, bold=True)
        _run(p, a.said)
    if not b.areas:
        _para(doc, "暂无任务。", indent=True)
    _heading(doc, "三、需要关注的任务")
    _para(doc, b.flagged_said, indent=True)
    if b.flagged:
        rows = [
            (str(t.number), t.light_zh, t.text, t.lead, t.deadline.isoformat(), t.latest, t.reason)
            for t in b.flagged
        ]
        _table(doc, ("序号", "灯", "重点任务", "牵头单位", "完成时限", "最新进展", "原因"), rows,
               (10, 8, 38, 22, 20, 26, 32))  # fmt: skip
    if b.more_said:
        _para(doc, b.more_said, indent=True)
    _heading(doc, "四、进度报送情况")
    _para(doc, b.missing_said, indent=True)
    _heading(doc, "五、表扬")
    _para(doc, b.praised_said, indent=True)
    _notices(doc, b)
    if b.attained:
        _heading(doc, "七、目标兑现")
        _para(doc, b.attained_said, indent=True)
        _table(doc, ("指标", "目标", "实际", "状态"), [(a.name, a.target, a.actual, a.status_zh) for a in b.attained],
               (40, 40, 40, 20))  # fmt: skip
    _para(doc, "")
    _para(doc, b.office, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f"{b.on.year}年{b.on.month}月{b.on.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _notices(doc: Doc, b: Bulletin) -> None:
    _heading(doc, "六、督办情况")
    _para(doc, b.notices_said, indent=True)
    if not b.notices:
        return
    rows = [
        (n.kind, n.grade, n.unit, str(n.task_number or "—"), n.sent.isoformat(),
         n.answer_by.isoformat() if n.answer_by else "—", n.state + ("（逾期）" if n.overdue else ""),
         f"{n.answered.isoformat()}：{n.answer}" if n.answered else "未答复")
        for n in b.notices
    ]  # fmt: skip
    _table(doc, ("类型", "等级", "单位", "任务序号", "发出日期", "答复期限", "状态", "答复"), rows,
           (12, 12, 22, 12, 20, 20, 18, 40))  # fmt: skip


def _page(doc: Doc) -> None:
    s = doc.sections[0]
    s.orientation = WD_ORIENT.PORTRAIT
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    s.footer_distance = Mm(25)
    p = s.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", size=14)
    _page_field(_run(p, "", size=14))
    _run(p, " —", size=14)


def _page_field(run: object) -> None:
    """A PAGE field in the run: Word and LibreOffice put the page's number there."""
    r = run._r  # type: ignore[attr-defined]
    begin, code, sep, shown, end = (
        OxmlElement(t) for t in ("w:fldChar", "w:instrText", "w:fldChar", "w:t", "w:fldChar")
    )
    begin.set(qn("w:fldCharType"), "begin")
    code.set(qn("xml:space"), "preserve")
    code.text = " PAGE "
    sep.set(qn("w:fldCharType"), "separate")
    shown.text = "1"
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, code, sep, shown, end):
        r.append(el)


def _fallbacks(doc: Doc) -> None:
    """The font table names the CJK fallback of each 公文 font (w:altName) and its GB2312 charset."""
    part = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name in (TITLE_FONT, BODY_FONT):
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), FALLBACK)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "roman")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _font(rpr: object, east_asia: str, size: float | None = None) -> None:
    fonts = rpr.get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    if size is not None:
        sz = rpr.get_or_add_sz()  # type: ignore[attr-defined]
        sz.val = Pt(size)


def _run(p: Paragraph, text: str, font: str = BODY_FONT, size: float | None = None, bold: bool = False,
         colour: RGBColor | None = None) -> object:  # fmt: skip
    run = p.add_run(text)
    _font(run._r.get_or_add_rPr(), font, size)
    if bold:
        run.bold = True
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _para(doc: Doc, text: str, font: str = BODY_FONT, size: float | None = None, *,
          align: int | None = None, indent: bool = False, colour: RGBColor | None = None,
          bold: bool = False) -> Paragraph:  # fmt: skip
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    if text:
        _run(p, text, font, size, bold, colour)
    return p


def _heading(doc: Doc, text: str) -> None:
    _para(doc, text, TITLE_FONT, indent=True, bold=True)


def _rule(p: Paragraph) -> None:
    """A red line under the masthead (the paragraph's bottom border)."""
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", "18"), ("space", "1"), ("color", "CC0000")):
        bottom.set(qn(f"w:{k}"), v)
    border.append(bottom)
    ppr.append(border)


def _table(doc: Doc, head: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float]) -> Table:
    """A grid table with a repeated header row. The body rows are written as XML and parsed once:
    python-docx's cell by cell API takes seconds for a thousand rows."""
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    scale = TEXT_WIDTH_MM / sum(widths_mm)
    for cell, text, w in zip(table.rows[0].cells, head, widths_mm, strict=True):
        cell.width = Mm(w * scale)
        _cell(cell.paragraphs[0], text, bold=True)
    _repeat_header(table)
    twips = [round(w * scale / 25.4 * 1440) for w in widths_mm]
    fonts = f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{BODY_FONT}"/><w:sz w:val="{round(TABLE_PT * 2)}"/>'
    cells = (
        '<w:tc><w:tcPr><w:tcW w:w="{}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
        '<w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/></w:pPr>'
        f"<w:r><w:rPr>{fonts}</w:rPr>" + '<w:t xml:space="preserve">{}</w:t></w:r></w:p></w:tc>'
    )
    body = "".join(
        "<w:tr>"
        + "".join(
            cells.format(w, escape(_NOT_XML.sub("", text))) for w, text in zip(twips, values, strict=True)
        )
        + "</w:tr>"
        for values in rows
    )
    for tr in etree.fromstring(f'<w:tbl xmlns:w="{W_NS}">{body}</w:tbl>'):
        table._tbl.append(tr)
    return table


def _cell(p: Paragraph, text: str, bold: bool = False) -> None:
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    _run(p, text, size=TABLE_PT, bold=bold)


def _repeat_header(table: Table) -> None:
    trpr = table.rows[0]._tr.get_or_add_trPr()
    head = OxmlElement("w:tblHeader")
    head.set(qn("w:val"), "true")
    trpr.append(head)
