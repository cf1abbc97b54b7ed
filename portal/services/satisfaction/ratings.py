"""满意 / 基本满意 / 不满意: the citizen's rating of a sent answer, one per answer, changeable in the review window."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, ColumnExpressionArgument, and_, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload

from portal.models import AnswerRating, FeedbackItem, Reply, User
from portal.models.feedback import REPLIED, SENT
from portal.models.rating import RATED_BY_EMAIL_LINK, RATED_ON_WEB, RATING_LEVELS, RATING_SOURCES, UNSATISFIED
from portal.services.common import audit
from portal.services.common.clocks import ClockSettings
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
from portal.services.satisfaction.links import VIA_EMAIL, RatingSettings, reply_id_of

MAX_COMMENT = 500


class RatingError(ServiceError):
    """A rating refused: unknown level, comment too long, or the review window has passed."""


@dataclass(frozen=True)
class RatingTarget:
    """A sent answer a token points to, its current rating, and until when it may be rated (office-local date)."""

    reply: Reply
    item: FeedbackItem
    rating: AnswerRating | None
    open_until: date
    is_open: bool


def source_for(via: str | None) -> str:
    """Where a citizen's rating came from: the e-mail's one-click link, else the page reached from the case lookup."""
    return RATED_BY_EMAIL_LINK if via == VIA_EMAIL else RATED_ON_WEB


def target(session: Session, token: str, settings: RatingSettings, now: datetime | None = None) -> RatingTarget | None:
    """The answer token was signed for, when it is a sent answer; None for a forged token or an answer not sent."""
    reply_id = reply_id_of(token, settings.key)
    reply = session.get(Reply, reply_id) if reply_id is not None else None
    if reply is None or reply.status != SENT or reply.sent_at is None:
        return None
    return _target(session, reply, settings.clocks, now)


def target_of(session: Session, reply: Reply, clocks: ClockSettings, now: datetime | None = None) -> RatingTarget:
    return _target(session, reply, clocks, now)


def _target(session: Session, reply: Reply, clocks: ClockSettings, now: datetime | None) -> RatingTarget:
    assert reply.sent_at is not None
    rating = session.scalar(select(AnswerRating).where(AnswerRating.reply_id == reply.id))
    open_until = clocks.review_open_until(reply.sent_at)
    return RatingTarget(reply, reply.item, rating, open_until, clocks.today(now) <= open_until)


def rate(session: Session, found: RatingTarget, level: str | None, comment: str | None, source: str,
         now: datetime | None = None, recorded_by: User | None = None) -> AnswerRating:
    """Record or change the rating of found's answer; audited as rating.record or rating.change, not the comment."""
    if level not in RATING_LEVELS:
        raise RatingError(_("请选择满意、基本满意或不满意。"), "level")
    if source not in RATING_SOURCES:
        raise RatingError(_("未知的评价来源。"), "form")
    if not found.is_open:
        raise RatingError(_("已超过答复后的评价期限，不能再评价或修改评价。"), "form")
    comment = clean_text(comment)
    if len(comment) > MAX_COMMENT:
        raise RatingError(_("意见不能超过%(max)s个字（现为%(count)s个字）。", max=MAX_COMMENT, count=len(comment)),
                          "comment")
    now = now or datetime.now(UTC)
    fields = {"level": level, "comment": comment or None, "source": source,
              "recorded_by_id": recorded_by.id if recorded_by else None}
    if found.rating is None:
        rating, before = _insert(session, found, now, fields)
    else:
        rating, before = found.rating, found.rating.level
    if before is not None:
        rating.updated_at = now
        for name, value in fields.items():
            setattr(rating, name, value)
    session.flush()
    label, item_id = (None if recorded_by else audit.CITIZEN), found.item.id
    details = {"level": level, "rating_source": source, "length": len(comment)}
    if before is None:
        audit.record(session, recorded_by, "rating.record", "answer_rating", rating.id, item_id=item_id,
                     actor_label=label, **details)
    else:
        audit.record(session, recorded_by, "rating.change", "answer_rating", rating.id, item_id=item_id,
                     actor_label=label, previous_level=before, **details)
    session.flush()
    return rating


def _insert(session: Session, found: RatingTarget, now: datetime, fields: dict) -> tuple[AnswerRating, str | None]:
    """(rating, level before): the answer's first rating, inserted in a savepoint; or, when a simultaneous request
    rated the same answer first (its row holds the unique reply_id), that rating and its level, to be changed."""
    rating = AnswerRating(item_id=found.item.id, reply_id=found.reply.id, rated_at=now, **fields)
    try:
        with session.begin_nested():
            session.add(rating)
    except IntegrityError:
        earlier = session.scalar(select(AnswerRating).where(AnswerRating.reply_id == found.reply.id)
                                 .execution_options(populate_existing=True))
        if earlier is None:
            raise
        return earlier, earlier.level
    return rating, None


def for_case(session: Session, item: FeedbackItem, clocks: ClockSettings,
             now: datetime | None = None) -> RatingTarget | None:
    """The case page's rating: of the item's last sent answer, None before any answer went out."""
    reply = session.scalar(select(Reply).where(Reply.item_id == item.id, Reply.status == SENT)
                           .order_by(Reply.id.desc()).limit(1))
    return _target(session, reply, clocks, now) if reply is not None else None


def latest_sent(item_id: ColumnExpressionArgument[int],
                reply_id: ColumnExpressionArgument[int]) -> ColumnElement[bool]:
    """SQL: reply_id is the item's last sent answer (a later one after a 复查 replaces it)."""
    later = aliased(Reply)
    return ~exists().where(later.item_id == item_id, later.status == SENT, later.id > reply_id)


def unsatisfied_conditions(visible: ColumnElement[bool]) -> tuple[ColumnElement[bool], ...]:
    """SQL: a 不满意 rating of an item's last answer, while the item stays 已答复 (no 复查 asked, not closed)."""
    return (AnswerRating.level == UNSATISFIED, FeedbackItem.state == REPLIED, visible,
            latest_sent(AnswerRating.item_id, AnswerRating.reply_id))


def unsatisfied(session: Session, visible: ColumnElement[bool], limit: int) -> tuple[list[AnswerRating], int]:
    """不满意的答复 for the research office, latest rating first, with how many there are."""
    base = select(AnswerRating).join(FeedbackItem, FeedbackItem.id == AnswerRating.item_id) \
        .where(and_(*unsatisfied_conditions(visible)))
    rows = list(session.scalars(base.options(selectinload(AnswerRating.item).selectinload(FeedbackItem.department))
                                .order_by(AnswerRating.rated_at.desc(), AnswerRating.id.desc()).limit(limit)))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    return rows, total
