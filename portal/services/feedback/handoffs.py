"""What the home pages list about hand-offs between roles: items sent back to triage (退回分办), extension requests
(延期申请) and the reviewer's edits of a draft (审核修改), each with its count for the navigation."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import ExtensionRequest, FeedbackItem, Reply, ReplyEdit, SendBack, User
from portal.models.feedback import HANDLING
from portal.models.handling import PENDING
from portal.services.common import authz
from portal.services.feedback import extensions

#: a list on a home page: its first rows and how many there are in all
Listed = tuple[list, int]


def _listed(session: Session, query: Select, limit: int) -> Listed:
    rows = list(session.scalars(query.limit(limit)))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return rows, total


def _open_send_backs(user: User) -> Select:
    return (select(SendBack).join(FeedbackItem, FeedbackItem.id == SendBack.item_id)
            .where(SendBack.resolved_at.is_(None), authz.visible_items(user)))


def _pending_requests(user: User) -> Select:
    return (select(ExtensionRequest).join(FeedbackItem, FeedbackItem.id == ExtensionRequest.item_id)
            .where(ExtensionRequest.status == PENDING, authz.visible_items(user)))


def _department_requests(user: User) -> Select:
    return (select(ExtensionRequest).join(FeedbackItem, FeedbackItem.id == ExtensionRequest.item_id)
            .where(FeedbackItem.state == HANDLING, authz.visible_items(user)))


def _unseen_edits(user: User) -> Select:
    return (select(ReplyEdit).join(Reply, Reply.id == ReplyEdit.reply_id)
            .join(FeedbackItem, FeedbackItem.id == Reply.item_id)
            .where(Reply.author_id == user.id, ReplyEdit.seen_at.is_(None), authz.visible_items(user)))


def send_backs(session: Session, user: User, limit: int) -> Listed:
    """退回分办 not yet assigned again, oldest first, with the department and its reason."""
    query = _open_send_backs(user).options(selectinload(SendBack.item), selectinload(SendBack.department))
    return _listed(session, query.order_by(SendBack.sent_at, SendBack.id), limit)


def pending_requests(session: Session, user: User, limit: int) -> Listed:
    """延期申请 waiting for a decision, oldest first."""
    query = _pending_requests(user).options(selectinload(ExtensionRequest.item).selectinload(FeedbackItem.department))
    return _listed(session, query.order_by(ExtensionRequest.requested_at, ExtensionRequest.id), limit)


def department_requests(session: Session, user: User, limit: int) -> Listed:
    """The extension requests of the items the department still handles, newest first, whatever their state."""
    query = _department_requests(user).options(selectinload(ExtensionRequest.item),
                                               selectinload(ExtensionRequest.decided_by))
    return _listed(session, query.order_by(ExtensionRequest.requested_at.desc(), ExtensionRequest.id.desc()), limit)


def unseen_edits(session: Session, user: User, limit: int) -> Listed:
    """审核修改 of user's drafts they have not yet acknowledged, newest first."""
    query = _unseen_edits(user).options(selectinload(ReplyEdit.reply).selectinload(Reply.item),
                                        selectinload(ReplyEdit.editor))
    return _listed(session, query.order_by(ReplyEdit.edited_at.desc(), ReplyEdit.id.desc()), limit)


def _count(query: Select) -> Select:
    return select(func.count()).select_from(query.subquery())


def count_queries(user: User) -> dict[str, Select]:
    """The navigation counts of these lists for user's role (added to portal.services.feedback.workspace's)."""
    counts: dict[str, Select] = {}
    if authz.can(user, "assign"):
        counts["sent_back"] = _count(_open_send_backs(user))
    if authz.can(user, "extend"):
        counts["extension_requests"] = _count(_pending_requests(user))
    if authz.can(user, "request_extension"):
        counts["review_edits"] = _count(_unseen_edits(user))
    return counts


@dataclass(frozen=True)
class ItemHandoffs:
    """The item page's part: send-backs with their reasons, extension requests, what this user may do about them."""

    send_backs: list[SendBack]
    requests: list[ExtensionRequest]
    pending: ExtensionRequest | None
    may_request: bool
    may_decide: bool


def for_item(session: Session, user: User, item: FeedbackItem) -> ItemHandoffs:
    """Every time item was sent back to triage and every extension request, oldest first."""
    backs = list(session.scalars(select(SendBack).where(SendBack.item_id == item.id)
                                 .options(selectinload(SendBack.department), selectinload(SendBack.sent_by))
                                 .order_by(SendBack.sent_at, SendBack.id)))
    requests = extensions.of_item(session, item)
    waiting = next((r for r in requests if r.status == PENDING), None)
    return ItemHandoffs(backs, requests, waiting, extensions.may_request(session, user, item),
                        waiting is not None and authz.can(user, "extend", item))
