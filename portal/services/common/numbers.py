"""Numbers read from a request (ids, numbers, pages): ASCII digits that fit the database's integer column, or None.

str.isdigit() and int() accept digits of every script (᧚, ², ١٢) and any size; a database id column is a signed
32-bit integer on PostgreSQL. Every id, number and page taken from a URL, query string or form goes through here.
"""
from __future__ import annotations

#: the largest value of an INTEGER column (PostgreSQL's signed 32 bits)
DB_INT_MAX = 2_147_483_647


def parse_id(text: str | None) -> int | None:
    """A database id or number typed or posted as text; None unless it is plain ASCII digits within DB_INT_MAX."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(DB_INT_MAX)):
        return None
    value = int(text)
    return value if value <= DB_INT_MAX else None


def page_number(text: str | None) -> int:
    """The page asked for: 1 unless text is a page number from 1 up."""
    return max(parse_id(text) or 1, 1)
