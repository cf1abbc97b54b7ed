"""答复公开: the answers published with the submitters' consent, redacted, newest first."""
from __future__ import annotations

from flask import abort, current_app, render_template, request

from .. import db
from ..services.common.clocks import ClockSettings
from ..services.common.numbers import page_number
from ..services.replies.publication import public_answers
from . import bp
from .common import default_campaign


@bp.get("/answers")
def answers() -> str:
    page = page_number(request.args.get("page"))
    found = public_answers(db.session(), page, current_app.config["PAGE_SIZE"],
                           ClockSettings.from_config(current_app.config))
    if found is None:
        abort(404)
    return render_template("public/answers.html", campaign=default_campaign(), result=found)
