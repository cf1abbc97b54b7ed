"""批量处理: one action (受理, 不予受理, 无效件, 关联, 交办) on many queue items, planned for a confirmation page, then
applied item by item through the workflow with each item's own authorisation and audit event.

A plan says which items will change and which will be skipped and why; running it plans again (the queue may have
moved since the confirmation page) and skips what fails. 交办 never accepts an item silently: items still 待分办 are
accepted first only when the confirmation page's box for them is ticked, and skipped otherwise.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import labels
from portal.models import Department, FeedbackItem, FeedbackLink, Measure, Problem, User
from portal.models.feedback import HANDLING, RECEIVED
from portal.services.common import authz
from portal.services.common.clocks import ClockSettings
from portal.services.common.errors import ServiceError
from portal.services.common.numbers import parse_id
from portal.services.common.text import clean_text
from portal.services.feedback import links, workflow
from portal.services.feedback.items import MAX_FIELD
from portal.services.feedback.queue import QueueFilters, matching_ids
from portal.services.ledger.campaigns import default_campaign_id

ACTIONS = ("accept", "reject", "spam", "link", "assign")
#: the buttons and headings of each action
LABELS = {"accept": _l("批量受理"), "reject": _l("批量不予受理"), "spam": _l("批量标为无效件"),
          "link": _l("批量关联措施"), "assign": _l("批量交办")}
SCOPES = ("selected", "page", "all")
#: most items one bulk action handles: past this, narrow the filter
MAX_ITEMS = 500


class BulkError(ServiceError):
    """The bulk action cannot be planned or run as asked (nothing chosen, too many, a field missing)."""


@dataclass(frozen=True)
class BulkRequest:
    """What the queue's bulk form and the confirmation page send; unknown values are dropped."""

    action: str
    scope: str = "selected"
    item_ids: tuple[int, ...] = ()
    filters: QueueFilters = QueueFilters()
    reason: str = ""
    department_id: int | None = None
    #: measure code (35-2) or problem number (35) to link to
    target: str = ""
    #: 交办: accept the items still 待分办 first
    accept_waiting: bool = False

    @classmethod
    def from_form(cls, form) -> BulkRequest:
        action = form.get("action") or ""
        scope = form.get("scope") or "selected"
        ids = form.getlist("page_ids") if scope == "page" else form.getlist("item_ids")
        return cls(
            action=action if action in ACTIONS else "", scope=scope if scope in SCOPES else "selected",
            item_ids=tuple(dict.fromkeys(i for i in map(parse_id, ids) if i is not None)),
            filters=QueueFilters.from_args(form), reason=clean_text(form.get("reason")),
            department_id=parse_id(form.get("department")),
            target=unicodedata.normalize("NFKC", form.get("target") or "").strip()[:40],
            accept_waiting=bool(form.get("accept_waiting")),
        )

    def as_fields(self) -> dict[str, object]:
        """The hidden fields that carry the selection from the confirmation page to the run."""
        chosen = {"action": self.action, "scope": self.scope, **self.filters.as_args()}
        if self.scope != "all":
            chosen["item_ids"] = list(self.item_ids)
            chosen["scope"] = "selected"
        return chosen


@dataclass
class BulkPlan:
    action: str
    #: items the action will change
    changes: list[FeedbackItem] = field(default_factory=list)
    #: 交办: items still 待分办, accepted and assigned only when accept_waiting is ticked
    waiting: list[FeedbackItem] = field(default_factory=list)
    skipped: list[tuple[FeedbackItem, str]] = field(default_factory=list)
    department: Department | None = None

    @property
    def total(self) -> int:
        return len(self.changes) + len(self.waiting) + len(self.skipped)


def allowed_actions(user: User) -> list[str]:
    """The bulk actions the user's role may take (each item is checked again)."""
    return [action for action in ACTIONS if authz.can(user, action)]


def chosen_items(session: Session, user: User, request: BulkRequest, clocks: ClockSettings) -> list[FeedbackItem]:
    """The items the request names that the user may see, oldest first: the ticked ones, or every match."""
    if request.action not in ACTIONS:
        raise BulkError(_("请选择批量操作。"), "action")
    authz.require(user, request.action)
    if request.scope == "all":
        ids = matching_ids(session, user, request.filters, clocks, MAX_ITEMS + 1)
    else:
        ids = list(request.item_ids)
    if not ids:
        raise BulkError(_("请至少选择一件。"), "item_ids")
    if len(ids) > MAX_ITEMS:
        raise BulkError(_("一次最多处理%(max)d件，请缩小筛选范围后再批量处理。", max=MAX_ITEMS), "item_ids")
    return list(session.scalars(select(FeedbackItem).where(
        FeedbackItem.id.in_(ids), authz.visible_items(user)).order_by(FeedbackItem.id)))


def plan(session: Session, user: User, request: BulkRequest, clocks: ClockSettings,
         default_slug: str | None = None) -> BulkPlan:
    """Which of the chosen items the action will change, and which it will skip and why; changes nothing."""
    items = chosen_items(session, user, request, clocks)
    result = BulkPlan(request.action)
    if request.action == "assign" and request.department_id is not None:
        result.department = session.get(Department, request.department_id)
    targets: dict[int | None, Measure | Problem | None] = {}
    for item in items:
        why = _refusal(session, user, request, item, result.department, targets, default_slug)
        if why:
            result.skipped.append((item, why))
        elif request.action == "assign" and item.state == RECEIVED:
            result.waiting.append(item)
        else:
            result.changes.append(item)
    return result


def _refusal(session: Session, user: User, request: BulkRequest, item: FeedbackItem, department: Department | None,
             targets: dict[int | None, Measure | Problem | None], default_slug: str | None) -> str:
    """Why the action would not change item ("" when it would)."""
    action = request.action
    if not authz.can(user, action, item):
        return _("无权操作")
    if action == "link":
        campaign_id = item.campaign_id or default_campaign_id(session, default_slug)
        if request.target and campaign_id not in targets:
            targets[campaign_id] = links.resolve_target(session, campaign_id, request.target) if campaign_id else None
        target = targets.get(campaign_id)
        if request.target and target is None:
            return _("本件所属的整改任务中没有“%(code)s”", code=request.target)
        if target is not None and _linked(session, item, target):
            return _("已关联“%(code)s”", code=target.code if isinstance(target, Measure) else target.number)
        return ""
    sources = workflow.TRANSITIONS[action].sources | ({RECEIVED} if action == "assign" else set())
    if item.state not in sources:
        return _("当前状态为“%(state)s”，不能%(action)s", state=labels.label("state", item.state),
                 action=labels.label("transition", action))
    if action == "assign" and department is not None and item.state == HANDLING and item.department_id == department.id:
        return _("已由%(department)s承办", department=department.name)
    return ""


def _linked(session: Session, item: FeedbackItem, target: Measure | Problem) -> bool:
    column = FeedbackLink.measure_id if isinstance(target, Measure) else FeedbackLink.problem_id
    found = session.scalar(select(FeedbackLink.id).where(FeedbackLink.item_id == item.id, column == target.id))
    return found is not None


def run(session: Session, user: User, request: BulkRequest, clocks: ClockSettings, confirmed: bool,
        default_slug: str | None = None) -> tuple[list[FeedbackItem], list[tuple[FeedbackItem, str]]]:
    """Apply the action to the planned items one by one; returns (changed, skipped with why)."""
    planned = plan(session, user, request, clocks, default_slug)  # first: nothing chosen is not a field's fault
    department = _check_fields(session, request, confirmed)
    skipped = list(planned.skipped)
    if request.action == "assign":
        if not request.accept_waiting:
            skipped += [(item, _("待分办，未勾选“先受理再交办”")) for item in planned.waiting]
        chosen = planned.changes + (planned.waiting if request.accept_waiting else [])
        assert department is not None  # _check_fields refuses 交办 without one
        done, failed = workflow.bulk_assign(session, sorted(chosen, key=lambda i: i.id), department.id, user, clocks)
        return done, skipped + failed
    done = []
    for item in planned.changes:
        savepoint = session.begin_nested()
        try:
            _apply(session, user, request, item, clocks, default_slug)
            savepoint.commit()
            done.append(item)
        except (workflow.WorkflowError, authz.PermissionDenied) as exc:
            savepoint.rollback()
            skipped.append((item, str(exc) if isinstance(exc, workflow.WorkflowError) else _("无权操作")))
    return done, skipped


def _apply(session: Session, user: User, request: BulkRequest, item: FeedbackItem, clocks: ClockSettings,
           default_slug: str | None) -> None:
    if request.action == "link":
        campaign_id = item.campaign_id or default_campaign_id(session, default_slug)
        target = links.resolve_target(session, campaign_id, request.target) if campaign_id else None
        if target is None:
            raise workflow.WorkflowError(_("本件所属的整改任务中没有“%(code)s”", code=request.target))
        links.add_link(session, item, target, user)
    elif request.action == "reject":
        workflow.apply(session, item, "reject", user, clocks, reason=request.reason)
    else:
        workflow.apply(session, item, request.action, user, clocks)


def _check_fields(session: Session, request: BulkRequest, confirmed: bool) -> Department | None:
    """The fields the action needs, then the confirmation; BulkError names the field at fault. Returns 交办's
    department."""
    department = None
    if request.action == "reject":
        if not request.reason.strip():
            raise BulkError(_("“不予受理”需要填写理由（将告知反映人）。"), "reason")
        if len(request.reason) > MAX_FIELD["reason"]:
            raise BulkError(_("“%(field)s”不能超过%(max)s个字。", field=labels.label("transition_field", "reason"),
                              max=MAX_FIELD["reason"]), "reason")
    if request.action == "assign":
        department = session.get(Department, request.department_id) if request.department_id else None
        if department is None:
            raise BulkError(_("请选择承办部门。"), "department")
        if not department.active:
            raise BulkError(_("承办部门“%(name)s”已停用。", name=department.name), "department")
    if request.action == "link" and not request.target:
        raise BulkError(_("请填写或选择要关联的措施编号（如35-2）或问题编号（如35）。"), "target")
    if not confirmed:
        raise BulkError(_("请勾选确认后再执行。"), "confirm")
    return department


def hidden_fields(request: BulkRequest) -> list[tuple[str, object]]:
    """as_fields as (name, value) pairs, one per list value, for hidden inputs."""
    pairs: list[tuple[str, object]] = []
    for name, value in request.as_fields().items():
        pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return pairs
