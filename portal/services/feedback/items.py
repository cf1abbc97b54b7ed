"""件详情: one item as staff see it — history, notes, links, contact reveal, downloads and transitions."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal import labels
from portal.models import (
    Attachment,
    AuditEvent,
    FeedbackContact,
    FeedbackItem,
    FeedbackLink,
    FollowUp,
    InboundMessage,
    Note,
    Reply,
    User,
)
from portal.models.mail import REFUSED_PREFIX
from portal.services.common import audit, authz, privacy
from portal.services.common.clocks import ClockSettings
from portal.services.common.errors import ServiceError
from portal.services.common.numbers import parse_id
from portal.services.common.text import clean_text
from portal.services.feedback import assignment, case_codes, links, similar, suggest, workflow
from portal.services.ledger.campaigns import default_campaign

MAX_NOTE = 5000
#: longest value each transition field may hold (columns and readable limits)
MAX_FIELD = {"reason": 2000, "transferred_to": 200, "original": 32, "approver": 100, "days": 3, "department": 9}
CONTACT_FIELDS = ("name", "phone", "email", "address")


class ItemError(ServiceError):
    """A note, link or download refused."""


@dataclass(frozen=True)
class ContactView:
    """A submitter's contact as shown: masked, or in clear once after an audited reveal."""

    name: str
    phone: str
    email: str
    address: str
    anonymised: bool
    revealed: bool

    @property
    def empty(self) -> bool:
        return not any((self.name, self.phone, self.email, self.address))


@dataclass(frozen=True)
class ItemDetail:
    item: FeedbackItem
    contact: ContactView | None
    #: audit events of the item, oldest first
    history: list[AuditEvent]
    notes: list[Note]
    links: list[FeedbackLink]
    attachments: list[Attachment]
    #: why attachments of the item's e-mails were refused, one text per e-mail, oldest first
    refused_attachments: list[str]
    #: the citizen's later e-mails on the item, oldest first
    follow_ups: list[FollowUp]
    replies: list[Reply]
    #: the duplicates of this item the user may see
    duplicates: list[FeedbackItem]
    original_visible: bool
    transitions: list[workflow.Transition]
    logged_by: User | None
    overdue: bool
    due_soon: bool
    #: measures the item is likely about, and whether none fitted with confidence
    suggestions: list[suggest.ShownSuggestion]
    no_confident_match: bool
    #: the department the linked measures name as responsible (with a handler), for the 交办 form
    suggested_department: assignment.SuggestedDepartment | None
    #: items from the same person, near-identical, or about the same measure within 30 days
    similar: list[similar.SimilarItem]


def find_visible(session: Session, user: User, case_number: str) -> FeedbackItem | None:
    """The item with this case number when the user may see it; None otherwise, so existence is not revealed."""
    authz.require(user, "view_queue")
    return session.scalar(select(FeedbackItem).where(
        FeedbackItem.case_number == case_codes.normalise_case_number(case_number), authz.visible_items(user)))


def contact_view(contact: FeedbackContact | None, revealed: bool = False) -> ContactView | None:
    """The contact masked through portal.services.common.privacy, or in clear when revealed."""
    if contact is None:
        return None
    if revealed:
        values = {f: getattr(contact, f) or "" for f in CONTACT_FIELDS}
    else:
        values = {"name": privacy.mask_name(contact.name), "phone": privacy.mask_phone(contact.phone),
                  "email": privacy.mask_email(contact.email), "address": privacy.mask_address(contact.address)}
    return ContactView(**values, anonymised=contact.anonymised_at is not None, revealed=revealed)


def detail(session: Session, user: User, item: FeedbackItem, clocks: ClockSettings,
           contact: ContactView | None = None) -> ItemDetail:
    """Everything the item page shows; the contact stays masked unless an already revealed one is given."""
    authz.require(user, "view_queue", item)
    today = clocks.today()
    by_item = {"item_id": item.id}
    suggested, abstained = suggest.for_item(session, item)
    return ItemDetail(
        item=item,
        contact=contact or contact_view(item.contact),
        history=list(session.scalars(select(AuditEvent).filter_by(**by_item).order_by(AuditEvent.at, AuditEvent.id))),
        notes=list(session.scalars(select(Note).options(selectinload(Note.author)).filter_by(**by_item)
                                   .order_by(Note.created_at, Note.id))),
        links=list(session.scalars(select(FeedbackLink).options(
            selectinload(FeedbackLink.measure), selectinload(FeedbackLink.problem)).filter_by(**by_item)
            .order_by(FeedbackLink.id))),
        attachments=list(session.scalars(select(Attachment).filter_by(**by_item).order_by(Attachment.id))),
        refused_attachments=[(reason or "").removeprefix(REFUSED_PREFIX) for reason in session.scalars(
            select(InboundMessage.reason).where(InboundMessage.item_id == item.id,
                                                InboundMessage.reason.startswith(REFUSED_PREFIX, autoescape=True))
            .order_by(InboundMessage.received_at, InboundMessage.id))],
        follow_ups=list(session.scalars(select(FollowUp).filter_by(**by_item)
                                        .order_by(FollowUp.received_at, FollowUp.id))),
        replies=list(session.scalars(select(Reply).options(selectinload(Reply.department)).filter_by(**by_item)
                                     .order_by(Reply.id))),
        duplicates=list(session.scalars(select(FeedbackItem).where(
            FeedbackItem.duplicate_of_id == item.id, authz.visible_items(user)).order_by(FeedbackItem.id))),
        original_visible=item.duplicate_of is not None and authz.can_view(user, item.duplicate_of),
        transitions=workflow.allowed_transitions(user, item),
        logged_by=session.get(User, item.logged_by_id) if item.logged_by_id else None,
        overdue=clocks.is_overdue(item.due_date, today),
        due_soon=clocks.is_due_soon(item.due_date, today),
        suggestions=suggested, no_confident_match=abstained,
        suggested_department=assignment.suggested_department(session, item) if item.department_id is None else None,
        similar=similar.similar_items(session, item, user),
    )


def reveal_contact(session: Session, user: User, item: FeedbackItem) -> ContactView | None:
    """The contact in clear, for this one page; audited as item.reveal_contact without the data itself."""
    authz.require(user, "reveal_contact", item)
    contact = item.contact
    present = [f for f in CONTACT_FIELDS if contact is not None and getattr(contact, f)]
    audit.record(session, user, "item.reveal_contact", "feedback_item", item.id, item_id=item.id, fields=present)
    session.flush()
    return contact_view(contact, revealed=True)


def add_note(session: Session, user: User, item: FeedbackItem, text: str) -> Note:
    """Add an internal note (staff only, never public); audited as item.note without its text."""
    authz.require(user, "note", item)
    text = clean_text(text)
    if not text:
        raise ItemError(_("请填写备注内容。"), "text")
    if len(text) > MAX_NOTE:
        raise ItemError(_("备注不能超过%(max)s个字（现为%(count)s个字）。", max=MAX_NOTE, count=len(text)), "text")
    note = Note(item_id=item.id, author_id=user.id, text=text)
    session.add(note)
    session.flush()
    audit.record(session, user, "item.note", "feedback_note", note.id, item_id=item.id, length=len(text))
    session.flush()
    return note


def link_campaign_id(session: Session, item: FeedbackItem, default_slug: str | None) -> int | None:
    """The campaign whose measures the item may be linked to: its own, else the default one."""
    if item.campaign_id is not None:
        return item.campaign_id
    campaign = default_campaign(session, default_slug)
    return campaign.id if campaign else None


def add_link(session: Session, user: User, item: FeedbackItem, code: str,
             campaign_id: int | None) -> FeedbackLink | None:
    """Link the item to measure 35-2 or problem 35; None when it was linked already."""
    authz.require(user, "link", item)
    code = (code or "").strip()
    if not code:
        raise ItemError(_("请填写措施编号（如35-2）或问题编号（如35）。"), "target")
    target = links.resolve_target(session, campaign_id, code) if campaign_id else None
    if target is None:
        raise ItemError(_("找不到问题或措施“%(code)s”。", code=code[:40]), "target")
    return links.add_link(session, item, target, user)


def remove_link(session: Session, user: User, item: FeedbackItem, link_id: int, confirmed: bool = True) -> None:
    """Remove one of the item's links once the user confirmed it; audited as item.unlink."""
    authz.require(user, "link", item)
    if not confirmed:
        raise ItemError(_("请勾选“确认取消关联”后再提交。"), "confirm")
    links.remove_link(session, item, link_id, user)


def link_candidates(session: Session, user: User, item: FeedbackItem, query: str, campaign_id: int | None) -> list:
    """Measures and problems matching words or a code, offered for linking."""
    authz.require(user, "link", item)
    return links.search_targets(session, campaign_id, query) if campaign_id else []


def transition(session: Session, user: User, item: FeedbackItem, action: str, form: Mapping[str, str],
               clocks: ClockSettings, confirmed: bool = True) -> None:
    """Apply a transition with the fields a staff form sent; WorkflowError when it is refused."""
    chosen = workflow.TRANSITIONS.get(action)
    if chosen is None:
        raise workflow.WorkflowError(_("未知的操作。"))
    authz.require(user, action, item)
    if not confirmed:
        raise workflow.WorkflowError(_("请勾选确认后再执行“%(action)s”。", action=labels.label("transition", action)),
                                     "confirm")
    fields: dict[str, Any] = {name: clean_text(form.get(name)) for name in chosen.required}
    for name, value in fields.items():
        if len(value) > MAX_FIELD[name]:
            field = labels.label("transition_field", name)
            raise workflow.WorkflowError(_("“%(field)s”不能超过%(max)s个字。", field=field, max=MAX_FIELD[name]), name)
    if fields.get("department") and parse_id(fields["department"]) is None:
        raise workflow.WorkflowError(_("承办部门不存在。"), "department")
    workflow.apply(session, item, action, user, clocks, **fields)


def attachment_for_download(session: Session, user: User, attachment_id: int) -> Attachment | None:
    """The attachment when its item is visible (None otherwise); PermissionDenied when the role may not download."""
    attachment = session.scalar(select(Attachment).join(FeedbackItem, FeedbackItem.id == Attachment.item_id)
                                .where(Attachment.id == attachment_id, authz.visible_items(user)))
    if attachment is None:
        return None
    authz.require(user, "download_attachment", attachment.item)
    audit.record(session, user, "item.download_attachment", "attachment", attachment.id, item_id=attachment.item_id)
    session.flush()
    return attachment
