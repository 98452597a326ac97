"""The 督查通报's charts: lights by work area and by unit, drawn by export.svg; as SVG for the
HTML and PDF, and rasterised to PNG (cairosvg, offline) for Word."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bihuan.export.svg import grouped_lights
from bihuan.track.bulletin import Bulletin
from bihuan.track.bulletin_parts import LightRow

PNG_WIDTH = 1400  # pixels: sharp at 15.6 cm wide in Word (about 230 dpi)
MOST_ROWS = 40  # a unit chart longer than this shows the units with most red and yellow


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    svg: str


def _rows(rows: Sequence[LightRow]) -> list[tuple[str, dict[str, int]]]:
    return [(r.name, r.counts) for r in rows[:MOST_ROWS]]


def charts(b: Bulletin) -> tuple[Chart, ...]:
    more = f"（红黄灯最多的前 {MOST_ROWS} 个）" if len(b.by_unit) > MOST_ROWS else ""
    titles = ("各工作领域任务红黄绿灯", f"各牵头单位任务红黄绿灯{more}")
    return tuple(
        Chart(title, grouped_lights(_rows(rows), title, heading=False))
        for title, rows in zip(titles, (b.by_area, b.by_unit), strict=True)
    )


def png(svg: str, width: int = PNG_WIDTH) -> bytes:
    import cairosvg

    out = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=width)
    assert isinstance(out, bytes)
    return out
