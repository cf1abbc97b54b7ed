"""分办队列: the staff queue's filters, counts per state, order, pages and what each row shows."""
from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.models import Attachment, FeedbackItem, FeedbackLink, Measure, Problem, User
from portal.models.feedback import CHANNELS, KINDS, STATES
from portal.services.common import authz
from portal.services.common.clocks import ClockSettings
from portal.services.common.numbers import parse_id
from portal.services.feedback import search, similar
from portal.services.feedback.queue_sort import DEFAULT_ORDER, clean_sort, sorted_by

EXCERPT_CHARS = 40
#: without a search the tabs count exactly up to BROWSE_CAP items in view; above it each state is counted up to
#: BROWSE_CAP + 1 (shown as "10000+") and the pages reach the BROWSE_CAP-th item, so that a queue of a million items
#: costs what one of twenty thousand does (issue 19). The first pass reads BROWSE_SAMPLE items (search.capped_counts).
BROWSE_CAP = 10_000
BROWSE_SAMPLE = 20_000
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
    #: a column of queue_sort.SORT_KEYS, - first for descending; "" for the default order (or relevance)
    sort: str = ""

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
            q=search.clean_query(args.get("q")), sort=clean_sort(args.get("sort")),
        )

    def as_args(self, page: int | None = None, **changes) -> dict[str, Any]:
        """The filters as GET parameters (only those set), with changes and a page: for links that keep them."""
        values = dataclasses.asdict(dataclasses.replace(self, **changes))
        args = {k: ("1" if v is True else v) for k, v in values.items() if v is not None and v != "" and v is not False}
        return {**args, "page": page} if page is not None else args

    @property
    def active(self) -> bool:
        """Whether anything narrows the queue (a sort alone does not)."""
        return bool(self.as_args(sort=""))

    def sorted_by(self, key: str) -> str:
        """ascending, descending or "" for a column header's aria-sort; the default order is by due date."""
        current = self.sort or ("" if self.q else "due")
        return {key: "ascending", f"-{key}": "descending"}.get(current, "")

    def sort_args(self, key: str) -> dict[str, Any]:
        """The GET parameters of a column header's link: sort by key, reversed when it is sorted so already."""
        return self.as_args(sort=f"-{key}" if self.sorted_by(key) == "ascending" else key)


@dataclass(frozen=True)
class QueueRow:
    item: FeedbackItem
    excerpt: str
    overdue: bool
    due_soon: bool
    #: another item has near-identical text (portal.services.feedback.similar)
    likely_duplicate: bool = False
    #: linked measures (35-3) and problems (35), as ("measure" | "problem", code)
    targets: tuple[tuple[str, str], ...] = ()
    attachments: int = 0


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    #: items per state under every filter except the state, and their sum
    counts: dict[str, int]
    all_count: int
    #: counts stop past this (search.CAP when searching, BROWSE_CAP when more items than that are in view): a count
    #: above it means "more", and pages stop at it
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
    """One page of the queue in the chosen column's order (queue_sort), by default nearest due date first; when
    searching without a chosen order, the most relevant first; counts and pages bounded when searching
    (portal.services.feedback.search) and when more than BROWSE_CAP items are in view."""
    authz.require(user, "view_queue")
    today = today or clocks.today()
    dialect = session.get_bind().dialect.name
    conditions = _conditions(user, filters, today, clocks, dialect)
    cap: int | None
    if filters.q:
        counts, cap = search.capped_counts(session, conditions, STATES), search.CAP
    else:
        counts = search.capped_counts(session, conditions, STATES, BROWSE_CAP, BROWSE_SAMPLE)
        cap = BROWSE_CAP if sum(counts.values()) > BROWSE_CAP else None
    if filters.state:
        conditions.append(FeedbackItem.state == filters.state)
    total = counts.get(filters.state, 0) if filters.state else sum(counts.values())
    shown = min(total, cap) if cap is not None else total
    pages = max(1, -(-shown // page_size))
    page = min(max(1, page), pages)
    offset, limit = (page - 1) * page_size, min(page_size, shown - (page - 1) * page_size)
    if filters.q and not filters.sort:
        ids = (search.ranked_ids(session, filters.q, dialect, conditions, DEFAULT_ORDER, offset, limit)
               if limit > 0 else [])
        found = {item.id: item for item in session.scalars(
            select(FeedbackItem).options(selectinload(FeedbackItem.department)).where(FeedbackItem.id.in_(ids)))}
        items = [found[item_id] for item_id in ids]
    else:
        items = list(session.scalars(
            sorted_by(select(FeedbackItem).options(selectinload(FeedbackItem.department)).where(*conditions),
                      filters.sort).offset(offset).limit(max(limit, 0))))
    duplicates = similar.likely_duplicates(session, list(items))
    targets, attachments = _targets(session, items), _attachment_counts(session, items)
    rows = [QueueRow(item, excerpt(item), clocks.is_overdue(item.due_date, today),
                     clocks.is_due_soon(item.due_date, today), item.id in duplicates,
                     tuple(targets.get(item.id, ())), attachments.get(item.id, 0)) for item in items]
    return QueuePage(rows=rows, total=total, page=page, pages=pages,
                     counts={state: counts.get(state, 0) for state in STATES}, all_count=sum(counts.values()),
                     cap=cap)


def matching_ids(session: Session, user: User, filters: QueueFilters, clocks: ClockSettings, limit: int) -> list[int]:
    """The ids of the items every filter (the state included) matches, within what the user may see, oldest first:
    at most limit of them."""
    authz.require(user, "view_queue")
    conditions = _conditions(user, filters, clocks.today(), clocks, session.get_bind().dialect.name)
    if filters.state:
        conditions.append(FeedbackItem.state == filters.state)
    return list(session.scalars(select(FeedbackItem.id).where(*conditions).order_by(FeedbackItem.id).limit(limit)))


def _targets(session: Session, items: list[FeedbackItem]) -> dict[int, list[tuple[str, str]]]:
    """item id → its linked measures in ledger order, then problems: one query for the page."""
    found: dict[int, list[tuple[str, str]]] = {}
    if not items:
        return found
    rows = session.execute(
        select(FeedbackLink.item_id, Measure.code, Problem.number).select_from(FeedbackLink)
        .outerjoin(Measure, Measure.id == FeedbackLink.measure_id)
        .outerjoin(Problem, Problem.id == FeedbackLink.problem_id)
        .where(FeedbackLink.item_id.in_([item.id for item in items]))
        .order_by(FeedbackLink.item_id, Measure.position.nulls_last(), Problem.number, FeedbackLink.id))
    for item_id, code, number in rows:
        found.setdefault(item_id, []).append(("measure", code) if code is not None else ("problem", str(number)))
    return found


def _attachment_counts(session: Session, items: list[FeedbackItem]) -> dict[int, int]:
    """item id → number of attachments: one grouped query for the page."""
    if not items:
        return {}
    return dict(session.execute(  # type: ignore[arg-type]
        select(Attachment.item_id, func.count(Attachment.id))
        .where(Attachment.item_id.in_([item.id for item in items])).group_by(Attachment.item_id)).all())
