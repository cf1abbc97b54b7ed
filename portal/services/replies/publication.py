"""答复公开: a redacted copy of a sent reply, published by the research office with the submitter's consent."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from math import ceil

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal import labels
from portal.models import Campaign, FeedbackItem, FeedbackLink, Measure, Problem, Reply, User
from portal.models.feedback import NOT_PUBLISHED, PROPOSED, PUBLISHED, SENT
from portal.services.common import audit, authz
from portal.services.common.clocks import ClockSettings
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
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


@dataclass(frozen=True)
class PublicTarget:
    """A measure (35-2) or problem (35) the answered opinion was about, for a link to its page."""

    kind: str
    slug: str
    code: str


@dataclass(frozen=True)
class PublicAnswer:
    accepted_on: date
    replied_on: date
    department: str | None
    kind: str
    text: str
    targets: list[PublicTarget]


@dataclass(frozen=True)
class AnswerPage:
    answers: list[PublicAnswer]
    page: int
    pages: int
    total: int


def _check(session: Session, actor: User, reply: Reply) -> FeedbackItem:
    """The reply's item, once the actor may publish, the reply was sent and the submitter consented."""
    item = reply.item
    authz.require(actor, "publish", item)
    if reply.status != SENT:
        raise PublicationError(_("只有已答复提交人的答复才能公开。"), "form")
    if not item.consent_publish:
        raise PublicationError(_("提交人未同意公开，不能公开本件的答复。"), "form")
    return item


def view(session: Session, actor: User, reply: Reply) -> PublicationView:
    item = _check(session, actor, reply)
    remaining = redaction.redact(reply.public_text, item.contact) if reply.public_text else None
    return PublicationView(item, reply, redaction.redact(reply.text, item.contact), remaining)


def propose(session: Session, actor: User, reply: Reply) -> redaction.Redaction:
    """拟公开: the public text becomes the sent text with every detected personal detail masked."""
    item = _check(session, actor, reply)
    if reply.publish_status == PUBLISHED:
        raise PublicationError(_("答复已公开；要重新生成公开文本，请先撤下。"), "form")
    masked = redaction.redact(reply.text, item.contact)
    reply.public_text, reply.publish_status = masked.text, PROPOSED
    audit.record(session, actor, "reply.propose", "reply", reply.id, item_id=item.id, masked=len(masked.spans))
    session.flush()
    return masked


def save_text(session: Session, actor: User, reply: Reply, text: str) -> None:
    """Keep the research office's edit of the public text (before it is published)."""
    item = _check(session, actor, reply)
    if reply.publish_status != PROPOSED:
        raise PublicationError(_("请先生成公开文本；已公开的答复须先撤下再修改。"), "form")
    text = clean_text(text)
    if not text:
        raise PublicationError(_("请填写公开文本。"), "public_text")
    if len(text) > MAX_TEXT:
        raise PublicationError(_("公开文本不能超过%(max)s个字（现为%(count)s个字）。", max=MAX_TEXT, count=len(text)),
                               "public_text")
    reply.public_text = text
    audit.record(session, actor, "reply.public_edit", "reply", reply.id, item_id=item.id, length=len(text))
    session.flush()


def publish(session: Session, actor: User, reply: Reply, confirmed: bool, spans_checked: bool,
            now: datetime | None = None) -> None:
    """公开: the saved public text appears on /answers; never with the submitter's own data in it."""
    item = _check(session, actor, reply)
    if reply.publish_status != PROPOSED or not reply.public_text:
        raise PublicationError(_("请先生成并核对公开文本。"), "form")
    if not confirmed:
        raise PublicationError(_("请勾选确认后再公开。"), "confirm")
    leaks = redaction.contact_leaks(reply.public_text, item.contact)
    if leaks:
        names = labels.join(labels.label("personal_data", kind) for kind in leaks)
        raise PublicationError(_("公开文本中仍有提交人的%(names)s，请删去或遮盖后再公开。", names=names),
                               "public_text")
    if redaction.find(reply.public_text, item.contact) and not spans_checked:
        raise PublicationError(_("公开文本中仍有疑似个人信息（已标出），请修改，或核对后勾选确认。"),
                               "spans_checked")
    reply.publish_status, reply.published_at, reply.published_by_id = PUBLISHED, now or datetime.now(UTC), actor.id
    audit.record(session, actor, "reply.publish", "reply", reply.id, item_id=item.id)
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


def public_answers(session: Session, page: int, per_page: int, clocks: ClockSettings) -> AnswerPage | None:
    """答复公开, newest answer first: dates, department, redacted text and links; None past the last page."""
    published = (select(Reply, FeedbackItem).join(FeedbackItem, FeedbackItem.id == Reply.item_id)
                 .where(Reply.publish_status == PUBLISHED, FeedbackItem.consent_publish.is_(True)))
    total = session.scalar(select(func.count()).select_from(published.subquery())) or 0
    pages = max(ceil(total / per_page), 1)
    if not 1 <= page <= pages:
        return None
    rows = session.execute(published.options(selectinload(Reply.department))
                           .order_by(Reply.sent_at.desc(), Reply.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    targets = _targets(session, [item.id for _, item in rows])
    answers = [PublicAnswer(
        accepted_on=clocks.local_date(item.accepted_at or item.received_at),
        replied_on=clocks.local_date(reply.sent_at),
        department=reply.department.name if reply.department else None, kind=item.kind, text=reply.public_text,
        targets=targets.get(item.id, [])) for reply, item in rows]
    return AnswerPage(answers, page, pages, total)


def _targets(session: Session, item_ids: list[int]) -> dict[int, list[PublicTarget]]:
    """item id → the measures and problems it is linked to, in one query."""
    if not item_ids:
        return {}
    rows = session.execute(
        select(FeedbackLink.item_id, Measure.code, Problem.number, Campaign.slug)
        .outerjoin(Measure, Measure.id == FeedbackLink.measure_id)
        .outerjoin(Problem, Problem.id == FeedbackLink.problem_id)
        .join(Campaign, Campaign.id == func.coalesce(Measure.campaign_id, Problem.campaign_id))
        .where(FeedbackLink.item_id.in_(item_ids)).order_by(FeedbackLink.id))
    found: dict[int, list[PublicTarget]] = {}
    for item_id, code, number, slug in rows:
        target = PublicTarget("measure", slug, code) if code else PublicTarget("problem", slug, str(number))
        found.setdefault(item_id, []).append(target)
    return found
