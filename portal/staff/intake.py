"""Staff pages: log a phone call or a letter, then show its case number and query code once.

The query code is shown in the response to the POST that created the item (never cached: the staff blueprint sends
no-store) and kept nowhere else: not in the session cookie, which Flask only signs, so anyone holding the cookie
could read it. The confirmation page at /log/done/<case> shows the case without the code.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, render_template

from .. import db
from ..auth import current_staff
from ..models import FeedbackItem
from ..services.feedback import attachments, clerk_intake, items
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
    """登记成功: the case number, without the query code (shown once, right after logging)."""
    item = items.find_visible(db.session(), current_staff(), case_number)
    if item is None:
        abort(404)
    return render_template("staff/logged.html", item=item, code=None)


def _settings() -> IntakeSettings:
    return IntakeSettings.from_config(current_app.config)


def _save(form: ItemForm, create: Callable[[], tuple[FeedbackItem, str]]) -> str | None:
    """Create the item and show its case number and query code; None with the refusals put next to the fields."""
    session = db.session()
    try:
        item, code = create()
    except IntakeError as exc:
        session.rollback()
        form.add_service_errors(exc.errors)
        return None
    session.commit()
    return render_template("staff/logged.html", item=item, code=code)


def _render(template: str, form: ItemForm) -> tuple[str, int]:
    """The form, with status 422 when it carries refusals."""
    return render_template(template, form=form, max_files=attachments.MAX_FILES), 422 if form.error_list() else 200
