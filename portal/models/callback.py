"""回访: a clerk's phone call to ask whether an answer satisfied the citizen, when nobody was reached."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .staff import User


class CallbackAttempt(Base):
    """A 回访 call on one sent answer that reached nobody (a call that reached the citizen is an AnswerRating)."""

    __tablename__ = "callback_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: what happened (no answer, number out of service…); staff only
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))

    recorded_by: Mapped[User] = relationship("User")
