"""Submitting an intake form once: the form carries a random token, the first POST with it creates the item and a
receipt, every later POST with it (a double click, a reload, the back button) finds the receipt and creates nothing.

The POST answers 303 to a result page; the browser's session holds the token, the database only its SHA-256 digest.
The result page shows the query code the first time it is opened after the POST and clears it; the code is never in
a URL or the session cookie (Flask only signs the cookie), and it stays in the database at most CODE_MINUTES when the
result page is never opened. Receipts are kept KEEP_HOURS, long enough to catch a form re-sent from the history.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import FeedbackItem, IntakeReceipt

CODE_MINUTES = 30
KEEP_HOURS = 24
#: a form token is 32 URL-safe characters; anything else is not one of ours
TOKEN_LENGTH = 32


@dataclass(frozen=True)
class Result:
    """What the result page shows: the item, and its query code the first time only."""

    item: FeedbackItem
    code: str | None


def new_token() -> str:
    """A fresh token for one rendering of an intake form."""
    return secrets.token_urlsafe(24)


def is_token(value: str | None) -> bool:
    return value is not None and len(value) == TOKEN_LENGTH and value.isascii() and value.isprintable()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def created_by(session: Session, token: str) -> FeedbackItem | None:
    """The item the form with this token already created, if any."""
    receipt = session.scalar(select(IntakeReceipt).where(IntakeReceipt.token_hash == _digest(token)))
    return session.get(FeedbackItem, receipt.item_id) if receipt else None


def submit_once(session: Session, token: str, create: Callable[[], tuple[FeedbackItem, str]],
                now: datetime | None = None) -> tuple[FeedbackItem, bool]:
    """(item, created): the item this form's token created before, or a new one made by create() with its receipt.
    create may raise, and the caller then rolls back. When another request with the same token wins the race, this
    one's transaction is rolled back here (its new item with it) and the winner's item is returned."""
    earlier = created_by(session, token)
    if earlier is not None:
        return earlier, False
    item, code = create()
    session.add(IntakeReceipt(token_hash=_digest(token), item_id=item.id, code=code, created_at=now or
                              datetime.now(UTC)))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        winner = created_by(session, token)
        if winner is None:
            raise
        return winner, False
    return item, True


def take(session: Session, tokens: list[str], case_number: str, now: datetime | None = None) -> Result | None:
    """The result for the case a form with one of these tokens created: the item, with its query code if the page
    has not shown it before (then cleared); None when none of the tokens created that case."""
    now = now or datetime.now(UTC)
    receipt = session.scalar(
        select(IntakeReceipt).join(FeedbackItem, FeedbackItem.id == IntakeReceipt.item_id)
        .where(IntakeReceipt.token_hash.in_([_digest(token) for token in tokens if is_token(token)]),
               FeedbackItem.case_number == case_number,
               IntakeReceipt.created_at >= now - timedelta(hours=KEEP_HOURS)))
    if receipt is None:
        return None
    fresh = receipt.created_at >= now - timedelta(minutes=CODE_MINUTES)
    code, receipt.code = (receipt.code if fresh else None), None
    item = session.get(FeedbackItem, receipt.item_id)
    return Result(item, code) if item else None


def purge(session: Session, now: datetime | None = None) -> None:
    """Forget codes older than CODE_MINUTES and receipts older than KEEP_HOURS."""
    now = now or datetime.now(UTC)
    session.execute(update(IntakeReceipt).where(IntakeReceipt.code.is_not(None),
                                                IntakeReceipt.created_at < now - timedelta(minutes=CODE_MINUTES))
                    .values(code=None))
    session.execute(delete(IntakeReceipt).where(IntakeReceipt.created_at < now - timedelta(hours=KEEP_HOURS)))
