"""公开数据版本: a number per kind of public data, moved in the same transaction as every change to that data.

Cached public pages (portal.public.response_cache) are keyed by these numbers, so a change committed by any worker
on any host is seen by all of them at their next read of the version row. The bump is automatic: a flush that
inserts, changes or deletes a row of a model below marks its kind, and the commit moves the marked numbers, as the
transaction's last statement (the row lock is then held only for the commit, and always taken last, so two
transactions cannot deadlock on it). Code that changes such rows with bulk statements calls mark_changed().

The models load at the first flush or read of the versions, not with this module: db.init_app watches every session
when the app is created, and a `flask` command that needs no model (its --help) need not map them all.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Select, TextClause, bindparam, event, select, text
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

if TYPE_CHECKING:
    from portal.models import Base

#: the ledger, the progress reports, 回头看 results (in the feeds), campaign details and department names
LEDGER = "ledger"
#: opinions as the public sees them: counters, published answers, on-time and satisfaction rates
FEEDBACK = "feedback"
SCOPES = (LEDGER, FEEDBACK)
#: the links between opinions and the ledger, which shape the measure suggestions' index
#: (portal.services.feedback.suggest): moved with FEEDBACK, but read alone (number()), not by the public pages
LINKS = "links"
_PENDING = "portal.public_version.pending"
#: Session.info key of an object whose publish(versions) copies the numbers a commit moved (portal.version_mirror)
MIRROR = "portal.public_version.mirror"
_MOVED = "portal.public_version.moved"

@cache
def _scope_of() -> dict[type[Base], tuple[str, ...]]:
    """The scopes each model's rows belong to."""
    from portal.models import (
        AnswerRating,
        CallbackAttempt,
        Campaign,
        Category,
        Department,
        ExtensionRequest,
        FeedbackItem,
        FeedbackLink,
        FollowUp,
        Measure,
        MeasureUpdate,
        Problem,
        ProgressReport,
        Recheck,
        Reply,
        ReplyAttachment,
        ReplyEdit,
        SendBack,
    )

    return {
        **dict.fromkeys((Campaign, Category, Problem, Measure, MeasureUpdate, ProgressReport, Department, Recheck),
                        (LEDGER,)),
        **dict.fromkeys((FeedbackItem, Reply, ReplyAttachment, ReplyEdit, FollowUp, ExtensionRequest, SendBack,
                         AnswerRating, CallbackAttempt), (FEEDBACK,)),
        FeedbackLink: (FEEDBACK, LINKS),
    }


@cache
def _read() -> Select:
    from portal.models import PublicVersion

    return select(PublicVersion.scope, PublicVersion.version, PublicVersion.changed_at)


@cache
def _bump_statement() -> TextClause:
    """INSERT … ON CONFLICT DO UPDATE, valid on PostgreSQL and SQLite; written as text because SQLAlchemy 2.0
    compiles its dialects' insert() anew for every execution (sqlalchemy/sqlalchemy#10445), a tenth of the CPU of
    storing a mailed opinion."""
    from portal.models import PublicVersion

    return text(
        "INSERT INTO public_version (scope, version, changed_at) VALUES (:scope, 1, :now) "
        "ON CONFLICT (scope) DO UPDATE SET version = public_version.version + 1, changed_at = excluded.changed_at"
    ).bindparams(bindparam("scope", type_=PublicVersion.__table__.c.scope.type),
                 bindparam("now", type_=PublicVersion.__table__.c.changed_at.type))


@dataclass(frozen=True)
class Versions:
    """The numbers of every scope, in SCOPES order, and when the newest of them moved (None: never)."""

    numbers: tuple[int, ...]
    changed_at: datetime | None

    def of(self, scopes: Iterable[str]) -> tuple[int, ...]:
        return tuple(self.numbers[SCOPES.index(scope)] for scope in scopes)


def read(connection: Connection) -> Versions:
    """Every scope's number in one small query (a scope never bumped is 0)."""
    rows = {row.scope: row for row in connection.execute(_read()) if row.scope in SCOPES}
    stamps = [row.changed_at for row in rows.values()]
    return Versions(tuple(rows[scope].version if scope in rows else 0 for scope in SCOPES),
                    max(stamps) if stamps else None)


def number(session: Session, scope: str) -> int:
    """One scope's number as the session's transaction sees it (0 when never bumped): one primary-key read."""
    from portal.models import PublicVersion

    return session.scalar(select(PublicVersion.version).where(PublicVersion.scope == scope)) or 0


def mark_changed(session: Session, *scopes: str) -> None:
    """Bump these scopes when the session's transaction commits (for changes made without the ORM's flush)."""
    session.info.setdefault(_PENDING, set()).update(scopes)


def watch() -> None:
    """Bump the versions on every commit that changed public data, in every Session (idempotent)."""
    if not event.contains(Session, "after_flush", _note_flushed):
        event.listen(Session, "after_flush", _note_flushed)
        event.listen(Session, "before_commit", _bump_marked)
        event.listen(Session, "after_commit", _publish_moved)
        event.listen(Session, "after_transaction_end", _forget_marked)


def _note_flushed(session: Session, _context: UOWTransaction) -> None:
    """Mark the scopes of what this flush wrote (the session still lists it as new, dirty or deleted here)."""
    scope_of = _scope_of()
    scopes = {scope for obj in chain(session.new, session.deleted) for scope in scope_of.get(type(obj), ())}
    scopes.update(scope for obj in session.dirty if type(obj) in scope_of
                  and session.is_modified(obj, include_collections=False) for scope in scope_of[type(obj)])
    if scopes:
        mark_changed(session, *scopes)


def _bump_marked(session: Session) -> None:
    """Before the commit of the outermost transaction (a savepoint's release leaves the marks to it)."""
    if session.in_nested_transaction():
        return
    session.flush()
    scopes = session.info.pop(_PENDING, None)
    if scopes:
        _bump(session.connection(), sorted(scopes))
        if session.info.get(MIRROR) is not None:
            session.info[_MOVED] = read(session.connection())


def _publish_moved(session: Session) -> None:
    """After the commit, the numbers it moved to the session's mirror, if it has one."""
    moved = session.info.pop(_MOVED, None)
    if moved is not None:
        session.info[MIRROR].publish(moved)


def _forget_marked(session: Session, transaction: SessionTransaction) -> None:
    """A rolled-back transaction changed nothing; a committed one has bumped its marks already."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_MOVED, None)


def _bump(connection: Connection, scopes: list[str]) -> None:
    from portal.models import utcnow

    now = utcnow()
    connection.execute(_bump_statement(), [{"scope": scope, "now": now} for scope in scopes])
