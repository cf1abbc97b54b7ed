"""Counts and clocks of a set of items, grouped by a key (department, problem) or not at all, in SQL."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from portal.models import FeedbackItem
from portal.models.feedback import ACCEPTED, HANDLING, RECEIVED
from portal.services.ledger.figures import rate

from . import _sql
from .definitions import DECIDED_WITHOUT_ACCEPTANCE

#: the key of the figures of the whole set (no grouping)
ALL = "all"


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


def _decision_at():
    return func.coalesce(FeedbackItem.accepted_at, FeedbackItem.closed_at)


def _decided() -> ColumnElement[bool]:
    return or_(FeedbackItem.accepted_at.is_not(None), FeedbackItem.state.in_(DECIDED_WITHOUT_ACCEPTANCE))


def _count(condition) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def count_columns(clock: Clock) -> dict[str, ColumnElement]:
    """Handling's counts as SQL aggregates over FeedbackItem rows."""
    decided = _decided()
    replied = FeedbackItem.replied_at.is_not(None)
    replied_on = clock.local_date(FeedbackItem.replied_at)
    return {
        "received": func.count(FeedbackItem.id),
        "assigned": _count(FeedbackItem.department_id.is_not(None)),
        "accepted": _count(FeedbackItem.accepted_at.is_not(None)),
        "decided": _count(decided),
        "decided_on_time": _count(and_(decided, clock.local_date(_decision_at()) <= FeedbackItem.accept_due)),
        "decision_overdue": _count(and_(FeedbackItem.state == RECEIVED, FeedbackItem.accept_due < clock.today)),
        "answered": _count(replied),
        "answered_on_time": _count(and_(replied, replied_on <= FeedbackItem.handle_due)),
        "answered_late": _count(and_(replied, or_(FeedbackItem.handle_due.is_(None),
                                                  replied_on > FeedbackItem.handle_due))),
        "answer_overdue": _count(and_(FeedbackItem.replied_at.is_(None), FeedbackItem.state.in_((ACCEPTED, HANDLING)),
                                      FeedbackItem.handle_due < clock.today)),
        "overdue_now": _count(FeedbackItem.due_date < clock.today),
        "extensions": _count(FeedbackItem.extension_days.is_not(None)),
    }


def handling(session: Session, conditions: list, clock: Clock, key: Any = None,
             joins=()) -> dict[Any, Handling]:
    """key value (or ALL) → Handling of the items matching conditions; counts in one GROUP BY, percentiles in one
    more query (percentile_cont on PostgreSQL, the per-item durations on SQLite)."""
    key_column = key if key is not None else literal(ALL)
    columns = count_columns(clock)
    query = select(key_column.label("key"), *(c.label(n) for n, c in columns.items())).select_from(FeedbackItem)
    for target, on in joins:
        query = query.join(target, on)
    query = query.where(*conditions)
    if key is not None:
        query = query.group_by(key)
    counts = {row.key: {name: int(getattr(row, name)) for name in columns} for row in session.execute(query)}
    times = _percentiles(session, conditions, clock, key, joins)
    return {k: Handling(**values, **times.get(k, {})) for k, values in counts.items()}  # type: ignore[arg-type]


def _percentiles(session: Session, conditions: list, clock: Clock, key: Any,
                 joins) -> dict[Any, dict[str, float | None]]:
    accept = _sql.days_between(_decision_at(), FeedbackItem.received_at, clock.dialect)
    answer = _sql.days_between(FeedbackItem.replied_at, FeedbackItem.received_at, clock.dialect)
    key_column = key if key is not None else literal(ALL)
    result: dict[Any, dict[str, float | None]] = defaultdict(dict)
    for name, duration, present in (("accept", accept, _decided()),
                                    ("answer", answer, FeedbackItem.replied_at.is_not(None))):
        if clock.dialect == "postgresql":
            query = select(key_column.label("key"),
                           func.percentile_cont(0.5).within_group(duration.asc()).label("median"),
                           func.percentile_cont(0.9).within_group(duration.asc()).label("p90"))
        else:
            query = select(key_column.label("key"), duration.label("days"))
        query = query.select_from(FeedbackItem)
        for target, on in joins:
            query = query.join(target, on)
        query = query.where(*conditions, present)
        if clock.dialect == "postgresql":
            if key is not None:
                query = query.group_by(key)
            for row in session.execute(query):
                result[row.key].update({f"{name}_days_median": _days(row.median), f"{name}_days_p90": _days(row.p90)})
            continue
        values: dict[Any, list[float]] = defaultdict(list)
        for row in session.execute(query):
            values[row.key].append(float(row.days))
        for group, days in values.items():
            result[group].update({f"{name}_days_median": _days(_sql.percentile_cont(days, 0.5)),
                                  f"{name}_days_p90": _days(_sql.percentile_cont(days, 0.9))})
    return result


def _days(value) -> float | None:
    """Days with one decimal, rounded half up the same way whichever database computed them."""
    return None if value is None else round(float(value) + 1e-9, 1)
