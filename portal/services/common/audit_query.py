"""Reading the audit log: filters (action, actor, case, local date range), newest first, page by page."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from portal.models import AuditEvent, FeedbackItem, User
from portal.services.common import authz
from portal.services.common.clocks import safe_day, start_of_local_day
from portal.services.feedback import case_codes

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; dates are office-local calendar days, both ends included."""

    action: str | None = None
    actor_id: int | None = None
    case_number: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    case_number: str | None
    #: (key, value as text) pairs of the event's details
    details: list[tuple[str, str]]


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class FilterOptions:
    """Choices for the filter form: actions that occur in the log, and staff accounts."""

    actions: list[str]
    actors: list[User]


def filter_options(session: Session, viewer: User | None) -> FilterOptions:
    authz.require(viewer, "view_audit")
    actions = session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    actors = session.scalars(select(User).order_by(User.name, User.email)).all()
    return FilterOptions(list(actions), list(actors))


def search(session: Session, viewer: User | None, wanted: AuditFilter, timezone: str, page: int = 1,
           per_page: int = PAGE_SIZE) -> AuditPage:
    """The events matching wanted, newest first; page is clamped to the pages there are."""
    authz.require(viewer, "view_audit")
    query = _filtered(wanted, timezone)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    rows = session.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return AuditPage([AuditRow(event, case, describe(event.details)) for event, case in rows], total, page, pages)


def _filtered(wanted: AuditFilter, timezone: str) -> Select:
    query = select(AuditEvent, FeedbackItem.case_number).outerjoin(FeedbackItem,
                                                                  FeedbackItem.id == AuditEvent.item_id)
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.actor_id:
        query = query.where(AuditEvent.actor_id == wanted.actor_id)
    if wanted.case_number:
        query = query.where(FeedbackItem.case_number == case_codes.normalise_case_number(wanted.case_number))
    if wanted.date_from:
        query = query.where(AuditEvent.at >= start_of_local_day(wanted.date_from, timezone))
    if wanted.date_to:
        query = query.where(AuditEvent.at < start_of_local_day(safe_day(wanted.date_to) + timedelta(days=1), timezone))
    return query


def describe(details: dict | None) -> list[tuple[str, str]]:
    """Details as readable pairs; lists and mappings as compact JSON that keeps Chinese readable."""
    pairs = []
    for key, value in (details or {}).items():
        if isinstance(value, str):
            text = value
        else:
            text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
        pairs.append((str(key), text))
    return pairs
