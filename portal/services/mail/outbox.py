"""Outbox: every email the portal sends is queued here in the caller's transaction, with a signed Message-ID."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models import FeedbackItem, OutboxAttachment, OutboxMessage
from portal.services.common import addresses
from portal.services.common.errors import ServiceError

AUTO_GENERATED = {"Auto-Submitted": "auto-generated"}
MESSAGE_ID = re.compile(r"<([A-Z]{1,8}-\d{4}-\d{6,})\.([0-9a-f]{16})\.([0-9a-f]{20})@([^<>@\s]+)>")


@dataclass(frozen=True)
class MailSettings:
    """What the outbox needs from config: the signing key, the Message-ID domain and the sender."""

    key: str
    domain: str
    sender: str

    @classmethod
    def from_config(cls, config) -> MailSettings:
        sender = config.get("MAIL_DEFAULT_SENDER") or "noreply@localhost"
        address = sender[1] if isinstance(sender, (tuple, list)) else sender
        domain = config.get("MESSAGE_ID_DOMAIN") or address.rpartition("@")[2].strip("<> ") or "localhost"
        return cls(config.get("MESSAGE_ID_KEY") or config["SECRET_KEY"], domain, sender)


def _signature(key: str, case_number: str, nonce: str) -> str:
    return hmac.new(key.encode(), f"{case_number}.{nonce}".encode(), hashlib.sha256).hexdigest()[:20]


def new_message_id(settings: MailSettings, case_number: str) -> str:
    """<GH-2021-000123.nonce.signature@domain>: names the case, and only the portal can make one."""
    nonce = secrets.token_hex(8)
    return f"<{case_number}.{nonce}.{_signature(settings.key, case_number, nonce)}@{settings.domain}>"


def case_of_message_id(settings: MailSettings, message_id: str) -> str | None:
    """The case number a Message-ID names, when the portal signed it; None for any other id."""
    match = MESSAGE_ID.fullmatch((message_id or "").strip())
    if not match:
        return None
    case_number, nonce, signature = match.group(1), match.group(2), match.group(3)
    return case_number if hmac.compare_digest(signature, _signature(settings.key, case_number, nonce)) else None


def signed_cases(settings: MailSettings, header_values: list[str]) -> list[str]:
    """Case numbers of every portal-signed Message-ID found in In-Reply-To / References values."""
    found = []
    for value in header_values:
        for candidate in re.findall(r"<[^<>]+>", value or ""):
            case_number = case_of_message_id(settings, candidate)
            if case_number and case_number not in found:
                found.append(case_number)
    return found


class UnsafeRecipient(ServiceError):
    """The address is not one bare, valid mailbox as stored: a mail library might send it somewhere else."""


def enqueue(session: Session, settings: MailSettings, *, to: str, subject: str, text: str, kind: str,
            item: FeedbackItem | None = None, html: str | None = None, in_reply_to: str | None = None,
            automatic: bool = True, files: Sequence[tuple[str, str, bytes]] = (),
            headers: Mapping[str, str] | None = None, flush: bool = True) -> OutboxMessage:
    """Queue one email in the current transaction; it is sent only if the transaction commits.

    to must be exactly one stored address (portal.services.common.addresses); anything else, a display name or a
    list included, raises UnsafeRecipient and nothing is queued. files, as (filename, content type, bytes), are
    copied into the outbox with the message; headers are sent with it (List-Unsubscribe of a follow mail). Without
    flush (and without files) the message is only added, for a caller queuing thousands to flush them at once.
    """
    if not addresses.is_bare(to):
        raise UnsafeRecipient(_("电子邮箱地址无效，邮件未发送。"), "email")
    case_number = item.case_number if item is not None else "GH-0000-000000"
    message = OutboxMessage(
        item_id=item.id if item is not None else None, kind=kind, to_address=to, subject=subject,
        body_text=text, body_html=html, message_id=new_message_id(settings, case_number), in_reply_to=in_reply_to,
        headers={**(AUTO_GENERATED if automatic else {}), **(headers or {})},
    )
    session.add(message)
    if not files:
        if flush:
            session.flush()
        return message
    session.flush()
    session.add_all([OutboxAttachment(message_id=message.id, filename=name, content_type=content_type, data=data)
                     for name, content_type, data in files])
    session.flush()
    return message
