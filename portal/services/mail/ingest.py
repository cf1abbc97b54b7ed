"""Ingest one inbound email: keep the raw message, then make it a new item or a follow-up, ignore or quarantine it."""
from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parseaddr

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from portal.models import AuditEvent, FeedbackItem, InboundMessage, OutboxMessage
from portal.models.feedback import EMAIL
from portal.models.mail import AS_ITEM, IGNORED, QUARANTINED
from portal.services.common import addresses, audit, write_once
from portal.services.feedback import intake, language
from portal.services.ledger.campaigns import default_campaign_id
from portal.services.mail import acknowledgements, followup
from portal.services.mail.parse import MailParseError, ParsedMail, message_id_of, parse

#: a message whose Message-ID is already stored: nothing is written
DUPLICATE = "duplicate"
#: words in a subject that make the kind obvious; anything else is a 建议意见
KIND_WORDS = (("report", ("举报", "检举", "控告")), ("appeal", ("申诉",)), ("inquiry", ("咨询",)),
              ("praise", ("表扬", "感谢信")))
TRUNCATED = "\n\n……（正文过长，以下已截断；完整内容见原始邮件）"
NO_TEXT = "（邮件正文为空，内容见附件）"
HEADER_END = re.compile(rb"\r?\n\r?\n")
#: headers kept of a message too large to keep whole
MAX_HEADER_BYTES = 256 * 1024
#: the raw message's columns, as named in _INSERT_UNLESS_STORED
_KEPT = ("received_at", "message_id", "source", "raw", "sha256", "from_address", "subject", "outcome", "reason")
#: INSERT … ON CONFLICT (message_id) DO NOTHING RETURNING id, valid on PostgreSQL and SQLite; written as text because
#: SQLAlchemy 2.0 compiles its PostgreSQL insert() anew for every execution (sqlalchemy/sqlalchemy#10445)
_INSERT_UNLESS_STORED = text(
    "INSERT INTO inbound_message "
    "(received_at, message_id, source, raw, sha256, from_address, subject, outcome, reason) "
    "VALUES (:received_at, :message_id, :source, :raw, :sha256, :from_address, :subject, :outcome, :reason) "
    "ON CONFLICT (message_id) DO NOTHING RETURNING id"
).bindparams(*(bindparam(c, type_=InboundMessage.__table__.c[c].type) for c in _KEPT))
#: a raw message's link to the item it became, with what was refused of it
_LINK = text("UPDATE inbound_message SET item_id = :item_id, reason = :reason WHERE id = :id")


#: seconds a process files mail under the default campaign it found before asking the database again: a campaign
#: created or put on the home page takes new mail at most this long after
CAMPAIGN_SECONDS = 60.0


class CampaignMemo:
    """The default campaign's id, asked once a minute rather than with every message (one round trip less each)."""

    def __init__(self, seconds: float = CAMPAIGN_SECONDS) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._known: dict[tuple[object, str], tuple[float, int | None]] = {}

    def campaign_id(self, session: Session, configured: str) -> int | None:
        key = (session.get_bind(), configured)
        with self._lock:
            known = self._known.get(key)
        if known is not None and time.monotonic() - known[0] < self.seconds:
            return known[1]
        campaign_id = default_campaign_id(session, configured)
        with self._lock:
            self._known[key] = (time.monotonic(), campaign_id)
        return campaign_id


@dataclass(frozen=True)
class IngestSettings:
    """What ingest needs from config: intake and acknowledgement settings, the size limit, the campaign."""

    intake: intake.IntakeSettings
    ack: acknowledgements.AckSettings
    max_bytes: int
    default_campaign: str
    #: each settings object (one per command or listener) remembers the campaign for itself
    campaigns: CampaignMemo = field(default_factory=CampaignMemo, init=False, repr=False, compare=False)

    @classmethod
    def from_config(cls, config) -> IngestSettings:
        return cls(intake.IntakeSettings.from_config(config), acknowledgements.AckSettings.from_config(config),
                   int(config["INBOUND_MAX_BYTES"]), config.get("DEFAULT_CAMPAIGN") or "")


@dataclass(frozen=True)
class IngestResult:
    """What became of a message: item, follow_up, ignored, quarantined, or duplicate (nothing written)."""

    outcome: str
    message_id: str
    inbound: InboundMessage | None = None
    item: FeedbackItem | None = None


@dataclass(frozen=True)
class _Waiting:
    """A message that becomes a new item, checked by intake, waiting for its id."""

    inbound: InboundMessage
    mail: ParsedMail
    checked: intake.CheckedItem
    refused: list[str]
    now: datetime


def ingest(session: Session, raw: bytes, source: str, settings: IngestSettings,
           now: datetime | None = None) -> IngestResult:
    """Store the raw message first (a copy already stored, or being stored right now, makes it a duplicate), then
    decide."""
    return ingest_many(session, [raw], source, settings, now)[0]


def ingest_many(session: Session, raws: list[bytes], source: str, settings: IngestSettings,
                now: datetime | None = None) -> list[IngestResult]:
    """Ingest several messages in the session's transaction, in order: each raw message is stored and decided in
    turn, then the new items get their ids in one statement (intake.reserve_ids, PostgreSQL). A flush writes every
    item, then one statement each links the raw messages to them and inserts the audit events and acknowledgements
    (write_once: the unit of work would cost four times as much CPU), and a last flush writes the attachments."""
    session.flush()  # what the caller left pending is written as it was added, not by write_once below
    decided = [_decide(session, raw, source, settings, now or datetime.now(UTC)) for raw in raws]
    waiting = [d for d in decided if isinstance(d, _Waiting)]
    reserved = intake.reserve_ids(session, len(waiting))
    ids: list[int | None] = [*reserved] if reserved else [None] * len(waiting)
    created = [_new_item(session, w, settings, item_id) for w, item_id in zip(waiting, ids, strict=True)]
    if created:
        # the items (with their contacts) first: the audit events, acknowledgements and raw messages name them
        session.flush([result.item for result in created])
        _link(session, created)
    write_once.write_pending(session, AuditEvent, OutboxMessage)
    session.flush()
    made = iter(created)
    return [next(made) if isinstance(d, _Waiting) else d for d in decided]


def _decide(session: Session, raw: bytes, source: str, settings: IngestSettings,
            now: datetime) -> IngestResult | _Waiting:
    """Store the raw message; what it became, or the checked item it is to become."""
    if len(raw) > settings.max_bytes:
        message_id, _missing = message_id_of(raw)
        too_big = f"邮件大小{len(raw) / 1048576:.1f}MB，超过上限{settings.max_bytes / 1048576:.1f}MB，只保存了邮件头。"
        return _quarantine(session, _header_section(raw), message_id, source, too_big, now)
    try:
        mail = parse(raw, now)
    except MailParseError as exc:
        return _quarantine(session, raw, exc.message_id, source, str(exc), now)
    reason = mail.automatic or _own_message(mail, settings)
    inbound = _keep(session, raw, mail.message_id, source, IGNORED if reason else AS_ITEM, now, reason,
                    mail.from_address, mail.subject)
    if inbound is None:
        return IngestResult(DUPLICATE, mail.message_id)
    if reason:
        audit.record(session, None, "inbound.ignored", "inbound_message", inbound.id, source=source)
        return IngestResult(IGNORED, mail.message_id, inbound)
    item = followup.thread_target(session, mail, settings.ack.mail)
    if item is not None:
        followup.add_follow_up(session, item, inbound, mail, settings.intake, now)
        return IngestResult(inbound.outcome, mail.message_id, inbound, item)
    return _checked(session, inbound, mail, settings, now)


def _keep(session: Session, raw: bytes, message_id: str, source: str, outcome: str, now: datetime,
          reason: str | None = None, from_address: str | None = None, subject: str | None = None
          ) -> InboundMessage | None:
    """Insert the raw message unless its Message-ID is stored; None then.

    ON CONFLICT DO NOTHING on the unique Message-ID: when another transaction is inserting the same id, the
    database makes this one wait for it, and a commit there means nothing is inserted here: one message, one item.
    """
    values = dict(received_at=now, message_id=message_id, source=source, raw=raw,
                  sha256=hashlib.sha256(raw).hexdigest(),
                  from_address=(from_address or None) and from_address[:254],
                  subject=(subject or None) and subject[:300], outcome=outcome, reason=reason)
    new_id = session.connection().scalar(_INSERT_UNLESS_STORED, values)
    if new_id is None:
        return None
    # the row is written: attach it to the session as loaded, without the ORM's much slower INSERT … RETURNING entity
    inbound = InboundMessage(id=new_id, item_id=None, **values)
    make_transient_to_detached(inbound)
    session.add(inbound)
    return inbound


def _quarantine(session: Session, raw: bytes, message_id: str, source: str, reason: str,
                now: datetime) -> IngestResult:
    inbound = _keep(session, raw, message_id, source, QUARANTINED, now, reason)
    if inbound is None:
        return IngestResult(DUPLICATE, message_id)
    audit.record(session, None, "inbound.quarantined", "inbound_message", inbound.id, source=source)
    return IngestResult(QUARANTINED, message_id, inbound)


def _header_section(raw: bytes) -> bytes:
    end = HEADER_END.search(raw, 0, MAX_HEADER_BYTES)
    return raw[:end.end()] if end else raw[:MAX_HEADER_BYTES]


def _own_message(mail: ParsedMail, settings: IngestSettings) -> str | None:
    """Mail the portal sent itself (a copy or a loop) is never an opinion."""
    sender = settings.ack.mail.sender
    own_address = sender[1] if isinstance(sender, (tuple, list)) else parseaddr(sender)[1]
    if mail.from_address.lower() == own_address.lower():
        return f"本平台发件地址发出的邮件（From: {mail.from_address}）"
    if followup.signed_by_portal(mail.message_id, settings.ack.mail):
        return "本平台发出的邮件（Message-ID 带本平台签名）"
    return None


def _kind(subject: str) -> str:
    return next((kind for kind, words in KIND_WORDS if any(w in subject for w in words)), "suggestion")


def _content(mail: ParsedMail, has_files: bool) -> str:
    """The item's text: the body with query codes masked, the subject in front when the body is too short."""
    text = followup.masked(mail.text)
    if len(text) < intake.MIN_CONTENT:
        text = "\n\n".join(t for t in (mail.subject, text or (NO_TEXT if has_files else "")) if t)
    if len(text) > intake.MAX_CONTENT:
        text = text[:intake.MAX_CONTENT - len(TRUNCATED)] + TRUNCATED
    return text


def _checked(session: Session, inbound: InboundMessage, mail: ParsedMail, settings: IngestSettings,
             now: datetime) -> IngestResult | _Waiting:
    """The new 电子邮件 item as intake checked it; quarantined when intake refuses it."""
    uploads, refused = followup.checked_uploads(mail.attachments)
    address = addresses.normalized(mail.from_address) or ""
    new = intake.NewItem(channel=EMAIL, kind=_kind(mail.subject), content=_content(mail, bool(uploads)),
                         subject=mail.subject[:200], contact=intake.Contact(name=mail.from_name[:100], email=address),
                         wants_reply=bool(address),
                         campaign_id=settings.campaigns.campaign_id(session, settings.default_campaign),
                         received_at=now, uploads=[upload for upload, _type in uploads],
                         upload_types=[content_type for _upload, content_type in uploads],
                         language=language.guess(f"{mail.subject}\n{mail.text}"))
    try:
        checked = intake.check(session, new)
    except intake.IntakeError as exc:
        inbound.outcome, inbound.reason = QUARANTINED, f"无法登记为件：{exc}"
        audit.record(session, None, "inbound.quarantined", "inbound_message", inbound.id, source=inbound.source)
        return IngestResult(QUARANTINED, mail.message_id, inbound)
    return _Waiting(inbound, mail, checked, refused, now)


def _new_item(session: Session, waiting: _Waiting, settings: IngestSettings, item_id: int | None) -> IngestResult:
    """The item, its raw message linked to it, acknowledged to the sender; written by the caller's flush."""
    inbound, mail = waiting.inbound, waiting.mail
    item, code = intake.create_checked(session, waiting.checked, settings.intake, now=waiting.now, item_id=item_id)
    followup.note_refused(session, inbound, item, waiting.refused)
    acknowledgements.acknowledge(session, item, code, settings.ack,
                                 in_reply_to=None if mail.message_id_missing else mail.message_id)
    return IngestResult(AS_ITEM, mail.message_id, inbound, item)


def _link(session: Session, created: list[IngestResult]) -> None:
    """Each raw message's link to its new item and what was refused of it, one UPDATE for all (written as the raw
    messages were, without the unit of work); the session holds them as written."""
    links = [(result.inbound, result.item.id) for result in created if result.inbound and result.item]
    session.connection().execute(_LINK, [{"id": inbound.id, "item_id": item_id, "reason": inbound.reason}
                                         for inbound, item_id in links])
    for inbound, item_id in links:
        set_committed_value(inbound, "item_id", item_id)
        set_committed_value(inbound, "reason", inbound.reason)
