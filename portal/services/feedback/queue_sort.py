"""The queue's column sorts: a whitelisted key (received, -received, …) → ORDER BY, ties broken by id."""
from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, or_, select

from portal.models import Attachment, Department, FeedbackItem, FeedbackLink, Measure
from portal.models.feedback import STATES

#: the columns the queue sorts by, in the order of the table
SORT_KEYS = ("received", "due", "state", "department", "measure", "attachments")


def clean_sort(value: str | None) -> str:
    """value when it names a column (a leading - for descending), else "" (the default order)."""
    value = (value or "").strip()
    return value if value.removeprefix("-") in SORT_KEYS and value.count("-") <= 1 else ""


def _key(name: str) -> Any:
    if name == "received":
        return FeedbackItem.received_at
    if name == "due":
        return FeedbackItem.due_date
    if name == "state":
        # the workflow's order (待分办 … 无效), not the codes' alphabet
        return case({state: position for position, state in enumerate(STATES)}, value=FeedbackItem.state, else_=99)
    if name == "department":
        return select(Department.name).where(Department.id == FeedbackItem.department_id).scalar_subquery()
    if name == "measure":
        # the first linked measure in ledger order; a problem's link counts as its first measure
        linked = or_(Measure.id == FeedbackLink.measure_id, Measure.problem_id == FeedbackLink.problem_id)
        return (select(func.min(Measure.position)).select_from(FeedbackLink).join(Measure, linked)
                .where(FeedbackLink.item_id == FeedbackItem.id).scalar_subquery())
    return (select(func.count(Attachment.id)).where(Attachment.item_id == FeedbackItem.id)
            .correlate(FeedbackItem).scalar_subquery())


def order_by(sort: str) -> list[Any]:
    """ORDER BY for a clean sort key; "" is the default: nearest due date first (none last), then oldest received.
    Empty values (no due date, no department, no measure) come last either way."""
    if not sort:
        return [FeedbackItem.due_date.asc().nulls_last(), FeedbackItem.received_at, FeedbackItem.id]
    descending = sort.startswith("-")
    name = sort.removeprefix("-")

    def direct(expression: Any) -> Any:
        return (expression.desc() if descending else expression.asc()).nulls_last()

    extra = [direct(FeedbackItem.received_at)] if name == "due" else []
    return [direct(_key(name)), *extra, direct(FeedbackItem.id)]
