"""Events → outbox: immediate followers get one mail per batch of events, weekly followers one digest a week.

Two senders may run at once (cron and a worker loop, two hosts): each batch claims its rows first — events or
weekly subscriptions — with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, or the database's write lock on SQLite
(BEGIN IMMEDIATE), and writes one follow_delivery row per follower and event in the transaction that queues the
mail. That row's unique key (subscription, event) makes a second mail of the same event to the same follower
impossible: the batch that would send it fails and is rolled back.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import FollowDelivery, FollowEvent, FollowSubscription
from portal.models.follow import ACTIVE, EVENT_DONE, EVENT_PENDING, IMMEDIATE, WEEKLY
from portal.services.follow import mails, tokens
from portal.services.follow.subscriptions import WEEK
from portal.services.follow.targets import Target, of_subscription

#: events claimed per transaction, and weekly subscriptions
EVENT_BATCH, DIGEST_BATCH = 200, 500
#: a digest looks this far before the end of the last one, for events whose transaction committed late
LATE_COMMIT = timedelta(hours=1)
#: batches rolled back for a conflict before a run gives up (the next run takes over)
MAX_CONFLICTS = 10


@dataclass
class SendResult:
    """Mails queued for immediate followers and weekly digests, and batches given up for a conflict."""

    immediate: int = 0
    digests: int = 0
    conflicts: int = 0


def run(session_factory: Callable[[], Session], settings: tokens.FollowSettings, now: datetime,
        stop: Callable[[], bool] = lambda: False) -> SendResult:
    """Queue every mail due at now, one committed transaction per batch."""
    result = SendResult()
    for step, attr in ((queue_immediate, "immediate"), (queue_digests, "digests")):
        while not stop():
            with session_factory() as session:
                try:
                    queued = step(session, settings, now)
                    session.commit()
                except IntegrityError:
                    # another sender delivered one of these events first: nothing was queued, claim afresh
                    session.rollback()
                    result.conflicts += 1
                    if result.conflicts > MAX_CONFLICTS:
                        break
                    continue
            if queued is None:
                break
            setattr(result, attr, getattr(result, attr) + queued)
    return result


def _claim_lock(session: Session) -> None:
    """On SQLite, take the write lock before reading what to claim (it has no row locks)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def queue_immediate(session: Session, settings: tokens.FollowSettings, now: datetime) -> int | None:
    """Claim a batch of pending events, mail each immediate follower once for them all, mark them done; None when
    no event is pending."""
    _claim_lock(session)
    events = list(session.scalars(select(FollowEvent).where(FollowEvent.state == EVENT_PENDING)
                                  .order_by(FollowEvent.id).limit(EVENT_BATCH).with_for_update(skip_locked=True)))
    if not events:
        return None
    delivered = set(session.execute(select(FollowDelivery.subscription_id, FollowDelivery.event_id)
                                    .where(FollowDelivery.event_id.in_([e.id for e in events]))).tuples())
    per_follower: dict[int, list[FollowEvent]] = defaultdict(list)
    for event in events:
        followers = session.scalars(select(FollowSubscription.id).where(
            FollowSubscription.state == ACTIVE, FollowSubscription.frequency == IMMEDIATE,
            FollowSubscription.confirmed_at <= event.created_at, _follows(event)))
        for subscription_id in followers:
            if (subscription_id, event.id) not in delivered:
                per_follower[subscription_id].append(event)
        event.state = EVENT_DONE
    return _queue(session, settings, per_follower, digest=False)


def queue_digests(session: Session, settings: tokens.FollowSettings, now: datetime) -> int | None:
    """Claim a batch of weekly followers whose digest is due, mail each the week's events (none: no mail); None when
    no digest is due."""
    _claim_lock(session)
    due = list(session.scalars(select(FollowSubscription).where(
        FollowSubscription.state == ACTIVE, FollowSubscription.frequency == WEEKLY,
        FollowSubscription.next_digest_at <= now).order_by(FollowSubscription.next_digest_at, FollowSubscription.id)
        .limit(DIGEST_BATCH).with_for_update(skip_locked=True)))
    if not due:
        return None
    since = min(s.digested_until or s.confirmed_at or now for s in due) - LATE_COMMIT
    events = list(session.scalars(select(FollowEvent).where(
        FollowEvent.campaign_id.in_({s.campaign_id for s in due}), FollowEvent.created_at > since,
        FollowEvent.created_at <= now).order_by(FollowEvent.id)))
    delivered = set(session.execute(select(FollowDelivery.subscription_id, FollowDelivery.event_id).where(
        FollowDelivery.subscription_id.in_([s.id for s in due]),
        FollowDelivery.event_id.in_([e.id for e in events]))).tuples()) if events else set()
    per_follower: dict[int, list[FollowEvent]] = {}
    for subscription in due:
        start = (subscription.digested_until or subscription.confirmed_at or now) - LATE_COMMIT
        found = [e for e in events if e.created_at > start and _covers(subscription, e)
                 and (subscription.id, e.id) not in delivered
                 and (subscription.confirmed_at is None or e.created_at >= subscription.confirmed_at)]
        if found:
            per_follower[subscription.id] = found
    # one statement for the batch, not one UPDATE per follower
    session.execute(update(FollowSubscription).where(FollowSubscription.id.in_([s.id for s in due]))
                    .values(digested_until=now, next_digest_at=now + WEEK).execution_options(synchronize_session=False))
    return _queue(session, settings, per_follower, digest=True)


def _follows(event: FollowEvent) -> ColumnElement[bool]:
    """Subscriptions that cover event: its campaign's, its problem's (a measure's too), its measure's."""
    subscription = FollowSubscription
    return or_(
        and_(subscription.campaign_id == event.campaign_id, subscription.problem_id.is_(None),
             subscription.measure_id.is_(None)),
        and_(subscription.problem_id == event.problem_id, subscription.measure_id.is_(None))
        if event.problem_id is not None else false(),
        subscription.measure_id == event.measure_id if event.measure_id is not None else false(),
    )


def _covers(subscription: FollowSubscription, event: FollowEvent) -> bool:
    """_follows in Python, for a digest's events already loaded."""
    if subscription.measure_id is not None:
        return subscription.measure_id == event.measure_id
    if subscription.problem_id is not None:
        return subscription.problem_id == event.problem_id
    return subscription.campaign_id == event.campaign_id


def _queue(session: Session, settings: tokens.FollowSettings, per_follower: dict[int, list[FollowEvent]],
           digest: bool) -> int:
    """One mail per follower, and its delivery rows (their unique key refuses a second mail of the same event)."""
    followers: Sequence[FollowSubscription] = list(session.scalars(
        select(FollowSubscription).where(FollowSubscription.id.in_(per_follower)))) if per_follower else []
    found: dict[str, Target] = {}
    queued = []
    lines: dict[tuple[str, int], mails.EventLine] = {}
    with session.no_autoflush:
        for subscription in followers:
            target = found.get(subscription.target_key) or found.setdefault(
                subscription.target_key, of_subscription(session, subscription))
            queued.append((subscription, mails.queue_events(session, settings, subscription, target,
                                                            per_follower[subscription.id], digest, lines)))
    session.flush()
    if queued:
        session.execute(insert(FollowDelivery), [
            {"subscription_id": subscription.id, "event_id": e.id, "outbox_message_id": message.id,
             "created_at": message.created_at}
            for subscription, message in queued for e in per_follower[subscription.id]])
    return len(followers)
