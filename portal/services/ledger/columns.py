"""Excel column letters (A … XFD) and back: what rejections name, without loading openpyxl for it."""
from __future__ import annotations


def column_letter(index: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 1, AA → 27, XFD → 16384 (upper-case letters only)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index
