"""答复: a handler drafts, the research office returns or approves, then it goes out by email, letter or call-back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import labels
from portal.i18n import long_date
from portal.models import AuditEvent, Campaign, FeedbackItem, OutboxMessage, Reply, User
from portal.models.feedback import APPROVED, DRAFT, EMAIL, LETTER, PHONE, RETURNED, SENT, SUBMITTED, WEB
from portal.services.common import addresses, audit, authz, privacy
from portal.services.common.clocks import ClockSettings
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
from portal.services.feedback import workflow
from portal.services.feedback.language import submitters_language
from portal.services.ledger.campaigns import default_campaign
from portal.services.mail import outbox
from portal.services.replies import reply_files, review_edits
from portal.services.replies.templates import chinese_date, fill
from portal.services.satisfaction.links import RatingSettings, email_links

MAX_TEXT, MAX_COMMENT = 5000, 2000
EDITABLE = (DRAFT, RETURNED)
#: a reply in one of these is still on its way: no second draft meanwhile
OPEN = (DRAFT, SUBMITTED, RETURNED, APPROVED)
#: the item states in which a reply may be drafted and sent (办理中, 复查中)
ANSWERABLE = workflow.TRANSITIONS["reply"].sources
#: answered the moment the research office approves; a letter or a call-back is recorded when it happened
SENT_AT_APPROVAL = (EMAIL, WEB)


class ReplyError(ServiceError):
    """A reply step refused (field "form" for the page as a whole)."""


@dataclass(frozen=True)
class ReplySettings:
    """What approving and sending need from config: mail, clocks, the public address, the default campaign."""

    mail: outbox.MailSettings
    clocks: ClockSettings
    base_url: str
    default_campaign: str
    #: signs the e-mail's 满意度 links
    rating: RatingSettings
    #: where the reply's files are (portal.services.replies.reply_files), to send them with the email
    upload_dir: Path

    @classmethod
    def from_config(cls, config) -> ReplySettings:
        return cls(outbox.MailSettings.from_config(config), ClockSettings.from_config(config),
                   config["PUBLIC_BASE_URL"].rstrip("/"), config.get("DEFAULT_CAMPAIGN") or "",
                   RatingSettings.from_config(config), Path(config["UPLOAD_DIR"]))


@dataclass(frozen=True)
class ReplyView:
    """One reply as its page shows it: what this user may do, where it goes (masked) and its history."""

    item: FeedbackItem
    reply: Reply
    actions: frozenset[str]
    recipient: str
    history: list[AuditEvent]
    #: the answer's email once approved: "已发出" only when its status is sent (left the outbox)
    mail: OutboxMessage | None = None


@dataclass(frozen=True)
class Letter:
    """答复函: the printable letter of an approved reply, addressed to the sender."""

    reply: Reply
    case_number: str
    unit: str
    office_address: str
    office_phone: str
    name: str
    address: str
    received_date: str
    date: str
    paragraphs: list[str]
    review_days: int


def channel_for(item: FeedbackItem) -> str:
    """How the answer reaches the submitter: email if we have an address, else a letter or a call-back, else lookup."""
    contact = item.contact
    email, phone, address = (contact.email, contact.phone, contact.address) if contact else (None, None, None)
    if email:
        return EMAIL
    if address and (item.channel == LETTER or not phone):
        return LETTER
    return PHONE if phone else WEB


def masked_recipient(item: FeedbackItem, channel: str) -> str:
    """Where an answer by channel goes, masked (138****1762): the email, the phone number or the postal address."""
    contact = item.contact
    if contact is None:
        return ""
    return {EMAIL: privacy.mask_email(contact.email) if contact.email else "",
            PHONE: privacy.mask_phone(contact.phone) if contact.phone else "",
            LETTER: privacy.mask_address(contact.address) if contact.address else ""}.get(channel, "")


def find_reply(session: Session, item: FeedbackItem, reply_id: int) -> Reply | None:
    """The reply with this id when it belongs to item."""
    reply = session.get(Reply, reply_id)
    return reply if reply is not None and reply.item_id == item.id else None


def may_draft(user: User, item: FeedbackItem, replies: list[Reply]) -> bool:
    """Whether user may start a reply now: right role and department, 办理中 or 复查中, no reply under way."""
    return (authz.can(user, "draft_reply", item) and item.state in ANSWERABLE
            and not any(reply.status in OPEN for reply in replies))


def allowed(user: User, item: FeedbackItem, reply: Reply) -> frozenset[str]:
    """The steps user may take on reply now: edit, submit, approve, return, deliver, letter, publish."""
    actions = set()
    if reply.status in EDITABLE and authz.can(user, "draft_reply", item):
        actions |= {"edit", "submit"}
    if reply.status == SUBMITTED and authz.can(user, "approve_reply", item):
        actions |= {"approve", "return"}
    if reply.status == APPROVED and reply.channel in (PHONE, LETTER) and authz.can(user, "reply", item):
        actions.add("deliver")
    if reply.channel == LETTER and reply.status in (APPROVED, SENT) and authz.can(user, "approve_reply", item):
        actions.add("letter")
    if reply.status == SENT and item.consent_publish and authz.can(user, "publish", item):
        actions.add("publish")
    return frozenset(actions)


def view(session: Session, user: User, item: FeedbackItem, reply: Reply) -> ReplyView:
    authz.require(user, "view_queue", item)
    history = list(session.scalars(select(AuditEvent).where(AuditEvent.object_type == "reply",
                                                            AuditEvent.object_id == reply.id)
                                   .order_by(AuditEvent.at, AuditEvent.id)))
    mail = session.scalar(select(OutboxMessage).where(OutboxMessage.item_id == item.id, OutboxMessage.kind == "reply")
                          .order_by(OutboxMessage.id.desc()).limit(1)) \
        if reply.channel == EMAIL and reply.status == SENT else None
    return ReplyView(item, reply, allowed(user, item, reply), masked_recipient(item, reply.channel), history, mail)


def start_draft(session: Session, actor: User, item: FeedbackItem, text: str, clocks: ClockSettings) -> Reply:
    """拟稿: a new draft, placeholders filled in; one reply at a time per item."""
    authz.require(actor, "draft_reply", item)
    _answerable(item)
    if session.scalar(select(Reply.id).where(Reply.item_id == item.id, Reply.status.in_(OPEN))) is not None:
        raise ReplyError(_("本件已有尚未完成的答复稿，请在原稿上修改。"), "form")
    reply = Reply(item_id=item.id, text=_text(fill(text or "", item, clocks)), channel=channel_for(item),
                  status=DRAFT, author_id=actor.id, department_id=item.department_id)
    session.add(reply)
    session.flush()
    _record(session, actor, "reply.draft", item, reply, length=len(reply.text))
    return reply


def edit(session: Session, actor: User, reply: Reply, text: str, clocks: ClockSettings) -> None:
    """修改: change a draft or a returned reply."""
    item = _item(session, reply)
    authz.require(actor, "draft_reply", item)
    _expect(reply, EDITABLE, _("只能修改草稿或被退回的答复稿。"))
    reply.text = _text(fill(text or "", item, clocks))
    _record(session, actor, "reply.edit", item, reply, length=len(reply.text))


def submit(session: Session, actor: User, reply: Reply, now: datetime | None = None) -> None:
    """提交审核: hand the draft to the research office."""
    item = _item(session, reply)
    authz.require(actor, "draft_reply", item)
    _expect(reply, EDITABLE, _("只能提交草稿或被退回的答复稿。"))
    _answerable(item)
    reply.status, reply.submitted_at = SUBMITTED, now or datetime.now(UTC)
    _record(session, actor, "reply.submit", item, reply)


def send_back(session: Session, actor: User, reply: Reply, comment: str) -> None:
    """退回修改: the research office returns a submitted reply with a comment the drafter sees."""
    item = _item(session, reply)
    authz.require(actor, "approve_reply", item)
    _expect(reply, (SUBMITTED,), _("只能退回已提交审核的答复稿。"))
    comment = clean_text(comment)
    if not comment:
        raise ReplyError(_("请填写退回意见。"), "comment")
    if len(comment) > MAX_COMMENT:
        raise ReplyError(_("退回意见不能超过%(max)s个字（现为%(count)s个字）。", max=MAX_COMMENT, count=len(comment)),
                         "comment")
    reply.status, reply.review_comment = RETURNED, comment
    _record(session, actor, "reply.return", item, reply, comment=comment)


def approve(session: Session, actor: User, reply: Reply, settings: ReplySettings, confirmed: bool,
            now: datetime | None = None, text: str | None = None) -> OutboxMessage | None:
    """审核同意: an email is queued and sent with the item marked 已答复; a letter or call-back waits to be recorded.

    text, when given and different, is the reviewer's small edit: kept beside the author's text (审核修改)."""
    item = _item(session, reply)
    authz.require(actor, "approve_reply", item)
    if not confirmed:
        raise ReplyError(_("请勾选确认后再审核同意。"), "confirm")
    _expect(reply, (SUBMITTED,), _("只能审核已提交的答复稿。"))
    _answerable(item)
    now = now or datetime.now(UTC)
    if text is not None:
        review_edits.record(session, actor, reply, _text(fill(text, item, settings.clocks)), now)
    reply.status, reply.approver_id, reply.approved_at = APPROVED, actor.id, now
    reply.channel, reply.department_id = channel_for(item), item.department_id
    _record(session, actor, "reply.approve", item, reply, channel=reply.channel)
    message = _email(session, item, reply, settings, now) if reply.channel == EMAIL else None
    if reply.channel in SENT_AT_APPROVAL:
        _send(session, actor, item, reply, settings.clocks, now)
    return message


def record_delivery(session: Session, actor: User, reply: Reply, clocks: ClockSettings, delivered_at: datetime | None,
                    confirmed: bool, now: datetime | None = None) -> None:
    """已寄出 / 已电话答复: the approved letter was posted or the call-back made at delivered_at; the item is 已答复."""
    item = _item(session, reply)
    authz.require(actor, "reply", item)
    if reply.status != APPROVED or reply.channel not in (PHONE, LETTER):
        raise ReplyError(_("只有审核同意后待寄出的答复函或待电话答复的答复才能登记。"), "form")
    if not confirmed:
        raise ReplyError(_("请勾选确认后再登记。"), "confirm")
    now = now or datetime.now(UTC)
    if delivered_at is None:
        raise ReplyError(_("请填写时间，格式如 2021-03-31 10:30。"), "delivered_at")
    if delivered_at > now + timedelta(minutes=1):
        raise ReplyError(_("时间不能晚于现在。"), "delivered_at")
    if reply.approved_at and delivered_at < reply.approved_at.replace(second=0, microsecond=0):
        raise ReplyError(_("时间不能早于审核同意的时间。"), "delivered_at")
    _send(session, actor, item, reply, clocks, delivered_at)


def letter(session: Session, actor: User, reply: Reply, settings: ReplySettings) -> Letter:
    """The reply letter with the sender's name and address in clear; each viewing is audited."""
    item = _item(session, reply)
    authz.require(actor, "approve_reply", item)
    if reply.channel != LETTER or reply.status not in (APPROVED, SENT):
        raise ReplyError(_("只有审核同意的书面答复才有答复函。"), "form")
    campaign = _campaign(session, item, settings)
    contact = item.contact
    audit.record(session, actor, "reply.letter", "reply", reply.id, item_id=item.id)
    session.flush()
    return Letter(
        reply=reply, case_number=item.case_number, unit=(campaign.unit or campaign.title) if campaign else "",
        office_address=(campaign.contact_address or "") if campaign else "",
        office_phone=(campaign.contact_phone or "") if campaign else "",
        name=(contact.name or "") if contact else "", address=(contact.address or "") if contact else "",
        received_date=chinese_date(settings.clocks.local_date(item.received_at)),
        date=chinese_date(settings.clocks.local_date(reply.approved_at or reply.created_at)),
        paragraphs=[line.strip() for line in reply.text.splitlines() if line.strip()],
        review_days=settings.clocks.review_window_days,
    )


def _item(session: Session, reply: Reply) -> FeedbackItem:
    return reply.item


def _text(text: str) -> str:
    text = clean_text(text)
    if not text:
        raise ReplyError(_("请填写答复内容。"), "text")
    if len(text) > MAX_TEXT:
        raise ReplyError(_("答复内容不能超过%(max)s个字（现为%(count)s个字）。", max=MAX_TEXT, count=len(text)),
                         "text")
    return text


def _expect(reply: Reply, statuses: tuple[str, ...], message: str) -> None:
    if reply.status not in statuses:
        raise ReplyError(message, "form")


def _answerable(item: FeedbackItem) -> None:
    if item.state not in ANSWERABLE:
        raise ReplyError(_("本件当前为“%(state)s”，只有办理中或复查中的件才能答复。",
                           state=labels.label("state", item.state)), "form")


def _record(session: Session, actor: User, action: str, item: FeedbackItem, reply: Reply, **details) -> None:
    audit.record(session, actor, action, "reply", reply.id, item_id=item.id, **details)
    session.flush()


def _send(session: Session, actor: User, item: FeedbackItem, reply: Reply, clocks: ClockSettings,
          at: datetime) -> None:
    """Mark the reply sent at `at` through the workflow's 答复 transition (item → 已答复)."""
    try:
        workflow.apply(session, item, "reply", actor, clocks, now=at, reply=reply)
    except workflow.WorkflowError as exc:
        raise ReplyError(exc.message, "form") from exc
    _record(session, actor, "reply.send", item, reply, channel=reply.channel)


def _campaign(session: Session, item: FeedbackItem, settings: ReplySettings) -> Campaign | None:
    if item.campaign_id is not None:
        return session.get(Campaign, item.campaign_id)
    return default_campaign(session, settings.default_campaign)


def _email(session: Session, item: FeedbackItem, reply: Reply, settings: ReplySettings,
           now: datetime) -> OutboxMessage:
    """Queue the answer to the submitter, threaded onto the last email the portal sent about the item."""
    campaign = _campaign(session, item, settings)
    address = item.contact.email if item.contact else None
    if not address:
        raise ReplyError(_("本件没有电子邮箱，不能以邮件答复。"), "form")
    if not addresses.is_bare(address):
        raise ReplyError(_("本件的电子邮箱地址无效，不能以邮件答复，请改用其他方式答复。"), "form")
    latest = session.scalar(select(OutboxMessage.message_id).where(OutboxMessage.item_id == item.id)
                            .order_by(OutboxMessage.id.desc()).limit(1))
    with submitters_language(item):
        context = {
            "item": item, "reply": reply, "department": item.department.name if item.department else "",
            "unit": (campaign.unit or campaign.title) if campaign else "",
            "received_date": long_date(settings.clocks.local_date(item.received_at)),
            "sent_date": long_date(settings.clocks.local_date(now)),
            "paragraphs": [line.strip() for line in reply.text.splitlines() if line.strip()],
            "lookup_url": f"{settings.base_url}/lookup?{urlencode({'case': item.case_number})}",
            "review_days": settings.clocks.review_window_days,
            "rating_links": email_links(reply, settings.rating),
        }
        subject = _("[%(case)s] 关于您反映问题的答复", case=item.case_number)
        text, html = render_template("email/reply.txt", **context), render_template("email/reply.html", **context)
    return outbox.enqueue(session, settings.mail, to=address, subject=subject, text=text, html=html,
                          kind="reply", item=item, in_reply_to=latest, automatic=False,
                          files=reply_files.for_mail(session, reply, settings.upload_dir))
