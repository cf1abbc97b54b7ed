"""办理查询: a citizen looks up a case with its number and query code; staff find items by case number."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import FeedbackItem, Reply
from portal.services.feedback import case_codes

#: compared against when the case number is unknown, so both failures take the same time
_DUMMY_HASH = "0" * 64


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


def find_by_case_number(session: Session, case_number: str) -> FeedbackItem | None:
    return session.scalar(select(FeedbackItem).where(
        FeedbackItem.case_number == case_codes.normalise_case_number(case_number)))


def lookup_case(session: Session, case_number: str, code: str, key: str) -> CaseStatus | None:
    """The case's public status when number and code match; None otherwise, without saying which was wrong."""
    item = session.scalar(
        select(FeedbackItem).options(selectinload(FeedbackItem.department))
        .where(FeedbackItem.case_number == case_codes.normalise_case_number(case_number)))
    matches = case_codes.code_matches(code, item.query_code_hash if item else _DUMMY_HASH, key)
    if item is None or not matches:
        return None
    reply = session.scalar(select(Reply).where(Reply.item_id == item.id, Reply.sent_at.is_not(None))
                           .order_by(Reply.sent_at.desc()).limit(1))
    return CaseStatus(
        case_number=item.case_number, state=item.state, kind=item.kind, channel=item.channel,
        received_at=item.received_at, accepted_at=item.accepted_at, replied_at=item.replied_at,
        department=(reply.department.name if reply and reply.department else
                    item.department.name if item.department else None),
        answer=reply.text if reply else None, decision_reason=item.decision_reason,
        transferred_to=item.transferred_to,
    )
