"""Email in and out: every raw message received (evidence) and every message the portal sends (outbox)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

PENDING, SENDING_FAILED, DELIVERED = "pending", "failed", "sent"
#: what became of an inbound message
AS_ITEM, AS_FOLLOW_UP, IGNORED, QUARANTINED = "item", "follow_up", "ignored", "quarantined"
#: InboundMessage.reason of a message with attachments refused, followed by one sentence per refused file
REFUSED_PREFIX = "未收的附件："


class OutboxMessage(Base):
    """One email to send, written in the same transaction as the change that causes it."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    #: ack (acknowledgement), reply, notice
    kind: Mapped[str] = mapped_column(String(16))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    #: <GH-2021-000123.<random>.<hmac>@host>: signed, so a citizen's answer threads onto its item
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    #: further headers, e.g. {"Auto-Submitted": "auto-generated"}
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: pending → sent, or failed after the last retry
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InboundMessage(Base):
    """One raw email received by pipe or IMAP, kept as evidence with what became of it and why."""

    __tablename__ = "inbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the Message-ID header, or <sha256-of-raw@missing-message-id> when there is none
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    #: pipe or imap
    source: Mapped[str] = mapped_column(String(16))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    from_address: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    #: item, follow_up, ignored, quarantined
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    #: why it was ignored or quarantined, or what was refused (attachments), in Chinese
    reason: Mapped[str | None] = mapped_column(Text)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_item.id"), index=True)
