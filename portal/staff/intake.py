"""Staff pages: log a phone call or a letter, then show its case number and query code once.

A successful POST answers 303 to /log/done/<case>, which shows the query code the first time the clerk's browser
opens it and only the case number after that (never cached: the staff blueprint sends no-store). The code is never
in the session cookie, which Flask only signs; the form's token makes a reload or a double click log nothing twice
(portal.services.feedback.receipts).
"""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, redirect, render_template, url_for
from werkzeug.wrappers import Response

from .. import db, intake_receipts
from ..auth import current_staff
from ..models import FeedbackItem
from ..services.feedback import attachments, clerk_intake, items, receipts
from ..services.feedback.intake import IntakeError, IntakeSettings
from . import bp
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
    return render_template("staff/logged.html", item=item, code=result.code if result else None)


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


def _render(template: str, form: ItemForm) -> tuple[str, int]:
    """The form, with status 422 when it carries refusals."""
    return render_template(template, form=form, max_files=attachments.MAX_FILES), 422 if form.error_list() else 200
