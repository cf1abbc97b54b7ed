"""办理查询: a citizen checks a case with its number and query code; a miss never says which was wrong."""
from __future__ import annotations

from flask import Response, current_app, render_template, request

from .. import db
from ..limits import limiter, lookup_limit
from ..services.feedback.intake import IntakeSettings
from ..services.feedback.lookup import lookup_case
from . import bp
from .common import default_campaign
from .feedback import no_store, too_many_requests
from .feedback_forms import LookupForm


@bp.route("/lookup", methods=["GET", "POST"])
@limiter.limit(lookup_limit, methods=["POST"], on_breach=too_many_requests)
def lookup() -> Response:
    form = LookupForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if request.method == "POST" else 200)
    key = IntakeSettings.from_config(current_app.config).code_key
    case = lookup_case(db.session(), form.case_number.data, form.code.data, key)
    if case is None:
        return _page(LookupForm(formdata=None), not_found=True, status=404)
    return _page(LookupForm(formdata=None), case=case)


def _page(form: LookupForm, status: int = 200, **context) -> Response:
    """The lookup page; after a miss it echoes nothing typed, so both kinds of miss look the same."""
    return no_store(render_template("public/lookup.html", form=form, campaign=default_campaign(), **context),
                    status)
