"""Horizontal bar charts as PNG for the Word 通报 (Word shows no SVG on older versions): Pillow, with a CJK font
when the machine has one (Debian's fonts-noto-cjk), else Pillow's own font (labels then fall back to their digits)."""
from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

#: fonts tried in order; the first that exists draws the labels
CJK_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
WIDTH, ROW, MARGIN, LABEL_WIDTH, FONT_SIZE = 1200, 56, 24, 360, 28
BAR, TEXT = (31, 78, 140), (30, 30, 30)


@cache
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, FONT_SIZE)
    return ImageFont.load_default()


def bar_chart(rows: list[tuple[str, int]]) -> bytes:
    """One bar per (label, count), the longest for the largest count, the count written after it; a PNG."""
    height = MARGIN * 2 + ROW * max(1, len(rows))
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    font = _font()
    largest = max((count for _label, count in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - MARGIN * 2 - 120
    for index, (label, count) in enumerate(rows):
        top = MARGIN + index * ROW
        draw.text((MARGIN, top + 10), label[:12], fill=TEXT, font=font)
        length = round(room * count / largest)
        if length:
            draw.rectangle((LABEL_WIDTH, top + 8, LABEL_WIDTH + length, top + ROW - 8), fill=BAR)
        draw.text((LABEL_WIDTH + length + 12, top + 10), str(count), fill=TEXT, font=font)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
