"""延期申请: the handling department asks for the item's one extension; a triager or the research office grants it
(through the workflow's 延期) or refuses it with a reason. One request waits at a time; none after the extension."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import ExtensionRequest, FeedbackItem, User
from portal.models.feedback import HANDLING
from portal.models.handling import GRANTED, PENDING, REFUSED
from portal.services.common import audit, authz
from portal.services.common.clocks import ClockSettings
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
from portal.services.feedback import workflow

MAX_REASON = 2000


class ExtensionError(ServiceError):
    """A request or a decision refused; field names the form field at fault."""


def pending(session: Session, item: FeedbackItem) -> ExtensionRequest | None:
    """The request of item still waiting for a decision."""
    return session.scalar(select(ExtensionRequest).where(ExtensionRequest.item_id == item.id,
                                                         ExtensionRequest.status == PENDING))


def of_item(session: Session, item: FeedbackItem) -> list[ExtensionRequest]:
    """Every request made for item, oldest first."""
    return list(session.scalars(select(ExtensionRequest).where(ExtensionRequest.item_id == item.id)
                                .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)))


def may_request(session: Session, user: User, item: FeedbackItem) -> bool:
    """Whether user may ask for the extension now: the handling department, not yet extended, none waiting."""
    return (authz.can(user, "request_extension", item) and item.state == HANDLING and not item.extension_days
            and pending(session, item) is None)


def request(session: Session, actor: User, item: FeedbackItem, days: str | int | None, reason: str | None,
            clocks: ClockSettings, now: datetime | None = None) -> ExtensionRequest:
    """申请延期: days within the allowed maximum and a reason; the triagers and the research office decide."""
    authz.require(actor, "request_extension", item)
    if item.state != HANDLING:
        raise ExtensionError(_("只有办理中的件才能申请延期。"), "form")
    if item.extension_days:
        raise ExtensionError(_("办理期限只能延期一次，本件已延期。"), "form")
    if pending(session, item) is not None:
        raise ExtensionError(_("本件已有等待审批的延期申请。"), "form")
    try:
        count = int(str(days or "").strip())
    except ValueError:
        count = 0
    if not 1 <= count <= clocks.max_extension_days:
        raise ExtensionError(_("延期天数须为1到%(max)s之间的整数。", max=clocks.max_extension_days), "days")
    why = _reason(reason, _("请填写申请延期的理由。"), "reason")
    asked = ExtensionRequest(item_id=item.id, days=count, reason=why, requested_by_id=actor.id,
                             requested_at=now or datetime.now(UTC))
    session.add(asked)
    session.flush()
    audit.record(session, actor, "extension.request", "extension_request", asked.id, item_id=item.id, days=count,
                 reason=why)
    session.flush()
    return asked


def decide(session: Session, actor: User, item: FeedbackItem, grant: bool, remark: str | None,
           clocks: ClockSettings, now: datetime | None = None) -> ExtensionRequest:
    """同意 (the 办理期限 moves by the days asked, through the workflow's 延期) or 不同意 (a reason is required)."""
    authz.require(actor, "extend", item)
    asked = pending(session, item)
    if asked is None:
        raise ExtensionError(_("本件没有等待审批的延期申请。"), "form")
    now = now or datetime.now(UTC)
    text = clean_text(remark)
    if grant:
        text = text[:MAX_REASON] if text else ""
    else:
        text = _reason(remark, _("不同意延期时请填写理由，承办部门会看到。"), "decision_reason")
    asked.status, asked.decided_by_id, asked.decided_at = (GRANTED if grant else REFUSED), actor.id, now
    asked.decision_reason = text or None
    session.flush()
    if grant:
        try:
            workflow.apply(session, item, "extend", actor, clocks, now=now, days=asked.days, approver=actor.name,
                           reason=asked.reason)
        except workflow.WorkflowError as exc:
            raise ExtensionError(exc.message, "form") from exc
    audit.record(session, actor, "extension.grant" if grant else "extension.refuse", "extension_request", asked.id,
                 item_id=item.id, days=asked.days, **({"decision": text} if text else {}))
    session.flush()
    return asked


def _reason(value: str | None, missing: str, field: str) -> str:
    text = clean_text(value)
    if not text:
        raise ExtensionError(missing, field)
    if len(text) > MAX_REASON:
        raise ExtensionError(_("理由不能超过%(max)s个字（现为%(count)s个字）。", max=MAX_REASON, count=len(text)),
                             field)
    return text
