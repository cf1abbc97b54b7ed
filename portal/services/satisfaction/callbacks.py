"""回访: the clerk calls citizens about their answers — phone and letter items, and any answer left unrated for
REMINDER_DAYS — and records the result: reached (a rating, source phone) or not reached (an attempt).

An answer leaves the list when it is rated, after MAX_ATTEMPTS calls that reached nobody, or when its review window
ends (a rating is refused after it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnExpressionArgument, ScalarSelect, Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.models import AnswerRating, CallbackAttempt, FeedbackContact, FeedbackItem, Reply, User
from portal.models.feedback import LETTER, PHONE, SENT
from portal.models.rating import RATED_BY_PHONE
from portal.services.common import audit, authz, privacy
from portal.services.common.clocks import ClockSettings, start_of_local_day
from portal.services.common.text import clean_text
from portal.services.satisfaction import ratings
from portal.services.satisfaction.ratings import RatingError, RatingTarget

#: items that came by phone or letter are called back whatever happens online
CALLBACK_CHANNELS = (PHONE, LETTER)
#: an answer without a rating this many days after it was sent is called back too (the reminder)
REMINDER_DAYS = 7
#: calls that reached nobody before the answer leaves the list
MAX_ATTEMPTS = 3
MAX_NOTE = 500


@dataclass(frozen=True)
class CallbackRow:
    """An answer to call back about: why (channel or reminder), the calls so far, the masked number."""

    reply: Reply
    item: FeedbackItem
    phone: str
    reminder: bool
    attempts: list[CallbackAttempt] = field(default_factory=list)


@dataclass(frozen=True)
class ItemSatisfaction:
    """What the item page shows staff: each answer's rating and the 回访 calls that reached nobody."""

    ratings: list[AnswerRating]
    attempts: list[CallbackAttempt]
    callback_reply: Reply | None


def _attempts(reply_id: ColumnExpressionArgument[int]) -> ScalarSelect[int]:
    return select(func.count(CallbackAttempt.id)).where(CallbackAttempt.reply_id == reply_id).scalar_subquery()


def due_conditions(clocks: ClockSettings, now: datetime) -> tuple[ColumnExpressionArgument[bool], ...]:
    """SQL over Reply joined to its FeedbackItem: the answers on the clerk's 回访 list."""
    today = clocks.today(now)
    window_start = start_of_local_day(today - timedelta(days=clocks.review_window_days), clocks.timezone)
    has_phone = exists().where(FeedbackContact.item_id == FeedbackItem.id, FeedbackContact.phone.is_not(None),
                               FeedbackContact.phone != "")
    return (
        Reply.status == SENT, Reply.sent_at >= window_start,
        or_(FeedbackItem.channel.in_(CALLBACK_CHANNELS), Reply.sent_at <= now - timedelta(days=REMINDER_DAYS)),
        ~exists().where(AnswerRating.reply_id == Reply.id),
        _attempts(Reply.id) < MAX_ATTEMPTS,
        ratings.latest_sent(Reply.item_id, Reply.id),
        has_phone,
    )


def _due(user: User, clocks: ClockSettings, now: datetime) -> Select:
    return (select(Reply).join(FeedbackItem, FeedbackItem.id == Reply.item_id)
            .where(authz.visible_items(user), *due_conditions(clocks, now)))


def count_due(user: User, clocks: ClockSettings, now: datetime) -> Select:
    """SQL: how many answers are on user's 回访 list (for the navigation)."""
    return select(func.count()).select_from(_due(user, clocks, now).subquery())


def due(session: Session, user: User, clocks: ClockSettings, limit: int,
        now: datetime | None = None) -> tuple[list[CallbackRow], int]:
    """The 回访 list, oldest answer first, with its total."""
    authz.require(user, "callback")
    now = now or datetime.now(UTC)
    query = _due(user, clocks, now)
    replies = list(session.scalars(query.options(
        selectinload(Reply.item).selectinload(FeedbackItem.contact))
        .order_by(Reply.sent_at, Reply.id).limit(limit)))
    attempts: dict[int, list[CallbackAttempt]] = {}
    for attempt in session.scalars(select(CallbackAttempt).where(
            CallbackAttempt.reply_id.in_([reply.id for reply in replies])).order_by(CallbackAttempt.attempted_at)):
        attempts.setdefault(attempt.reply_id, []).append(attempt)
    rows = [_row(reply, now, attempts.get(reply.id, [])) for reply in replies]
    total = session.scalar(count_due(user, clocks, now)) or 0
    return rows, total


def _row(reply: Reply, now: datetime, attempts: list[CallbackAttempt]) -> CallbackRow:
    item = reply.item
    phone = privacy.mask_phone(item.contact.phone) if item.contact else ""
    return CallbackRow(reply, item, phone or "", item.channel not in CALLBACK_CHANNELS, attempts)


def callback_reply(session: Session, user: User, item: FeedbackItem, clocks: ClockSettings,
                   now: datetime | None = None) -> Reply | None:
    """The item's answer on user's 回访 list, if it is there."""
    if not authz.can(user, "callback", item):
        return None
    return session.scalar(_due(user, clocks, now or datetime.now(UTC)).where(Reply.item_id == item.id))


def record_not_reached(session: Session, actor: User, item: FeedbackItem, note: str, clocks: ClockSettings,
                       now: datetime | None = None) -> CallbackAttempt:
    """未接通: one more call that reached nobody, with its time and note; audited as callback.attempt."""
    reply = _on_list(session, actor, item, clocks, now)
    note = clean_text(note)
    if len(note) > MAX_NOTE:
        raise RatingError(_("说明不能超过%(max)s个字（现为%(count)s个字）。", max=MAX_NOTE, count=len(note)), "note")
    attempt = CallbackAttempt(item_id=item.id, reply_id=reply.id, attempted_at=now or datetime.now(UTC),
                              note=note or None, recorded_by_id=actor.id)
    session.add(attempt)
    session.flush()
    count = session.scalar(select(func.count(CallbackAttempt.id)).where(CallbackAttempt.reply_id == reply.id))
    audit.record(session, actor, "callback.attempt", "callback_attempt", attempt.id, item_id=item.id, reply=reply.id,
                 attempts=count)
    session.flush()
    return attempt


def record_reached(session: Session, actor: User, item: FeedbackItem, level: str | None, comment: str | None,
                   clocks: ClockSettings, now: datetime | None = None) -> AnswerRating:
    """已接通: the citizen's verdict given on the phone, recorded as their rating (source phone, recorded_by)."""
    reply = _on_list(session, actor, item, clocks, now)
    found: RatingTarget = ratings.target_of(session, reply, clocks, now)
    return ratings.rate(session, found, level, comment, RATED_BY_PHONE, now, recorded_by=actor)


def _on_list(session: Session, actor: User, item: FeedbackItem, clocks: ClockSettings,
             now: datetime | None) -> Reply:
    authz.require(actor, "callback", item)
    reply = callback_reply(session, actor, item, clocks, now)
    if reply is None:
        raise RatingError(_("本件不在回访名单上（已评价、已回访%(max)s次未接通或已超过评价期限）。", max=MAX_ATTEMPTS),
                          "form")
    return reply


def for_item(session: Session, user: User, item: FeedbackItem, clocks: ClockSettings) -> ItemSatisfaction:
    """The ratings of item's answers and its 回访 attempts, for staff who may see the item."""
    authz.require(user, "view_queue", item)
    by_item = (AnswerRating.item_id == item.id,)
    return ItemSatisfaction(
        ratings=list(session.scalars(select(AnswerRating).options(selectinload(AnswerRating.recorded_by))
                                     .where(*by_item).order_by(AnswerRating.reply_id))),
        attempts=list(session.scalars(select(CallbackAttempt).options(selectinload(CallbackAttempt.recorded_by))
                                      .where(CallbackAttempt.item_id == item.id)
                                      .order_by(CallbackAttempt.attempted_at, CallbackAttempt.id))),
        callback_reply=callback_reply(session, user, item, clocks),
    )

