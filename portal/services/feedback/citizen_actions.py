"""What a citizen may do on their case page: ask for a review (复查) of the answer, add material to an open case.

Both are the citizen's own word, kept as a follow-up staff read on the item page, flag the item for attention and
leave an audit event by 群众. The text itself stays in the follow-up: audit details hold no personal data.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models import FeedbackItem, FollowUp
from portal.models.feedback import REPLIED, REVIEW
from portal.services.common import audit
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
from portal.services.feedback import attachments
from portal.services.feedback.case_page import OPEN_STATES, review_open_until
from portal.services.feedback.intake import MAX_CONTENT, MIN_CONTENT, IntakeSettings

#: the follow-up's subject on the item page (staff read Chinese)
REVIEW_SUBJECT, MATERIAL_SUBJECT = "网上申请复查", "网上补充材料"


class CaseActionError(ServiceError):
    """A review request or material refused: the window closed, the case is not open, the text or a file is wrong."""


def request_review(session: Session, item: FeedbackItem, reason: str, settings: IntakeSettings,
                   now: datetime | None = None) -> FollowUp:
    """复查: reopen an answered item for review, within the window after the answer, with the citizen's reason."""
    now = now or datetime.now(UTC)
    clocks = settings.clocks
    if review_open_until(item, clocks, now) is None:
        if item.state == REPLIED:
            raise CaseActionError(_("已超过答复后%(days)s天的复查申请期限。", days=clocks.review_window_days))
        raise CaseActionError(_("本件目前不能申请复查：只有已答复的件可以在答复后%(days)s天内申请。",
                                days=clocks.review_window_days))
    reason = _checked_text(reason, "reason")
    item.state = REVIEW
    item.due_date = clocks.accept_due(now)
    follow_up = _follow_up(session, item, REVIEW_SUBJECT, reason, now)
    audit.record(session, None, "item.review", "feedback_item", item.id, item_id=item.id, actor_label=audit.CITIZEN,
                 channel="web", length=len(reason), **{"from": REPLIED, "to": REVIEW})
    session.flush()
    return follow_up


def add_material(session: Session, item: FeedbackItem, text: str, uploads: list[attachments.Upload],
                 settings: IntakeSettings, now: datetime | None = None) -> FollowUp:
    """补充材料: text and files (the form's checks) added to a case that is still open."""
    if item.state not in OPEN_STATES:
        raise CaseActionError(_("本件已办理完毕，不能再补充材料。"))
    text = _checked_text(text, "text")
    try:
        content_types = attachments.check_uploads(uploads)
    except attachments.UploadRejected as exc:
        raise CaseActionError(exc.message, "files") from exc
    for upload, content_type in zip(uploads, content_types, strict=True):
        attachments.store(session, item, upload, content_type, settings.upload_dir)
    follow_up = _follow_up(session, item, MATERIAL_SUBJECT, text, now or datetime.now(UTC))
    audit.record(session, None, "item.followup", "feedback_item", item.id, item_id=item.id, actor_label=audit.CITIZEN,
                 channel="web", attachments=len(uploads), length=len(text))
    session.flush()
    return follow_up


def _checked_text(text: str, field: str) -> str:
    text = clean_text(text)
    if not MIN_CONTENT <= len(text) <= MAX_CONTENT:
        raise CaseActionError(_("内容须为%(min)s到%(max)s个字（现为%(count)s个字）。", min=MIN_CONTENT, max=MAX_CONTENT,
                                count=len(text)), field)
    return text


def _follow_up(session: Session, item: FeedbackItem, subject: str, text: str, now: datetime) -> FollowUp:
    follow_up = FollowUp(item_id=item.id, received_at=now, subject=subject, text=text)
    session.add(follow_up)
    item.needs_attention = True
    return follow_up
