"""The intake forms' tokens a browser has submitted, kept in its session so the result page after the 303 can find
what they created (portal.services.feedback.receipts holds the rule)."""
from __future__ import annotations

from flask import session

from .services.feedback import receipts

KEY = "intake_receipts"
#: the last few submissions of one browser (several tabs), no more
KEEP = 5


def remember(token: str) -> None:
    session[KEY] = [token, *[t for t in remembered() if t != token]][:KEEP]


def remembered() -> list[str]:
    value = session.get(KEY)
    return [t for t in value if isinstance(t, str) and receipts.is_token(t)] if isinstance(value, list) else []
