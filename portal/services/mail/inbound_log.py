"""收件记录: inbound mail that made no item (ignored, quarantined) or lost attachments, for staff to check."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, load_only

from portal.models import FeedbackItem, InboundMessage, User
from portal.models.mail import IGNORED, QUARANTINED
from portal.services.common import audit, authz, privacy

PAGE_SIZE = 50
#: the page's filter: what each choice lists
SHOWN = ("", IGNORED, QUARANTINED, "refused")


@dataclass(frozen=True)
class InboundRow:
    id: int
    received_at: datetime
    source: str
    outcome: str
    #: masked (z***@163.com); the raw message holds the full address
    sender: str
    subject: str
    reason: str
    #: the item the message became or was added to (attachments refused)
    case_number: str | None

    @property
    def raw_available(self) -> bool:
        return self.outcome == QUARANTINED


@dataclass(frozen=True)
class InboundPage:
    rows: list[InboundRow]
    total: int
    page: int
    pages: int


def _shown(outcome: str) -> ColumnElement[bool]:
    refused = and_(InboundMessage.outcome.not_in((IGNORED, QUARANTINED)), InboundMessage.reason.is_not(None))
    if outcome == "refused":
        return refused
    if outcome in (IGNORED, QUARANTINED):
        return InboundMessage.outcome == outcome
    return or_(InboundMessage.outcome.in_((IGNORED, QUARANTINED)), refused)


def listing(session: Session, viewer: User | None, outcome: str = "", page: int = 1,
            per_page: int = PAGE_SIZE) -> InboundPage:
    """Newest first, without loading any raw message; page is clamped to the pages there are."""
    authz.require(viewer, "view_inbound")
    condition = _shown(outcome if outcome in SHOWN else "")
    total = session.scalar(select(func.count()).select_from(InboundMessage).where(condition)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    query = (select(InboundMessage, FeedbackItem.case_number)
             .options(load_only(InboundMessage.id, InboundMessage.received_at, InboundMessage.source,
                                InboundMessage.outcome, InboundMessage.from_address, InboundMessage.subject,
                                InboundMessage.reason))
             .outerjoin(FeedbackItem, FeedbackItem.id == InboundMessage.item_id).where(condition)
             .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
             .limit(per_page).offset((page - 1) * per_page))
    rows = [InboundRow(m.id, m.received_at, m.source, m.outcome, privacy.mask_email(m.from_address),
                       m.subject or "", m.reason or "", case) for m, case in session.execute(query)]
    return InboundPage(rows, total, page, pages)


def raw_for_download(session: Session, viewer: User | None, inbound_id: int) -> InboundMessage | None:
    """A quarantined message's raw bytes for a staff member to inspect; audited. None for any other message."""
    authz.require(viewer, "view_inbound")
    message = session.get(InboundMessage, inbound_id)
    if message is None or message.outcome != QUARANTINED:
        return None
    audit.record(session, viewer, "inbound.download_raw", "inbound_message", message.id)
    session.flush()
    return message
