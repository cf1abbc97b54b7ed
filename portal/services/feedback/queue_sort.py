"""The queue's column sorts: a whitelisted key (received, -received, …) → ORDER BY, ties broken by id.

Derived columns (department name, first linked measure, number of attachments) are joined once per query, not
looked up per row: a correlated subquery would run for each of 100,000 items before the first 50 are known.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, or_, select

from portal.models import Attachment, Department, FeedbackItem, FeedbackLink, Measure
from portal.models.feedback import STATES

#: the columns the queue sorts by, in the order of the table
SORT_KEYS = ("received", "due", "state", "department", "measure", "attachments")
#: the default order: nearest due date first (none last), then oldest received
DEFAULT_ORDER = (FeedbackItem.due_date.asc().nulls_last(), FeedbackItem.received_at, FeedbackItem.id)


def clean_sort(value: str | None) -> str:
    """value when it names a column (a leading - for descending), else "" (the default order)."""
    value = (value or "").strip()
    return value if value.removeprefix("-") in SORT_KEYS and value.count("-") <= 1 else ""


def sorted_by(statement: Select[Any], sort: str) -> Select[Any]:
    """statement (selecting from feedback_item) ordered by a clean sort key, joining what the key needs; "" keeps
    the default order. Empty values (no due date, department or measure) come last either way."""
    if not sort:
        return statement.order_by(*DEFAULT_ORDER)
    descending = sort.startswith("-")
    name = sort.removeprefix("-")

    def direct(expression: Any) -> Any:
        return (expression.desc() if descending else expression.asc()).nulls_last()

    key: Any
    if name == "received":
        key = FeedbackItem.received_at
    elif name == "due":
        key = FeedbackItem.due_date
    elif name == "state":
        # the workflow's order (待分办 … 无效), not the codes' alphabet
        key = case({state: position for position, state in enumerate(STATES)}, value=FeedbackItem.state, else_=99)
    elif name == "department":
        statement = statement.outerjoin(Department, Department.id == FeedbackItem.department_id)
        key = Department.name
    elif name == "measure":
        # the first linked measure in ledger order; a problem's link counts as its first measure
        linked = or_(Measure.id == FeedbackLink.measure_id, Measure.problem_id == FeedbackLink.problem_id)
        first = (select(FeedbackLink.item_id, func.min(Measure.position).label("position"))
                 .join(Measure, linked).group_by(FeedbackLink.item_id).subquery())
        statement = statement.outerjoin(first, first.c.item_id == FeedbackItem.id)
        key = first.c.position
    else:
        files = (select(Attachment.item_id, func.count(Attachment.id).label("files"))
                 .group_by(Attachment.item_id).subquery())
        statement = statement.outerjoin(files, files.c.item_id == FeedbackItem.id)
        key = func.coalesce(files.c.files, 0)
    extra = [direct(FeedbackItem.received_at)] if name == "due" else []
    return statement.order_by(direct(key), *extra, direct(FeedbackItem.id))
