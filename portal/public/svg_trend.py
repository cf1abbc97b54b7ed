"""Server-rendered SVG line chart of the completion rate over time (no JavaScript): the history's points joined by a
line, the reports' snapshots as squares; the page's table beside it carries every number."""
from __future__ import annotations

from datetime import date

from markupsafe import Markup

from ..services.ledger.trend import RatePoint

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 32
TICKS = (0, 25, 50, 75, 100)


def _x(day: date, first: date, last: date) -> float:
    span = (last - first).days
    if span <= 0:
        return LEFT + (WIDTH - LEFT - RIGHT) / 2
    return round(LEFT + (day - first).days / span * (WIDTH - LEFT - RIGHT), 1)


def _y(rate: str) -> float:
    return round(TOP + (1 - min(max(float(rate), 0.0), 100.0) / 100) * (HEIGHT - TOP - BOTTOM), 1)


def rate_chart(name: str, ledger: list[RatePoint], reports: list[RatePoint], describe: str) -> Markup:
    """The chart of at least one point; name is its accessible name, describe its text equivalent (the table below
    holds the points)."""
    days = [p.day for p in ledger + reports]
    first, last = min(days), max(days)
    grid = Markup("").join(
        Markup('<line class="chart-grid" x1="{l}" x2="{r}" y1="{y}" y2="{y}"/>'
               '<text class="chart-axis" x="{tx}" y="{ty}" text-anchor="end">{tick}%</text>').format(
            l=LEFT, r=WIDTH - RIGHT, y=_y(str(tick)), tx=LEFT - 6, ty=_y(str(tick)) + 4, tick=tick)
        for tick in TICKS)
    ends = [(first, "middle")] if first == last else [(first, "start"), (last, "end")]
    axis = Markup("").join(
        Markup('<text class="chart-axis" x="{x}" y="{y}" text-anchor="{anchor}">{day}</text>').format(
            x=_x(day, first, last), y=HEIGHT - 10, anchor=anchor, day=day.isoformat())
        for day, anchor in ends)
    line = Markup('<polyline class="chart-line" points="{points}"/>').format(
        points=" ".join(f"{_x(p.day, first, last)},{_y(p.rate)}" for p in ledger)) if len(ledger) > 1 else Markup("")
    dots = Markup("").join(
        Markup('<circle class="chart-point" cx="{x}" cy="{y}" r="4"/>').format(x=_x(p.day, first, last), y=_y(p.rate))
        for p in ledger)
    squares = Markup("").join(
        Markup('<rect class="chart-report" x="{x}" y="{y}" width="9" height="9"/>').format(
            x=_x(p.day, first, last) - 4.5, y=_y(p.rate) - 4.5)
        for p in reports)
    return Markup(
        '<svg class="chart trend-chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="trend-title trend-desc">'
        '<title id="trend-title">{name}</title><desc id="trend-desc">{describe}</desc>'
        "{grid}{axis}{line}{dots}{squares}</svg>"
    ).format(w=WIDTH, h=HEIGHT, name=name, describe=describe, grid=grid, axis=axis, line=line, dots=dots,
             squares=squares)
