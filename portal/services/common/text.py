"""The one text-cleaning function for free text typed by citizens and staff, and the dashes codes are written with."""
from __future__ import annotations

import re

#: C0 controls but tab, LF and CR, and DEL: never meaningful in stored text (PostgreSQL refuses NUL outright)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: zero-width and bidi control characters: invisible, and an RTL override makes a subject or name read backwards
#: to staff (U+202E before "txt.exe" shows it as "exe.txt"); no Chinese or English text needs them
INVISIBLE_CHARS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: hyphens and dashes people type or paste for "-" (also after NFKC: em dash, figure dash, minus sign…)
DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def clean_text(text: str | None) -> str:
    """Text as stored: control, zero-width and bidi characters removed, surrounding blanks stripped."""
    return INVISIBLE_CHARS.sub("", CONTROL_CHARS.sub("", text or "")).strip()
