"""受理回执: the acknowledgement email with case number, query code, lookup link and the 15-day clock."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models import FeedbackItem, OutboxMessage
from portal.services.common import addresses
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.language import submitters_language
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
    """Queue the acknowledgement, in the language the opinion was submitted in, when the item has an email address;
    None when there is nowhere to send it, or the address stored before addresses were checked is not one valid
    mailbox (it could name someone else's)."""
    address = item.contact.email if item.contact else None
    if not address or not addresses.is_bare(address):
        return None
    lookup_url = f"{settings.base_url}/lookup?{urlencode({'case': item.case_number})}"
    context = {"item": item, "query_code": query_code, "lookup_url": lookup_url,
               "accept_days": settings.clocks.accept_days}
    with submitters_language(item):
        subject = _("[%(case)s] 您的意见已收到", case=item.case_number)
        text, html = render_template("email/ack.txt", **context), render_template("email/ack.html", **context)
    # added, not flushed: the caller's flush or commit writes it with the rest of the new item
    return outbox.enqueue(session, settings.mail, to=address, kind="ack", item=item, in_reply_to=in_reply_to,
                          subject=subject, text=text, html=html, flush=False)
