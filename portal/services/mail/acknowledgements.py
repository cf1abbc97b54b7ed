"""受理回执: the acknowledgement email with case number, query code, lookup link and the 15-day clock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from flask import current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy.orm import Session

from portal.i18n import long_date
from portal.models import FeedbackItem, OutboxMessage
from portal.services.common import addresses
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.language import submitters_language
from portal.services.mail import outbox

#: what the bodies kept per language and date hold in place of each item's case number, query code and lookup link
_CASE, _CODE, _LOOKUP = "\x00case\x00", "\x00code\x00", "\x00lookup\x00"
#: app.extensions key of the bodies kept, and how many (languages × days × clocks) before they are all dropped
_KEPT, _KEEP_AT_MOST = "portal.acknowledgement_bodies", 32


@dataclass(frozen=True)
class _StandIn:
    """What the templates read of the item."""

    case_number: str
    received_at: datetime


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
    with submitters_language(item):
        subject = _("[%(case)s] 您的意见已收到", case=item.case_number)
        text, html = _bodies(item, query_code, lookup_url, settings.clocks.accept_days)
    # added, not flushed: the caller's flush or commit writes it with the rest of the new item
    return outbox.enqueue(session, settings.mail, to=address, kind="ack", item=item, in_reply_to=in_reply_to,
                          subject=subject, text=text, html=html, flush=False)


def _bodies(item: FeedbackItem, query_code: str, lookup_url: str, accept_days: int) -> tuple[str, str]:
    """The text and HTML bodies: the templates rendered once per language, date and clock (all they read besides
    the item's case number, query code and lookup link), with stand-ins for those three, then put in (escaped in
    the HTML, as the template escapes them). Rendering took a tenth of the CPU of storing a mailed opinion."""
    kept: dict[tuple[str, str, int], tuple[str, str]] = current_app.extensions.setdefault(_KEPT, {})
    key = (str(get_locale()), long_date(item.received_at), accept_days)
    bodies = kept.get(key)
    if bodies is None:
        context = {"item": _StandIn(_CASE, item.received_at), "query_code": _CODE, "lookup_url": _LOOKUP,
                   "accept_days": accept_days}
        bodies = render_template("email/ack.txt", **context), render_template("email/ack.html", **context)
        if len(kept) >= _KEEP_AT_MOST:
            kept.clear()
        kept[key] = bodies
    text, html = bodies
    for stand_in, value in ((_CASE, item.case_number), (_CODE, query_code), (_LOOKUP, lookup_url)):
        text, html = text.replace(stand_in, value), html.replace(stand_in, str(escape(value)))
    return text, html
