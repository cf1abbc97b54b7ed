"""Counts and clocks of a set of items: the SQL aggregates of Handling and the durations behind its percentiles."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, or_

from portal.models import FeedbackItem
from portal.models.feedback import ACCEPTED, HANDLING, RECEIVED
from portal.services.ledger.figures import rate

from . import _sql
from .definitions import DECIDED_WITHOUT_ACCEPTANCE

#: the key of the figures of the whole set (no grouping)
ALL = "all"
#: Handling's counts, in the order count_columns gives them
COUNTS = ("received", "assigned", "accepted", "decided", "decided_on_time", "decision_overdue", "answered",
          "answered_on_time", "answered_late", "answer_overdue", "overdue_now", "extensions")


@dataclass(frozen=True)
class Handling:
    """What happened to a set of items: see definitions.DEFINITIONS for each figure."""

    received: int = 0
    assigned: int = 0
    accepted: int = 0
    decided: int = 0
    decided_on_time: int = 0
    #: still undecided after the accept-by date
    decision_overdue: int = 0
    answered: int = 0
    answered_on_time: int = 0
    answered_late: int = 0
    #: accepted, unanswered, past the handle-by date
    answer_overdue: int = 0
    overdue_now: int = 0
    extensions: int = 0
    accept_days_median: float | None = None
    accept_days_p90: float | None = None
    answer_days_median: float | None = None
    answer_days_p90: float | None = None

    @property
    def on_time_accept_rate(self) -> str | None:
        """按期受理率 in percent ('88.08'), None when no decision was due."""
        due = self.decided + self.decision_overdue
        return rate(self.decided_on_time, due) if due else None

    @property
    def on_time_answer_rate(self) -> str | None:
        """按期办结率 in percent, None when no answer was due."""
        due = self.answered + self.answer_overdue
        return rate(self.answered_on_time, due) if due else None


@dataclass(frozen=True)
class Clock:
    """The SQL context of a computation: dialect, office timezone and today's local date."""

    dialect: str
    timezone: str
    today: date

    def local_date(self, column) -> ColumnElement:
        return _sql.local_date(column, self.dialect, self.timezone)

    def on_or_before(self, instant, day) -> ColumnElement[bool]:
        """The office-local date of the timestamp instant is day (a Date column) or earlier."""
        offset = self._fixed_offset()
        if offset is None:
            return self.local_date(instant) <= day
        return _sql.local_day_number(instant, offset) <= _sql.day_number(day)

    def after(self, instant, day) -> ColumnElement[bool]:
        """The office-local date of the timestamp instant is later than day (a Date column)."""
        offset = self._fixed_offset()
        if offset is None:
            return self.local_date(instant) > day
        return _sql.local_day_number(instant, offset) > _sql.day_number(day)

    def _fixed_offset(self) -> int | None:
        """On PostgreSQL in a zone without daylight saving time, the zone's offset: local dates by arithmetic."""
        return _sql.fixed_offset(self.timezone, self.today.year + 1) if self.dialect == "postgresql" else None


def _decision_at():
    return func.coalesce(FeedbackItem.accepted_at, FeedbackItem.closed_at)


def _decided() -> ColumnElement[bool]:
    return or_(FeedbackItem.accepted_at.is_not(None), FeedbackItem.state.in_(DECIDED_WITHOUT_ACCEPTANCE))


def _count(condition) -> ColumnElement[int]:
    return func.count().filter(condition)


def count_columns(clock: Clock) -> dict[str, ColumnElement]:
    """Handling's counts as SQL aggregates over FeedbackItem rows."""
    decided = _decided()
    replied = FeedbackItem.replied_at.is_not(None)
    return {
        "received": func.count(),
        "assigned": _count(FeedbackItem.department_id.is_not(None)),
        "accepted": func.count(FeedbackItem.accepted_at),
        "decided": _count(decided),
        "decided_on_time": _count(and_(decided, clock.on_or_before(_decision_at(), FeedbackItem.accept_due))),
        "decision_overdue": _count(and_(FeedbackItem.state == RECEIVED, FeedbackItem.accept_due < clock.today)),
        "answered": func.count(FeedbackItem.replied_at),
        "answered_on_time": _count(and_(replied, clock.on_or_before(FeedbackItem.replied_at, FeedbackItem.handle_due))),
        "answered_late": _count(and_(replied, or_(FeedbackItem.handle_due.is_(None),
                                                  clock.after(FeedbackItem.replied_at, FeedbackItem.handle_due)))),
        "answer_overdue": _count(and_(FeedbackItem.replied_at.is_(None), FeedbackItem.state.in_((ACCEPTED, HANDLING)),
                                      FeedbackItem.handle_due < clock.today)),
        "overdue_now": _count(FeedbackItem.due_date < clock.today),
        "extensions": func.count(FeedbackItem.extension_days),
    }


def durations(clock: Clock) -> tuple[ColumnElement, ColumnElement]:
    """The days from receipt to the decision (None while undecided) and to the answer (None while unanswered)."""
    return (case((_decided(), _sql.days_between(_decision_at(), FeedbackItem.received_at, clock.dialect))),
            _sql.days_between(FeedbackItem.replied_at, FeedbackItem.received_at, clock.dialect))


#: Handling's percentile fields, in the order the percentile queries give them
TIMES = ("accept_days_median", "accept_days_p90", "answer_days_median", "answer_days_p90")


def days(value) -> float | None:
    """Days with one decimal, rounded half up the same way whichever database computed them."""
    return None if value is None else round(float(value) + 1e-9, 1)
