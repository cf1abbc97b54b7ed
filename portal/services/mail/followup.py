"""A citizen's reply threads onto its item: signed Message-IDs, case tags from the right sender, reopening."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from portal.models import FeedbackItem, FollowUp, InboundMessage
from portal.models.feedback import REPLIED, REVIEW
from portal.models.mail import AS_FOLLOW_UP, REFUSED_PREFIX
from portal.services.common import audit
from portal.services.common.text import clean_text
from portal.services.feedback import attachments
from portal.services.feedback.intake import IntakeSettings
from portal.services.feedback.lookup import find_by_case_number
from portal.services.mail import outbox
from portal.services.mail.parse import ParsedMail

CASE_TAG = re.compile(r"\[\s*([A-Za-z]{1,8}-\d{4}-\d{6,})\s*\]")
#: 查询码 lines quoted from our acknowledgement: the code is stored only hashed, never as text
QUERY_CODE = re.compile(r"(查询码\s*[:：]?\s*)[A-HJ-NP-Za-hj-np-z2-9]{8}\b")
#: where a mail client starts quoting the message being answered
QUOTE_START = re.compile(
    r"^(?:-{2,}\s*(?:原始邮件|Original Message|Original)\s*-{2,}|_{10,}|在 .{4,80}写道[:：]|On .{4,200}wrote:"
    r"|(?:发件人|From)\s*[:：].*)\s*$", re.MULTILINE)
NO_TEXT = "（邮件无正文）"


def signed_by_portal(message_id: str, settings: outbox.MailSettings) -> bool:
    return outbox.case_of_message_id(settings, message_id) is not None


def thread_target(session: Session, mail: ParsedMail, settings: outbox.MailSettings) -> FeedbackItem | None:
    """The item a message answers: a portal-signed id it replies to, or a [case] tag when the sender is the item's."""
    for case_number in outbox.signed_cases(settings, [mail.in_reply_to, mail.references]):
        item = find_by_case_number(session, case_number)
        if item is not None:
            return item
    tag = CASE_TAG.search(mail.subject)
    item = find_by_case_number(session, tag.group(1)) if tag else None
    known = item.contact.email if item is not None and item.contact is not None else None
    if known and known.strip().lower() == mail.from_address.strip().lower():
        return item
    return None


def masked(text: str) -> str:
    """Text with any quoted 查询码 hidden."""
    return QUERY_CODE.sub(lambda m: m.group(1) + "********", text)


def new_part(text: str) -> str:
    """What the citizen wrote in a reply, without the quoted message below it."""
    text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))
    start = QUOTE_START.search(text)
    return clean_text(masked(text[:start.start()] if start else text))


def checked_uploads(uploads: list[attachments.Upload]
                    ) -> tuple[list[tuple[attachments.Upload, str]], list[str]]:
    """The attachments the web form would accept (first 5 good ones) with their content types, and why each other
    one was refused."""
    accepted: list[tuple[attachments.Upload, str]] = []
    refused: list[str] = []
    for upload in uploads:
        try:
            content_type = attachments.check_upload(upload)
        except attachments.UploadRejected as exc:
            refused.append(str(exc))
            continue
        if len(accepted) < attachments.MAX_FILES:
            accepted.append((upload, content_type))
        else:
            refused.append(f"文件“{attachments.clean_filename(upload.filename)}”超出每封{attachments.MAX_FILES}个附件的上限。")
    return accepted, refused


def note_refused(session: Session, inbound: InboundMessage, item: FeedbackItem, refused: list[str]) -> None:
    """Say on the inbound message which attachments were refused, and on the item's history how many."""
    if not refused:
        return
    inbound.reason = REFUSED_PREFIX + "".join(refused)
    audit.record(session, None, "item.attachments_refused", "feedback_item", item.id, item_id=item.id,
                 reason=f"{len(refused)}个邮件附件未收（类型、大小或数量不符合要求），详见“收件记录”。")


def add_follow_up(session: Session, item: FeedbackItem, inbound: InboundMessage, mail: ParsedMail,
                  settings: IntakeSettings, now: datetime) -> FollowUp:
    """Add the message to its item: text, attachments, attention flag; an answered item is reopened for review."""
    uploads, refused = checked_uploads(mail.attachments)
    for upload, content_type in uploads:
        attachments.store(session, item, upload, content_type, settings.upload_dir)
    follow_up = FollowUp(item_id=item.id, inbound_id=inbound.id, received_at=now, subject=mail.subject[:300] or None,
                         text=new_part(mail.text) or NO_TEXT)
    session.add(follow_up)
    inbound.outcome, inbound.item_id = AS_FOLLOW_UP, item.id
    item.needs_attention = True
    audit.record(session, None, "item.followup", "feedback_item", item.id, item_id=item.id,
                 actor_label=audit.CITIZEN, channel="email", attachments=len(uploads))
    note_refused(session, inbound, item, refused)
    if item.state == REPLIED:
        reopen_for_review(session, item, settings, now)
    session.flush()
    return follow_up


def reopen_for_review(session: Session, item: FeedbackItem, settings: IntakeSettings, now: datetime) -> bool:
    """复查: a follow-up within the review window reopens an answered item, as the system, not as a triager."""
    clocks = settings.clocks
    if item.replied_at is None or clocks.today(now) > clocks.review_open_until(item.replied_at):
        return False
    item.state = REVIEW
    item.due_date = clocks.accept_due(now)
    audit.record(session, None, "item.followup_reopened", "feedback_item", item.id, item_id=item.id,
                 actor_label=audit.SYSTEM, **{"from": REPLIED, "to": REVIEW})
    return True
