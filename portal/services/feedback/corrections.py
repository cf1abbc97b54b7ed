"""更正登记信息: while a logged call or letter is 待分办, the clerk who logged it (or a triager) corrects its kind,
subject, content, contact and received time, with the checks of logging; each change is audited before → after
(contact fields masked, the content as the changed passage only)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import labels
from portal.models import Campaign, FeedbackContact, FeedbackItem, User
from portal.models.feedback import LETTER, PHONE, RECEIVED
from portal.models.staff import CLERK
from portal.services.common import addresses, audit, authz, privacy
from portal.services.common.clocks import earliest_date
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
from portal.services.feedback import clerk_intake, intake, similar, suggest
from portal.services.feedback.intake import CONTACT_LIMITS, Contact, IntakeError, IntakeSettings, NewItem
from portal.services.ledger.campaigns import default_campaign

#: only what a clerk typed in can be corrected: a web form or an e-mail is the citizen's own text
CORRECTABLE_CHANNELS = (PHONE, LETTER)
#: how each contact field appears in the audit
MASKS: dict[str, Callable[[str | None], str]] = {"name": privacy.mask_name, "phone": privacy.mask_phone,
                                                  "email": privacy.mask_email, "address": privacy.mask_address}
#: characters kept around the changed passage of the content in the audit, and the longest passage kept
CONTEXT, LONGEST = 12, 120


class CorrectionRefused(ServiceError):
    """The item cannot be corrected now (no longer 待分办, or not a logged call or letter)."""


@dataclass
class Correction:
    """The corrected values, as the form gives them; times are office-local without a zone."""

    kind: str
    subject: str
    content: str
    #: None when the contact was not shown in clear on the form: it stays as it is
    contact: Contact | None = None
    call_at: datetime | None = None
    received_on: date | None = None
    postmark_date: date | None = None


def check(user: User, item: FeedbackItem) -> None:
    """PermissionDenied unless user may correct item (a clerk only what they logged); CorrectionRefused when the item
    is not a logged call or letter waiting for triage."""
    authz.require(user, "correct_item", item)
    if user.role == CLERK and item.logged_by_id != user.id:
        raise authz.PermissionDenied("correct_item")
    if item.channel not in CORRECTABLE_CHANNELS:
        raise CorrectionRefused(_("只有登记的来电和来信可以更正登记信息。"))
    if item.state != RECEIVED:
        raise CorrectionRefused(_("本件已不是“待分办”（现为“%(state)s”），登记信息不能再更正。"
                                  "如有错误，请在内部备注中说明。", state=labels.label("state", item.state)))


def may_correct(user: User, item: FeedbackItem) -> bool:
    try:
        check(user, item)
    except (authz.PermissionDenied, CorrectionRefused):
        return False
    return True


def current(item: FeedbackItem, settings: IntakeSettings) -> Correction:
    """The item's values as the correction form starts from them (the contact not in clear)."""
    zone = ZoneInfo(settings.clocks.timezone)
    call_at = item.call_at.astimezone(zone).replace(tzinfo=None) if item.call_at else None
    return Correction(kind=item.kind, subject=item.subject or "", content=item.content, call_at=call_at,
                      received_on=settings.clocks.local_date(item.received_at) if item.channel == LETTER else None,
                      postmark_date=item.postmark_date)


def correct(session: Session, user: User, item: FeedbackItem, correction: Correction, settings: IntakeSettings,
            now: datetime | None = None) -> dict[str, list[str]]:
    """Apply the correction and audit it as item.correct with field → [before, after]; returns those changes (empty:
    nothing differed, nothing recorded). IntakeError names every refused field."""
    check(user, item)
    now = now or datetime.now(UTC)
    before = current(item, settings)
    new, errors = _checked(session, item, correction, before, settings, now)
    if errors:
        raise IntakeError(errors)
    changes: dict[str, list[str]] = {}
    _text_changes(item, new, changes)
    if correction.contact is not None:
        _contact_changes(item, new.contact, changes)
    _time_changes(item, new, before, correction, settings, changes)
    if "subject" in changes or "content" in changes:
        item.text_key = similar.fingerprint(item.subject, item.content)
        campaign = session.get(Campaign, item.campaign_id) if item.campaign_id is not None else None
        if campaign is not None:
            item.suggestions = suggest.suggest(session, campaign, f"{item.subject or ''} {item.content}").as_dict()
    if changes:
        audit.record(session, user, "item.correct", "feedback_item", item.id, item_id=item.id, changes=changes)
    session.flush()
    return changes


def problems(session: Session, user: User, item: FeedbackItem, correction: Correction,
             settings: IntakeSettings) -> dict[str, str]:
    """Everything wrong with the correction, without applying it (to show all refusals at once)."""
    check(user, item)
    return _checked(session, item, correction, current(item, settings), settings, datetime.now(UTC))[1]


def _checked(session: Session, item: FeedbackItem, correction: Correction, before: Correction,
             settings: IntakeSettings, now: datetime) -> tuple[NewItem, dict[str, str]]:
    """The corrected item as intake sees it, and every refused field: intake's rules, and the logging checks on the
    times that changed."""
    contact = Contact(**{name: clean_text(getattr(correction.contact, name)) for name in CONTACT_LIMITS}) \
        if correction.contact is not None else Contact()
    earliest = _earliest(session, item)
    if item.channel == PHONE:
        new, errors = clerk_intake.phone_item(
            clerk_intake.PhoneCall(kind=correction.kind, content=correction.content, call_at=correction.call_at,
                                   phone_line=item.phone_line or "", subject=correction.subject),
            settings, now, earliest)
        new.phone_line = item.phone_line
        if correction.call_at == before.call_at:
            errors.pop("call_at", None)
    else:
        new, errors = clerk_intake.letter_item(
            clerk_intake.Letter(kind=correction.kind, content=correction.content, subject=correction.subject,
                                received_on=correction.received_on, postmark_date=correction.postmark_date),
            settings, now, earliest)
        if correction.received_on == before.received_on:
            errors.pop("received_on", None)
            if correction.postmark_date == before.postmark_date:
                errors.pop("postmark_date", None)
    new.content, new.subject, new.contact = clean_text(new.content), clean_text(new.subject), contact
    return new, {**intake.validate(new), **errors}


def _earliest(session: Session, item: FeedbackItem) -> date:
    campaign = session.get(Campaign, item.campaign_id) if item.campaign_id is not None else None
    campaign = campaign or default_campaign(session, None)
    return earliest_date(campaign.feedback_date if campaign else None)


def _text_changes(item: FeedbackItem, new: NewItem, changes: dict[str, list[str]]) -> None:
    if new.kind != item.kind:
        changes["kind"] = [item.kind, new.kind]
        item.kind = new.kind
    if new.subject != (item.subject or ""):
        changes["subject"] = [item.subject or "", new.subject]
        item.subject = new.subject or None
    if new.content != item.content:
        changes["content"] = list(changed_passage(item.content, new.content))
        item.content = new.content


def _contact_changes(item: FeedbackItem, contact: Contact, changes: dict[str, list[str]]) -> None:
    """Set each contact field that differs; the audit holds the masked values only."""
    wanted = {**vars(contact), "email": addresses.normalized(contact.email) or ""}
    stored = item.contact
    for name, mask in MASKS.items():
        old, value = (getattr(stored, name) if stored else None) or "", wanted[name]
        if old == value:
            continue
        changes[name] = [mask(old), mask(value)]
        if stored is None:
            stored = item.contact = FeedbackContact()
        setattr(stored, name, value or None)


def _time_changes(item: FeedbackItem, new: NewItem, before: Correction, correction: Correction,
                  settings: IntakeSettings, changes: dict[str, list[str]]) -> None:
    """A new call time or received date moves the received time and the 15-day clock with it."""
    if item.channel == PHONE and correction.call_at != before.call_at and new.call_at is not None:
        changes["call_at"] = [_minute(before.call_at), _minute(correction.call_at)]
        item.call_at, item.received_at = new.call_at, new.received_at or new.call_at
    if item.channel == LETTER:
        if correction.received_on != before.received_on and new.received_at is not None:
            changes["received_on"] = [_day(before.received_on), _day(correction.received_on)]
            item.received_at = new.received_at
        if correction.postmark_date != item.postmark_date:
            changes["postmark_date"] = [_day(item.postmark_date), _day(correction.postmark_date)]
            item.postmark_date = correction.postmark_date
    accept_due = settings.clocks.accept_due(item.received_at)
    if accept_due != item.accept_due:
        changes["accept_due"] = [_day(item.accept_due), _day(accept_due)]
        item.accept_due = item.due_date = accept_due


def changed_passage(before: str, after: str) -> tuple[str, str]:
    """The part of each text that differs, with a little context either side and … where text was left out."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return _passage(before, start, len(before) - end), _passage(after, start, len(after) - end)


def _passage(text: str, start: int, end: int) -> str:
    left, right = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    piece = text[left:right]
    if len(piece) > LONGEST:
        piece = piece[:LONGEST // 2] + "…" + piece[-LONGEST // 2:]
    return ("…" if left else "") + piece + ("…" if right < len(text) else "")


def _minute(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""
