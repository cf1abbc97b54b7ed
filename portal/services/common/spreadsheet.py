"""Text cells written for spreadsheet programs, which run a cell starting with = + - @ as a formula (CSV injection)."""
from __future__ import annotations

#: the characters Excel, WPS and LibreOffice start a formula with, or that hide one behind them
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def formula_safe(text: str) -> str:
    """'=1+1 for =1+1: a leading apostrophe makes a spreadsheet show the text rather than run it.

    Text that already starts with apostrophes before such a character gets one more, so unquoted() restores any text
    exactly — an exported ledger re-imports as it was."""
    return QUOTE + text if text.lstrip(QUOTE).startswith(FORMULA_STARTS) else text


def unquoted(text: str) -> str:
    """The text formula_safe() was given."""
    return text[1:] if text.startswith(QUOTE) and text.lstrip(QUOTE).startswith(FORMULA_STARTS) else text
