"""What citizens think of the answers they got: one rating per sent answer, on the web, from the reply e-mail's
signed link, or recorded by a clerk during a 回访 call."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .feedback import FeedbackItem, Reply
from .staff import User

SATISFIED, BASICALLY_SATISFIED, UNSATISFIED = "satisfied", "basically_satisfied", "unsatisfied"
#: best first, as the 12345 platforms publish them (满意 / 基本满意 / 不满意)
RATING_LEVELS = (SATISFIED, BASICALLY_SATISFIED, UNSATISFIED)
#: where a rating came from: the case page, the reply e-mail's one-click link, a clerk's 回访 call
RATED_ON_WEB, RATED_BY_EMAIL_LINK, RATED_BY_PHONE = "web", "email", "phone"
RATING_SOURCES = (RATED_ON_WEB, RATED_BY_EMAIL_LINK, RATED_BY_PHONE)


class AnswerRating(Base):
    """The citizen's verdict on one sent answer (changeable within the review window: updated_at says when)."""

    __tablename__ = "answer_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id", ondelete="CASCADE"), unique=True)
    level: Mapped[str] = mapped_column(String(24), index=True)
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the clerk who recorded a phone 回访; empty for the citizen's own rating
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    item: Mapped[FeedbackItem] = relationship("FeedbackItem")
    reply: Mapped[Reply] = relationship("Reply")
    recorded_by: Mapped[User | None] = relationship("User")
