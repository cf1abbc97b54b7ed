"""工作台: each staff role's home page (/staff/) and the counts beside the navigation, scoped by authz.

Every list is capped at LIMIT rows with its total, so the page can offer 查看全部; a handler sees only their
department's items and replies (authz.visible_items), whatever the list.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, cast, func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    AnswerRating,
    AuditEvent,
    Department,
    FeedbackItem,
    FeedbackLink,
    Measure,
    OutboxMessage,
    Reply,
    User,
)
from portal.models.feedback import ACCEPTED, APPROVED, HANDLING, RECEIVED, RETURNED, REVIEW, SUBMITTED
from portal.models.mail import PENDING, SENDING_FAILED
from portal.models.staff import ADMIN, CLERK, HANDLER, RECTIFICATION, RESEARCH, ROLES, SUPERVISOR, TRIAGER
from portal.services.common import authz
from portal.services.common.clocks import ClockSettings, start_of_local_day
from portal.services.feedback import handoffs, similar
from portal.services.feedback.queue import excerpt
from portal.services.satisfaction import callbacks, ratings

#: rows shown per list on the home page; the rest are one 查看全部 away
LIMIT = 10
#: the oldest 待分办 items read to find likely duplicates among them
DUPLICATE_SCAN = 200
#: items still to be worked on by a department: accepted, being handled or under review
OPEN_STATES = (ACCEPTED, HANDLING, REVIEW)


@dataclass(frozen=True)
class ItemRow:
    """An item in a home-page list, with its clock."""

    item: FeedbackItem
    excerpt: str
    due: date | None
    overdue: bool
    due_soon: bool
    likely_duplicate: bool = False


@dataclass(frozen=True)
class MeasureRef:
    """A measure an item is linked to, with its ledger status (完成情况)."""

    code: str
    status: str


@dataclass(frozen=True)
class ReplyRow:
    """A reply in a home-page list, with the citizen's question and the measures the item is about."""

    reply: Reply
    item: FeedbackItem
    question: str
    measures: list[MeasureRef] = field(default_factory=list)


@dataclass(frozen=True)
class MailRow:
    """An outbox message (a reply waiting to leave, or a failed one)."""

    message: OutboxMessage
    case_number: str | None


@dataclass(frozen=True)
class Section:
    """One list of the home page: its first rows, how many there are in all, and the queue filter showing them all
    (None when the list has its own page or none)."""

    key: str
    rows: list[Any]
    total: int
    queue_args: dict[str, str] | None = None

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class DepartmentLoad:
    """Overdue and due-soon items of one department (None: not yet assigned)."""

    department: Department | None
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class Accounts:
    """The admin's overview: active accounts per role, deactivated accounts, active departments and those of them
    without an active handler (items assigned there wait for no one)."""

    by_role: dict[str, int]
    inactive: int
    departments: int
    unstaffed: int


@dataclass(frozen=True)
class Home:
    """A role's home page: its lists in the order shown, and the extra overviews of supervisors and admins."""

    role: str
    sections: list[Section]
    loads: list[DepartmentLoad] = field(default_factory=list)
    accounts: Accounts | None = None

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def home(session: Session, user: User, clocks: ClockSettings, now: datetime | None = None) -> Home:
    """The home page of user's role."""
    authz.require(user, "view_home")
    now = now or datetime.now(UTC)
    today = clocks.today(now)
    builders = {TRIAGER: _triager, HANDLER: _handler, RESEARCH: _research, CLERK: _clerk, SUPERVISOR: _supervisor,
                ADMIN: _admin, RECTIFICATION: _rectification}
    built = builders[user.role](session, user, clocks, today, now)
    built.sections.extend(_handoffs(session, user))
    return built


def _handoffs(session: Session, user: User) -> list[Section]:
    """退回分办 and 延期申请 for those who decide them; a department's own requests and 审核修改 for drafters."""
    sections = []
    if authz.can(user, "assign"):
        sections.append(Section("sent_back", *handoffs.send_backs(session, user, LIMIT)))
    if authz.can(user, "extend"):
        sections.append(Section("extension_requests", *handoffs.pending_requests(session, user, LIMIT)))
    if authz.can(user, "request_extension"):
        sections.append(Section("my_extension_requests", *handoffs.department_requests(session, user, LIMIT)))
    if authz.can(user, "draft_reply"):
        sections.append(Section("review_edits", *handoffs.unseen_edits(session, user, LIMIT)))
    return sections


def nav_counts(session: Session, user: User, clocks: ClockSettings, now: datetime | None = None) -> dict[str, int]:
    """The counts shown in the navigation for user's role, in one query: {key: count}."""
    if not user.is_active or user.role not in ROLES:
        return {}
    now = now or datetime.now(UTC)
    today = clocks.today(now)
    counts = {**_count_queries(user, clocks, today, now), **handoffs.count_queries(user)}
    if not counts:
        return {}
    row = session.execute(select(*[query.scalar_subquery().label(key) for key, query in counts.items()])).one()
    return dict(row._mapping)


def _count_queries(user: User, clocks: ClockSettings, today: date, now: datetime) -> dict[str, Select]:
    visible = authz.visible_items(user)
    failed = select(func.count()).where(OutboxMessage.status == SENDING_FAILED)
    if user.role == TRIAGER:
        return {"received": _count_items(visible, FeedbackItem.state == RECEIVED)}
    if user.role == HANDLER:
        return {"open": _count_items(visible, FeedbackItem.state.in_(OPEN_STATES)),
                "returned": _count_replies(visible, RETURNED)}
    if user.role == RESEARCH:
        return {"submitted": _count_replies(visible, SUBMITTED), "failed": failed,
                "unsatisfied": select(func.count(AnswerRating.id)).join(
                    FeedbackItem, FeedbackItem.id == AnswerRating.item_id).where(
                    *ratings.unsatisfied_conditions(visible))}
    if user.role == CLERK:
        return {"logged_today": select(func.count()).select_from(_logged_today(user, clocks, today).subquery()),
                "callbacks": callbacks.count_due(user, clocks, now)}
    if user.role == SUPERVISOR:
        return {"overdue": _count_items(visible, FeedbackItem.due_date < today)}
    if user.role == RECTIFICATION:
        return {}
    return {"failed": failed}


def _count_items(*conditions: ColumnElement[bool]) -> Select:
    return select(func.count()).where(*conditions)


def _count_replies(visible: ColumnElement[bool], status: str) -> Select:
    return (select(func.count(Reply.id)).join(FeedbackItem, FeedbackItem.id == Reply.item_id)
            .where(Reply.status == status, visible))


def _item_rows(session: Session, query: Select, clocks: ClockSettings, today: date) -> list[ItemRow]:
    items = session.scalars(query.options(selectinload(FeedbackItem.department)).limit(LIMIT))
    return [_row(item, clocks, today) for item in items]


def _row(item: FeedbackItem, clocks: ClockSettings, today: date, duplicate: bool = False) -> ItemRow:
    return ItemRow(item, excerpt(item), item.due_date, clocks.is_overdue(item.due_date, today),
                   clocks.is_due_soon(item.due_date, today), duplicate)


def _total(session: Session, *conditions: ColumnElement[bool]) -> int:
    return session.scalar(_count_items(*conditions)) or 0


def _triager(session: Session, user: User, clocks: ClockSettings, today: date, now: datetime) -> Home:
    """待分办, oldest first with their 受理期限; the likely duplicates among them first of all."""
    conditions = (authz.visible_items(user), FeedbackItem.state == RECEIVED)
    oldest = select(FeedbackItem).where(*conditions).order_by(FeedbackItem.received_at, FeedbackItem.id)
    scan = list(session.scalars(oldest.limit(DUPLICATE_SCAN)))
    duplicate_ids = similar.likely_duplicates(session, scan)
    duplicates = [_row(item, clocks, today, True) for item in scan if item.id in duplicate_ids]
    received = [_row(item, clocks, today, item.id in duplicate_ids) for item in scan[:LIMIT]]
    return Home(TRIAGER, [
        Section("duplicates", duplicates[:LIMIT], len(duplicates), {"state": RECEIVED}),
        Section("received", received, _total(session, *conditions), {"state": RECEIVED}),
    ])


def _handler(session: Session, user: User, clocks: ClockSettings, today: date, now: datetime) -> Home:
    """My department's open items by due date, and the reply drafts the research office returned."""
    visible = authz.visible_items(user)
    conditions = (visible, FeedbackItem.state.in_(OPEN_STATES))
    items = _item_rows(session, select(FeedbackItem).where(*conditions).order_by(
        FeedbackItem.due_date.asc().nulls_last(), FeedbackItem.received_at, FeedbackItem.id), clocks, today)
    returned, returned_total = _replies(session, visible, RETURNED, with_measures=False)
    return Home(HANDLER, [
        Section("returned", returned, returned_total),
        Section("open", items, _total(session, *conditions), {}),
    ])


def _research(session: Session, user: User, clocks: ClockSettings, today: date, now: datetime) -> Home:
    """待审核 drafts with question and measures; approved replies not yet out; mail that failed to leave."""
    visible = authz.visible_items(user)
    submitted, submitted_total = _replies(session, visible, SUBMITTED, with_measures=True)
    approved, approved_total = _replies(session, visible, APPROVED, with_measures=False)
    waiting = _mail(session, "waiting", (OutboxMessage.kind == "reply", OutboxMessage.status == PENDING))
    failed = _mail(session, "failed", (OutboxMessage.status == SENDING_FAILED,))
    unsatisfied, unsatisfied_total = ratings.unsatisfied(session, visible, LIMIT)
    return Home(RESEARCH, [
        Section("submitted", submitted, submitted_total),
        Section("approved", approved, approved_total),
        waiting, failed,
        Section("unsatisfied", unsatisfied, unsatisfied_total),
    ])


def _clerk(session: Session, user: User, clocks: ClockSettings, today: date, now: datetime) -> Home:
    """The calls and letters this clerk logged today, newest first; the answers to call back about, oldest first."""
    ids = _logged_today(user, clocks, today)
    query = select(FeedbackItem).where(FeedbackItem.id.in_(ids)).order_by(FeedbackItem.id.desc())
    rows = _item_rows(session, query, clocks, today)
    due, due_total = callbacks.due(session, user, clocks, LIMIT, now)
    return Home(CLERK, [Section("logged_today", rows, _total(session, FeedbackItem.id.in_(ids))),
                        Section("callbacks", due, due_total)])


def _logged_today(user: User, clocks: ClockSettings, today: date) -> Select:
    """Ids of the items user logged (登记) since the start of today, office time."""
    start = start_of_local_day(today, clocks.timezone)
    return (select(AuditEvent.item_id).join(FeedbackItem, FeedbackItem.id == AuditEvent.item_id)
            .where(AuditEvent.action == "item.create", AuditEvent.actor_id == user.id, AuditEvent.at >= start,
                   FeedbackItem.logged_by_id == user.id))


def _supervisor(session: Session, user: User, clocks: ClockSettings, today: date, now: datetime) -> Home:
    """Overdue and due-soon items across departments, and both counts per department."""
    visible = authz.visible_items(user)
    soon = FeedbackItem.due_date.between(today, today + timedelta(days=clocks.due_soon_days))
    by_due = (FeedbackItem.due_date, FeedbackItem.received_at, FeedbackItem.id)
    overdue = (visible, FeedbackItem.due_date < today)
    due_soon = (visible, soon)
    sections = [
        Section("overdue", _item_rows(session, select(FeedbackItem).where(*overdue).order_by(*by_due), clocks, today),
                _total(session, *overdue), {"overdue": "1"}),
        Section("due_soon", _item_rows(session, select(FeedbackItem).where(*due_soon).order_by(*by_due), clocks,
                                       today), _total(session, *due_soon), {"due_soon": "1"}),
    ]
    late = func.sum(cast(FeedbackItem.due_date < today, Integer))
    near = func.sum(cast(soon, Integer))
    loads = session.execute(
        select(FeedbackItem.department_id, late, near).where(visible, FeedbackItem.due_date <= today + timedelta(
            days=clocks.due_soon_days)).group_by(FeedbackItem.department_id)).all()
    departments = {d.id: d for d in session.scalars(select(Department).where(
        Department.id.in_([row[0] for row in loads if row[0] is not None])))}
    rows = [DepartmentLoad(departments.get(dep) if dep is not None else None, int(o or 0), int(s or 0))
            for dep, o, s in loads]
    rows.sort(key=lambda load: (-load.overdue, -load.due_soon, load.department.name if load.department else ""))
    return Home(SUPERVISOR, sections, loads=rows)


def _admin(session: Session, user: User, clocks: ClockSettings, today: date, now: datetime) -> Home:
    """Accounts per role and departments, with failed mail (the admin may retry it)."""
    by_role = {role: 0 for role in ROLES}
    inactive = 0
    for role, active, count in session.execute(
            select(User.role, User.active, func.count(User.id)).group_by(User.role, User.active)):
        if active:
            by_role[role] = by_role.get(role, 0) + count
        else:
            inactive += count
    staffed = select(User.department_id).where(User.role == HANDLER, User.active, User.department_id.is_not(None))
    departments, unstaffed = session.execute(select(
        func.count(Department.id), func.count(Department.id).filter(Department.id.not_in(staffed)))
        .where(Department.active)).one()
    return Home(ADMIN, [_mail(session, "failed", (OutboxMessage.status == SENDING_FAILED,))],
                accounts=Accounts(by_role, inactive, departments, unstaffed))


def _rectification(session: Session, user: User, clocks: ClockSettings, today: date, now: datetime) -> Home:
    """整改办 has no items to handle: its home lists the campaigns (portal.services.ledger.campaign_office)."""
    return Home(RECTIFICATION, [])


def _replies(session: Session, visible: ColumnElement[bool], status: str,
             with_measures: bool) -> tuple[list[ReplyRow], int]:
    """Replies in status on items the user may see, oldest first (by when they were submitted)."""
    conditions = (Reply.status == status, visible)
    base = select(Reply).join(FeedbackItem, FeedbackItem.id == Reply.item_id).where(*conditions)
    replies = list(session.scalars(base.options(selectinload(Reply.item))
                                   .order_by(Reply.submitted_at.asc().nulls_last(), Reply.id).limit(LIMIT)))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    measures: dict[int, list[MeasureRef]] = {}
    if with_measures and replies:
        for item_id, code, measure_status in session.execute(
                select(FeedbackLink.item_id, Measure.code, Measure.status)
                .join(Measure, Measure.id == FeedbackLink.measure_id)
                .where(FeedbackLink.item_id.in_([reply.item_id for reply in replies]))
                .order_by(FeedbackLink.item_id, Measure.position)):
            measures.setdefault(item_id, []).append(MeasureRef(code, measure_status))
    rows = [ReplyRow(reply, reply.item, reply.item.content, measures.get(reply.item_id, [])) for reply in replies]
    return rows, total


def _mail(session: Session, key: str, conditions: tuple[ColumnElement[bool], ...]) -> Section:
    """Outbox messages matching conditions, oldest first, with the case numbers of their items."""
    query = (select(OutboxMessage, FeedbackItem.case_number)
             .outerjoin(FeedbackItem, FeedbackItem.id == OutboxMessage.item_id).where(*conditions))
    rows = [MailRow(message, case_number) for message, case_number in
            session.execute(query.order_by(OutboxMessage.created_at, OutboxMessage.id).limit(LIMIT))]
    total = session.scalar(select(func.count()).where(*conditions)) or 0
    return Section(key, rows, total)
