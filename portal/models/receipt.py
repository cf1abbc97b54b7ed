"""What one submission of an intake form created, so that a reload or a double click files nothing twice."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class IntakeReceipt(Base):
    """One submitted form (its idempotency token, as a SHA-256 digest) → the item it created, and that item's query
    code until the result page has shown it once."""

    __tablename__ = "intake_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    #: cleared when the result page shows it, or when the receipt is older than receipts.CODE_MINUTES
    code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
