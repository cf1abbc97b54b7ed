"""Followers' addresses kept no longer than they serve (个人信息保护法 art. 19), as part of `flask privacy purge`.

A subscription never confirmed is deleted once the last confirmation link sent for it has expired; an ended one
ENDED_DAYS after it ended (so a second click on an old unsubscribe link still finds it); follow mails lose their
recipient MAIL_DAYS after they were sent or given up. Active subscriptions stay: the follower asked for the mail.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from portal.models import AuditEvent, FollowDelivery, FollowSubscription, OutboxMessage
from portal.models.follow import PENDING, UNSUBSCRIBED
from portal.models.mail import DELIVERED, SENDING_FAILED
from portal.services.common import audit
from portal.services.feedback.retention import ANONYMISED_ADDRESS, OPERATOR
from portal.services.follow.mails import CONFIRM_KIND, DIGEST_KIND, NOTICE_KIND
from portal.services.follow.tokens import CONFIRM_SECONDS

ENDED_DAYS = 30
MAIL_DAYS = 30
FOLLOW_MAIL_KINDS = (CONFIRM_KIND, NOTICE_KIND, DIGEST_KIND)


@dataclass(frozen=True)
class FollowPurge:
    """How many subscriptions were (or, in a dry run, would be) deleted, and how many mails anonymised."""

    subscriptions: int
    mails: int


def purge(session: Session, now: datetime, *, dry_run: bool = False) -> FollowPurge:
    """Delete unconfirmed and long-ended subscriptions, anonymise old follow mails; audit the counts."""
    last_asked = (select(func.max(AuditEvent.at))
                  .where(AuditEvent.action == "follow.subscribe", AuditEvent.object_type == "follow_subscription",
                         AuditEvent.object_id == FollowSubscription.id)
                  .correlate(FollowSubscription).scalar_subquery())
    unconfirmed = and_(FollowSubscription.state == PENDING,
                       func.coalesce(last_asked, FollowSubscription.created_at)
                       < now - timedelta(seconds=CONFIRM_SECONDS))
    ended = and_(FollowSubscription.state == UNSUBSCRIBED,
                 FollowSubscription.unsubscribed_at < now - timedelta(days=ENDED_DAYS))
    doomed = session.scalars(select(FollowSubscription.id).where(or_(unconfirmed, ended))).all()
    mails_due = and_(OutboxMessage.kind.in_(FOLLOW_MAIL_KINDS), OutboxMessage.status.in_((DELIVERED, SENDING_FAILED)),
                     func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < now - timedelta(days=MAIL_DAYS),
                     OutboxMessage.to_address != ANONYMISED_ADDRESS)
    mails = session.scalar(select(func.count()).select_from(OutboxMessage).where(mails_due)) or 0
    result = FollowPurge(len(doomed), mails)
    if dry_run or not (doomed or mails):
        return result
    options = {"synchronize_session": False}
    session.execute(delete(FollowDelivery).where(FollowDelivery.subscription_id.in_(doomed)), execution_options=options)
    session.execute(delete(FollowSubscription).where(FollowSubscription.id.in_(doomed)), execution_options=options)
    session.execute(update(OutboxMessage).where(mails_due).values(to_address=ANONYMISED_ADDRESS),
                    execution_options=options)
    session.expire_all()
    audit.record(session, None, "privacy.purge_follow", "follow_subscription", actor_label=OPERATOR,
                 subscriptions=result.subscriptions, mails=result.mails)
    session.flush()
    return result
