"""答复公开: a redacted copy of a sent reply, published by the research office with the submitter's consent."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import labels
from portal.models import FeedbackItem, Reply, User
from portal.models.feedback import NOT_PUBLISHED, PROPOSED, PUBLISHED, SENT
from portal.services.common import audit, authz
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
from portal.services.follow import events as follow_events
from portal.services.replies import redaction

MAX_TEXT = 5000


class PublicationError(ServiceError):
    """A publication step refused (field "form" for the page as a whole)."""


@dataclass(frozen=True)
class PublicationView:
    """The sent text with what was detected in it, and the public text with what is still detected there."""

    item: FeedbackItem
    reply: Reply
    detected: redaction.Redaction
    remaining: redaction.Redaction | None
    #: the question (subject and content) with what is detected in it, and the saved public question's remains
    question: redaction.Redaction
    question_remaining: redaction.Redaction | None


def _check(session: Session, actor: User, reply: Reply) -> FeedbackItem:
    """The reply's item, once the actor may publish, the reply was sent and the submitter consented."""
    item = reply.item
    authz.require(actor, "publish", item)
    if reply.status != SENT:
        raise PublicationError(_("只有已答复提交人的答复才能公开。"), "form")
    if not item.consent_publish:
        raise PublicationError(_("提交人未同意公开，不能公开本件的答复。"), "form")
    return item


def question_text(item: FeedbackItem) -> str:
    """What the submitter asked: the subject, then the content."""
    return "\n".join(part for part in (clean_text(item.subject), clean_text(item.content)) if part)


def view(session: Session, actor: User, reply: Reply) -> PublicationView:
    item = _check(session, actor, reply)
    remaining = redaction.redact(reply.public_text, item.contact) if reply.public_text else None
    asked = redaction.redact(reply.public_question, item.contact) if reply.public_question else None
    return PublicationView(item, reply, redaction.redact(reply.text, item.contact), remaining,
                           redaction.redact(question_text(item), item.contact), asked)


def propose(session: Session, actor: User, reply: Reply) -> redaction.Redaction:
    """拟公开: the public text becomes the sent text, the public question the item's subject and content, each with
    every detected personal detail masked."""
    item = _check(session, actor, reply)
    if reply.publish_status == PUBLISHED:
        raise PublicationError(_("答复已公开；要重新生成公开文本，请先撤下。"), "form")
    masked = redaction.redact(reply.text, item.contact)
    asked = redaction.redact(question_text(item), item.contact)
    reply.public_text, reply.public_question, reply.publish_status = masked.text, asked.text, PROPOSED
    audit.record(session, actor, "reply.propose", "reply", reply.id, item_id=item.id,
                 masked=len(masked.spans) + len(asked.spans))
    session.flush()
    return masked


def save_text(session: Session, actor: User, reply: Reply, text: str, question: str | None = None) -> None:
    """Keep the research office's edit of the public text and, when given, of the public question (before they are
    published); an empty question publishes the answer without it."""
    item = _check(session, actor, reply)
    if reply.publish_status != PROPOSED:
        raise PublicationError(_("请先生成公开文本；已公开的答复须先撤下再修改。"), "form")
    text = clean_text(text)
    if not text:
        raise PublicationError(_("请填写公开文本。"), "public_text")
    if len(text) > MAX_TEXT:
        raise PublicationError(_("公开文本不能超过%(max)s个字（现为%(count)s个字）。", max=MAX_TEXT, count=len(text)),
                               "public_text")
    if question is not None:
        question = clean_text(question)
        if len(question) > MAX_TEXT:
            raise PublicationError(_("公开的来信内容不能超过%(max)s个字（现为%(count)s个字）。", max=MAX_TEXT,
                                     count=len(question)), "public_question")
        reply.public_question = question or None
    reply.public_text = text
    audit.record(session, actor, "reply.public_edit", "reply", reply.id, item_id=item.id, length=len(text),
                 question_length=len(reply.public_question or ""))
    session.flush()


def publish(session: Session, actor: User, reply: Reply, confirmed: bool, spans_checked: bool,
            now: datetime | None = None) -> None:
    """公开: the saved public text appears on /answers; never with the submitter's own data in it."""
    item = _check(session, actor, reply)
    if reply.publish_status != PROPOSED or not reply.public_text:
        raise PublicationError(_("请先生成并核对公开文本。"), "form")
    if not confirmed:
        raise PublicationError(_("请勾选确认后再公开。"), "confirm")
    for field, text in (("public_question", reply.public_question or ""), ("public_text", reply.public_text)):
        leaks = redaction.contact_leaks(text, item.contact)
        if leaks:
            names = labels.join(labels.label("personal_data", kind) for kind in leaks)
            raise PublicationError(_("公开文本中仍有提交人的%(names)s，请删去或遮盖后再公开。", names=names), field)
    if (redaction.find(reply.public_text, item.contact) or redaction.find(reply.public_question or "", item.contact)) \
            and not spans_checked:
        raise PublicationError(_("公开文本中仍有疑似个人信息（已标出），请修改，或核对后勾选确认。"),
                               "spans_checked")
    reply.publish_status, reply.published_at, reply.published_by_id = PUBLISHED, now or datetime.now(UTC), actor.id
    audit.record(session, actor, "reply.publish", "reply", reply.id, item_id=item.id)
    follow_events.answer_published(session, reply)
    session.flush()


def unpublish(session: Session, actor: User, reply: Reply, confirmed: bool) -> None:
    """撤下: the answer leaves /answers; its public text is kept for a later decision."""
    item = reply.item
    authz.require(actor, "publish", item)
    if reply.publish_status != PUBLISHED:
        raise PublicationError(_("这份答复没有公开。"), "form")
    if not confirmed:
        raise PublicationError(_("请勾选确认后再撤下。"), "unpublish_confirm")
    reply.publish_status, reply.published_at = PROPOSED if reply.public_text else NOT_PUBLISHED, None
    audit.record(session, actor, "reply.unpublish", "reply", reply.id, item_id=item.id)
    session.flush()
