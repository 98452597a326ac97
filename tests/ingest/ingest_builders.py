"""Build report files in memory for the ingest tests: no binary fixtures are committed.

The report text is invented (示例县 is a fictional county).
"""

from __future__ import annotations

import io
import zipfile

import docx
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

REPORT = (
    "示例县2024年政府工作报告\n"
    "——2024年1月10日在示例县第十八届人民代表大会第三次会议上\n"
    "各位代表：\n"
    "现在，我代表县人民政府向大会报告工作，请予审议。\n"
    "一、2023年工作回顾\n"
    "全县地区生产总值增长6.5%，一般公共预算收入完成12.3亿元。\n"
    "二、2024年主要目标\n"
    "地区生产总值增长6%左右，新增城镇就业3000人以上。\n"
)

PDF_LINES = ("示例县2024年政府工作报告", "地区生产总值增长6%左右，新增城镇就业3000人以上。")
PDF_TEXT = "示例县2024年政府工作报告\n\n地区生产总值增长6%左右，新增城镇就业3000人以上。"

DOCX_TEXT = (
    "示例县2024年政府工作报告\n"
    "各位代表：\n"
    "\n"
    "一、2024年主要目标\n"
    "指标\n"
    "目标\n"
    "地区生产总值增长\n"
    "6%左右\n"
    "以上目标请予审议。"
)


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def make_docx(empty: bool = False) -> bytes:
    document = docx.Document()
    if not empty:
        document.add_paragraph("示例县2024年政府工作报告")
        document.add_paragraph("各位代表：")
        document.add_paragraph("")
        document.add_paragraph("一、2024年主要目标")
        table = document.add_table(rows=2, cols=2)
        for (row, col), text in {
            (0, 0): "指标",
            (0, 1): "目标",
            (1, 0): "地区生产总值增长",
            (1, 1): "6%左右",
        }.items():
            table.cell(row, col).text = text
        document.add_paragraph("以上目标请予审议。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(
    lines: tuple[str, ...] = PDF_LINES,
    encrypt: str | StandardEncryption | None = None,
    image_only: bool = False,
) -> bytes:
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    if image_only:
        page.rect(100, 400, 300, 200, fill=1)  # a "scan": drawing, no text
    else:
        page.setFont("STSong-Light", 12)
        for number, line in enumerate(lines):
            page.drawString(72, 760 - 20 * number, line)
    page.showPage()
    page.save()
    return out.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


ARTICLE_TEXT = (
    "示例县2024年政府工作报告\n"
    "各位代表：\n"
    "现在，我代表县人民政府向大会报告工作，请予审议，并请县政协委员和其他列席人员提出意见。\n"
    "一、2023年工作回顾\n"
    "过去一年，全县地区生产总值增长6.5%，一般公共预算收入完成12.3亿元，城乡居民人均可支配收入分别增长5.2%和7.1%。\n"
    "指标 目标\n"
    "地区生产总值增速 6%左右"
)

_PAGE = """<!DOCTYPE html>
<html><head>{meta}
<title>示例县2024年政府工作报告_示例县人民政府</title>
<style>.menu {{ color: red }}</style>
<script>var tip = "<p>这段脚本不是正文</p>";</script></head>
<body>
<div class="top">示例县人民政府</div>
<nav><ul><li><a href="/">首页</a></li><li>政务公开</li><li>政务服务</li><li>互动交流</li></ul></nav>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 政府工作报告</div>
<div class="{box}">
<h1 class="article-title">示例县2024年政府工作报告</h1>
<div class="info">发布时间：2024-01-15 来源：示例县人民政府办公室 【字号：大 中 小】</div>
<div {body_attrs}>
<p>　　各位代表：</p>
<p>　　现在，我代表县人民政府向大会报告工作，请予审议，
并请县政协委员和其他列席人员提出意见。</p>
<p>　　一、2023年工作回顾</p>
<p>　　过去一年，全县地区生产总值增长6.5%，一般公共预算收入完成12.3亿元，城乡居民人均可支配收入分别增长5.2%&#21644;7.1%。</p>
<table><tr><td>指标</td><td>目标</td></tr><tr><td>地区生产总值增速</td><td>6%左右</td></tr></table>
</div>
<div class="tools">【打印本页】【关闭窗口】</div>
</div>
<aside><h3>热点推荐</h3><ul><li>示例县召开全县经济工作会议部署明年重点任务安排</li></ul></aside>
<footer>版权所有：示例县人民政府　主办：示例县人民政府办公室　网站标识码：0000000000</footer>
</body></html>
"""


def make_page(meta: str = '<meta charset="utf-8">', with_container: bool = True) -> str:
    if with_container:
        return _PAGE.format(meta=meta, box="main-box", body_attrs='id="zoom" class="TRS_Editor"')
    return _PAGE.format(meta=meta, box="box", body_attrs='class="x"')


def pad_docx(base: bytes, paragraphs: int, text: str = "") -> bytes:
    """`base` with `paragraphs` more paragraphs at the start of its body, deflated at level 9.

    With empty paragraphs this is an unpacking bomb: three million of them are an 18 MB
    document.xml in a 61 KB file."""
    inner = f"<w:r><w:t>{text}</w:t></w:r>" if text else ""
    para = f"<w:p>{inner}</w:p>".encode() if text else b"<w:p/>"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>", 1)
                data = head + b"<w:body>" + para * paragraphs + tail
            dst.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def add_members(base: bytes, count: int) -> bytes:
    """`base` (a zip) with `count` more tiny members."""
    out = io.BytesIO(base)
    with zipfile.ZipFile(out, "a") as archive:
        for n in range(count):
            archive.writestr(f"padding/part{n}.xml", b"<a/>")
    return out.getvalue()
