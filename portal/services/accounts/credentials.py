"""First and reset passwords without the administrator choosing one: a one-time link emailed through the outbox
(invitation or reset, 72 hours, stored only hashed) with which the user sets their own password, or a generated
password shown once to the administrator that the user must change at first login."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portal.models import AccountToken, Department, LoginFailure, OutboxMessage, User
from portal.models.staff import INVITATION, RESET
from portal.services.accounts.users import UserError, create_user, hash_password, password_problem
from portal.services.common import audit, authz
from portal.services.mail import outbox

LINK_HOURS = 72
#: how the administrator hands over the password: a link the user opens, or a generated password
LINK, GENERATED = "link", "generated"
METHODS = (LINK, GENERATED)
#: the path of the page the link opens; the token travels in the query string, which request logs leave out
LINK_PATH = "/staff/set-password"
#: letters and digits that cannot be mistaken for one another when read out or copied by hand
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class LinkSettings:
    mail: outbox.MailSettings
    base_url: str

    @classmethod
    def from_config(cls, config) -> LinkSettings:
        return cls(outbox.MailSettings.from_config(config), config["PUBLIC_BASE_URL"].rstrip("/"))


@dataclass(frozen=True)
class Handover:
    """How a new or reset password reached the user: the queued email, or the generated password to show once."""

    message: OutboxMessage | None = None
    password: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def generated_password() -> str:
    """Four groups of four, e.g. kq7m-x2fa-9rtp-wd3h (about 79 bits)."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))


def _method(method: str | None) -> str:
    if method not in METHODS:
        raise UserError(_("请选择发送设置密码链接或生成临时密码。"), "method")
    return method


def _void_links(session: Session, user: User, now: datetime) -> None:
    """Earlier links of the account stop working: only the newest one counts."""
    session.execute(update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
                    .values(used_at=now).execution_options(synchronize_session=False))


def _send_link(session: Session, actor: User, user: User, purpose: str, settings: LinkSettings,
               now: datetime) -> OutboxMessage:
    _void_links(session, user, now)
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=LINK_HOURS)
    session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=token_hash(token), created_at=now,
                             expires_at=expires))
    context = {"user": user, "url": f"{settings.base_url}{LINK_PATH}?token={token}", "hours": LINK_HOURS,
               "expires": expires, "invitation": purpose == INVITATION}
    subject = "整改监督平台账号邀请" if purpose == INVITATION else "整改监督平台重置密码"
    message = outbox.enqueue(session, settings.mail, to=user.email, kind="account", subject=subject,
                             text=render_template("email/account_link.txt", **context))
    audit.record(session, actor, "user.invite" if purpose == INVITATION else "user.reset_link", "staff_user",
                 user.id, hours=LINK_HOURS)
    return message


def _generate(session: Session, actor: User, user: User, now: datetime) -> str:
    _void_links(session, user, now)
    password = generated_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    audit.record(session, actor, "user.password_generated", "staff_user", user.id)
    return password


def create_account(session: Session, actor: User, *, email: str, name: str, role: str,
                   department: Department | None, method: str | None, settings: LinkSettings,
                   now: datetime | None = None) -> tuple[User, Handover]:
    """A new account whose password the user sets through an emailed invitation, or a generated one to change at
    first login; every error of the form (method, role, department, email) raises UserError for its field."""
    authz.require(actor, "manage_users")
    now = now or datetime.now(UTC)
    method = _method(method)
    if department is not None and not department.active:
        raise UserError(_("部门“%(name)s”已停用。", name=department.name), "department")
    user = create_user(session, email, name, role, None, department=department, actor=actor)
    if method == LINK:
        return user, Handover(message=_send_link(session, actor, user, INVITATION, settings, now))
    return user, Handover(password=_generate(session, actor, user, now))


def reset(session: Session, actor: User, user: User, method: str | None, settings: LinkSettings,
          now: datetime | None = None) -> Handover:
    """Reset someone else's password by link (the old one keeps working until the link is used) or by a generated
    password (at once: their sessions end and the lockout lifts)."""
    authz.require(actor, "manage_users")
    if actor.id == user.id:
        raise UserError(_("请在“修改密码”页面修改自己的密码。"))
    if not user.active:
        raise UserError(_("账号已停用，请先恢复启用。"))
    now = now or datetime.now(UTC)
    method = _method(method)
    if method == LINK:
        return Handover(message=_send_link(session, actor, user, RESET, settings, now))
    password = _generate(session, actor, user, now)
    _unlock(session, user)
    session.flush()
    return Handover(password=password)


def _unlock(session: Session, user: User) -> None:
    user.session_token = secrets.token_hex(16)
    user.failed_logins = 0
    user.locked_until = None
    session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))


def valid_link(session: Session, token: str | None, now: datetime | None = None) -> AccountToken | None:
    """The unused, unexpired link of an active account that token opens; None otherwise."""
    if not token or len(token) > 100:
        return None
    link = session.scalar(select(AccountToken).where(AccountToken.token_hash == token_hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= (now or datetime.now(UTC)):
        return None
    user = session.get(User, link.user_id)
    return link if user is not None and user.active else None


def set_password(session: Session, token: str | None, password: str, now: datetime | None = None) -> User:
    """The user of a valid link chooses their password; the link is used up, other sessions end, lockouts lift."""
    now = now or datetime.now(UTC)
    link = valid_link(session, token, now)
    if link is None:
        raise UserError(_("链接无效、已使用或已过期，请联系系统管理员重新发送。"))
    if problem := password_problem(password):
        raise UserError(problem, "new_password")
    user = session.get(User, link.user_id)
    assert user is not None  # valid_link checked it
    user.password_hash = hash_password(password)
    user.must_change_password = False
    _unlock(session, user)
    link.used_at = now
    audit.record(session, user, "user.password_set", "staff_user", user.id, purpose=link.purpose)
    session.flush()
    return user

