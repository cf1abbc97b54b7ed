"""Reading the audit log: filters (action, actor, case, local date range), newest first, page by page, in words
(portal.services.common.audit_text), and as CSV."""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from portal import labels
from portal.models import AuditEvent, FeedbackItem, User
from portal.services.common import audit, authz
from portal.services.common.audit_text import ReadableEvent, readable
from portal.services.common.clocks import safe_day, start_of_local_day
from portal.services.common.spreadsheet import formula_safe
from portal.services.feedback import case_codes

PAGE_SIZE = 50
#: rows of one CSV export (the newest first); a longer period is exported in parts by date
EXPORT_LIMIT = 100_000
#: events read and turned into words per round of an export
EXPORT_BATCH = 1_000
#: the CSV export's columns (labels.AUDIT_COLUMNS names them)
AUDIT_COLUMNS = ("at", "actor", "action", "object", "case_number", "details")


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; dates are office-local calendar days, both ends included."""

    action: str | None = None
    actor_id: int | None = None
    case_number: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditPage:
    rows: list[ReadableEvent]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class FilterOptions:
    """Choices for the filter form: actions that occur in the log as (code, words) in the order of the words, and
    staff accounts."""

    actions: list[tuple[str, str]]
    actors: list[User]


def filter_options(session: Session, viewer: User | None) -> FilterOptions:
    authz.require(viewer, "view_audit")
    actions = session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    actors = session.scalars(select(User).order_by(User.name, User.email)).all()
    return FilterOptions(sorted(((a, labels.label("action", a)) for a in actions), key=lambda pair: pair[1]),
                         list(actors))


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
    return AuditPage(readable(session, rows.tuples()), total, page, pages)


def export_csv(session: Session, viewer: User | None, wanted: AuditFilter, timezone: str) -> Iterator[str]:
    """The matching events as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese), newest first, at most
    EXPORT_LIMIT rows, in words as on the page; cells that a spreadsheet would run as formulas are quoted. The export
    itself is audited (with the filters, not the rows)."""
    authz.require(viewer, "view_audit")
    filters = {key: str(value) for key, value in vars(wanted).items() if value}
    audit.record(session, viewer, "audit.export", "audit_event", filters=filters)
    query = _filtered(wanted, timezone).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([str(labels.label("audit_column", column)) for column in AUDIT_COLUMNS])
    yield "\ufeff" + flush()
    for offset in range(0, EXPORT_LIMIT, EXPORT_BATCH):
        batch = session.execute(query.limit(EXPORT_BATCH).offset(offset)).tuples().all()
        for row in readable(session, batch):
            writer.writerow([formula_safe(cell) for cell in (
                row.event.at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S"), row.event.actor_label,
                row.action, row.object, row.case_number or "", row.summary)])
        yield flush()
        if len(batch) < EXPORT_BATCH:
            return



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
