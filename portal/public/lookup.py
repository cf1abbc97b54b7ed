"""办理查询: a citizen opens a case with its number and query code; a miss never says which was wrong.

A match keeps the case (its id, never the code) in the session and goes to the case page (portal.public.case).
Wrong codes are limited per address (the route's limit) and per case number, so that many addresses together
cannot guess one case's code either.
"""
from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, session, url_for
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import db
from ..limits import case_guesses_left, count_wrong_code, lookup_limit, post_limit
from ..services.common.public_version import LEDGER
from ..services.feedback.case_codes import normalise_case_number
from ..services.feedback.intake import IntakeSettings
from ..services.feedback.lookup import find_case
from . import bp
from .common import default_campaign
from .feedback import no_store, too_many_requests
from .feedback_forms import LookupForm
from .response_cache import page_with_fills

#: the session key of the case the citizen opened
CASE_KEY = "case"


@bp.route("/lookup", methods=["GET", "POST"])
@post_limit(lookup_limit, on_breach=too_many_requests)
def lookup() -> Response | WerkzeugResponse:
    """The form (?case=GH-… fills in the number, as the confirmation page and the mails link to it), its page
    rendered once per ledger version with the CSRF token filled in per request."""
    if request.method in ("GET", "HEAD"):
        return no_store(page_with_fills((LEDGER,), lambda _tokens: _html(_prefilled()), {"csrf": generate_csrf}))
    form = _prefilled()
    if not form.validate_on_submit():
        return _page(form, status=422)
    typed = LookupForm(formdata=None, case_number=form.case_number.data.strip())
    number = normalise_case_number(form.case_number.data)
    if not case_guesses_left(number):
        return _page(typed, too_many_guesses=True, status=429)
    key = IntakeSettings.from_config(current_app.config).code_key
    item = find_case(db.session(), form.case_number.data, form.code.data, key)
    if item is None:
        count_wrong_code(number)
        return _page(typed, not_found=True, status=404)
    session[CASE_KEY] = item.id
    return redirect(url_for("public.case"), 303)


def _prefilled() -> LookupForm:
    return LookupForm(case_number=request.args.get("case", "")[:40])


def _page(form: LookupForm, status: int = 200, **context) -> Response:
    """The lookup page; after a miss it keeps the case number typed and nothing else, the same for either miss."""
    return no_store(_html(form, **context), status)


def _html(form: LookupForm, **context) -> str:
    return render_template("public/lookup.html", form=form, campaign=default_campaign(), **context)
