"""The one place that masks personal data for display: 138****1762, 0931-****762, z***@163.com, 张*.

A phone field is whatever the submitter typed: extensions, spaces, +86, brackets, full-width digits, words, several
numbers. The masked form is built from the digits alone, so nothing typed is echoed except the digits a rule shows:
the first 3 and last 4 of a mobile, the area code and last 3 of a landline. Every other digit becomes a star.
"""
from __future__ import annotations

import re
import unicodedata

#: what may stand between the parts of one number: 138 0000 1762, (0931)8821762, 0931-8821762
_JOINER = re.compile(r"[\s\-\u2010-\u2015.()]*")
_BRACKETS = "()"
#: one stretch of numbers as typed, with a + or brackets around it (dropped: the masked form writes its own); a +
#: right after another number stays, so two masked numbers never run into one (2138138+138… → ****138+138…)
_RUN = re.compile(rf"(?:(?<![0-9])\+)?[(]?[0-9](?:{_JOINER.pattern}[0-9])*[)]?")
_COUNTRY_CODES = ("86", "0086")


def _ascii(char: str) -> str:
    """Full-width, circled and other Unicode digits, brackets and dashes read as ASCII, so every digit is seen as
    a digit; other characters (a full-width comma, Chinese) stay as typed."""
    folded = unicodedata.normalize("NFKC", char)
    if folded.isdecimal():
        return "".join(str(unicodedata.decimal(c)) for c in folded)
    return folded if folded in ("(", ")", "-", "+", ".", " ") else char


def _area_split(digits: str) -> tuple[str, str] | None:
    """0931|8821762: 010 and 02x have 3-digit area codes, the rest 4; the local number has 7 or 8 digits."""
    if not digits.startswith("0"):
        return None
    cut = 3 if digits[1:2] in ("1", "2") else 4
    return (digits[:cut], digits[cut:]) if 7 <= len(digits) - cut <= 8 else None


def _local(number: str) -> str:
    """A local landline number: stars, then its last 3 digits."""
    return "*" * (len(number) - 3) + number[-3:]


def _mobile(groups: list[str], start: int) -> int:
    """How many groups from start spell an 11-digit mobile (a +86 in front included), 0 if they do not."""
    taken, digits = 0, ""
    while start + taken < len(groups) and len(digits) < 11:
        digits += groups[start + taken]
        taken += 1
    for code in ("", *_COUNTRY_CODES):
        if digits.startswith(code) and len(digits) - len(code) == 11 and digits[len(code)] == "1":
            return taken
    return 0


def _units(groups: list[str]) -> list[tuple[int, str]]:
    """The digit groups of one run read as numbers: (how many groups, masked form), in order."""
    units, position = [], 0
    while position < len(groups):
        units.append(_unit(groups, position))
        position += units[-1][0]
    return units


def _unit(groups: list[str], start: int) -> tuple[int, str]:
    """The number that starts at groups[start]: a mobile, an area code and its number, a local number, or
    anything else (stars only)."""
    group = groups[start]
    taken = _mobile(groups, start)
    if taken:
        digits = "".join(groups[start:start + taken])[-11:]
        return taken, f"{digits[:3]}****{digits[-4:]}"
    local, taken = "", 1
    while start + taken < len(groups) and len(local) < 7:
        local += groups[start + taken]
        taken += 1
    split = _area_split(group + local)
    if local and split and split[0] == group:
        return taken, f"{group}-{_local(local)}"
    split = _area_split(group)
    if split:
        return 1, f"{split[0]}-{_local(split[1])}"
    if 7 <= len(group) <= 8 and group[0] not in "01":
        return 1, _local(group)
    return 1, "*" * len(group)


def _mask_run(run: str) -> str:
    """One stretch of digits and joiners: each number masked, kept apart by what separated it (a space at least)."""
    parts = re.split(r"([0-9]+)", run)
    groups, joiners = parts[1::2], parts[2::2]
    pieces, index = [], 0
    for taken, masked in _units(groups):
        pieces.append(masked)
        index += taken
        if index < len(groups):
            pieces.append(joiners[index - 1].strip(_BRACKETS).strip() or " ")
    return "".join(pieces)


def mask_phone(phone: str | None) -> str:
    """Every number in the field masked: a mobile keeps its first 3 and last 4 digits, a landline its area code
    and last 3; short numbers, extensions and anything else lose every digit."""
    if not phone:
        return ""
    text = "".join(map(_ascii, phone)).strip()
    return _RUN.sub(lambda m: _mask_run(m.group()), text).strip()


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(name: str | None) -> str:
    """张* for 张三, 欧** for 欧阳娜娜; a one-character name is a star, not itself."""
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_address(address: str | None) -> str:
    """The first part only, never more than half of it and at most 6 characters: 兰州市城关区****."""
    if not address:
        return ""
    return address[:min(6, len(address) // 2)] + "****"
