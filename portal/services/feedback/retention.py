"""Privacy purge (个人信息保护法 art. 19): anonymise personal data once a closed case's retention period ends.

What goes: the submitter's contact, the raw emails and sender addresses, the addresses mail was sent to, and the
attachment files. What stays: the case record itself — content, subject, replies, notes, history — which the
organisation must keep; staff are expected not to copy personal data into it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, literal, or_, select, update
from sqlalchemy.orm import Session

from portal.models import Attachment, FeedbackContact, FeedbackItem, FollowUp, InboundMessage, OutboxMessage
from portal.models.feedback import CLOSED, DUPLICATE, NOT_ACCEPTED, PURGED_PREFIX, SPAM, TRANSFERRED
from portal.services.common import audit

FINAL_STATES = (CLOSED, NOT_ACCEPTED, TRANSFERRED, DUPLICATE, SPAM)
ANONYMISED_ADDRESS = "（已匿名化）"
OPERATOR = "运维命令 flask privacy purge"
#: rows the purge rewrites in bulk; copies already loaded in the session are expired so none shows stale data
PURGED_MODELS = (FeedbackContact, InboundMessage, OutboxMessage, Attachment)


@dataclass
class PurgeResult:
    """What a purge touched (or, in a dry run, would touch); files are deleted only after the commit."""

    cutoff: datetime
    items: int = 0
    contacts: int = 0
    inbound_messages: int = 0
    outbox_messages: int = 0
    attachments: int = 0
    files: list[Path] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"items": self.items, "contacts": self.contacts, "inbound_messages": self.inbound_messages,
                "outbox_messages": self.outbox_messages, "attachments": self.attachments}


def retention_cutoff(now: datetime, years: int) -> datetime:
    """The same moment `years` calendar years earlier (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def _expired(cutoff: datetime) -> Select:
    return select(FeedbackItem.id).where(FeedbackItem.state.in_(FINAL_STATES), FeedbackItem.closed_at.is_not(None),
                                         FeedbackItem.closed_at < cutoff)


def _inbound_due(expired: Select, cutoff: datetime) -> ColumnElement[bool]:
    """Raw mail of expired items and their follow-ups, and mail that never became a case once it is as old."""
    follow_up_of = (select(FollowUp.inbound_id).where(FollowUp.item_id.in_(expired), FollowUp.inbound_id.is_not(None))
                    .correlate(None))
    threaded = select(FollowUp.id).where(FollowUp.inbound_id == InboundMessage.id).correlate(InboundMessage)
    unattached = and_(InboundMessage.item_id.is_(None), InboundMessage.received_at < cutoff, ~threaded.exists())
    still_personal = or_(InboundMessage.from_address.is_not(None), func.length(InboundMessage.raw) > 0)
    return and_(or_(InboundMessage.item_id.in_(expired), InboundMessage.id.in_(follow_up_of), unattached),
                still_personal)


def purge(session: Session, *, retention_years: int, upload_dir: Path, now: datetime | None = None,
          dry_run: bool = False) -> PurgeResult:
    """Anonymise what is due and audit the counts; a dry run only counts. Delete result.files after committing."""
    now = now or datetime.now(UTC)
    result = PurgeResult(cutoff=retention_cutoff(now, retention_years))
    expired = _expired(result.cutoff)
    contact_due = and_(FeedbackContact.item_id.in_(expired), FeedbackContact.anonymised_at.is_(None))
    inbound_due = _inbound_due(expired, result.cutoff)
    outbox_due = and_(OutboxMessage.item_id.in_(expired), OutboxMessage.to_address != ANONYMISED_ADDRESS)
    attachment_due = and_(Attachment.item_id.in_(expired), ~Attachment.stored_name.startswith(PURGED_PREFIX))

    contact_items = session.scalars(select(FeedbackContact.item_id).where(contact_due)).all()
    inbound_rows = session.execute(
        select(InboundMessage.id, func.coalesce(FollowUp.item_id, InboundMessage.item_id))
        .outerjoin(FollowUp, FollowUp.inbound_id == InboundMessage.id).where(inbound_due)).all()
    outbox_items = session.scalars(select(OutboxMessage.item_id).where(outbox_due)).all()
    attachment_rows = session.execute(select(Attachment.item_id, Attachment.stored_name).where(attachment_due)).all()

    result.contacts, result.outbox_messages, result.attachments = (
        len(contact_items), len(outbox_items), len(attachment_rows))
    result.inbound_messages = len({message_id for message_id, _ in inbound_rows})
    touched = {*contact_items, *outbox_items, *(item_id for item_id, _ in attachment_rows),
               *(item_id for _, item_id in inbound_rows if item_id is not None)}
    result.items = len(touched)
    if dry_run:
        return result

    result.files = [upload_dir / stored_name for _, stored_name in attachment_rows]
    updates = (
        update(FeedbackContact).where(contact_due).values(name=None, phone=None, email=None, address=None,
                                                          anonymised_at=now),
        update(InboundMessage).where(inbound_due).values(raw=b"", from_address=None),
        update(OutboxMessage).where(outbox_due).values(to_address=ANONYMISED_ADDRESS),
        update(Attachment).where(attachment_due).values(
            stored_name=literal(PURGED_PREFIX) + cast(Attachment.id, String), size=0),
    )
    for statement in updates:
        session.execute(statement, execution_options={"synchronize_session": False})
    for obj in list(session.identity_map.values()):
        if isinstance(obj, PURGED_MODELS):
            session.expire(obj)
    audit.record(session, None, "privacy.purge", "feedback_item", actor_label=OPERATOR,
                 retention_years=retention_years, closed_before=result.cutoff.date().isoformat(), **result.counts())
    session.flush()
    return result


def remove_files(paths: list[Path]) -> int:
    """Delete purged attachment files (after the commit, so a failed commit loses no file); how many were there."""
    removed = 0
    for path in paths:
        if path.exists():
            path.unlink()
            removed += 1
    return removed
