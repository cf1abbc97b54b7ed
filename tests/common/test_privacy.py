"""Masking for display: a masked phone, name or address never gives away more than its rule shows."""
from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.services.common.privacy import mask_address, mask_email, mask_name, mask_phone


@pytest.mark.parametrize(("typed", "shown"), [
    ("13800001762", "138****1762"),
    ("13800001762-1", "138****1762-*"),
    ("0931 8821762-9", "0931-****762-*"),
    ("0931-8821762", "0931-****762"),
    ("(0931)8821762", "0931-****762"),
    ("（０９３１）８８２１７６２", "0931-****762"),
    ("010-12345678", "010-*****678"),
    ("(010) 1234 5678", "010-*****678"),
    ("09318821762", "0931-****762"),
    ("09318821762-9", "0931-****762-*"),
    ("8821762-9", "****762-*"),
    ("+86 138 0000 1762", "138****1762"),
    ("0086-13800001762", "138****1762"),
    ("8613800001762", "138****1762"),
    ("１３８００００１７６２", "138****1762"),
    ("8821762", "****762"),
    ("12345", "*****"),
    ("0571-123", "****-***"),
    ("0931", "****"),
    ("0931-123456789", "****-*********"),
    ("0931123456789", "*************"),
    ("0931-882176", "****-******"),
    ("010-1234567", "010-****567"),
    ("0101234567", "010-****567"),
    ("123456789", "*********"),
    ("234567891", "*********"),
    ("0123456", "*******"),
    ("88217621", "*****621"),
    ("13800001762 13900001234", "138****1762 139****1234"),
    ("13800001762/0931-8821762转123", "138****1762/0931-****762转***"),
    ("手机13800001762，办公0931 8821762", "手机138****1762，办公0931-****762"),
    ("Tel: +86-13800001762 (office)", "Tel: 138****1762 (office)"),
    ("1380000a1762", "*******a****"),
    ("2138138+13800001762", "****138+138****1762"),
    ("1380000176213900001234", "*" * 22),
    ("", ""),
    (None, ""),
])
def test_phone_masks_show_only_what_the_rule_allows(typed, shown):
    assert mask_phone(typed) == shown


def _digits(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(c)) for c in folded if c.isdecimal())


#: what a rule may show: a mobile's first 3 and last 4 (around its four stars), a landline's area code
_ALLOWED = re.compile(r"(?<![0-9])1[0-9]{2}\*{4}[0-9]{4}(?![0-9])|(?<![0-9])0[0-9]{2,3}-(?=\*)")
_PIECES = [*"0123456789０１２３４５６７８９ -+()（）－—.转abcx电话/，、", "+86 ", "138", "0931", "010", "8821762",
           "13800001762", "١٢٣"]
_FIELD = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=20).map("".join)


@given(_FIELD.filter(lambda s: any(c.isdecimal() for c in s)))
@settings(max_examples=400, deadline=None)
def test_no_masked_phone_shows_a_digit_run_of_the_input(typed):
    masked = mask_phone(typed)
    rest = _ALLOWED.sub("#", masked)
    for run in re.findall(r"[0-9]{4,}", rest):
        assert run not in _digits(typed), (typed, masked)
    assert not re.search(r"[0-9]{4,}", rest), (typed, masked)
    assert all(c in "0123456789" for c in masked if c.isdecimal())


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "-", "—"]),
       st.from_regex(r"[0-9]{1,6}", fullmatch=True))
def test_a_mobile_with_an_extension_shows_first_three_and_last_four(mobile, joiner, extension):
    masked = mask_phone(f"{mobile}{joiner}{extension}" if joiner else mobile)
    assert masked.startswith(f"{mobile[:3]}****{mobile[-4:]}")
    assert re.sub(r"[^0-9]", "", masked) == mobile[:3] + mobile[-4:]


@pytest.mark.parametrize(("name", "shown"), [("张", "*"), ("张三", "张*"), ("欧阳娜娜", "欧***"), ("", ""), (None, "")])
def test_names_keep_only_the_first_character(name, shown):
    assert mask_name(name) == shown


@pytest.mark.parametrize(("address", "shown"), [
    ("北京市朝阳区", "北京市****"),
    ("北京市朝阳区建国路1号", "北京市朝阳****"),
    ("甘肃省兰州市七里河区西津西路16号", "甘肃省兰州市****"),
    ("兰州", "兰****"),
    ("某", "****"),
    (None, ""),
])
def test_addresses_show_at_most_half_and_six_characters(address, shown):
    assert mask_address(address) == shown


def test_email_keeps_the_first_letter_and_the_domain():
    assert mask_email("zhangsan@163.com") == "z***@163.com"
    assert mask_email("not an address") == "" and mask_email(None) == ""
