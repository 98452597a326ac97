"""The 督查通报 as HTML: the body (the web's preview puts it in a page) and the whole printable
document the PDF is drawn from, from templates/bulletin_*.html and bulletin.css."""

from __future__ import annotations

from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape

from bihuan.export.bulletin_charts import charts
from bihuan.track.bulletin import Bulletin

BODY_FONT = '"仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC", serif'
_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """一 … 九十九, for the （一） headings."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return (
        ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "") if n < 100 else str(n)
    )


def area_heading(index: int, name: str) -> str:
    """（一）… before a work area's name, unless the report's own heading already has one."""
    return name if name.startswith(("（", "(")) else f"（{zh_number(index)}）{name}"


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("bihuan.export", "templates"), autoescape=select_autoescape(["html"])
    )
    env.globals["area_heading"] = area_heading
    return env


@cache
def css() -> str:
    return resources.files("bihuan.export").joinpath("templates/bulletin.css").read_text("utf-8")


def body(b: Bulletin) -> str:
    """The bulletin's <article>, charts inline as SVG; every text escaped."""
    return _env().get_template("bulletin_body.html").render(b=b, charts=charts(b))


def document(b: Bulletin) -> str:
    """A whole HTML document for print: A4, the 公文 margins, page numbers in the footer."""
    return (
        _env().get_template("bulletin_print.html").render(b=b, body=body(b), css=css(), body_font=BODY_FONT)
    )
