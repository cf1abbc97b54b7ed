"""The one text-cleaning function and the parsing of numbers from requests."""
from __future__ import annotations

import pytest

from portal.services.common.numbers import DB_INT_MAX, page_number, parse_id
from portal.services.common.text import clean_text


@pytest.mark.parametrize("typed, stored", [
    ("  整改\x00进度\x07 ", "整改进度"),
    ("第一行\r\n第二行\t完", "第一行\r\n第二行\t完"),
    ("\u202eexe.txt", "exe.txt"),
    ("张\u200b三\u200d\ufeff", "张三"),
    ("\u2066隔离\u2069\u200e\u200f\u202a\u202c", "隔离"),
    (None, ""),
])
def test_clean_text_removes_control_zero_width_and_bidi_characters(typed, stored):
    assert clean_text(typed) == stored


@pytest.mark.parametrize("text, number", [
    ("12", 12), (" 7 ", 7), ("0", 0), (str(DB_INT_MAX), DB_INT_MAX), (str(DB_INT_MAX + 1), None),
    ("99999999999999999999", None), ("᧚", None), ("²", None), ("١٢", None), ("-3", None), ("1e20", None),
    ("abc", None), ("", None), (None, None),
])
def test_parse_id_takes_ascii_digits_within_the_database_range(text, number):
    assert parse_id(text) == number


@pytest.mark.parametrize("text, page", [("3", 3), ("0", 1), ("-2", 1), ("1e20", 1), ("²", 1), (None, 1),
                                        ("2147483648", 1)])
def test_page_number_defaults_to_the_first_page(text, page):
    assert page_number(text) == page
