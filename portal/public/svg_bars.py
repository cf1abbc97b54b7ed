"""Server-rendered SVG progress bars (no JavaScript); the numbers they draw come from the figures module."""
from __future__ import annotations

from markupsafe import Markup

WIDTH = 100
HEIGHT = 10


def filled_width(part: int, whole: int) -> float:
    """How much of the bar's width part of whole fills, clamped to the bar."""
    if whole <= 0:
        return 0.0
    return round(min(max(part / whole, 0.0), 1.0) * WIDTH, 2)


def progress_bar(part: int, whole: int, label: str) -> Markup:
    """A horizontal bar filled part/whole, stretched to its box by CSS; label is its accessible name."""
    return Markup(
        '<svg class="bar" viewBox="0 0 {w} {h}" preserveAspectRatio="none" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<rect class="bar-rest" width="{w}" height="{h}"/>'
        '<rect class="bar-done" width="{filled}" height="{h}"/>'
        "</svg>"
    ).format(w=WIDTH, h=HEIGHT, filled=filled_width(part, whole), label=label)
