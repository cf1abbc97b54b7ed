"""The figures the public pages show: 收到意见、已受理、已答复、按期答复率、满意率, for a campaign and per problem.

The same definitions as /staff/stats over the campaign's whole time (portal.services.stats.handling and figures), so
the numbers agree; each set in one query, numbers only, never content."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import AnswerRating, FeedbackItem, Reply
from portal.models.feedback import SENT
from portal.models.rating import RATING_LEVELS
from portal.services.common.clocks import ClockSettings

from .definitions import EXCLUDED_STATES
from .figures import Satisfaction, problem_links
from .handling import Clock, Handling, count_columns

#: the counts of Handling the public figures need
_COUNTS = ("received", "accepted", "answered", "answered_on_time", "answer_overdue")


@dataclass(frozen=True)
class PublicFigures:
    """Hashable: the home page's cache keeps a page while its figures are these."""

    received: int = 0
    accepted: int = 0
    answered: int = 0
    #: 按期答复率 (the staff page's 按期办结率), percent or None
    on_time_answer_rate: str | None = None
    #: 满意率, percent or None, and the ratings it is of
    satisfaction_rate: str | None = None
    rated: int = 0


def campaign_public(session: Session, campaign_id: int, clocks: ClockSettings,
                    today: date | None = None) -> PublicFigures:
    """The campaign's figures over all its items (duplicates and spam left out)."""
    return _figures(session, campaign_id, clocks, today)


def problem_public(session: Session, campaign_id: int, problem_id: int, clocks: ClockSettings,
                   today: date | None = None) -> PublicFigures:
    """A problem's figures: the items linked to it or to one of its measures, each once."""
    return _figures(session, campaign_id, clocks, today, problem_id)


def _figures(session: Session, campaign_id: int, clocks: ClockSettings, today: date | None,
             problem_id: int | None = None) -> PublicFigures:
    clock = Clock(session.get_bind().dialect.name, clocks.timezone, today or clocks.today())
    conditions = [FeedbackItem.campaign_id == campaign_id, FeedbackItem.state.not_in(EXCLUDED_STATES)]
    pairs = problem_links() if problem_id is not None else None

    def narrowed(query):
        if pairs is not None:
            query = query.join(pairs, pairs.c.item_id == FeedbackItem.id).where(pairs.c.problem_id == problem_id)
        return query.where(*conditions)

    columns = count_columns(clock)
    row = session.execute(narrowed(select(*(columns[name].label(name) for name in _COUNTS))
                                   .select_from(FeedbackItem))).one()
    handling = Handling(**{name: int(row[i]) for i, name in enumerate(_COUNTS)})
    # the answers sent and their ratings by level in one scan of the items, not one per figure
    sent, *levels = session.execute(narrowed(
        select(func.count(Reply.id), *(func.count(AnswerRating.id).filter(AnswerRating.level == level)
                                       for level in RATING_LEVELS))
        .select_from(Reply).join(FeedbackItem, FeedbackItem.id == Reply.item_id)
        .outerjoin(AnswerRating, AnswerRating.reply_id == Reply.id).where(Reply.status == SENT))).one()
    satisfied, basically, unsatisfied = (int(v or 0) for v in levels)
    satisfaction = Satisfaction(satisfied, basically, unsatisfied, int(sent or 0))
    return PublicFigures(handling.received, handling.accepted, handling.answered, handling.on_time_answer_rate,
                         satisfaction.satisfaction_rate, satisfaction.rated)
