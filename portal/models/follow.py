"""关注: e-mail followers of a campaign, problem or measure, the events that concern them, and what each was sent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

#: a subscription waits for its confirmation link, then is active until unsubscribed
PENDING, ACTIVE, UNSUBSCRIBED = "pending", "active", "unsubscribed"
IMMEDIATE, WEEKLY = "immediate", "weekly"
FREQUENCIES = (IMMEDIATE, WEEKLY)
#: what happened: a measure's status, completion date or progress text changed; a 通报 or an answer was published;
#: a 回头看 (re-check) of a completed measure was recorded
MEASURE_CHANGE, REPORT, ANSWER, RECHECK = "measure_change", "report", "answer", "recheck"
#: an event waits for the sender, which mails its immediate followers once and marks it done
EVENT_PENDING, EVENT_DONE = "pending", "done"


class FollowSubscription(Base):
    """One address following one target (the campaign, a problem or a measure): one row per address and target."""

    __tablename__ = "follow_subscription"
    __table_args__ = (UniqueConstraint("email", "target_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: personal data: never shown on a public page, in a log or in the audit log
    email: Mapped[str] = mapped_column(String(254), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problem.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    #: c<campaign id>, p<problem id> or m<measure id>: what the unique key compares (NULLs never collide)
    target_key: Mapped[str] = mapped_column(String(32))
    frequency: Mapped[str] = mapped_column(String(16), default=IMMEDIATE)
    #: zh or en: the language of the page subscribed on, and of every mail
    language: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: weekly followers: when the next digest is due (moved on a week each time one is put together)
    next_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: weekly followers: events after this went into no digest yet
    digested_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FollowEvent(Base):
    """One thing followers hear about, written in the transaction of the change itself; no personal data."""

    __tablename__ = "follow_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    #: the problem concerned (a measure's own problem too), None for a 通报
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problem.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    #: measure_change, report or answer
    kind: Mapped[str] = mapped_column(String(16))
    #: what to say, as codes (rendered in each follower's language): field, old, new, code, number, title, id
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=EVENT_PENDING, index=True)


class FollowDelivery(Base):
    """One event put into one follower's mail: the unique key is the proof that nothing is sent twice."""

    __tablename__ = "follow_delivery"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("follow_subscription.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("follow_event.id", ondelete="CASCADE"), index=True)
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"),
                                                          index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
