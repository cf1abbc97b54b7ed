"""Files attached to a reply: scans or photos a department sends with its answer, and the copies an outgoing email
carries (kept in the outbox row's transaction, so a mail worker on any host can send them)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, StoredFile
from .feedback import Reply
from .staff import User


class ReplyAttachment(StoredFile, Base):
    """答复附件: a PDF or image attached to a reply draft, stored under instance/ like an item's attachments; staff
    only: it goes out with the emailed answer and is never shown on public pages."""

    __tablename__ = "reply_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    reply: Mapped[Reply] = relationship("Reply")
    uploaded_by: Mapped[User | None] = relationship("User")


class OutboxAttachment(Base):
    """A file an outbox email carries, copied into the database when the email is queued."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
