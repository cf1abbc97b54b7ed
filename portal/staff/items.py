"""件详情: the item page and its actions (reveal contact, notes, links, transitions), attachment downloads."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..downloads import stored_file
from ..labels import TRANSITIONS
from ..models import FeedbackItem
from ..services.accounts.departments import choices as department_choices
from ..services.common import authz
from ..services.common.clocks import ClockSettings
from ..services.feedback import corrections, handoffs, items, workflow
from ..services.feedback.attachments import path_of
from ..services.feedback.intake import IntakeSettings
from ..services.replies import drafting, review_edits
from ..services.satisfaction import callbacks
from . import bp

#: transitions that end an item's handling: the form asks for an explicit confirmation
CONFIRM_ACTIONS = frozenset({"reject", "transfer", "merge", "spam"})
#: transitions without a form of their own: 答复 happens when the research office approves a reply (staff.replies)
NO_FORM_ACTIONS = frozenset({"reply"})


def _clocks() -> ClockSettings:
    return ClockSettings.from_config(current_app.config)


def _item_or_404(case_number: str) -> FeedbackItem:
    item = items.find_visible(db.session(), current_staff(), case_number)
    if item is None:
        abort(404)
    return item


def _back(item: FeedbackItem, anchor: str = "") -> Response:
    return redirect(url_for("staff.item", case_number=item.case_number) + (f"#{anchor}" if anchor else ""))


def _render(item: FeedbackItem, status: int = 200, *, contact: items.ContactView | None = None,
            errors: dict[str, str] | None = None, values: dict | None = None) -> tuple[str, int]:
    """The item page, with a just revealed contact, or with the input kept and errors next to their fields."""
    session, user = db.session(), current_staff()
    link_query = request.args.get("link_q", "").strip()[:100]
    candidates = []
    if link_query and authz.can(user, "link", item):
        campaign_id = items.link_campaign_id(session, item, current_app.config["DEFAULT_CAMPAIGN"])
        candidates = items.link_candidates(session, user, item, link_query, campaign_id)
    clocks = _clocks()
    detail = items.detail(session, user, item, clocks, contact=contact)
    return render_template(
        "staff/item.html", detail=detail, clocks=clocks,
        departments=department_choices(session), link_query=link_query, candidates=candidates,
        confirm_actions=CONFIRM_ACTIONS, no_form_actions=NO_FORM_ACTIONS, max_field=items.MAX_FIELD,
        may_draft_reply=drafting.may_draft(user, item, detail.replies),
        may_correct=corrections.may_correct(user, item), errors=errors or {},
        satisfaction=callbacks.for_item(session, user, item, clocks),
        values=values or {}, handoffs=handoffs.for_item(session, user, item),
        reply_edits=review_edits.of_replies(session, detail.replies)), status


@bp.get("/items/<case_number>")
def item(case_number: str) -> tuple[str, int]:
    return _render(_item_or_404(case_number))


@bp.post("/items/<case_number>/reveal")
def reveal_contact(case_number: str) -> tuple[str, int]:
    item = _item_or_404(case_number)
    contact = items.reveal_contact(db.session(), current_staff(), item)
    db.session().commit()
    return _render(item, contact=contact)


@bp.post("/items/<case_number>/notes")
def add_note(case_number: str) -> Response | tuple[str, int]:
    item = _item_or_404(case_number)
    text = request.form.get("text", "")
    try:
        items.add_note(db.session(), current_staff(), item, text)
    except items.ItemError as exc:
        db.session().rollback()
        return _render(item, 422, errors={"note": str(exc)}, values={"note": text})
    db.session().commit()
    flash(_("备注已添加。"), "success")
    return _back(item, "notes")


@bp.post("/items/<case_number>/links")
def add_link(case_number: str) -> Response | tuple[str, int]:
    item = _item_or_404(case_number)
    session = db.session()
    code = request.form.get("target", "")
    try:
        link = items.add_link(session, current_staff(), item, code,
                              items.link_campaign_id(session, item, current_app.config["DEFAULT_CAMPAIGN"]))
    except items.ItemError as exc:
        session.rollback()
        return _render(item, 422, errors={"link": str(exc)}, values={"link": code})
    session.commit()
    flash(_("已关联。") if link else _("此前已关联，未重复添加。"), "success")
    return _back(item, "links")


@bp.post("/items/<case_number>/links/<int:link_id>/delete")
def remove_link(case_number: str, link_id: int) -> Response:
    item = _item_or_404(case_number)
    session = db.session()
    try:
        items.remove_link(session, current_staff(), item, link_id, confirmed=bool(request.form.get("confirm")))
    except items.ItemError as exc:
        flash(str(exc), "error")
        return _back(item, "links")
    session.commit()
    flash(_("已取消关联。"), "success")
    return _back(item, "links")


@bp.post("/items/<case_number>/transitions/<action>")
def transition(case_number: str, action: str) -> Response | tuple[str, int]:
    if action in NO_FORM_ACTIONS:
        abort(404)
    item = _item_or_404(case_number)
    session = db.session()
    confirmed = action not in CONFIRM_ACTIONS or bool(request.form.get("confirm"))
    try:
        items.transition(session, current_staff(), item, action, request.form, _clocks(), confirmed=confirmed)
    except workflow.WorkflowError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _render(item, 422, values={action: request.form.to_dict()})
    session.commit()
    flash(_("已执行“%(action)s”。", action=TRANSITIONS[action]), "success")
    if action == "send_back":
        return redirect(url_for("staff.index"))
    return _back(item)


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int) -> Response:
    session = db.session()
    found = items.attachment_for_download(session, current_staff(), attachment_id)
    if found is None:
        abort(404)
    session.commit()
    return stored_file(path_of(found, IntakeSettings.from_config(current_app.config).upload_dir), found)
