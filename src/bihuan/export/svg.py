"""Charts for the web dashboard as SVG strings, drawn in plain Python (no JavaScript, no CDN).

Three charts, each returned as a whole `<svg>` document that a Jinja2 template can put inline
(mark it safe there: every piece of text in it is escaped here):

- `light_bar`: one stacked bar of the red / yellow / green counts of a plan;
- `grouped_lights`: one such bar per row (a work area, a unit);
- `progress_vs_time`: per row, the reported progress as a bar and the share of time gone as a
  vertical marker, the bar coloured by how far progress lags behind time.

Every chart is sized by its viewBox with width="100%", so it shrinks to a phone's width; give
the surrounding element a max-width if it should not grow past its natural size on a desktop.
Shares are clamped to 0..1 and anything that is not a finite number is treated as unknown (a
progress share) or as 0 (a time share, a count), so NaN and inf never reach the output. Text
is stripped of characters XML cannot hold, then escaped.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, SupportsFloat
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "FONT_FAMILY",
    "LIGHT_COLOURS",
    "LIGHT_LABELS",
    "Light",
    "grouped_lights",
    "light_bar",
    "progress_light",
    "progress_vs_time",
]

Light = Literal["red", "yellow", "green"]
LIGHTS: tuple[Light, ...] = ("red", "yellow", "green")
LIGHT_COLOURS: dict[Light, str] = {"red": "#d9363e", "yellow": "#f0b400", "green": "#2e9d4f"}
LIGHT_LABELS: dict[Light, str] = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
_LIGHT_SHORT: dict[Light, str] = {"red": "红", "yellow": "黄", "green": "绿"}
# Text drawn on top of a coloured segment: white on red and green, dark on yellow (contrast).
_INK: dict[Light, str] = {"red": "#ffffff", "yellow": "#222222", "green": "#ffffff"}
FONT_FAMILY = '"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif'

EMPTY_TEXT = "暂无任务"
NO_ROWS_TEXT = "暂无数据"
UNREPORTED_TEXT = "未报送"

_TEXT = "#333333"
_MUTED = "#666666"
_GREY = "#d9d9d9"
_TRACK = "#eeeeee"
_HATCH_FILL = "#e6e6e6"
_HATCH_STROKE = "#b5b5b5"

_WIDTH = 560
_PAD = 12
_FONT_SIZE = 13
_HEADING_SIZE = 15
_HEADING_H = 30  # room taken by the visible heading
_LEGEND_H = 22  # one line of legend
_LEGEND_SIZE = 12
_ROW_H = 30
_ROW_BAR_H = 18
_LABEL_UNITS = 12  # a row label holds about 12 Chinese characters before it is cut
_LABEL_RIGHT = 168  # row labels end here (text-anchor="end")
_BAR_X = 176  # row bars start here
_BAR_W = 224  # and are this wide
_AFTER_X = _BAR_X + _BAR_W + 8  # text after a row bar starts here
_EPSILON_DIGITS = 9  # gaps are compared after rounding, so 0.4 - 0.3 counts as exactly 0.10

# Characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# ---- text and numbers -------------------------------------------------------------------------


def _clean(text: object) -> str:
    """Text fit for XML: characters XML cannot hold dropped, runs of white space made one space."""
    return " ".join(_NOT_XML.sub("", str(text)).split())


def _char_units(c: str) -> float:
    """Width of one character in ems: full width for CJK, a little over half for the rest."""
    return 1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.6


def _units(text: str) -> float:
    return sum(_char_units(c) for c in text)


def _text_width(text: str, size: float) -> float:
    """Estimated width of `text` at font size `size`, in viewBox units."""
    return _units(text) * size


def _truncate(text: str, limit: float) -> str:
    """`text` cut with … so it takes at most `limit` ems (about `limit` Chinese characters)."""
    if _units(text) <= limit:
        return text
    kept: list[str] = []
    used = 1.0  # the ellipsis
    for c in text:
        w = _char_units(c)
        if used + w > limit:
            break
        kept.append(c)
        used += w
    return "".join(kept).rstrip() + "…"


def _num(x: float) -> str:
    """A coordinate, compact: at most two decimals, no trailing zeros, never NaN or inf."""
    if not math.isfinite(x):
        return "0"
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _as_float(value: object) -> float | None:
    """`value` as a finite float, or None."""
    if not isinstance(value, SupportsFloat):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return x if math.isfinite(x) else None


def _share(value: object) -> float | None:
    """A share clamped to 0..1, or None when it is not a finite number."""
    x = _as_float(value)
    return None if x is None else min(1.0, max(0.0, x))


def _count(value: object) -> int:
    """A count of tasks: a non-negative int; anything else (NaN, inf, text, negatives) is 0."""
    if isinstance(value, int):
        return max(value, 0)
    x = _as_float(value)
    return max(round(x), 0) if x is not None else 0


def _counts(counts: Mapping[str, int]) -> dict[Light, int]:
    return {k: _count(counts.get(k, 0)) for k in LIGHTS}


# ---- SVG pieces -------------------------------------------------------------------------------


def _document(width: float, height: float, title: str, desc: str, body: Iterable[str]) -> str:
    label = f"{title}：{desc}" if title and desc else title or desc
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="100%" role="img" aria-label={quoteattr(label)} '
        f'font-family={quoteattr(FONT_FAMILY)} font-size="{_FONT_SIZE}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, cls: str, tip: str | None = None) -> str:
    attrs = (
        f'<rect class="{cls}" x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0.0))}" '
        f'height="{_num(max(h, 0.0))}" fill="{fill}"'
    )
    if tip is None:
        return attrs + "/>"
    return f"{attrs}><title>{escape(tip)}</title></rect>"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = _FONT_SIZE,
    fill: str = _TEXT,
    anchor: str = "start",
    cls: str = "bh-text",
    bold: bool = False,
    halo: str | None = None,
) -> str:
    extra = ' font-weight="bold"' if bold else ""
    if halo is not None:
        extra += f' stroke="{halo}" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
    return (
        f'<text class="{cls}" x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" fill="{fill}" '
        f'text-anchor="{anchor}"{extra}>{escape(content)}</text>'
    )


def _baseline(y: float, h: float, size: float) -> float:
    """Baseline that centres text of font size `size` in a band from y to y + h."""
    return y + h / 2 + size * 0.35


def _hatch(x: float, y: float, w: float, h: float, step: float = 7.0) -> str:
    """Diagonal hatching inside a rectangle, as one path (clipped by arithmetic, no ids needed)."""
    moves: list[str] = []
    c = x - h
    while c < x + w:
        # The line (c + s, y + h - s) for s in 0..h, clipped to x..x + w.
        lo, hi = max(0.0, x - c), min(h, x + w - c)
        if lo < hi:
            moves.append(f"M{_num(c + lo)} {_num(y + h - lo)}L{_num(c + hi)} {_num(y + h - hi)}")
        c += step
    if not moves:
        return ""
    return (
        f'<path class="bh-hatch" d="{"".join(moves)}" stroke="{_HATCH_STROKE}" stroke-width="1" fill="none"/>'
    )


def _heading(title: str, y: float) -> str:
    return _text(
        _PAD,
        y + _HEADING_SIZE,
        _truncate(title, (_WIDTH - 2 * _PAD) / _HEADING_SIZE),
        size=_HEADING_SIZE,
        bold=True,
        cls="bh-heading",
    )


LegendKind = Literal["box", "line", "hatch"]


def _legend(items: Sequence[tuple[LegendKind, str, str]], y: float) -> tuple[list[str], float]:
    """A legend of (kind, colour, words) from y, wrapping to more lines; the parts and their height."""
    parts: list[str] = ['<g class="bh-legend">']
    box, gap, after = 12.0, 4.0, 16.0
    x, line = float(_PAD), 0
    for kind, colour, words in items:
        need = box + gap + _text_width(words, _LEGEND_SIZE)
        if x > _PAD and x + need > _WIDTH - _PAD:
            x, line = float(_PAD), line + 1
        top = y + line * _LEGEND_H + (_LEGEND_H - box) / 2
        if kind == "line":
            mid = x + box / 2
            parts.append(
                f'<line class="bh-key" x1="{_num(mid)}" y1="{_num(top - 2)}" x2="{_num(mid)}" '
                f'y2="{_num(top + box + 2)}" stroke="{colour}" stroke-width="2"/>'
            )
        else:
            parts.append(_rect(x, top, box, box, colour, "bh-key"))
            if kind == "hatch":
                parts.append(_hatch(x, top, box, box, step=4.0))
        parts.append(
            _text(
                x + box + gap,
                _baseline(y + line * _LEGEND_H, _LEGEND_H, _LEGEND_SIZE),
                words,
                size=_LEGEND_SIZE,
                fill=_MUTED,
                cls="bh-key-text",
            )
        )
        x += need + after
    parts.append("</g>")
    return parts, (line + 1) * _LEGEND_H


def _stack(
    n: Mapping[Light, int], x: float, y: float, w: float, h: float, tip_prefix: str, inside: bool
) -> list[str]:
    """A stacked red/yellow/green bar; a grey bar saying 暂无任务 when every count is 0."""
    total = sum(n.values())
    if total == 0:
        return [
            _rect(x, y, w, h, _GREY, "bh-empty", f"{tip_prefix}{EMPTY_TEXT}"),
            _text(x + w / 2, _baseline(y, h, _FONT_SIZE), EMPTY_TEXT, fill=_MUTED, anchor="middle"),
        ]
    parts: list[str] = []
    done = 0
    for light in LIGHTS:
        if n[light] == 0:
            continue
        # Edges from the running sum, so the segments always add up to exactly w.
        x0 = x + w * done / total
        done += n[light]
        x1 = x + w * done / total
        tip = f"{tip_prefix}{LIGHT_LABELS[light]} {n[light]}（{_pct(n[light] / total)}）"
        parts.append(_rect(x0, y, x1 - x0, h, LIGHT_COLOURS[light], f"bh-seg bh-{light}", tip))
        words = str(n[light])
        if inside and _text_width(words, _FONT_SIZE) + 8 <= x1 - x0:
            parts.append(
                _text(
                    (x0 + x1) / 2,
                    _baseline(y, h, _FONT_SIZE),
                    words,
                    fill=_INK[light],
                    anchor="middle",
                    cls="bh-seg-count",
                )
            )
    return parts


def _row_label(label: str, y: float) -> str:
    """A row label cut to about 12 Chinese characters; the whole label stays in a tooltip."""
    return (
        f'<g class="bh-label"><title>{escape(label)}</title>'
        + _text(_LABEL_RIGHT, _baseline(y, _ROW_H, _FONT_SIZE), _truncate(label, _LABEL_UNITS), anchor="end")
        + "</g>"
    )


# ---- the charts -------------------------------------------------------------------------------


def light_bar(counts: Mapping[str, int], title: str, *, heading: bool = True) -> str:
    """One horizontal bar of the red / yellow / green counts ("red", "yellow", "green" keys).

    A legend below says 红灯 N / 黄灯 N / 绿灯 N; with no tasks at all the bar is grey and says
    暂无任务. `heading=False` leaves the title out of the picture (it stays in <title>).
    """
    title = _clean(title)
    n = _counts(counts)
    total = sum(n.values())
    desc = (
        ("，".join(f"{LIGHT_LABELS[k]} {n[k]}" for k in LIGHTS) + f"，共 {total} 项") if total else EMPTY_TEXT
    )
    body: list[str] = []
    y = float(_PAD)
    if heading and title:
        body.append(_heading(title, y))
        y += _HEADING_H
    bar_h = 28.0
    body.append('<g class="bh-bar">')
    body.extend(_stack(n, _PAD, y, _WIDTH - 2 * _PAD, bar_h, "", inside=True))
    body.append("</g>")
    y += bar_h + 6
    legend, legend_h = _legend([("box", LIGHT_COLOURS[k], f"{LIGHT_LABELS[k]} {n[k]}") for k in LIGHTS], y)
    body.extend(legend)
    y += legend_h
    return _document(_WIDTH, y + _PAD, title, desc, body)


def grouped_lights(rows: Sequence[tuple[str, Mapping[str, int]]], title: str, *, heading: bool = True) -> str:
    """One stacked red / yellow / green bar per row (a work area, a unit), in the given order.

    The label is on the left, cut with … past about 12 Chinese characters (the whole label is
    kept in a <title> tooltip); after the bar the counts as 红N 黄N 绿N. Height grows with rows.
    """
    title = _clean(title)
    body: list[str] = []
    y = float(_PAD)
    if heading and title:
        body.append(_heading(title, y))
        y += _HEADING_H
    legend, legend_h = _legend([("box", LIGHT_COLOURS[k], LIGHT_LABELS[k]) for k in LIGHTS], y)
    body.extend(legend)
    y += legend_h + 4
    if not rows:
        body.append(_text(_PAD, _baseline(y, _ROW_H, _FONT_SIZE), NO_ROWS_TEXT, fill=_MUTED, cls="bh-none"))
        return _document(_WIDTH, y + _ROW_H + _PAD, title, NO_ROWS_TEXT, body)
    totals = dict.fromkeys(LIGHTS, 0)
    for raw_label, counts in rows:
        label = _clean(raw_label)
        n = _counts(counts)
        for k in LIGHTS:
            totals[k] += n[k]
        bar_y = y + (_ROW_H - _ROW_BAR_H) / 2
        after = " ".join(f"{_LIGHT_SHORT[k]}{n[k]}" for k in LIGHTS)
        body.append('<g class="bh-row">')
        body.append(_row_label(label, y))
        body.extend(_stack(n, _BAR_X, bar_y, _BAR_W, _ROW_BAR_H, f"{label}：", inside=False))
        body.append(_text(_AFTER_X, _baseline(y, _ROW_H, _FONT_SIZE), after, cls="bh-after"))
        body.append("</g>")
        y += _ROW_H
    desc = f"{len(rows)} 项，合计" + "，".join(f"{LIGHT_LABELS[k]} {totals[k]}" for k in LIGHTS)
    return _document(_WIDTH, y + _PAD, title, desc, body)


def progress_light(progress: float, time: float, *, yellow_gap: float = 0.10, red_gap: float = 0.30) -> Light:
    """The colour of a progress bar: red when progress lags time by more than `red_gap`, yellow
    by more than `yellow_gap`, else green (the thresholds of bihuan.track.status.Settings).

    The gap is rounded to 9 decimals first, so a lag of exactly ten points stays green even when
    the floats say 0.10000000000000003.
    """
    gap = round(time - progress, _EPSILON_DIGITS)
    if gap > red_gap:
        return "red"
    if gap > yellow_gap:
        return "yellow"
    return "green"


def progress_vs_time(
    rows: Sequence[tuple[str, float | None, float]],
    title: str,
    *,
    yellow_gap: float = 0.10,
    red_gap: float = 0.30,
    heading: bool = True,
) -> str:
    """Per row (label, progress share or None when not reported, share of time gone): the
    progress as a bar coloured by `progress_light`, the time as a vertical marker, both as
    percentages after the bar. A row with no progress shows a hatched grey bar saying 未报送.
    """
    if not (math.isfinite(yellow_gap) and math.isfinite(red_gap) and 0 <= yellow_gap <= red_gap):
        raise ValueError(f"need 0 <= yellow_gap <= red_gap, got {yellow_gap!r} and {red_gap!r}")
    title = _clean(title)
    body: list[str] = []
    y = float(_PAD)
    if heading and title:
        body.append(_heading(title, y))
        y += _HEADING_H
    legend, legend_h = _legend(
        [
            ("box", LIGHT_COLOURS["green"], "正常"),
            ("box", LIGHT_COLOURS["yellow"], f"落后超{_num(yellow_gap * 100)}个百分点"),
            ("box", LIGHT_COLOURS["red"], f"落后超{_num(red_gap * 100)}个百分点"),
            ("line", _TEXT, "时间进度"),
            ("hatch", _HATCH_FILL, UNREPORTED_TEXT),
        ],
        y,
    )
    body.extend(legend)
    y += legend_h + 4
    if not rows:
        body.append(_text(_PAD, _baseline(y, _ROW_H, _FONT_SIZE), NO_ROWS_TEXT, fill=_MUTED, cls="bh-none"))
        return _document(_WIDTH, y + _ROW_H + _PAD, title, NO_ROWS_TEXT, body)
    tally = dict.fromkeys(LIGHTS, 0)
    missing = 0
    for raw_label, raw_progress, raw_time in rows:
        label = _clean(raw_label)
        progress = _share(raw_progress)
        time = _share(raw_time) or 0.0
        bar_y = y + (_ROW_H - _ROW_BAR_H) / 2
        mid = _baseline(y, _ROW_H, _FONT_SIZE)
        body.append('<g class="bh-row">')
        body.append(_row_label(label, y))
        overlay: list[str] = []
        if progress is None:
            missing += 1
            body.append(
                _rect(
                    _BAR_X,
                    bar_y,
                    _BAR_W,
                    _ROW_BAR_H,
                    _HATCH_FILL,
                    "bh-unreported",
                    f"{label}：{UNREPORTED_TEXT}",
                )
            )
            body.append(_hatch(_BAR_X, bar_y, _BAR_W, _ROW_BAR_H))
            # Drawn after the time marker, with a halo, so the marker cannot hide it.
            overlay.append(
                _text(
                    _BAR_X + _BAR_W / 2,
                    _baseline(bar_y, _ROW_BAR_H, _FONT_SIZE),
                    UNREPORTED_TEXT,
                    fill=_MUTED,
                    anchor="middle",
                    cls="bh-unreported-text",
                    halo=_HATCH_FILL,
                )
            )
            after = f"时间{_pct(time)}"
        else:
            light = progress_light(progress, time, yellow_gap=yellow_gap, red_gap=red_gap)
            tally[light] += 1
            body.append(_rect(_BAR_X, bar_y, _BAR_W, _ROW_BAR_H, _TRACK, "bh-track"))
            body.append(
                _rect(
                    _BAR_X,
                    bar_y,
                    _BAR_W * progress,
                    _ROW_BAR_H,
                    LIGHT_COLOURS[light],
                    f"bh-progress bh-{light}",
                    f"{label}：进度 {_pct(progress)}，时间 {_pct(time)}",
                )
            )
            after = f"进度{_pct(progress)} 时间{_pct(time)}"
        mx = _BAR_X + _BAR_W * time
        body.append(
            f'<line class="bh-marker" x1="{_num(mx)}" y1="{_num(bar_y - 4)}" x2="{_num(mx)}" '
            f'y2="{_num(bar_y + _ROW_BAR_H + 4)}" stroke="{_TEXT}" stroke-width="2">'
            f"<title>{escape(f'{label}：时间进度 {_pct(time)}')}</title></line>"
        )
        body.extend(overlay)
        body.append(_text(_AFTER_X, mid, after, cls="bh-after"))
        body.append("</g>")
        y += _ROW_H
    parts = [f"{len(rows)} 项"]
    parts += [f"{LIGHT_LABELS[k]} {tally[k]}" for k in LIGHTS]
    if missing:
        parts.append(f"{UNREPORTED_TEXT} {missing}")
    return _document(_WIDTH, y + _PAD, title, "，".join(parts), body)
