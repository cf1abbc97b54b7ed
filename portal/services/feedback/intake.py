"""Intake: every channel (web form, phone, letter, email) creates items the same way, with case number and code."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.models import Campaign, FeedbackContact, FeedbackItem, User
from portal.models.feedback import CHANNELS, CHINESE, KINDS, LANGUAGES, RECEIVED
from portal.services.common import addresses, audit
from portal.services.common.clocks import ClockSettings
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
from portal.services.feedback import attachments, case_codes, links, similar, suggest

PHONE_LINES = ("0931-8821762", "12351", "other")
MIN_CONTENT, MAX_CONTENT = 10, 5000
#: longest value each contact field holds (the columns' sizes)
CONTACT_LIMITS = {"name": 100, "phone": 50, "email": 254, "address": 300}
PHONE_RE = re.compile(r"^[0-9+()\- ]{5,20}$")
#: ids for the new items of a batch, in one round trip (PostgreSQL)
_RESERVE_IDS = text("SELECT nextval(pg_get_serial_sequence('feedback_item', 'id')) FROM generate_series(1, :count) "
                    "ORDER BY 1")


class IntakeError(ServiceError):
    """Input refused; errors maps each field name to a message in the request's language (Chinese outside one)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("；").join(errors.values()), next(iter(errors), None))
        self.errors = errors


@dataclass
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""

    def is_empty(self) -> bool:
        return not any((self.name, self.phone, self.email, self.address))


@dataclass
class NewItem:
    """What a submitter or clerk gives us; the service adds identifiers, clocks and history."""

    channel: str
    kind: str
    content: str
    subject: str = ""
    contact: Contact = field(default_factory=Contact)
    wants_reply: bool = False
    consent_publish: bool = False
    #: measure codes (35-2) or problem numbers (35) the item is about
    targets: list[str] = field(default_factory=list)
    campaign_id: int | None = None
    received_at: datetime | None = None
    call_at: datetime | None = None
    call_duration_seconds: int | None = None
    phone_line: str | None = None
    postmark_date: date | None = None
    uploads: list[attachments.Upload] = field(default_factory=list)
    #: the content types of uploads when the caller has already checked each of them (mail does, to refuse a bad
    #: attachment alone); None: intake checks them
    upload_types: list[str] | None = None
    #: the language it was written in (portal.services.feedback.language): its mails are written in it
    language: str = CHINESE


@dataclass(frozen=True)
class IntakeSettings:
    clocks: ClockSettings
    code_key: str
    case_prefix: str
    upload_dir: Path

    @classmethod
    def from_config(cls, config) -> IntakeSettings:
        return cls(ClockSettings.from_config(config), config.get("QUERY_CODE_KEY") or config["SECRET_KEY"],
                   config.get("CASE_PREFIX", "GH"), Path(config["UPLOAD_DIR"]))


def validate(new: NewItem) -> dict[str, str]:
    """Field name → what is wrong, in the request's language (Chinese outside one); empty when it can be created."""
    return _validated(new)[0]


def _validated(new: NewItem) -> tuple[dict[str, str], list[str]]:
    """What is wrong (validate), and the content type of each upload when they are all acceptable."""
    errors: dict[str, str] = {}
    for name, limit in CONTACT_LIMITS.items():
        if len(getattr(new.contact, name) or "") > limit:
            errors[name] = _("最多%(limit)s个字符。", limit=limit)
    if len(new.subject or "") > 200:
        errors["subject"] = _("主题最多200个字。")
    content = clean_text(new.content)
    if new.channel not in CHANNELS:
        errors["channel"] = _("渠道无效。")
    if new.kind not in KINDS:
        errors["kind"] = _("请选择诉求类型。")
    if len(content) < MIN_CONTENT or len(content) > MAX_CONTENT:
        errors["content"] = _("内容须为%(min)s到%(max)s个字（现为%(count)s个字）。", min=MIN_CONTENT, max=MAX_CONTENT,
                              count=len(content))
    contact = new.contact
    if contact.email and addresses.normalized(contact.email) is None:
        errors["email"] = _("电子邮箱格式不正确。")
    if contact.phone and not PHONE_RE.match(contact.phone.strip()):
        errors["phone"] = _("电话号码格式不正确。")
    if new.wants_reply and new.channel == "web" and not (contact.email or contact.phone):
        errors["email"] = _("需要答复时，请至少留下电子邮箱或电话。")
    if new.language not in LANGUAGES:
        errors["language"] = _("语言无效。")
    if new.phone_line is not None and new.phone_line not in PHONE_LINES:
        errors["phone_line"] = _("来电线路无效。")
    if new.call_duration_seconds is not None and not 0 <= new.call_duration_seconds <= 24 * 3600:
        errors["call_duration"] = _("通话时长无效。")
    types: list[str] = []
    try:
        types = (attachments.check_uploads(new.uploads) if new.upload_types is None
                 else attachments.checked_count(new.uploads, new.upload_types))
    except attachments.UploadRejected as exc:
        errors["attachments"] = str(exc)
    return errors, types


@dataclass(frozen=True)
class CheckedItem:
    """A NewItem that create_checked can store: cleaned, validated, its targets resolved, its uploads typed."""

    new: NewItem
    targets: list
    upload_types: list[str]


def check(session: Session, new: NewItem) -> CheckedItem:
    """Clean new in place and validate it; IntakeError with every field that is wrong."""
    new.content, new.subject = clean_text(new.content), clean_text(new.subject)
    for name in CONTACT_LIMITS:
        setattr(new.contact, name, clean_text(getattr(new.contact, name)))
    errors, types = _validated(new)
    new.contact.email = addresses.normalized(new.contact.email) or ""
    targets = []
    if new.campaign_id is not None:
        for code in new.targets:
            target = links.resolve_target(session, new.campaign_id, code)
            if target is None:
                errors["targets"] = _("找不到问题或措施“%(code)s”。", code=code)
            else:
                targets.append(target)
    if errors:
        raise IntakeError(errors)
    return CheckedItem(new, targets, types)


def reserve_ids(session: Session, count: int) -> list[int] | None:
    """count new item ids from the database's sequence in one statement, in increasing order (PostgreSQL), for
    create_checked to write each item with its case number in one INSERT; None where ids come only from the INSERT
    (SQLite). Like any id the sequence gave, one not used (a rolled back transaction) is skipped."""
    if count == 0 or session.get_bind().dialect.name != "postgresql":
        return None
    return list(session.connection().scalars(_RESERVE_IDS, {"count": count}))


def create_item(session: Session, new: NewItem, settings: IntakeSettings, *, actor: User | None = None,
                now: datetime | None = None) -> tuple[FeedbackItem, str]:
    """Create an item from any channel; returns it with its query code (shown once, stored only hashed)."""
    return create_checked(session, check(session, new), settings, actor=actor, now=now)


def create_checked(session: Session, checked: CheckedItem, settings: IntakeSettings, *, actor: User | None = None,
                   now: datetime | None = None, item_id: int | None = None) -> tuple[FeedbackItem, str]:
    """Create a checked item; with item_id (from reserve_ids) nothing is flushed: the caller's next flush writes
    the item, its case number included, with the rest of its rows. Without, the item is flushed for its id."""
    new, targets = checked.new, checked.targets
    now = now or datetime.now(UTC)
    received_at = new.received_at or now
    code = case_codes.new_query_code()
    item = FeedbackItem(
        id=item_id,
        query_code_hash=case_codes.hash_query_code(code, settings.code_key), campaign_id=new.campaign_id,
        channel=new.channel, kind=new.kind, subject=new.subject or None, content=new.content, state=RECEIVED,
        received_at=received_at,
        accept_due=settings.clocks.accept_due(received_at), wants_reply=new.wants_reply,
        consent_publish=new.consent_publish, language=new.language, call_at=new.call_at,
        call_duration_seconds=new.call_duration_seconds,
        phone_line=new.phone_line, postmark_date=new.postmark_date, logged_by_id=actor.id if actor else None,
    )
    item.due_date = item.accept_due
    if not new.contact.is_empty():
        item.contact = FeedbackContact(**{k: (v.strip() or None) for k, v in vars(new.contact).items()})
    item.links = links.new_links(targets)
    item.text_key = similar.fingerprint(new.subject, new.content)
    if new.campaign_id is not None:
        campaign = session.get(Campaign, new.campaign_id)
        if campaign is not None:
            # the items pending in this session change no campaign's index: no flush for its queries
            with session.no_autoflush:
                item.suggestions = suggest.suggest(session, campaign, f"{new.subject} {new.content}").as_dict()
    session.add(item)
    if item_id is None:
        session.flush([item])
    year = settings.clocks.local_date(received_at).year
    item.case_number = case_codes.case_number(settings.case_prefix, year, item.id)
    for upload, ctype in zip(new.uploads, checked.upload_types, strict=True):
        attachments.store(session, item, upload, ctype, settings.upload_dir)
    audit.record(session, actor, "item.create", "feedback_item", item.id, item_id=item.id,
                 actor_label=None if actor else audit.CITIZEN, channel=new.channel, kind=new.kind,
                 links=[t.code if hasattr(t, "code") else str(t.number) for t in targets],
                 attachments=len(new.uploads), consent_publish=new.consent_publish)
    return item, code
