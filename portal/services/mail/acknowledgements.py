"""受理回执: the acknowledgement email with case number, query code, lookup link and the 15-day clock."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from sqlalchemy.orm import Session

from portal.models import FeedbackItem, OutboxMessage
from portal.services.common import addresses
from portal.services.common.clocks import ClockSettings
from portal.services.mail import outbox


@dataclass(frozen=True)
class AckSettings:
    mail: outbox.MailSettings
    clocks: ClockSettings
    base_url: str

    @classmethod
    def from_config(cls, config) -> AckSettings:
        return cls(outbox.MailSettings.from_config(config), ClockSettings.from_config(config),
                   config["PUBLIC_BASE_URL"].rstrip("/"))


def acknowledge(session: Session, item: FeedbackItem, query_code: str, settings: AckSettings,
                in_reply_to: str | None = None) -> OutboxMessage | None:
    """Queue the acknowledgement when the item has an email address; None when there is nowhere to send it, or the
    address stored before addresses were checked is not one valid mailbox (it could name someone else's)."""
    address = item.contact.email if item.contact else None
    if not address or not addresses.is_bare(address):
        return None
    context = {"item": item, "query_code": query_code, "lookup_url": f"{settings.base_url}/lookup",
               "accept_days": settings.clocks.accept_days}
    return outbox.enqueue(
        session, settings.mail, to=address, kind="ack", item=item, in_reply_to=in_reply_to,
        subject=f"[{item.case_number}] 您的意见已收到",
        text=render_template("email/ack.txt", **context), html=render_template("email/ack.html", **context),
    )
