"""意见建议 / 来信来电: feedback items from every channel, their contact data, links, files and notes."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, StoredFile, UTCDateTime, WordList, utcnow

if TYPE_CHECKING:
    from .ledger import Measure, Problem
    from .staff import Department, User

WEB, PHONE, LETTER, EMAIL = "web", "phone", "letter", "email"
CHANNELS = (WEB, PHONE, LETTER, EMAIL)
KINDS = ("suggestion", "report", "appeal", "inquiry", "praise")

RECEIVED, ACCEPTED, NOT_ACCEPTED, TRANSFERRED, DUPLICATE, SPAM = (
    "received", "accepted", "not_accepted", "transferred", "duplicate", "spam")
HANDLING, REPLIED, CLOSED, REVIEW = "handling", "replied", "closed", "review"
STATES = (RECEIVED, ACCEPTED, HANDLING, REPLIED, REVIEW, CLOSED, NOT_ACCEPTED, TRANSFERRED, DUPLICATE, SPAM)
#: the languages an opinion may be submitted in; mails to its submitter are written in it
CHINESE, ENGLISH = "zh", "en"
LANGUAGES = (CHINESE, ENGLISH)
#: the columns the statistics read besides campaign_id and received_at (portal.services.stats)
STATS_COLUMNS = ["id", "state", "department_id", "channel", "kind", "accepted_at", "closed_at", "replied_at",
                 "accept_due", "handle_due", "due_date", "extension_days"]


class FeedbackItem(Base):
    """One opinion, call, letter or email in the triage queue, with its state and clocks."""

    __tablename__ = "feedback_item"
    __table_args__ = (
        Index("ix_feedback_item_search_words", "search_words", postgresql_using="gin").ddl_if(dialect="postgresql"),
        # 统计: a campaign's items by received date with every column the statistics read, so /staff/stats and the
        # 通报 scan this narrow index (index-only) instead of the wide rows with their texts
        Index("ix_feedback_item_stats", "campaign_id", "received_at", postgresql_include=STATS_COLUMNS),
        # 分办队列: a state's items, and a department's items per state, in the queue's default order (due date, none
        # last, then received) — a tab's page and its count read a few index entries, not every item of the state
        Index("ix_feedback_item_queue_state", "state", "due_date", "received_at", "id"),
        Index("ix_feedback_item_queue_department", "department_id", "state", "due_date", "received_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: GH-2021-000123, readable and unique
    #: NULL only between the INSERT and the UPDATE of the intake transaction (the number contains the id)
    case_number: Mapped[str] = mapped_column(String(32), unique=True, nullable=True)
    #: HMAC of the query code; the code itself is shown once and never stored
    query_code_hash: Mapped[str] = mapped_column(String(64))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=RECEIVED, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: 受理期限: decide whether to accept by this date
    accept_due: Mapped[date] = mapped_column(Date)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: 办理期限: conclude by this date (after any extension)
    handle_due: Mapped[date | None] = mapped_column(Date)
    #: the date that counts now: accept_due while undecided, handle_due while being handled
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    extension_days: Mapped[int | None] = mapped_column(Integer)
    extension_approver: Mapped[str | None] = mapped_column(String(100))
    extension_reason: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    #: 不予受理 reason, told to the submitter
    decision_reason: Mapped[str | None] = mapped_column(Text)
    #: 转办: where the item was forwarded
    transferred_to: Mapped[str | None] = mapped_column(String(200))
    #: 重复: the original item
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    wants_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the language the opinion was submitted in (zh or en): acknowledgement and reply mails are written in it
    language: Mapped[str] = mapped_column(String(8), server_default=CHINESE)
    consent_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    #: flagged for staff attention, e.g. a citizen's follow-up arrived
    needs_attention: Mapped[bool] = mapped_column(Boolean, default=False)
    #: measures the item is likely about, computed when it was stored (portal.services.feedback.suggest)
    suggestions: Mapped[dict | None] = mapped_column(JSON)
    #: fingerprint of the text's words (portal.services.feedback.similar): equal for near-identical opinions
    text_key: Mapped[str | None] = mapped_column(String(40), index=True)
    #: the distinct search words of subject and content (portal.services.feedback.search), kept current on flush
    search_words: Mapped[list[str] | None] = mapped_column(WordList)
    #: phone items: when the call came, how long, on which line
    call_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    call_duration_seconds: Mapped[int | None] = mapped_column(Integer)
    phone_line: Mapped[str | None] = mapped_column(String(32))
    #: letter items: postmark date
    postmark_date: Mapped[date | None] = mapped_column(Date)
    #: the clerk who logged a phone call or letter
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    contact: Mapped[FeedbackContact | None] = relationship(back_populates="item", cascade="all, delete-orphan")
    links: Mapped[list[FeedbackLink]] = relationship(back_populates="item", cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship("Attachment", back_populates="item", order_by="Attachment.id")
    notes: Mapped[list[Note]] = relationship("Note", back_populates="item", order_by="Note.id")
    department: Mapped[Department | None] = relationship("Department")
    duplicate_of: Mapped[FeedbackItem | None] = relationship("FeedbackItem", remote_side=[id])


class FeedbackContact(Base):
    """Personal data of a submitter, kept apart from the item and masked on screen."""

    __tablename__ = "feedback_contact"

    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    #: when the personal data was anonymised at the end of its retention period
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    item: Mapped[FeedbackItem] = relationship("FeedbackItem", back_populates="contact")


class FeedbackLink(Base):
    """An item is about a measure or a problem (many-to-many; either side may be several)."""

    __tablename__ = "feedback_link"
    __table_args__ = (
        CheckConstraint("(measure_id IS NULL) <> (problem_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id"), index=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problem.id"), index=True)

    item: Mapped[FeedbackItem] = relationship("FeedbackItem", back_populates="links")
    measure: Mapped[Measure | None] = relationship("Measure")
    problem: Mapped[Problem | None] = relationship("Problem")


#: stored_name of an attachment whose file the privacy purge deleted (followed by the attachment's id)
PURGED_PREFIX = "purged-"


class Attachment(StoredFile, Base):
    """A file that came with an item (web upload, letter scan, email part), stored under instance/."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)

    item: Mapped[FeedbackItem] = relationship("FeedbackItem", back_populates="attachments")

    @property
    def purged(self) -> bool:
        """Whether the privacy purge deleted the file (after the retention period)."""
        return self.stored_name.startswith(PURGED_PREFIX)


class Note(Base):
    """An internal note on an item, visible to staff only."""

    __tablename__ = "feedback_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    item: Mapped[FeedbackItem] = relationship("FeedbackItem", back_populates="notes")
    author: Mapped[User] = relationship("User")


DRAFT, SUBMITTED, RETURNED, APPROVED, SENT = "draft", "submitted", "returned", "approved", "sent"
REPLY_STATUSES = (DRAFT, SUBMITTED, RETURNED, APPROVED, SENT)
NOT_PUBLISHED, PROPOSED, PUBLISHED = "none", "proposed", "published"


class Reply(Base):
    """答复: the answer to an item — drafted by a handler, approved by the research office, then sent."""

    __tablename__ = "reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: email, letter, phone (a call-back) or web (shown only in the case lookup)
    channel: Mapped[str] = mapped_column(String(16))
    #: draft → submitted → approved → sent, or submitted → returned → (edited) submitted …
    status: Mapped[str] = mapped_column(String(16), default=SENT, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    #: the research office's comment when sending a draft back
    review_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: redacted text for the public 答复公开 page (only with the citizen's consent)
    public_text: Mapped[str | None] = mapped_column(Text)
    #: the item's subject and content, redacted, shown above the public text (None: published without its question)
    public_question: Mapped[str | None] = mapped_column(Text)
    #: none, proposed (redacted text awaiting the research office) or published
    publish_status: Mapped[str] = mapped_column(String(16), default=NOT_PUBLISHED, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    item: Mapped[FeedbackItem] = relationship()
    department: Mapped[Department | None] = relationship("Department")
    author: Mapped[User | None] = relationship("User", foreign_keys=[author_id])
    approver: Mapped[User | None] = relationship("User", foreign_keys=[approver_id])


class ReplyTemplate(Base):
    """答复模板: a canned reply text the research office maintains."""

    __tablename__ = "reply_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100), unique=True)
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class FollowUp(Base):
    """A citizen's later message on an item (a reply to our email), kept in order."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_message.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    subject: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
