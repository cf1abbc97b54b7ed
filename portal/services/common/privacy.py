"""The one place that masks personal data for display: 138****1762, z***@163.com, 张*."""
from __future__ import annotations

import re


def mask_phone(phone: str | None) -> str:
    """Keep the first 3 and last 4 digits of a mobile, the area code and last 3 of a landline."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if "-" in phone:
        area, _, number = phone.partition("-")
        return f"{area}-{'*' * max(len(number) - 3, 1)}{number[-3:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return f"{digits[:2]}{'*' * (len(digits) - 5)}{digits[-3:]}"


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_address(address: str | None) -> str:
    if not address:
        return ""
    return address[:6] + "****" if len(address) > 6 else "****"
