"""Server-rendered SVG bar charts for /staff/stats (no JavaScript); a data table beside each carries the numbers."""
from __future__ import annotations

from markupsafe import Markup

LABEL_WIDTH = 150
BAR_WIDTH = 260
VALUE_WIDTH = 70
ROW = 26


def bar_chart(name: str, bars: list[tuple[str, float]], unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value), scaled to the largest value; name is the accessible name."""
    largest = max((value for _, value in bars), default=0) or 1
    height = max(len(bars), 1) * ROW
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    rows = Markup("").join(
        Markup('<g transform="translate(0 {y})"><text class="chart-label" x="{lx}" y="17" text-anchor="end">{label}'
               '</text><rect class="chart-bar" x="{bx}" y="4" width="{w}" height="{h}"/>'
               '<text class="chart-value" x="{vx}" y="17">{value}{unit}</text></g>').format(
            y=i * ROW, lx=LABEL_WIDTH - 8, label=label, bx=LABEL_WIDTH, w=round(BAR_WIDTH * max(value, 0) / largest, 1),
            h=ROW - 8, vx=LABEL_WIDTH + round(BAR_WIDTH * max(value, 0) / largest, 1) + 6,
            value=_number(value), unit=unit)
        for i, (label, value) in enumerate(bars))
    return Markup(
        '<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-label="{name}"><title>{name}</title>{rows}</svg>'
    ).format(width=width, height=height, name=name, rows=rows)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
