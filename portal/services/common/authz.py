"""Who may do what: the role × action matrix and the department scope, checked in the service layer."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from portal.models import FeedbackItem, User
from portal.models.staff import ADMIN, CLERK, HANDLER, RECTIFICATION, RESEARCH, SUPERVISOR, TRIAGER

#: roles that may perform each action (on an item they can see, when an item is involved)
ACTION_ROLES: dict[str, frozenset[str]] = {
    #: 工作台: every role has a home page; what it lists depends on the role
    "view_home": frozenset({ADMIN, CLERK, TRIAGER, HANDLER, RESEARCH, SUPERVISOR, RECTIFICATION}),
    "view_queue": frozenset({ADMIN, CLERK, TRIAGER, HANDLER, RESEARCH, SUPERVISOR}),
    "log_phone": frozenset({CLERK, TRIAGER}),
    "log_letter": frozenset({CLERK, TRIAGER}),
    #: a clerk only the calls and letters they logged (portal.services.feedback.corrections)
    "correct_item": frozenset({CLERK, TRIAGER}),
    "accept": frozenset({TRIAGER}),
    "reject": frozenset({TRIAGER}),
    "transfer": frozenset({TRIAGER}),
    "merge": frozenset({TRIAGER}),
    "spam": frozenset({TRIAGER}),
    "assign": frozenset({TRIAGER}),
    #: 延期: directly, or by granting a department's request (portal.services.feedback.extensions)
    "extend": frozenset({TRIAGER, RESEARCH}),
    "request_extension": frozenset({HANDLER}),
    #: 退回分办: a department returns a mis-assigned item to the triagers
    "send_back": frozenset({HANDLER}),
    "review": frozenset({TRIAGER}),
    "reply": frozenset({RESEARCH}),
    "draft_reply": frozenset({HANDLER, RESEARCH}),
    "approve_reply": frozenset({RESEARCH}),
    "manage_templates": frozenset({RESEARCH}),
    "close": frozenset({TRIAGER, RESEARCH}),
    "publish": frozenset({RESEARCH}),
    "note": frozenset({TRIAGER, HANDLER, RESEARCH}),
    "link": frozenset({TRIAGER, HANDLER, RESEARCH}),
    "reveal_contact": frozenset({CLERK, TRIAGER, HANDLER, RESEARCH, SUPERVISOR}),
    "download_attachment": frozenset({CLERK, TRIAGER, HANDLER, RESEARCH, SUPERVISOR}),
    "view_audit": frozenset({ADMIN, SUPERVISOR}),
    "manage_users": frozenset({ADMIN}),
    #: a handler only their department's items (authz.visible_items)
    "export_items": frozenset({SUPERVISOR, RESEARCH, ADMIN, HANDLER}),
    #: 回访: call citizens about their answers and record the result
    "callback": frozenset({CLERK}),
    #: a handler only their department's figures (the items they can see)
    "view_stats": frozenset({SUPERVISOR, RESEARCH, ADMIN, HANDLER}),
    "stats_bulletin": frozenset({SUPERVISOR, RESEARCH, ADMIN}),
    "view_inbound": frozenset({TRIAGER, RESEARCH, SUPERVISOR, ADMIN}),
    "view_outbox": frozenset({RESEARCH, SUPERVISOR, ADMIN}),
    "retry_outbox": frozenset({RESEARCH, ADMIN}),
    #: 整改办: create and edit campaigns, choose the one the public home page shows
    "manage_campaigns": frozenset({RECTIFICATION}),
    #: 整改办: upload a ledger (preview, then confirm) and download the current one
    "import_ledger": frozenset({RECTIFICATION}),
    #: 部门进展报送: a handler, for measures whose 责任部门 names their department (portal.services.ledger.progress)
    "report_progress": frozenset({HANDLER}),
    #: 整改办 approves a department's update (it then enters the measure) or returns it with a comment
    "review_progress": frozenset({RECTIFICATION}),
    #: 进展通报: paste or upload a report, correct it beside the ledger's figures, publish it (or discard the draft)
    "publish_reports": frozenset({RECTIFICATION, ADMIN}),
}


class PermissionDenied(Exception):
    """The user's role or department does not allow this action on this object."""


def visible_items(user: User) -> ColumnElement[bool]:
    """SQL condition for the items a user may see: a handler only their department's."""
    if not user.is_active:
        return false()
    if user.role == HANDLER:
        return FeedbackItem.department_id == user.department_id if user.department_id else false()
    return true()


def can_view(user: User, item: FeedbackItem) -> bool:
    if not user.is_active:
        return False
    if user.role == HANDLER:
        return user.department_id is not None and item.department_id == user.department_id
    return True


def can(user: User | None, action: str, item: FeedbackItem | None = None) -> bool:
    if user is None or not user.is_active or user.role not in ACTION_ROLES[action]:
        return False
    return item is None or can_view(user, item)


def require(user: User | None, action: str, item: FeedbackItem | None = None) -> None:
    """Raise PermissionDenied unless user may do action (on item)."""
    if not can(user, action, item):
        raise PermissionDenied(action)
