"""Staff accounts: creation, argon2 passwords, login with throttling per account and per address."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal import labels
from portal.models import Department, DepartmentAlias, LoginFailure, User
from portal.models.staff import HANDLER, ROLES
from portal.services.common import addresses, audit, authz
from portal.services.common.errors import ServiceError
from portal.services.common.numbers import parse_id
from portal.services.common.text import clean_text

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
_hasher = PasswordHasher()
#: shown in the audit log when an operator acts through a flask command
OPERATOR = "运维命令"


class UserError(ServiceError):
    """An account could not be created or changed."""


class LoginRefused(ServiceError):
    """Login failed; the message never says whether the account exists."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    if len(password or "") < MIN_PASSWORD:
        return _("密码至少需要%(min)s个字符。", min=MIN_PASSWORD)
    return None


def department_named(session: Session, name: str) -> Department:
    """The department with this name or former name (DepartmentAlias), created when there is none (operator
    commands; the administration pages choose from the managed list)."""
    name = clean_text(name)
    department = session.scalar(select(Department).where(Department.name == name)) or session.scalar(
        select(Department).join(DepartmentAlias, DepartmentAlias.department_id == Department.id)
        .where(DepartmentAlias.name == name))
    if department is None:
        department = Department(name=name)
        session.add(department)
        session.flush()
    return department


def _department(session: Session, role: str, department: str | Department | None) -> Department | None:
    """The account's department: required for a handler, refused for every other role; an active one when chosen
    from the list (a Department), found or created by name for operator commands (a str)."""
    if isinstance(department, str):
        department = department_named(session, department) if clean_text(department) else None
    if role == HANDLER and department is None:
        raise UserError(_("承办部门人员必须指定所属部门。"), "department")
    if role != HANDLER and department is not None:
        raise UserError(_("只有承办部门人员属于部门，其他角色请不要选择部门。"), "department")
    return department


def _role(role: str | None) -> str:
    if not role:
        raise UserError(_("请选择角色。"), "role")
    if role not in ROLES:
        raise UserError(_("角色无效，可选：%(roles)s。", roles=labels.join(ROLES)), "role")
    return role


def create_user(session: Session, email: str, name: str, role: str, password: str | None, *,
                department: str | Department | None = None, actor: User | None = None) -> User:
    """A new account; actor None means an operator command, otherwise the actor must manage users. password None
    gives the account no usable password (it is set through an invitation link or a generated password)."""
    if actor is not None:
        authz.require(actor, "manage_users")
    email = (addresses.normalized(email) or "").lower()
    if not email:
        raise UserError(_("电子邮箱格式不正确。"), "email")
    role = _role(role)
    if password is not None and (problem := password_problem(password)):
        raise UserError(problem, "password")
    if session.scalar(select(User.id).where(User.email == email)):
        raise UserError(_("账号 %(email)s 已存在。", email=email), "email")
    chosen = _department(session, role, department)
    user = User(email=email, name=clean_text(name) or email.split("@")[0], role=role,
                department_id=chosen.id if chosen else None,
                password_hash=hash_password(password if password is not None else secrets.token_urlsafe(32)),
                session_token=secrets.token_hex(16))
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "staff_user", user.id, actor_label=None if actor else OPERATOR,
                 role=role, email=email)
    return user


def update_user(session: Session, user: User, actor: User, *, role: str, department: Department | None,
                name: str) -> None:
    """Change role, department and name; a new role ends the user's sessions. Deactivation has its own page
    (portal.services.accounts.deactivation)."""
    authz.require(actor, "manage_users")
    name = clean_text(name)
    if not name:
        raise UserError(_("请填写姓名。"), "name")
    role = _role(role)
    if user.id == actor.id and role != user.role:
        raise UserError(_("不能停用自己的账号或修改自己的角色。"))
    if department is not None and not department.active and department.id != user.department_id:
        raise UserError(_("部门“%(name)s”已停用。", name=department.name), "department")
    chosen = _department(session, role, department)
    changes = {}
    for attr, value in (("role", role), ("department_id", chosen.id if chosen else None), ("name", name)):
        if getattr(user, attr) != value:
            changes[attr] = [getattr(user, attr), value]
            setattr(user, attr, value)
    if "role" in changes:
        user.session_token = secrets.token_hex(16)
    if changes:
        audit.record(session, actor, "user.update", "staff_user", user.id, changes=changes)
    session.flush()


def load_user(session: Session, session_id: str) -> User | None:
    """The user behind a session id "id:token"; None when the token was rotated (logout everywhere)."""
    user_id, _, token = (session_id or "").partition(":")
    number = parse_id(user_id)
    user = session.get(User, number) if number is not None else None
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


@cache
def _dummy_hash() -> str:
    """A hash to verify against when no account has the typed email, so that the answer takes as long; made on
    first use rather than at import, which every command and every piped email would pay for."""
    return _hasher.hash(secrets.token_hex(16))


def authenticate(session: Session, email: str, password: str, ip: str, now: datetime | None = None) -> User:
    """The user when email and password match and neither the e-mail nor the address is locked.

    Failures count per e-mail as typed whether or not an account has it, so that the answers and the work done are
    the same for unknown e-mails as for existing accounts (a lockout reveals nothing).
    """
    now = now or datetime.now(UTC)
    window_start = now - timedelta(minutes=LOCK_MINUTES)
    email = (addresses.normalized(email) or (email or "").strip()).lower()[:LoginFailure.email.type.length]
    user = session.scalar(select(User).where(User.email == email))
    ip_failures = session.scalar(select(func.count(LoginFailure.id)).where(
        LoginFailure.ip == ip, LoginFailure.at > window_start)) or 0
    email_failures = list(session.scalars(select(LoginFailure.at).where(
        LoginFailure.email == email, LoginFailure.at > window_start).order_by(LoginFailure.at)))
    if ip_failures >= MAX_FAILURES or len(email_failures) >= MAX_FAILURES:
        audit.record(session, user, "user.login_throttled", "staff_user", user.id if user else None,
                     actor_label=None if user else "未知账号", ip=ip)
        raise LoginRefused(_("登录失败次数过多，请%(minutes)s分钟后再试。", minutes=LOCK_MINUTES))
    if not _verify(user.password_hash if user else _dummy_hash(), password) or user is None or not user.active:
        session.add(LoginFailure(ip=ip, email=email, at=now))
        email_failures.append(now)
        if user is not None:
            user.failed_logins = len(email_failures)
            if len(email_failures) >= MAX_FAILURES:
                user.locked_until = email_failures[-MAX_FAILURES] + timedelta(minutes=LOCK_MINUTES)
        audit.record(session, user, "user.login_failed", "staff_user", user.id if user else None,
                     actor_label=None if user else "未知账号", ip=ip)
        session.flush()
        raise LoginRefused(_("邮箱或密码不正确。"))
    user.failed_logins = 0
    user.locked_until = None
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(session, user, "user.login", "staff_user", user.id, ip=ip)
    session.flush()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def change_password(session: Session, user: User, old: str, new: str) -> None:
    """Change one's own password; every other session of the account ends."""
    if not _verify(user.password_hash, old):
        raise UserError(_("原密码不正确。"), "old_password")
    if problem := password_problem(new):
        raise UserError(problem, "new_password")
    if user.must_change_password and secrets.compare_digest(old or "", new or ""):
        raise UserError(_("新密码不能与原密码相同。"), "new_password")
    user.password_hash = hash_password(new)
    user.session_token = secrets.token_hex(16)
    user.must_change_password = False
    audit.record(session, user, "user.password_change", "staff_user", user.id)
    session.flush()


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.email)))


def is_locked(user: User, now: datetime | None = None) -> bool:
    """Whether too many failed logins keep the account locked now."""
    return user.locked_until is not None and user.locked_until > (now or datetime.now(UTC))


def users_page(session: Session, actor: User, page: int, per_page: int, *, search: str = "",
               role: str = "") -> tuple[list[User], int]:
    """One page of accounts for the user administration, with the total count; search finds a part of the name or
    the email (any case), role keeps one role."""
    authz.require(actor, "manage_users")
    conditions = []
    if search := clean_text(search):
        pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(func.lower(User.name).like(pattern, escape="\\"), User.email.like(pattern, escape="\\")))
    if role in ROLES:
        conditions.append(User.role == role)
    total = session.scalar(select(func.count(User.id)).where(*conditions)) or 0
    rows = session.scalars(select(User).options(selectinload(User.department)).where(*conditions)
                           .order_by(User.role, User.email).offset((max(page, 1) - 1) * per_page).limit(per_page))
    return list(rows), total


def user_for_admin(session: Session, actor: User, user_id: int) -> User | None:
    """The account with this id for the user administration; None when there is none."""
    authz.require(actor, "manage_users")
    return session.get(User, user_id)


def user_by_email(session: Session, email: str) -> User:
    """The account with this email (any case); UserError when there is none."""
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise UserError(_("账号不存在。"), "email")
    return user


def reset_password(session: Session, user: User, new: str, actor: User | None = None) -> None:
    """Set a new password for someone else (admin) or by an operator command (actor None); ends their sessions."""
    if actor is not None:
        authz.require(actor, "manage_users")
        if actor.id == user.id:
            raise UserError(_("请在“修改密码”页面修改自己的密码。"))
    if problem := password_problem(new):
        raise UserError(problem, "new_password")
    user.password_hash = hash_password(new)
    user.session_token = secrets.token_hex(16)
    user.failed_logins = 0
    user.locked_until = None
    session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    audit.record(session, actor, "user.password_reset", "staff_user", user.id,
                 actor_label=None if actor else OPERATOR)
    session.flush()


def deactivate_user(session: Session, user: User) -> bool:
    """Deactivate an account by an operator command and end its sessions; False when it was already inactive."""
    if not user.active:
        return False
    user.active = False
    user.session_token = secrets.token_hex(16)
    audit.record(session, None, "user.deactivate", "staff_user", user.id, actor_label=OPERATOR)
    session.flush()
    return True


def record_logout(session: Session, user: User) -> None:
    """End every session of the account (a copied session cookie stops working too) and audit it."""
    user.session_token = secrets.token_hex(16)
    audit.record(session, user, "user.logout", "staff_user", user.id)
    session.flush()
