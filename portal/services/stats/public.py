"""The figures the public pages show: 收到意见、已受理、已答复、按期答复率、满意率, for a campaign and per problem.

The same definitions and queries as /staff/stats over the campaign's whole time (portal.services.stats.figures),
so the numbers agree; numbers only, never content."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from portal.models import Campaign, FeedbackItem
from portal.services.common.clocks import ClockSettings

from .figures import Satisfaction, StatsScope, problem_links, satisfaction_by, scope_conditions
from .handling import ALL, Clock, Handling, handling


@dataclass(frozen=True)
class PublicFigures:
    received: int = 0
    accepted: int = 0
    answered: int = 0
    #: 按期答复率 (the staff page's 按期办结率), percent or None
    on_time_answer_rate: str | None = None
    satisfaction_rate: str | None = None
    rated: int = 0


def _public(h: Handling, s: Satisfaction) -> PublicFigures:
    return PublicFigures(h.received, h.accepted, h.answered, h.on_time_answer_rate, s.satisfaction_rate, s.rated)


def campaign_public(session: Session, campaign: Campaign, clocks: ClockSettings,
                    today: date | None = None) -> PublicFigures:
    """The campaign's figures over all its items (duplicates and spam left out)."""
    clock = Clock(session.get_bind().dialect.name, clocks.timezone, today or clocks.today())
    conditions = scope_conditions(StatsScope(campaign), None, clocks)
    return _public(handling(session, conditions, clock).get(ALL, Handling()),
                   satisfaction_by(session, conditions).get(ALL, Satisfaction()))


def problem_public(session: Session, campaign: Campaign, problem_id: int, clocks: ClockSettings,
                   today: date | None = None) -> PublicFigures:
    """A problem's figures: the items linked to it or to one of its measures."""
    clock = Clock(session.get_bind().dialect.name, clocks.timezone, today or clocks.today())
    pairs = problem_links()
    joins = [(pairs, pairs.c.item_id == FeedbackItem.id)]
    conditions = [*scope_conditions(StatsScope(campaign), None, clocks), pairs.c.problem_id == problem_id]
    return _public(handling(session, conditions, clock, joins=joins).get(ALL, Handling()),
                   satisfaction_by(session, conditions, joins=joins).get(ALL, Satisfaction()))
