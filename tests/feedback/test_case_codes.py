"""Case numbers and query codes as citizens type them: dashes of every width, spaces, lower case."""
from __future__ import annotations

import pytest

from portal.services.feedback.case_codes import (
    ALPHABET,
    CASE_NUMBER,
    CODE_LENGTH,
    case_number,
    code_matches,
    hash_query_code,
    new_query_code,
    normalise_case_number,
    normalise_code,
)


@pytest.mark.parametrize("typed", ["GH-2021-000123", "gh-2021-000123", "GH—2021—000123", "GH－2021－000123",
                                   " GH - 2021 - 000123 ", "GH-2021-\u3000000123", "gh\t-2021-000123\n"])
def test_a_case_number_typed_with_em_dashes_full_width_hyphens_or_spaces_is_found(typed):
    assert normalise_case_number(typed) == "GH-2021-000123"
    assert CASE_NUMBER.match(normalise_case_number(typed))


def test_case_numbers_are_zero_padded_to_six_digits():
    assert case_number("GH", 2021, 123) == "GH-2021-000123"
    assert case_number("GH", 2021, 1234567) == "GH-2021-1234567"
    assert not CASE_NUMBER.match("GH-2021-00123") and CASE_NUMBER.match("GH-2021-1234567")
    assert normalise_case_number("") == "" and normalise_case_number(None) == ""  # type: ignore[arg-type]


def test_query_codes_avoid_characters_misheard_over_the_phone():
    codes = {new_query_code() for _ in range(50)}
    assert all(len(code) == CODE_LENGTH == 8 and set(code) <= set(ALPHABET) for code in codes)
    assert len(codes) == 50 and not set("01OIL") & set(ALPHABET)


def test_a_query_code_matches_however_it_is_typed_and_only_under_its_key():
    stored = hash_query_code("ABCD2345", "key")
    assert code_matches("abcd-2345", stored, "key") and code_matches(" ab cd 23 45 ", stored, "key")
    assert not code_matches("ABCD2346", stored, "key") and not code_matches("ABCD2345", stored, "other")
    assert normalise_code(None) == "" and len(stored) == 64  # type: ignore[arg-type]
