"""Email addresses: exactly one bare mailbox, checked by a real parser (email-validator) and kept in one form.

A pattern like ``[^@]+@[^@]+`` lets through ``a<attacker@evil.example>``, which a mail library then reads as a
display name and sends to attacker@evil.example. Every address the portal stores or mails to passes here: no display
name, no list, no quoted local part, no line break, no address literal, no part longer than the RFCs allow. The
domain may be internationalised and is kept in its ASCII (IDNA) form, which is what SMTP delivers to. The .test
domain (RFC 6761, what the tests and benchmarks use) is accepted; other reserved names (localhost, .invalid) are not.
"""
from __future__ import annotations

from functools import lru_cache


#: an ingested email checks its sender's address five times (intake, contact, acknowledgement, outbox): remembered
@lru_cache(maxsize=4096)
def normalized(address: str | None) -> str | None:
    """The address as stored and mailed to (domain lowercased, in ASCII), or None when it is not one valid mailbox."""
    from email_validator import EmailNotValidError, validate_email  # loaded on first use, not with every command

    address = (address or "").strip()
    if not address or any(ch in address for ch in "\r\n\x00"):
        return None
    try:
        checked = validate_email(address, check_deliverability=False, allow_smtputf8=False, allow_display_name=False,
                                 allow_quoted_local=False, allow_domain_literal=False, strict=True,
                                 test_environment=True)
    except EmailNotValidError:
        return None
    return checked.ascii_email


def is_bare(address: str | None) -> bool:
    """Whether address is one valid mailbox and nothing around it: what the outbox accepts and sends to as it is.

    Case and a Unicode domain may differ from the stored form (rows from before this check); a display name, a list,
    a line break or a quoted local part never pass.
    """
    return address is not None and address == address.strip() and normalized(address) is not None
