"""Small charts as server-rendered SVG: horizontal bars, stacked bars and lines.

Each builder returns markup safe to include in a template (every text escaped).
The content-security policy forbids inline styles, so the SVG carries only
presentation attributes (``fill``, ``stroke``, ``font-size``) and CSS classes;
text takes the page's colour through ``currentColor``. Charts are accessible
images: ``role="img"``, a ``<title>`` that names them (``aria-labelledby``) and
``aria-describedby`` pointing to the table of the same data, which a page
always shows beside the chart (a chart is never the only way to the numbers).
Each bar and point has its own ``<title>`` (the tooltip of a pointer).

The SVG has a ``viewBox`` and ``width="100%"``, so it scales to the column it
is in, a tablet's included.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Colours told apart by people with the common colour-vision deficiencies
#: (Okabe and Ito), each with a contrast of at least 3:1 on white.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#8C6D31",
    "#5D3A9B",
    "#B8860B",
    "#666666",
)
WIDTH = 720
ROW = 24
FONT = 12
LABEL_CHARS = 30

_counter = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Series:
    """One named series of values, one per label of the chart."""

    name: str
    values: Sequence[float]


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _open(title: str, table_id: str, height: int, kind: str) -> tuple[str, str]:
    uid = f"chart-{next(_counter)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{uid}-title" aria-describedby="{escape(table_id)}" '
        f'font-size="{FONT}" font-family="inherit">'
        f'<title id="{uid}-title">{escape(title)}</title>'
    )
    return uid, head


def _ticks(top: float, count: int = 4) -> list[float]:
    """Round steps from 0 to at least ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def _legend(names: Sequence[str], y: int) -> str:
    parts = []
    x = 0
    for index, name in enumerate(names):
        label = _short(name, 28)
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour(index)}"/>'
            f'<text x="{x + 16}" y="{y}" fill="currentColor">{escape(label)}</text>'
        )
        x += 16 + len(label) * 7 + 18
        if x > WIDTH - 160 and index < len(names) - 1:
            x = 0
            y += 18
    return "".join(parts)


def _legend_height(names: Sequence[str]) -> int:
    lines, x = 1, 0
    for index, name in enumerate(names):
        x += 16 + len(_short(name, 28)) * 7 + 18
        if x > WIDTH - 160 and index < len(names) - 1:
            x, lines = 0, lines + 1
    return lines * 18 + 16


def bar_chart(
    *, title: str, labels: Sequence[str], values: Sequence[float], table_id: str
) -> SafeString:
    """Horizontal bars, one per label, with the value at the end of each."""
    if len(labels) != len(values):
        raise ValueError("one value per label")
    left, right = 220, 60
    height = max(1, len(labels)) * ROW + 8
    _uid, head = _open(title, table_id, height, "bar")
    top = max([*values, 0]) or 1
    span = WIDTH - left - right
    parts = [head]
    for row, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = row * ROW + 4
        length = span * value / top
        parts.append(
            f'<g class="chart-row"><title>{escape(label)}: {_number(value)}</title>'
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="currentColor">'
            f"{escape(_short(label))}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="{ROW - 8}" '
            f'fill="{colour(0)}"/>'
            f'<text x="{left + length + 6:.1f}" y="{y + 15}" fill="currentColor">'
            f"{_number(value)}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text escaped above


def stacked_bar_chart(
    *, title: str, labels: Sequence[str], series: Sequence[Series], table_id: str
) -> SafeString:
    """Horizontal bars, one per label, each split into the series (a legend on top)."""
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.name!r}: one value per label")
    left, right = 220, 60
    legend = _legend_height([one.name for one in series])
    height = legend + max(1, len(labels)) * ROW + 8
    _uid, head = _open(title, table_id, height, "stacked")
    totals = [sum(one.values[row] for one in series) for row in range(len(labels))]
    top = max([*totals, 0]) or 1
    span = WIDTH - left - right
    parts = [head, _legend([one.name for one in series], 14)]
    for row, label in enumerate(labels):
        y = legend + row * ROW + 4
        x = float(left)
        parts.append(
            f'<g class="chart-row"><text x="{left - 8}" y="{y + 15}" text-anchor="end" '
            f'fill="currentColor"><title>{escape(label)}</title>{escape(_short(label))}</text>'
        )
        for index, one in enumerate(series):
            value = one.values[row]
            if value <= 0:
                continue
            length = span * value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{length:.1f}" height="{ROW - 8}" '
                f'fill="{colour(index)}" stroke="#ffffff" stroke-width="0.5">'
                f"<title>{escape(label)}, {escape(one.name)}: {_number(value)}</title></rect>"
            )
            x += length
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + 15}" fill="currentColor">'
            f"{_number(totals[row])}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text escaped above


def line_chart(
    *, title: str, labels: Sequence[str], series: Sequence[Series], table_id: str
) -> SafeString:
    """Lines over the labels (months, left to right), one per series, with a y axis."""
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.name!r}: one value per label")
    left, right, bottom = 48, 36, 40
    legend = _legend_height([one.name for one in series])
    plot = 220
    height = legend + plot + bottom
    _uid, head = _open(title, table_id, height, "line")
    top_value = max([value for one in series for value in one.values] + [0])
    ticks = _ticks(top_value)
    top = ticks[-1] or 1
    span = WIDTH - left - right
    step = span / max(1, len(labels) - 1)

    def y_of(value: float) -> float:
        return legend + plot - plot * value / top

    parts = [head, _legend([one.name for one in series], 14)]
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d0d4d9" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="currentColor">'
            f"{_number(tick)}</text>"
        )
    widest = max((len(_short(label, 10)) for label in labels), default=1) * 7 + 10
    every = max(1, math.ceil(widest / step)) if len(labels) > 1 else 1
    for index, label in enumerate(labels):
        if index % every == 0:
            parts.append(
                f'<text x="{left + index * step:.1f}" y="{legend + plot + 18}" '
                f'text-anchor="middle" fill="currentColor">{escape(_short(label, 10))}</text>'
            )
    for number, one in enumerate(series):
        points = " ".join(
            f"{left + index * step:.1f},{y_of(value):.1f}" for index, value in enumerate(one.values)
        )
        parts.append(
            f'<g class="chart-series"><polyline points="{points}" fill="none" '
            f'stroke="{colour(number)}" stroke-width="2"/>'
        )
        for index, value in enumerate(one.values):
            parts.append(
                f'<circle cx="{left + index * step:.1f}" cy="{y_of(value):.1f}" r="3" '
                f'fill="{colour(number)}"><title>{escape(one.name)}, {escape(labels[index])}: '
                f"{_number(value)}</title></circle>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text escaped above
