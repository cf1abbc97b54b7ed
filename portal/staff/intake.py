"""Staff pages: log a phone call or a letter, then show its case number and query code once; correct it while it
is 待分办.

A successful POST answers 303 to /log/done/<case>, which shows the query code the first time the clerk's browser
opens it and only the case number after that (never cached: the staff blueprint sends no-store). The code is never
in the session cookie, which Flask only signs; the form's token makes a reload or a double click log nothing twice
(portal.services.feedback.receipts). A letter's printable 回执 is part of that one showing.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db, intake_receipts, labels
from ..auth import current_staff
from ..models import FeedbackItem
from ..models.feedback import PHONE
from ..services.feedback import attachments, clerk_intake, corrections, items, paper_receipts, receipts
from ..services.feedback.intake import IntakeError, IntakeSettings
from . import bp
from .correction_forms import CorrectionForm, LetterCorrectionForm, PhoneCorrectionForm
from .intake_forms import ItemForm, LetterForm, PhoneForm


@bp.route("/log/phone", methods=["GET", "POST"])
def log_phone():
    """登记来电."""
    session, slug = db.session(), current_app.config["DEFAULT_CAMPAIGN"]
    form = PhoneForm(clerk_intake.link_picker(session, current_staff(), "log_phone", slug))
    if form.validate_on_submit():
        done = _save(form, lambda: clerk_intake.log_phone(session, form.to_call(), _settings(), current_staff(), slug))
        if done:
            return done
    elif form.is_submitted():
        form.add_service_errors(clerk_intake.phone_problems(session, form.to_call(), _settings(), current_staff(),
                                                            slug))
    return _render("staff/log_phone.html", form)


@bp.route("/log/letter", methods=["GET", "POST"])
def log_letter():
    """登记来信."""
    session, slug = db.session(), current_app.config["DEFAULT_CAMPAIGN"]
    form = LetterForm(clerk_intake.link_picker(session, current_staff(), "log_letter", slug))
    if form.validate_on_submit():
        done = _save(form, lambda: clerk_intake.log_letter(session, form.to_letter(), _settings(), current_staff(),
                                                            slug))
        if done:
            return done
    elif form.is_submitted():
        form.add_service_errors(clerk_intake.letter_problems(session, form.to_letter(), _settings(), current_staff(),
                                                             slug))
    return _render("staff/log_letter.html", form)


@bp.route("/log/done/<case_number>")
def logged(case_number: str) -> str:
    """登记成功: the case number, and the query code the first time after logging (to read out or write down)."""
    session = db.session()
    item = items.find_visible(session, current_staff(), case_number)
    if item is None:
        abort(404)
    result = receipts.take(session, intake_receipts.remembered(), item.case_number)
    session.commit()
    code = result.code if result else None
    receipt = paper_receipts.for_letter(session, item, code, _settings().clocks, current_app.config["PUBLIC_BASE_URL"],
                                        current_app.config["DEFAULT_CAMPAIGN"])
    return render_template("staff/logged.html", item=item, code=code, receipt=receipt)


@bp.route("/items/<case_number>/correct", methods=["GET", "POST"])
def correct_item(case_number: str) -> Response | tuple[str, int]:
    """更正登记信息: the form while the item is 待分办; a POST with reveal shows the contact in clear (audited)."""
    session, user = db.session(), current_staff()
    item = items.find_visible(session, user, case_number)
    if item is None:
        abort(404)
    try:
        corrections.check(user, item)
    except corrections.CorrectionRefused as exc:
        return render_template("staff/correct.html", item=item, form=None, refused=exc.message, contact=None), 409
    settings = _settings()
    form_class = PhoneCorrectionForm if item.channel == PHONE else LetterCorrectionForm
    form = form_class(obj=None if request.method == "POST" else corrections.current(item, settings))
    if request.method == "POST" and request.form.get("reveal"):
        contact = items.reveal_contact(session, user, item)
        session.commit()
        form.show_contact({name: getattr(contact, name) for name in items.CONTACT_FIELDS} if contact else {})
        return _render_correction(item, form)
    if form.validate_on_submit():
        try:
            changes = corrections.correct(session, user, item, form.to_correction(), settings)
        except IntakeError as exc:
            session.rollback()
            form.add_service_errors(exc.errors)
            return _render_correction(item, form)
        session.commit()
        if changes:
            flash(_("已更正：%(fields)s。", fields=labels.join(labels.label("corrected", f) for f in changes)),
                  "success")
        else:
            flash(_("没有改动，未作更正。"), "info")
        return redirect(url_for("staff.item", case_number=item.case_number) + "#history", 303)
    if form.is_submitted():
        form.add_service_errors(corrections.problems(session, user, item, form.to_correction(), settings))
    return _render_correction(item, form)


def _settings() -> IntakeSettings:
    return IntakeSettings.from_config(current_app.config)


def _save(form: ItemForm, create: Callable[[], tuple[FeedbackItem, str]]) -> Response | None:
    """Create the item (once per form token) and answer 303 to its result page; None with the refusals put next to
    the fields."""
    session, token = db.session(), form.submission.data
    try:
        item, _created = receipts.submit_once(session, token, create)
    except IntakeError as exc:
        session.rollback()
        form.add_service_errors(exc.errors)
        return None
    receipts.purge(session)
    session.commit()
    intake_receipts.remember(token)
    return redirect(url_for("staff.logged", case_number=item.case_number), 303)


def _render_correction(item: FeedbackItem, form: CorrectionForm) -> tuple[str, int]:
    contact = None if form.contact_in_form else items.contact_view(item.contact)
    return (render_template("staff/correct.html", item=item, form=form, refused=None, contact=contact),
            422 if form.error_list() else 200)


def _render(template: str, form: ItemForm) -> tuple[str, int]:
    """The form, with status 422 when it carries refusals."""
    return render_template(template, form=form, max_files=attachments.MAX_FILES), 422 if form.error_list() else 200
