"""The feedback state machine (DESIGN.md §4): which transitions each state allows, their fields and effects."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import labels
from portal.models import Department, ExtensionRequest, FeedbackItem, Reply, SendBack, User
from portal.models.feedback import (
    ACCEPTED,
    APPROVED,
    CLOSED,
    DUPLICATE,
    HANDLING,
    NOT_ACCEPTED,
    RECEIVED,
    REPLIED,
    REVIEW,
    SENT,
    SPAM,
    TRANSFERRED,
)
from portal.models.handling import PENDING
from portal.services.common import audit, authz
from portal.services.common.clocks import ClockSettings
from portal.services.common.errors import ServiceError

#: items another one cannot be merged into: they were never taken up (spam, not accepted) or went elsewhere
NOT_AN_ORIGINAL = frozenset({SPAM, NOT_ACCEPTED, TRANSFERRED})


@dataclass(frozen=True)
class Transition:
    """One allowed move: from which states, to which (None keeps the state), with which required fields."""

    action: str
    sources: frozenset[str]
    target: str | None
    required: tuple[str, ...] = ()


TRANSITIONS = {t.action: t for t in (
    Transition("accept", frozenset({RECEIVED}), ACCEPTED),
    Transition("reject", frozenset({RECEIVED}), NOT_ACCEPTED, ("reason",)),
    Transition("transfer", frozenset({RECEIVED}), TRANSFERRED, ("transferred_to",)),
    Transition("merge", frozenset({RECEIVED}), DUPLICATE, ("original",)),
    Transition("spam", frozenset({RECEIVED}), SPAM),
    Transition("assign", frozenset({ACCEPTED, HANDLING, REVIEW}), HANDLING, ("department",)),
    Transition("extend", frozenset({HANDLING}), None, ("days", "approver", "reason")),
    Transition("send_back", frozenset({HANDLING}), ACCEPTED, ("reason",)),
    Transition("reply", frozenset({HANDLING, REVIEW}), REPLIED, ("reply",)),
    Transition("close", frozenset({REPLIED}), CLOSED),
    Transition("review", frozenset({REPLIED}), REVIEW, ("reason",)),
)}


class WorkflowError(ServiceError):
    """A transition was refused: illegal in this state or a required field is missing."""


def allowed_transitions(user: User, item: FeedbackItem) -> list[Transition]:
    """The transitions this user may apply to this item in its current state (延期 only once)."""
    return [t for t in TRANSITIONS.values() if item.state in t.sources and authz.can(user, t.action, item)
            and not (t.action == "extend" and item.extension_days)]


def apply(session: Session, item: FeedbackItem, action: str, actor: User, clocks: ClockSettings,
          now: datetime | None = None, **fields) -> None:
    """Apply a transition after checking role, department scope, state and required fields; audit it."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError(_("未知的操作“%(action)s”。", action=action))
    authz.require(actor, action, item)
    if item.state not in transition.sources:
        raise WorkflowError(_("当前状态为“%(state)s”，不能执行“%(action)s”。", state=labels.label("state", item.state),
                              action=labels.label("transition", action)))
    values = {name: fields.get(name) for name in transition.required}
    missing = [n for n, v in values.items() if v is None or (isinstance(v, str) and not v.strip())]
    if missing:
        raise WorkflowError(_("“%(action)s”需要填写：%(fields)s。", action=labels.label("transition", action),
                              fields=labels.join([labels.label("transition_field", n) for n in missing])),
                            missing[0] if len(missing) == 1 else None)
    now = now or datetime.now(UTC)
    before = item.state
    details = _EFFECTS[action](session, item, actor, clocks, now, **values)
    if transition.target:
        item.state = transition.target
    audit.record(session, actor, f"item.{action}", "feedback_item", item.id, item_id=item.id,
                 **{"from": before, "to": item.state, **details})
    session.flush()


def _accept(session, item, actor, clocks, now):
    item.accepted_at = now
    item.handle_due = item.due_date = clocks.handle_due(now)
    return {}


def _close_decided(session, item, actor, clocks, now, **values):
    item.closed_at = now
    item.due_date = None
    if "reason" in values:
        item.decision_reason = values["reason"].strip()
    if "transferred_to" in values:
        item.transferred_to = values["transferred_to"].strip()
    return {k: v.strip() for k, v in values.items()}


def _merge(session, item, actor, clocks, now, original):
    from portal.services.feedback.lookup import find_by_case_number
    target = original if isinstance(original, FeedbackItem) else find_by_case_number(session, str(original))
    if target is None or not authz.can_view(actor, target):
        raise WorkflowError(_("找不到原件“%(case)s”。", case=str(original)[:40]), "original")
    if target.id == item.id:
        raise WorkflowError(_("不能把一件标为自身的重复件。"), "original")
    if target.state == DUPLICATE:
        original_of_target = target.duplicate_of.case_number if target.duplicate_of else ""
        raise WorkflowError(_("%(case)s 本身是重复件，请选择它的原件 %(original)s。", case=target.case_number,
                              original=original_of_target), "original")
    if target.state in NOT_AN_ORIGINAL:
        raise WorkflowError(_("%(case)s 的状态是“%(state)s”，不能作为原件；请选择受理办理中或已办结的件。",
                              case=target.case_number, state=labels.label("state", target.state)), "original")
    item.duplicate_of_id = target.id
    item.closed_at = now
    item.due_date = None
    audit.record(session, actor, "item.duplicate_received", "feedback_item", target.id, item_id=target.id,
                 duplicate=item.case_number)
    _move_duplicates(session, item, target, actor)
    return {"original": target.case_number}


def _move_duplicates(session: Session, item: FeedbackItem, target: FeedbackItem, actor: User) -> None:
    """The items merged into item follow it into target, so every duplicate names the case that is handled (their
    submitters see target's progress at the lookup) and no chain of duplicates forms."""
    for duplicate in list(session.scalars(select(FeedbackItem).where(FeedbackItem.duplicate_of_id == item.id)
                                          .order_by(FeedbackItem.id))):
        duplicate.duplicate_of = target
        audit.record(session, actor, "item.duplicate_moved", "feedback_item", duplicate.id, item_id=duplicate.id,
                     original=target.case_number, previous=item.case_number)
        audit.record(session, actor, "item.duplicate_received", "feedback_item", target.id, item_id=target.id,
                     duplicate=duplicate.case_number)


def _assign(session, item, actor, clocks, now, department):
    dept = department if isinstance(department, Department) else session.get(Department, int(department))
    if dept is None:
        raise WorkflowError(_("承办部门不存在。"), "department")
    if not dept.active:
        raise WorkflowError(_("承办部门“%(name)s”已停用。", name=dept.name), "department")
    if item.state == REVIEW:
        item.handle_due = item.due_date = clocks.handle_due(now)
    item.department = dept
    for send_back in session.scalars(select(SendBack).where(SendBack.item_id == item.id,
                                                            SendBack.resolved_at.is_(None))):
        send_back.resolved_at = now
    return {"department": dept.name}


def _extend(session, item, actor, clocks, now, days, approver, reason):
    if item.extension_days:
        raise WorkflowError(_("办理期限只能延期一次，本件已延期。"))
    if session.scalar(select(ExtensionRequest.id).where(ExtensionRequest.item_id == item.id,
                                                        ExtensionRequest.status == PENDING)) is not None:
        raise WorkflowError(_("承办部门的延期申请正在等待审批，请在“延期申请”处同意或不同意。"))
    try:
        days = int(days)
        item.handle_due = item.due_date = clocks.extended(item.handle_due, days)
    except ValueError as exc:
        raise WorkflowError(_("延期天数须为1到%(max)s之间的整数。", max=clocks.max_extension_days), "days") from exc
    item.extension_days = days
    item.extension_approver = approver.strip()
    item.extension_reason = reason.strip()
    return {"days": days, "approver": item.extension_approver, "reason": item.extension_reason}


def _send_back(session, item, actor, clocks, now, reason):
    """退回分办: a mis-assigned item goes back to 已受理 without a department, the reason kept for the triagers.

    The 办理期限 is kept: DESIGN.md §4 counts the 60 days from acceptance, and a wrong assignment gives no more time
    (the accept clock was met when the item was accepted)."""
    if session.scalar(select(Reply.id).where(Reply.item_id == item.id).limit(1)) is not None:
        raise WorkflowError(_("本件已有答复稿，不能退回分办。"))
    if session.scalar(select(ExtensionRequest.id).where(ExtensionRequest.item_id == item.id,
                                                        ExtensionRequest.status == PENDING)) is not None:
        raise WorkflowError(_("本件的延期申请正在等待审批，审批后才能退回分办。"))
    department = item.department
    session.add(SendBack(item_id=item.id, department_id=item.department_id, reason=reason.strip(),
                         sent_by_id=actor.id, sent_at=now))
    item.department = None
    return {"department": department.name if department else "", "reason": reason.strip()}


def _reply(session, item, actor, clocks, now, reply):
    """答复: the research office's approved reply goes out (email, letter, call-back or the case lookup)."""
    if not isinstance(reply, Reply) or reply.item_id != item.id or reply.status != APPROVED:
        raise WorkflowError(_("只能发出本件经政研室审核同意的答复。"))
    reply.status = SENT
    reply.sent_at = now
    item.replied_at = now
    item.due_date = None
    item.needs_attention = False
    return {"channel": reply.channel, "reply": reply.id}


def _close(session, item, actor, clocks, now):
    item.closed_at = now
    return {}


def _review(session, item, actor, clocks, now, reason):
    if clocks.today(now) > clocks.review_open_until(item.replied_at):
        raise WorkflowError(_("已超过答复后%(days)s天的复查申请期限。", days=clocks.review_window_days))
    item.due_date = clocks.accept_due(now)
    item.needs_attention = True
    return {"reason": reason.strip()}


_EFFECTS: dict[str, Callable[..., dict]] = {
    "accept": _accept, "reject": _close_decided, "transfer": _close_decided, "spam": _close_decided,
    "merge": _merge, "assign": _assign, "extend": _extend, "send_back": _send_back, "reply": _reply, "close": _close,
    "review": _review,
}


def bulk_assign(session: Session, items: list[FeedbackItem], department_id: int, actor: User,
                clocks: ClockSettings) -> tuple[list[FeedbackItem], list[tuple[FeedbackItem, str]]]:
    """Assign several items to a department, accepting those still waiting; returns (done, skipped with why)."""
    department = session.get(Department, department_id)
    if department is None:
        raise WorkflowError(_("承办部门不存在。"), "department")
    done, skipped = [], []
    for item in items:
        savepoint = session.begin_nested()
        try:
            if item.state == RECEIVED:
                apply(session, item, "accept", actor, clocks)
            apply(session, item, "assign", actor, clocks, department=department)
            savepoint.commit()
            done.append(item)
        except (WorkflowError, authz.PermissionDenied) as exc:
            savepoint.rollback()
            skipped.append((item, str(exc) if isinstance(exc, WorkflowError) else _("无权操作")))
    return done, skipped


def departments(session: Session) -> list[Department]:
    """Every department, inactive ones included (filters reach items assigned before a deactivation)."""
    return list(session.scalars(select(Department).order_by(Department.name)))
