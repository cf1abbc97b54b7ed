"""Deactivating and reactivating an account (admin), after a look at the work the account leaves open."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.models import AccountToken, FeedbackItem, Reply, User
from portal.models.feedback import DRAFT, RETURNED
from portal.models.staff import HANDLER
from portal.services.accounts.users import UserError
from portal.services.common import audit, authz
from portal.services.feedback.retention import FINAL_STATES


@dataclass(frozen=True)
class OpenWork:
    """What stays open when the account goes: replies they were drafting (case numbers), and when they are the last
    active handler of their department, that department's open items (case numbers)."""

    drafts: list[str]
    last_handler: bool
    department_items: list[str]


def open_work(session: Session, actor: User, user: User) -> OpenWork:
    authz.require(actor, "manage_users")
    drafts = list(session.scalars(
        select(FeedbackItem.case_number).join(Reply, Reply.item_id == FeedbackItem.id)
        .where(Reply.author_id == user.id, Reply.status.in_((DRAFT, RETURNED))).order_by(FeedbackItem.case_number)))
    last_handler, items = False, []
    if user.role == HANDLER and user.active and user.department_id is not None:
        others = session.scalar(select(func.count(User.id)).where(
            User.department_id == user.department_id, User.role == HANDLER, User.active.is_(True),
            User.id != user.id)) or 0
        last_handler = others == 0
        if last_handler:
            items = list(session.scalars(select(FeedbackItem.case_number).where(
                FeedbackItem.department_id == user.department_id, FeedbackItem.state.not_in(FINAL_STATES))
                .order_by(FeedbackItem.case_number)))
    return OpenWork(drafts, last_handler, items)


def deactivate(session: Session, actor: User, user: User, now: datetime | None = None) -> None:
    """The account can no longer log in: its sessions end and its unused password links stop working."""
    authz.require(actor, "manage_users")
    if user.id == actor.id:
        raise UserError(_("不能停用自己的账号或修改自己的角色。"))
    if not user.active:
        raise UserError(_("账号已经停用。"))
    user.active = False
    user.session_token = secrets.token_hex(16)
    session.execute(update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
                    .values(used_at=now or datetime.now(UTC)).execution_options(synchronize_session=False))
    audit.record(session, actor, "user.deactivate", "staff_user", user.id, changes={"active": [True, False]})
    session.flush()


def reactivate(session: Session, actor: User, user: User) -> None:
    """The account may log in again with its password (a reset is separate)."""
    authz.require(actor, "manage_users")
    if user.active:
        raise UserError(_("账号已经启用。"))
    user.active = True
    audit.record(session, actor, "user.reactivate", "staff_user", user.id, changes={"active": [False, True]})
    session.flush()
