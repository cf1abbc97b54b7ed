"""What passes between a department, the triagers and the research office while an item is handled: send-backs
(退回分办), extension requests (延期申请) and the reviewer's edits of a reply draft (审核修改)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .feedback import FeedbackItem, Reply
from .staff import Department, User

PENDING, GRANTED, REFUSED = "pending", "granted", "refused"
EXTENSION_STATUSES = (PENDING, GRANTED, REFUSED)


class SendBack(Base):
    """退回分办: a handler returned a mis-assigned item to the triagers, with the reason."""

    __tablename__ = "item_send_back"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)
    #: the department that sent it back
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    reason: Mapped[str] = mapped_column(Text)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when a triager assigned the item again; open send-backs are listed on the triagers' home page
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    item: Mapped[FeedbackItem] = relationship("FeedbackItem")
    department: Mapped[Department | None] = relationship("Department")
    sent_by: Mapped[User] = relationship("User")


class ExtensionRequest(Base):
    """延期申请: a handler asks for the item's one extension; a triager or the research office grants or refuses."""

    __tablename__ = "extension_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    #: pending → granted | refused
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: why it was refused (or a remark on granting it)
    decision_reason: Mapped[str | None] = mapped_column(Text)

    item: Mapped[FeedbackItem] = relationship("FeedbackItem")
    requested_by: Mapped[User] = relationship("User", foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship("User", foreign_keys=[decided_by_id])


class ReplyEdit(Base):
    """审核修改: the research office changed a submitted draft while approving it; both versions are kept."""

    __tablename__ = "reply_edit"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the author's text as submitted, and the text the reviewer approved
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    #: when the draft's author acknowledged it on their home page (until then it is listed there)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    reply: Mapped[Reply] = relationship("Reply")
    editor: Mapped[User] = relationship("User")
