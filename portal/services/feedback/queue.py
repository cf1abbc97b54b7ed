"""分办队列: the staff queue's filters, counts per state, order, pages and bulk assignment."""
from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.models import FeedbackItem, FeedbackLink, Measure, Problem, User
from portal.models.feedback import CHANNELS, KINDS, STATES
from portal.services.common import authz
from portal.services.common.clocks import ClockSettings
from portal.services.common.numbers import parse_id
from portal.services.feedback import search, similar, workflow

EXCERPT_CHARS = 40
_TRUE = ("1", "on", "true", "yes")


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to; built from GET parameters, unknown values ignored."""

    state: str = ""
    channel: str = ""
    kind: str = ""
    #: measure code, e.g. 35-2
    measure: str = ""
    #: problem number: items linked to the problem or to one of its measures
    problem: int | None = None
    department: int | None = None
    overdue: bool = False
    due_soon: bool = False
    q: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilters:
        def number(name: str) -> int | None:
            return parse_id(unicodedata.normalize("NFKC", args.get(name) or ""))

        def choice(name: str, allowed: tuple[str, ...]) -> str:
            value = args.get(name) or ""
            return value if value in allowed else ""

        return cls(
            state=choice("state", STATES), channel=choice("channel", CHANNELS), kind=choice("kind", KINDS),
            measure=unicodedata.normalize("NFKC", args.get("measure") or "").strip()[:32],
            problem=number("problem"), department=number("department"),
            overdue=(args.get("overdue") or "").lower() in _TRUE,
            due_soon=(args.get("due_soon") or "").lower() in _TRUE,
            q=search.clean_query(args.get("q")),
        )

    def as_args(self, page: int | None = None, **changes) -> dict[str, Any]:
        """The filters as GET parameters (only those set), with changes and a page: for links that keep them."""
        values = dataclasses.asdict(dataclasses.replace(self, **changes))
        args = {k: ("1" if v is True else v) for k, v in values.items() if v is not None and v != "" and v is not False}
        return {**args, "page": page} if page is not None else args

    @property
    def active(self) -> bool:
        return bool(self.as_args())


@dataclass(frozen=True)
class QueueRow:
    item: FeedbackItem
    excerpt: str
    overdue: bool
    due_soon: bool
    #: another item has near-identical text (portal.services.feedback.similar)
    likely_duplicate: bool = False


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    #: items per state under every filter except the state, and their sum
    counts: dict[str, int]
    all_count: int
    #: when searching, counts stop past this (search.CAP): a count above it means "more", and pages stop at it
    cap: int | None = None

    @property
    def capped(self) -> bool:
        """More matches than the pages reach."""
        return self.cap is not None and self.total > self.cap

    @property
    def numbers(self) -> list[int | None]:
        """Page numbers to link: the first two, the last two, two either side of this one; None marks a gap."""
        numbers: list[int | None] = []
        previous = 0
        for number in range(1, self.pages + 1):
            if number <= 2 or number > self.pages - 2 or abs(number - self.page) <= 2:
                if number - previous > 1:
                    numbers.append(None)
                numbers.append(number)
                previous = number
        return numbers


def excerpt(item: FeedbackItem) -> str:
    """The subject, or the first 40 characters of the content."""
    if item.subject:
        return item.subject
    text = " ".join(item.content.split())
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def _conditions(user: User, filters: QueueFilters, today: date, clocks: ClockSettings,
                dialect: str) -> list[ColumnElement[bool]]:
    """SQL conditions for every filter except the state, always within what the user may see."""
    conditions = [authz.visible_items(user)]
    for column, value in ((FeedbackItem.channel, filters.channel), (FeedbackItem.kind, filters.kind),
                          (FeedbackItem.department_id, filters.department)):
        if value not in ("", None):
            conditions.append(column == value)
    if filters.measure:
        conditions.append(FeedbackItem.id.in_(
            select(FeedbackLink.item_id).join(Measure, Measure.id == FeedbackLink.measure_id)
            .where(Measure.code == filters.measure)))
    if filters.problem is not None:
        via_problem = (select(FeedbackLink.item_id).join(Problem, Problem.id == FeedbackLink.problem_id)
                       .where(Problem.number == filters.problem))
        via_measure = (select(FeedbackLink.item_id).join(Measure, Measure.id == FeedbackLink.measure_id)
                       .join(Problem, Problem.id == Measure.problem_id).where(Problem.number == filters.problem))
        conditions.append(or_(FeedbackItem.id.in_(via_problem), FeedbackItem.id.in_(via_measure)))
    if filters.overdue:
        conditions.append(FeedbackItem.due_date < today)
    if filters.due_soon:
        conditions.append(FeedbackItem.due_date.between(today, today + timedelta(days=clocks.due_soon_days)))
    if filters.q:
        conditions.append(search.item_text_matches(filters.q, dialect))
    return conditions


def queue_page(session: Session, user: User, filters: QueueFilters, page: int, page_size: int,
               clocks: ClockSettings, today: date | None = None) -> QueuePage:
    """One page of the queue: nearest due date first (no due date last), then oldest received; when searching, the
    most relevant first and counts and pages bounded (portal.services.feedback.search)."""
    authz.require(user, "view_queue")
    today = today or clocks.today()
    dialect = session.get_bind().dialect.name
    conditions = _conditions(user, filters, today, clocks, dialect)
    if filters.q:
        counts = search.capped_counts(session, conditions, STATES)
    else:
        counts = {state: count for state, count in session.execute(
            select(FeedbackItem.state, func.count()).where(*conditions).group_by(FeedbackItem.state))}
    if filters.state:
        conditions.append(FeedbackItem.state == filters.state)
    total = counts.get(filters.state, 0) if filters.state else sum(counts.values())
    shown = min(total, search.CAP) if filters.q else total
    pages = max(1, -(-shown // page_size))
    page = min(max(1, page), pages)
    order = [FeedbackItem.due_date.asc().nulls_last(), FeedbackItem.received_at, FeedbackItem.id]
    offset, limit = (page - 1) * page_size, min(page_size, shown - (page - 1) * page_size)
    if filters.q:
        ids = search.ranked_ids(session, filters.q, dialect, conditions, order, offset, limit) if limit > 0 else []
        found = {item.id: item for item in session.scalars(
            select(FeedbackItem).options(selectinload(FeedbackItem.department)).where(FeedbackItem.id.in_(ids)))}
        items = [found[item_id] for item_id in ids]
    else:
        items = list(session.scalars(
            select(FeedbackItem).options(selectinload(FeedbackItem.department)).where(*conditions)
            .order_by(*order).offset(offset).limit(page_size)))
    duplicates = similar.likely_duplicates(session, list(items))
    rows = [QueueRow(item, excerpt(item), clocks.is_overdue(item.due_date, today),
                     clocks.is_due_soon(item.due_date, today), item.id in duplicates) for item in items]
    return QueuePage(rows=rows, total=total, page=page, pages=pages,
                     counts={state: counts.get(state, 0) for state in STATES}, all_count=sum(counts.values()),
                     cap=search.CAP if filters.q else None)


def bulk_assign(session: Session, actor: User, item_ids: list[int], department_id: int | None,
                clocks: ClockSettings) -> tuple[list[FeedbackItem], list[tuple[FeedbackItem, str]]]:
    """交办 the chosen items the actor can see to one department; returns (assigned, skipped with why)."""
    authz.require(actor, "assign")
    if not item_ids:
        raise workflow.WorkflowError(_("请至少选择一件。"), "item_ids")
    if department_id is None:
        raise workflow.WorkflowError(_("请选择承办部门。"), "assign_department")
    items = list(session.scalars(select(FeedbackItem).where(
        FeedbackItem.id.in_(item_ids), authz.visible_items(actor)).order_by(FeedbackItem.id)))
    return workflow.bulk_assign(session, items, department_id, actor, clocks)
