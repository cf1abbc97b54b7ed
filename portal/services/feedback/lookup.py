"""办理查询: a citizen looks up a case with its number and query code; staff find items by case number.

A duplicate's submitter sees the case it was merged into (已并入 GH-…): that case's progress and, once sent, its
answer with personal data masked, and nothing of what its own submitter wrote or left as contact.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import FeedbackItem, Reply
from portal.models.feedback import DUPLICATE, PUBLISHED
from portal.services.feedback import case_codes
from portal.services.replies import redaction

#: compared against when the case number is unknown, so both failures take the same time
_DUMMY_HASH = "0" * 64
#: how many merges a lookup follows to the final original (merges made before duplicates followed their original)
_MAX_HOPS = 10


@dataclass(frozen=True)
class OriginalStatus:
    """The case a duplicate was merged into, as its duplicate's submitter sees it: progress and the answer only."""

    case_number: str
    state: str
    received_at: datetime
    accepted_at: datetime | None
    replied_at: datetime | None
    department: str | None
    #: the sent answer: its published text when there is one, else the text with personal data masked
    answer: str | None
    transferred_to: str | None


@dataclass(frozen=True)
class CaseStatus:
    """What the public may see of a case: state, key dates, answering department and the answer."""

    case_number: str
    state: str
    kind: str
    channel: str
    received_at: datetime
    accepted_at: datetime | None
    replied_at: datetime | None
    department: str | None
    answer: str | None
    decision_reason: str | None
    transferred_to: str | None
    #: 已并入: the original of a duplicate
    merged_into: OriginalStatus | None = None


def find_by_case_number(session: Session, case_number: str) -> FeedbackItem | None:
    return session.scalar(select(FeedbackItem).where(
        FeedbackItem.case_number == case_codes.normalise_case_number(case_number)))


def find_case(session: Session, case_number: str, code: str, key: str) -> FeedbackItem | None:
    """The item when number and code match; None otherwise, in the same time, without saying which was wrong."""
    item = session.scalar(
        select(FeedbackItem).options(selectinload(FeedbackItem.department))
        .where(FeedbackItem.case_number == case_codes.normalise_case_number(case_number)))
    matches = case_codes.code_matches(code, item.query_code_hash if item else _DUMMY_HASH, key)
    return item if item is not None and matches else None


def lookup_case(session: Session, case_number: str, code: str, key: str) -> CaseStatus | None:
    """The case's public status when number and code match; None otherwise, without saying which was wrong."""
    item = find_case(session, case_number, code, key)
    return case_status(session, item) if item is not None else None


def case_status(session: Session, item: FeedbackItem) -> CaseStatus:
    """What the public may see of an item its submitter has opened (number and code matched)."""
    reply = _sent_reply(session, item)
    return CaseStatus(
        case_number=item.case_number, state=item.state, kind=item.kind, channel=item.channel,
        received_at=item.received_at, accepted_at=item.accepted_at, replied_at=item.replied_at,
        department=_answering_department(item, reply), answer=reply.text if reply else None,
        decision_reason=item.decision_reason, transferred_to=item.transferred_to,
        merged_into=_original_status(session, item) if item.state == DUPLICATE else None,
    )


def _final_original(item: FeedbackItem) -> FeedbackItem | None:
    """The case a duplicate counts as: its original, or that one's original when it was merged in turn."""
    original = item.duplicate_of
    for _ in range(_MAX_HOPS):
        if original is None or original.state != DUPLICATE or original.duplicate_of is None:
            break
        original = original.duplicate_of
    return original


def _original_status(session: Session, item: FeedbackItem) -> OriginalStatus | None:
    original = _final_original(item)
    if original is None:
        return None
    reply = _sent_reply(session, original)
    answer = None
    if reply is not None:
        answer = (reply.public_text if reply.publish_status == PUBLISHED and reply.public_text
                  else redaction.redact(reply.text, original.contact).text)
    return OriginalStatus(
        case_number=original.case_number, state=original.state, received_at=original.received_at,
        accepted_at=original.accepted_at, replied_at=original.replied_at,
        department=_answering_department(original, reply), answer=answer, transferred_to=original.transferred_to)


def _sent_reply(session: Session, item: FeedbackItem) -> Reply | None:
    return session.scalar(select(Reply).where(Reply.item_id == item.id, Reply.sent_at.is_not(None))
                          .order_by(Reply.sent_at.desc()).limit(1))


def _answering_department(item: FeedbackItem, reply: Reply | None) -> str | None:
    if reply is not None and reply.department is not None:
        return reply.department.name
    return item.department.name if item.department else None
