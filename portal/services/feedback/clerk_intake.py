"""来电来信登记: a clerk logs a phone call or a postal letter as an item, in office-local times, with its links."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import Category, FeedbackItem, Problem, User
from portal.models.feedback import CHINESE, LETTER, PHONE
from portal.services.common import authz
from portal.services.common.clocks import CLOCK_SLACK, earliest_date, local_to_utc, start_of_local_day
from portal.services.feedback import intake, links
from portal.services.feedback.attachments import Upload
from portal.services.feedback.intake import Contact, IntakeError, IntakeSettings, NewItem
from portal.services.ledger.campaigns import default_campaign

#: what separates codes typed into the free text field: 35-2，12、3 4
CODE_SEPARATORS = re.compile(r"[\s,;、]+")


@dataclass(frozen=True)
class LinkTarget:
    """One choice in the link picker: a problem (code 35) or one of its measures (code 35-2)."""

    code: str
    is_measure: bool
    text: str


@dataclass(frozen=True)
class LinkPicker:
    """The default campaign's problems and measures, grouped by category, for a <select> with <optgroup>s."""

    #: (category title, its problems each followed by its measures)
    groups: list[tuple[str, list[LinkTarget]]]


@dataclass
class PhoneCall:
    """A call as the clerk wrote it down; call_at is office-local time without a zone."""

    kind: str
    content: str
    call_at: datetime | None
    phone_line: str
    caller_name: str = ""
    caller_phone: str = ""
    duration_seconds: int | None = None
    subject: str = ""
    wants_reply: bool = False
    #: the caller agreed, when asked, that the answer may be published (redacted)
    consent_publish: bool = False
    targets: list[str] = field(default_factory=list)
    #: the language the caller spoke (zh or en): mails to them are written in it
    language: str = CHINESE


@dataclass
class Letter:
    """A letter as the clerk wrote it down; received_on starts the 15-day clock."""

    kind: str
    content: str
    received_on: date | None
    postmark_date: date | None = None
    sender_name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    subject: str = ""
    wants_reply: bool = False
    #: the letter says the answer may be published (redacted)
    consent_publish: bool = False
    targets: list[str] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    #: the language the letter is written in (zh or en): mails to its sender are written in it
    language: str = CHINESE


def link_picker(session: Session, actor: User | None, action: str, campaign_slug: str | None) -> LinkPicker:
    """Check that actor may log (action is log_phone or log_letter) and list what the item may be linked to."""
    authz.require(actor, action)
    campaign = default_campaign(session, campaign_slug)
    if campaign is None:
        return LinkPicker([])
    categories = session.scalars(
        select(Category).where(Category.campaign_id == campaign.id).order_by(Category.position)
        .options(selectinload(Category.problems).selectinload(Problem.measures))).all()
    groups = []
    for category in categories:
        options = []
        for problem in category.problems:
            options.append(LinkTarget(str(problem.number), False, _short(problem.description)))
            options.extend(LinkTarget(m.code, True, _short(m.text)) for m in problem.measures)
        groups.append((category.title, options))
    return LinkPicker(groups)


def parse_codes(chosen: str | None, typed: str | None) -> list[str]:
    """The chosen code and the typed ones (full-width digits allowed), without blanks or repeats."""
    typed = unicodedata.normalize("NFKC", typed or "")
    codes = [chosen or "", *CODE_SEPARATORS.split(typed)]
    return list(dict.fromkeys(c.strip() for c in codes if c.strip()))


def log_phone(session: Session, call: PhoneCall, settings: IntakeSettings, actor: User,
              campaign_slug: str | None, now: datetime | None = None) -> tuple[FeedbackItem, str]:
    """Create a phone item (received when the call came); returns it with its query code."""
    authz.require(actor, "log_phone")
    now = now or datetime.now(UTC)
    new, errors = phone_item(call, settings, now, _earliest(session, campaign_slug))
    return _create(session, new, _problems(session, new, errors, campaign_slug), settings, actor, now)


def log_letter(session: Session, letter: Letter, settings: IntakeSettings, actor: User,
               campaign_slug: str | None, now: datetime | None = None) -> tuple[FeedbackItem, str]:
    """Create a letter item received on received_on (the 15-day clock counts from it); stores the scans."""
    authz.require(actor, "log_letter")
    now = now or datetime.now(UTC)
    new, errors = letter_item(letter, settings, now, _earliest(session, campaign_slug))
    return _create(session, new, _problems(session, new, errors, campaign_slug), settings, actor, now)


def phone_problems(session: Session, call: PhoneCall, settings: IntakeSettings, actor: User,
                   campaign_slug: str | None) -> dict[str, str]:
    """Everything wrong with a call, without creating anything (to show all refusals at once)."""
    authz.require(actor, "log_phone")
    new, errors = phone_item(call, settings, datetime.now(UTC), _earliest(session, campaign_slug))
    return _problems(session, new, errors, campaign_slug)


def letter_problems(session: Session, letter: Letter, settings: IntakeSettings, actor: User,
                    campaign_slug: str | None) -> dict[str, str]:
    """Everything wrong with a letter, without creating anything (to show all refusals at once)."""
    authz.require(actor, "log_letter")
    new, errors = letter_item(letter, settings, datetime.now(UTC), _earliest(session, campaign_slug))
    return _problems(session, new, errors, campaign_slug)


def _earliest(session: Session, campaign_slug: str | None) -> date:
    """The earliest date a call or letter about the campaign may carry: a typo such as 0202 or 1900 is refused."""
    campaign = default_campaign(session, campaign_slug)
    return earliest_date(campaign.feedback_date if campaign else None)


def phone_item(call: PhoneCall, settings: IntakeSettings, now: datetime,
               earliest: date) -> tuple[NewItem, dict[str, str]]:
    """The item a call makes, and what is wrong with its time."""
    errors = {}
    call_at = local_to_utc(call.call_at, settings.clocks.timezone) if call.call_at else None
    if call.call_at is None or call_at is None:
        errors["call_at"] = _("请填写来电时间。")
    elif call.call_at.date() < earliest:
        errors["call_at"] = _("来电时间不能早于%(date)s，请检查年份。", date=earliest.isoformat())
    elif call_at - now > CLOCK_SLACK:
        errors["call_at"] = _("来电时间不能晚于现在。")
    new = NewItem(channel=PHONE, kind=call.kind, content=call.content, subject=call.subject,
                  contact=Contact(name=call.caller_name, phone=call.caller_phone), wants_reply=call.wants_reply,
                  consent_publish=call.consent_publish, targets=call.targets,
                  received_at=min(call_at, now) if call_at else now, call_at=call_at,
                  call_duration_seconds=call.duration_seconds, phone_line=call.phone_line, language=call.language)
    return new, errors


def letter_item(letter: Letter, settings: IntakeSettings, now: datetime,
                earliest: date) -> tuple[NewItem, dict[str, str]]:
    """The item a letter makes, and what is wrong with its dates."""
    errors = {}
    today = settings.clocks.today(now)
    received_on = letter.received_on
    if received_on is None:
        errors["received_on"] = _("请填写收信日期。")
    elif received_on < earliest:
        errors["received_on"] = _("收信日期不能早于%(date)s，请检查年份。", date=earliest.isoformat())
    elif received_on > today:
        errors["received_on"] = _("收信日期不能晚于今天。")
    if letter.postmark_date and letter.postmark_date < earliest:
        errors["postmark_date"] = _("邮戳日期不能早于%(date)s，请检查年份。", date=earliest.isoformat())
    elif letter.postmark_date and letter.postmark_date > min(received_on or today, today):
        errors["postmark_date"] = _("邮戳日期不能晚于收信日期。")
    new = NewItem(channel=LETTER, kind=letter.kind, content=letter.content, subject=letter.subject,
                  contact=Contact(name=letter.sender_name, phone=letter.phone, email=letter.email,
                                  address=letter.address),
                  wants_reply=letter.wants_reply, consent_publish=letter.consent_publish, targets=letter.targets,
                  received_at=received_moment(received_on, settings.clocks.timezone, now) if received_on else now,
                  postmark_date=letter.postmark_date, uploads=letter.uploads, language=letter.language)
    return new, errors


def _problems(session: Session, new: NewItem, errors: dict[str, str], campaign_slug: str | None) -> dict[str, str]:
    """Every refused field: the channel's own rules, intake's rules, codes that cannot be linked."""
    campaign = default_campaign(session, campaign_slug)
    new.campaign_id = campaign.id if campaign else None
    errors = dict(errors)
    if new.targets and campaign is None:
        errors["targets"] = _("还没有整改任务，无法关联问题或措施。")
    unknown = [code for code in new.targets if campaign and not links.resolve_target(session, campaign.id, code)]
    if unknown:
        errors["targets"] = _("找不到问题或措施“%(code)s”。", code=unknown[0][:40])
    return {**intake.validate(new), **errors}


def _create(session: Session, new: NewItem, errors: dict[str, str], settings: IntakeSettings, actor: User,
            now: datetime) -> tuple[FeedbackItem, str]:
    if errors:
        raise IntakeError(errors)
    return intake.create_item(session, new, settings, actor=actor, now=now)


def received_moment(day: date, timezone: str, now: datetime) -> datetime:
    """When a letter counts as received: now if it arrived today, else the start of that office-local day."""
    if day >= now.astimezone(ZoneInfo(timezone)).date():
        return now
    return start_of_local_day(day, timezone)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "…"
