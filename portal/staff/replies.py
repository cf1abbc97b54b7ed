"""答复: draft (from a template or free text), review, approve, send, letters, call-backs, publication; 答复模板."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..models import FeedbackItem, Reply
from ..models.feedback import EMAIL, LETTER, PHONE
from ..services.common import authz
from ..services.common.clocks import local_to_utc
from ..services.common.numbers import parse_id
from ..services.feedback import items
from ..services.replies import drafting, publication, reply_files, review_edits
from ..services.replies import templates as reply_templates
from . import bp

#: what the browser's datetime-local field sends, and the same typed by hand
TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


def _settings() -> drafting.ReplySettings:
    return drafting.ReplySettings.from_config(current_app.config)


def _item_or_404(case_number: str) -> FeedbackItem:
    item = items.find_visible(db.session(), current_staff(), case_number)
    if item is None:
        abort(404)
    return item


def _reply_or_404(case_number: str, reply_id: int) -> tuple[FeedbackItem, Reply]:
    item = _item_or_404(case_number)
    reply = drafting.find_reply(db.session(), item, reply_id)
    if reply is None:
        abort(404)
    return item, reply


def _url(endpoint: str, item: FeedbackItem, reply: Reply) -> str:
    return url_for(endpoint, case_number=item.case_number, reply_id=reply.id)


def _local_now() -> str:
    """Now, as a datetime-local value where the office is."""
    return datetime.now(ZoneInfo(_settings().clocks.timezone)).strftime(TIME_FORMATS[0])


def _parse_time(value: str) -> datetime | None:
    for fmt in TIME_FORMATS:
        try:
            moment = datetime.strptime((value or "").strip(), fmt)
        except ValueError:
            continue
        return local_to_utc(moment, _settings().clocks.timezone)
    return None


def _reply_page(item: FeedbackItem, reply: Reply, status: int = 200, errors: dict | None = None,
                values: dict | None = None) -> tuple[str, int]:
    session, user = db.session(), current_staff()
    view = drafting.view(session, user, item, reply)
    return render_template("staff/reply.html", view=view, errors=errors or {}, values=values or {},
                           max_text=drafting.MAX_TEXT, max_comment=drafting.MAX_COMMENT, now_local=_local_now(),
                           edits=review_edits.of_replies(session, [reply]).get(reply.id, []),
                           files=reply_files.of_reply(session, reply), max_files=reply_files.MAX_FILES,
                           may_ack=reply.author_id == user.id), status


def _publication_page(item: FeedbackItem, reply: Reply, status: int = 200, errors: dict | None = None,
                      values: dict | None = None) -> tuple[str, int]:
    """The publication page; the reply page with the refusal (409) when the reply cannot be published at all."""
    try:
        view = publication.view(db.session(), current_staff(), reply)
    except publication.PublicationError as exc:
        flash(str(exc), "error")
        return _reply_page(item, reply, 409)
    return render_template("staff/reply_publication.html", view=view, errors=errors or {}, values=values or {},
                           max_text=publication.MAX_TEXT), status


def _act(step: Callable[[], object], done: str, message: str,
         on_error: Callable[[dict], tuple[str, int]]) -> Response | tuple[str, int]:
    """Run one service step and commit, then go to done; on a refusal roll back and show it next to its field."""
    session = db.session()
    try:
        step()
    except (drafting.ReplyError, publication.PublicationError) as exc:
        session.rollback()
        return on_error({exc.field: str(exc)})
    session.commit()
    flash(message, "success")
    return redirect(done)


@bp.get("/items/<case_number>/replies/new")
def reply_new(case_number: str) -> tuple[str, int]:
    item = _item_or_404(case_number)
    chosen = parse_id(request.args.get("template"))
    template = reply_templates.find_template(db.session(), chosen) if chosen else None
    text = reply_templates.fill(template.text, item, _settings().clocks) if template and template.active else ""
    return _draft_page(item, text, chosen)


@bp.post("/items/<case_number>/replies/new")
def reply_create(case_number: str) -> Response | tuple[str, int]:
    item = _item_or_404(case_number)
    session, user, text = db.session(), current_staff(), request.form.get("text", "")
    submit = request.form.get("then") == "submit"
    try:
        reply = drafting.start_draft(session, user, item, text, _settings().clocks)
        if submit:
            drafting.submit(session, user, reply)
    except drafting.ReplyError as exc:
        session.rollback()
        return _draft_page(item, text, None, {exc.field: str(exc)}, 422)
    session.commit()
    flash(_("答复稿已保存并提交政研室审核。") if submit else _("答复稿已保存。"), "success")
    return redirect(_url("staff.reply", item, reply))


def _draft_page(item: FeedbackItem, text: str, chosen: int | None, errors: dict | None = None,
                status: int = 200) -> tuple[str, int]:
    """The drafting form with the templates this user may pick from (403 for roles that may not draft)."""
    templates = reply_templates.active_templates(db.session(), current_staff())
    channel = drafting.channel_for(item)
    return render_template("staff/reply_new.html", item=item, templates=templates, chosen=chosen, text=text,
                           channel=channel, recipient=drafting.masked_recipient(item, channel),
                           errors=errors or {}, placeholders=reply_templates.PLACEHOLDERS,
                           max_text=drafting.MAX_TEXT), status


@bp.get("/items/<case_number>/replies/<int:reply_id>")
def reply(case_number: str, reply_id: int) -> tuple[str, int]:
    return _reply_page(*_reply_or_404(case_number, reply_id))


@bp.post("/items/<case_number>/replies/<int:reply_id>/edit")
def reply_edit(case_number: str, reply_id: int) -> Response | tuple[str, int]:
    item, reply = _reply_or_404(case_number, reply_id)
    session, user, text = db.session(), current_staff(), request.form.get("text", "")
    submit = request.form.get("then") == "submit"

    def step() -> None:
        drafting.edit(session, user, reply, text, _settings().clocks)
        if submit:
            drafting.submit(session, user, reply)
    return _act(step, _url("staff.reply", item, reply), _("已修改并提交审核。") if submit else _("修改已保存。"),
                lambda errors: _reply_page(item, reply, 422, errors, {"text": text} if text is not None else None))


@bp.post("/items/<case_number>/replies/<int:reply_id>/return")
def reply_return(case_number: str, reply_id: int) -> Response | tuple[str, int]:
    item, reply = _reply_or_404(case_number, reply_id)
    comment = request.form.get("comment", "")
    return _act(lambda: drafting.send_back(db.session(), current_staff(), reply, comment),
                _url("staff.reply", item, reply), _("已退回修改。"),
                lambda errors: _reply_page(item, reply, 422, errors, {"comment": comment}))


@bp.post("/items/<case_number>/replies/<int:reply_id>/approve")
def reply_approve(case_number: str, reply_id: int) -> Response | tuple[str, int]:
    item, reply = _reply_or_404(case_number, reply_id)
    confirmed, text = bool(request.form.get("confirm")), request.form.get("text")
    channel = drafting.channel_for(item)
    done = _url("staff.reply_letter", item, reply) if channel == LETTER else _url("staff.reply", item, reply)
    message = {EMAIL: _("已审核同意，答复邮件已进入发送队列，本件已答复。"),
               LETTER: _("已审核同意。请打印答复函寄出，寄出后登记寄出时间。"),
               PHONE: _("已审核同意。请电话答复提交人，通话后登记通话时间。")}.get(
        channel, _("已审核同意，本件已答复；提交人可在办理查询中看到答复。"))
    return _act(lambda: drafting.approve(db.session(), current_staff(), reply, _settings(), confirmed, text=text),
                done, message,
                lambda errors: _reply_page(item, reply, 422, errors, {"text": text} if text is not None else None))


@bp.post("/items/<case_number>/replies/<int:reply_id>/delivered")
def reply_delivered(case_number: str, reply_id: int) -> Response | tuple[str, int]:
    item, reply = _reply_or_404(case_number, reply_id)
    typed, confirmed = request.form.get("delivered_at", ""), bool(request.form.get("confirm"))
    return _act(lambda: drafting.record_delivery(db.session(), current_staff(), reply, _settings().clocks,
                                                _parse_time(typed), confirmed),
                _url("staff.reply", item, reply), _("已登记，本件已答复。"),
                lambda errors: _reply_page(item, reply, 422, errors, {"delivered_at": typed}))


@bp.get("/items/<case_number>/replies/<int:reply_id>/letter")
def reply_letter(case_number: str, reply_id: int) -> str:
    item, reply = _reply_or_404(case_number, reply_id)
    session = db.session()
    try:
        letter = drafting.letter(session, current_staff(), reply, _settings())
    except drafting.ReplyError:
        abort(404)
    session.commit()
    view = drafting.view(session, current_staff(), item, reply)
    return render_template("staff/letter.html", letter=letter, view=view, now_local=_local_now(), errors={},
                           values={})


@bp.get("/items/<case_number>/replies/<int:reply_id>/publication")
def reply_publication(case_number: str, reply_id: int) -> tuple[str, int]:
    return _publication_page(*_reply_or_404(case_number, reply_id))


@bp.post("/items/<case_number>/replies/<int:reply_id>/publication/propose")
def reply_propose(case_number: str, reply_id: int) -> Response | tuple[str, int]:
    item, reply = _reply_or_404(case_number, reply_id)
    return _act(lambda: publication.propose(db.session(), current_staff(), reply),
                _url("staff.reply_publication", item, reply), _("已生成公开文本，请核对后公开。"),
                lambda errors: _reply_page(item, reply, 422, errors))


@bp.post("/items/<case_number>/replies/<int:reply_id>/publication/text")
def reply_public_text(case_number: str, reply_id: int) -> Response | tuple[str, int]:
    item, reply = _reply_or_404(case_number, reply_id)
    text, question = request.form.get("public_text", ""), request.form.get("public_question")
    return _act(lambda: publication.save_text(db.session(), current_staff(), reply, text, question),
                _url("staff.reply_publication", item, reply), _("公开文本已保存。"),
                lambda errors: _publication_page(item, reply, 422, errors,
                                                 {"public_text": text, "public_question": question}))


@bp.post("/items/<case_number>/replies/<int:reply_id>/publication/publish")
def reply_publish(case_number: str, reply_id: int) -> Response | tuple[str, int]:
    item, reply = _reply_or_404(case_number, reply_id)
    form = request.form
    return _act(lambda: publication.publish(db.session(), current_staff(), reply, bool(form.get("confirm")),
                                            bool(form.get("spans_checked"))),
                _url("staff.reply_publication", item, reply), _("答复已公开。"),
                lambda errors: _publication_page(item, reply, 422, errors))


@bp.post("/items/<case_number>/replies/<int:reply_id>/publication/unpublish")
def reply_unpublish(case_number: str, reply_id: int) -> Response | tuple[str, int]:
    item, reply = _reply_or_404(case_number, reply_id)
    confirmed = bool(request.form.get("confirm"))
    return _act(lambda: publication.unpublish(db.session(), current_staff(), reply, confirmed),
                _url("staff.reply_publication", item, reply), _("答复已撤下。"),
                lambda errors: _publication_page(item, reply, 422, errors))


@bp.get("/reply-templates")
def reply_templates_list() -> str:
    templates = reply_templates.all_templates(db.session(), current_staff())
    return render_template("staff/templates.html", templates=templates)


@bp.route("/reply-templates/new", methods=["GET", "POST"])
def reply_template_new() -> Response | tuple[str, int]:
    authz.require(current_staff(), "manage_templates")
    return _template_form(None)


@bp.route("/reply-templates/<int:template_id>", methods=["GET", "POST"])
def reply_template_edit(template_id: int) -> Response | tuple[str, int]:
    authz.require(current_staff(), "manage_templates")
    return _template_form(reply_templates.find_template(db.session(), template_id) or abort(404))


@bp.post("/reply-templates/<int:template_id>/delete")
def reply_template_delete(template_id: int) -> Response | tuple[str, int]:
    authz.require(current_staff(), "manage_templates")
    session = db.session()
    template = reply_templates.find_template(session, template_id) or abort(404)
    try:
        reply_templates.delete_template(session, current_staff(), template, bool(request.form.get("confirm")))
    except reply_templates.TemplateError as exc:
        return _template_page(template, {exc.field: str(exc)}, {}, 422)
    session.commit()
    flash(_("模板已删除。"), "success")
    return redirect(url_for("staff.reply_templates_list"))


def _template_form(template) -> Response | tuple[str, int]:
    """Show, or save, the form of a new (None) or existing template."""
    if request.method == "GET":
        return _template_page(template, {}, {}, 200)
    session, user, form = db.session(), current_staff(), request.form
    title, text, active = form.get("title", ""), form.get("text", ""), bool(form.get("active"))
    values = {"title": title, "text": text, "active": active}
    try:
        if template is None:
            reply_templates.create_template(session, user, title, text, active)
        else:
            reply_templates.update_template(session, user, template, title, text, active)
    except reply_templates.TemplateError as exc:
        session.rollback()
        return _template_page(template, {exc.field: str(exc)}, values, 422)
    session.commit()
    flash(_("模板已保存。"), "success")
    return redirect(url_for("staff.reply_templates_list"))


def _template_page(template, errors: dict, values: dict, status: int) -> tuple[str, int]:
    return render_template("staff/templates_form.html", template=template, errors=errors, values=values,
                           placeholders=reply_templates.PLACEHOLDERS, max_title=reply_templates.MAX_TITLE,
                           max_text=reply_templates.MAX_TEXT), status
