"""回执: the acknowledgement a clerk prints and posts to the sender of a letter. It carries the query code, so it
exists only on the result page that shows the code once (portal.staff.intake.logged), never under a URL of its own."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from portal.models import Campaign, FeedbackItem
from portal.models.feedback import LETTER
from portal.services.common.clocks import ClockSettings
from portal.services.ledger.campaigns import default_campaign
from portal.services.replies.templates import chinese_date


@dataclass(frozen=True)
class PaperReceipt:
    """What the printed 回执 says, in Chinese (it goes to the citizen whatever language the clerk reads)."""

    unit: str
    case_number: str
    #: grouped as the result page shows it: ABCD EFGH
    query_code: str
    received_date: str
    accept_due: str
    accept_days: int
    lookup_url: str
    office_phone: str
    office_address: str
    office_email: str
    issued: str


def for_letter(session: Session, item: FeedbackItem, code: str | None, clocks: ClockSettings, base_url: str,
               default_slug: str | None, today: date | None = None) -> PaperReceipt | None:
    """The receipt of a letter just logged; None for any other channel, or once the code is no longer shown."""
    if item.channel != LETTER or not code:
        return None
    campaign = session.get(Campaign, item.campaign_id) if item.campaign_id is not None else None
    campaign = campaign or default_campaign(session, default_slug)
    return PaperReceipt(
        unit=(campaign.unit or campaign.title) if campaign else "", case_number=item.case_number,
        query_code=f"{code[:4]} {code[4:]}", received_date=chinese_date(clocks.local_date(item.received_at)),
        accept_due=chinese_date(item.accept_due), accept_days=clocks.accept_days,
        lookup_url=f"{base_url.rstrip('/')}/lookup",
        office_phone=(campaign.contact_phone or "") if campaign else "",
        office_address=(campaign.contact_address or "") if campaign else "",
        office_email=(campaign.contact_email or "") if campaign else "",
        issued=chinese_date(today or clocks.today()),
    )
