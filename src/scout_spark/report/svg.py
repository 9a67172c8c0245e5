"""Inline SVG charts drawn from plain values: horizontal bars and lines over time.

No JavaScript: hovering a bar or point shows its SVG <title>. Every label is escaped.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from scout_spark.report.text import Html, as_utc, esc, number_text, shorten

FAILED_COLOR = "#c62828"
_AXIS, _GRID, _INK = "#9aa3af", "#e5e7eb", "#374151"
_FONT = 'font-family="inherit" font-size="12"'


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value (>= 0) and colour."""

    label: str
    value: float
    color: str = "#4c78a8"


@dataclass(frozen=True)
class Point:
    """One point of a line: when, how much, whether its run failed, and a hover note."""

    at: datetime
    value: float
    is_failed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Series:
    """A named, coloured line of points."""

    name: str
    color: str
    points: tuple[Point, ...]


def nice_step(span: float, count: int) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that splits `span` in <= `count`."""
    raw = span / max(count, 1)
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 2.5, 5.0):
        if raw <= multiple * power * (1 + 1e-9):
            return multiple * power
    return 10.0 * power


def axis_ticks(low: float, high: float, *, count: int = 4, unit: float = 1.0) -> list[float]:
    """Round tick values (in steps round in `unit`s) from at most `low` to at least `high`."""
    low_u, high_u = low / unit, max(high, low) / unit
    step = nice_step(high_u - low_u, count) if high_u > low_u else 1.0
    start = math.floor(low_u / step + 1e-9) * step
    end = max(math.ceil(high_u / step - 1e-9) * step, start + step)
    return [(start + i * step) * unit for i in range(round((end - start) / step) + 1)]


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{esc(title)}"><title>{esc(title)}</title>'
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    width: int = 1100,
    value_text: Callable[[float], str] = number_text,
    label_width: int = 260,
) -> Html:
    """Horizontal bars, one per row, widths proportional to value (the largest fills)."""
    if not bars:
        return Html("")
    row_h, bar_h, pad, value_w = 26, 18, 8, 120
    plot_w = width - label_width - value_w
    height = len(bars) * row_h + 2 * pad
    top = max(max(b.value for b in bars), 0.0)
    out = [_open(width, height, title)]
    for i, bar in enumerate(bars):
        y = pad + i * row_h
        w = 0.0 if top <= 0 else max(bar.value, 0.0) / top * plot_w
        shown = value_text(bar.value)
        out.append(
            f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end" {_FONT} '
            f'fill="{_INK}">{esc(shorten(bar.label, 40))}</text>'
            f'<rect class="bar" x="{label_width}" y="{y}" width="{w:.2f}" height="{bar_h}" '
            f'rx="3" fill="{esc(bar.color)}" data-value="{bar.value!r}">'
            f"<title>{esc(bar.label)}: {esc(shown)}</title></rect>"
            f'<text x="{label_width + w + 6:.2f}" y="{y + 13}" {_FONT} '
            f'fill="{_INK}">{esc(shown)}</text>'
        )
    out.append(
        f'<line x1="{label_width}" y1="{pad - 2}" x2="{label_width}" '
        f'y2="{height - pad + 2}" stroke="{_AXIS}"/></svg>'
    )
    return Html("".join(out))


def _time_label(epoch: float, span: float) -> str:
    at = datetime.fromtimestamp(epoch, UTC)
    return at.strftime("%b %d" if span > 3 * 86400 else "%m-%d %H:%M")


def _legend(series: Sequence[Series], left: int) -> str:
    out, x = [], left
    for s in series:
        out.append(
            f'<rect x="{x}" y="8" width="12" height="12" rx="2" fill="{esc(s.color)}"/>'
            f'<text x="{x + 17}" y="18" {_FONT} fill="{_INK}">{esc(s.name)}</text>'
        )
        x += 40 + 7 * len(s.name)
    return "".join(out)


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    y_text: Callable[[float], str] = number_text,
    width: int = 1100,
    height: int = 320,
    y_min: float = 0.0,
    y_max: float | None = None,
    y_unit: float = 1.0,
) -> Html:
    """Lines over time, one per series; failed points ringed in red. The y axis runs from
    y_min (or below) to y_max (default: the largest value), ticks round in `y_unit`s."""
    points = [p for s in series for p in s.points]
    if not points:
        return Html("")
    left, right, top, bottom = 84, 24, 34, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    times = [p.at.timestamp() for p in points]
    x0, x1 = min(times), max(times)
    if x1 - x0 < 60:  # one instant: centre it in a one-hour window
        x0, x1 = x0 - 1800, x1 + 1800
    top_value = y_max if y_max is not None else max(p.value for p in points)
    ticks = axis_ticks(y_min, top_value, unit=y_unit)
    low, high = ticks[0], ticks[-1]

    def px(epoch: float) -> float:
        return left + (epoch - x0) / (x1 - x0) * plot_w

    def py(value: float) -> float:
        clamped = min(max(value, low), high)
        return top + plot_h - (clamped - low) / (high - low) * plot_h

    out = [_open(width, height, title), _legend(series, left)]
    for value in ticks:
        y = py(value)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{_GRID}"/><text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" '
            f'{_FONT} fill="{_INK}">{esc(y_text(value))}</text>'
        )
    for i in range(5):
        epoch = x0 + (x1 - x0) * i / 4
        anchor = ("start", "middle", "middle", "middle", "end")[i]
        out.append(
            f'<text x="{px(epoch):.1f}" y="{height - 12}" text-anchor="{anchor}" {_FONT} '
            f'fill="{_INK}">{esc(_time_label(epoch, x1 - x0))}</text>'
        )
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{_AXIS}"/>'
    )
    for s in series:
        ordered = sorted(s.points, key=lambda p: p.at.timestamp())
        if len(ordered) > 1:
            coords = " ".join(f"{px(p.at.timestamp()):.1f},{py(p.value):.1f}" for p in ordered)
            out.append(
                f'<polyline class="line" points="{coords}" fill="none" '
                f'stroke="{esc(s.color)}" stroke-width="2"/>'
            )
        for p in ordered:
            fill, ring = (FAILED_COLOR, "#ffffff") if p.is_failed else (s.color, s.color)
            note = f" ({p.note})" if p.note else ""
            out.append(
                f'<circle class="point" cx="{px(p.at.timestamp()):.1f}" cy="{py(p.value):.1f}" '
                f'r="{5 if p.is_failed else 3.5}" fill="{esc(fill)}" stroke="{esc(ring)}">'
                f"<title>{esc(s.name)} {esc(as_utc(p.at).strftime('%Y-%m-%d %H:%M'))}: "
                f"{esc(y_text(p.value))}{esc(note)}</title></circle>"
            )
    out.append("</svg>")
    return Html("".join(out))
