"""答复公开: the answers published with the submitters' consent, redacted, newest first."""
from __future__ import annotations

from flask import abort, current_app, render_template, request

from .. import db
from ..services.common.clocks import ClockSettings
from ..services.common.numbers import parse_id
from ..services.replies.publication import public_answers
from . import bp
from .common import default_campaign


@bp.get("/answers")
def answers() -> str:
    asked = parse_id(request.args.get("page"))
    page = 1 if asked is None else asked  # page 0 or past the last: public_answers finds none, a 404
    found = public_answers(db.session(), page, current_app.config["PAGE_SIZE"],
                           ClockSettings.from_config(current_app.config))
    if found is None:
        abort(404)
    return render_template("public/answers.html", campaign=default_campaign(), result=found)
