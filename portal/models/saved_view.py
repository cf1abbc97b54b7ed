"""我的视图: a staff user's named queue filters, sort and search, saved to come back to in one click."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class SavedQueueView(Base):
    """One saved view of the queue, visible to its owner only."""

    __tablename__ = "saved_queue_view"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    #: the queue's GET parameters (portal.services.feedback.queue.QueueFilters.as_args), cleaned again when used
    query: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
