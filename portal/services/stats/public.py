"""The figures the public pages show: 收到意见、已受理、已答复、按期答复率、满意率, for a campaign and per problem.

The same definitions as /staff/stats over the campaign's whole time (portal.services.stats.handling and figures), so
the numbers agree; each set in one query, numbers only, never content."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Subquery, func, select, union
from sqlalchemy.orm import Session

from portal.models import AnswerRating, FeedbackItem, FeedbackLink, Measure, Reply
from portal.models.feedback import SENT
from portal.models.rating import RATING_LEVELS
from portal.services.common.clocks import ClockSettings

from .definitions import EXCLUDED_STATES
from .figures import Satisfaction
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
    linked = _problem_items(problem_id) if problem_id is not None else None

    def narrowed(query):
        if linked is not None:
            query = query.join(linked, linked.c.item_id == FeedbackItem.id)
        return query.where(*conditions)

    columns = count_columns(clock)
    row = session.execute(narrowed(select(*(columns[name].label(name) for name in _COUNTS))
                                   .select_from(FeedbackItem))).one()
    handling = Handling(**{name: int(row[i]) for i, name in enumerate(_COUNTS)})
    # only an item with a reply date can have a sent answer (sending one sets it)
    if linked is None:
        # the answers sent and their ratings by level in one scan of the items, not one per figure
        sent, *levels = session.execute(narrowed(
            select(func.count(Reply.id), *(func.count(AnswerRating.id).filter(AnswerRating.level == level)
                                           for level in RATING_LEVELS))
            .select_from(Reply).join(FeedbackItem, FeedbackItem.id == Reply.item_id)
            .outerjoin(AnswerRating, AnswerRating.reply_id == Reply.id)
            .where(FeedbackItem.replied_at.is_not(None), Reply.status == SENT))).one()
    else:
        # a problem's few items: each answered item's answers looked up by its id, not every answer scanned
        sent, *levels = session.execute(narrowed(select(*(func.sum(per_item) for per_item in _answers_per_item()))
                                                 .select_from(FeedbackItem)
                                                 .where(FeedbackItem.replied_at.is_not(None)))).one()
    satisfied, basically, unsatisfied = (int(v or 0) for v in levels)
    satisfaction = Satisfaction(satisfied, basically, unsatisfied, int(sent or 0))
    return PublicFigures(handling.received, handling.accepted, handling.answered, handling.on_time_answer_rate,
                         satisfaction.satisfaction_rate, satisfaction.rated)


def _problem_items(problem_id: int) -> Subquery:
    """The ids of the items linked to the problem or to one of its measures, each once (a link names one or the
    other): read through the links' indexes, so a problem's figures cost its own links, not every link."""
    direct = select(FeedbackLink.item_id).where(FeedbackLink.problem_id == problem_id)
    through_measures = (select(FeedbackLink.item_id).join(Measure, Measure.id == FeedbackLink.measure_id)
                        .where(Measure.problem_id == problem_id))
    return union(direct, through_measures).subquery("linked_item")


def _answers_per_item():
    """Correlated with FeedbackItem: the item's sent answers, then how many of them were rated at each level."""
    sent = (Reply.item_id == FeedbackItem.id, Reply.status == SENT)
    yield select(func.count(Reply.id)).where(*sent).scalar_subquery()
    for level in RATING_LEVELS:
        yield (select(func.count(AnswerRating.id)).join(Reply, Reply.id == AnswerRating.reply_id)
               .where(*sent, AnswerRating.level == level).scalar_subquery())
