"""Staff accounts, departments, account tokens and failed-login records."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

ADMIN, CLERK, TRIAGER, HANDLER, RESEARCH, SUPERVISOR = "admin", "clerk", "triager", "handler", "research", "supervisor"
#: 整改办: keeps the campaigns and their ledgers
RECTIFICATION = "rectification"
ROLES = (ADMIN, CLERK, TRIAGER, HANDLER, RESEARCH, SUPERVISOR, RECTIFICATION)
DEPARTMENT_NAME_LENGTH = 100


class Department(Base):
    """承办部门: a department that handles items, e.g. 办公室, 组织部."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(DEPARTMENT_NAME_LENGTH), unique=True)
    #: an inactive department is no longer offered for assignment or accounts; items keep showing it
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class DepartmentAlias(Base):
    """A former name of a department (merged away or renamed): a ledger naming it does not create it again."""

    __tablename__ = "department_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(DEPARTMENT_NAME_LENGTH), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)


class User(Base):
    """A staff account with one role; handlers belong to a department."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: changes on password change and deactivation, so every existing session of the account ends
    session_token: Mapped[str] = mapped_column(String(64))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set with a generated password: every staff page leads to /staff/password until the user chooses their own
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    department: Mapped[Department | None] = relationship("Department")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


INVITATION, RESET = "invitation", "reset"
TOKEN_PURPOSES = (INVITATION, RESET)


class AccountToken(Base):
    """A one-time link that lets a user set their own password (an invitation or a reset); only its hash is kept."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    #: SHA-256 of the token in the link, hex
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: when the link was used, or made void by a newer link or a generated password
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """One failed login, kept to throttle by client address and by the e-mail typed, whether an account has it."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    #: as typed, normalised (strip, lower), cut to the column's length
    email: Mapped[str] = mapped_column(String(254), index=True, server_default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
