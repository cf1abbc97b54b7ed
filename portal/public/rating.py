"""满意度评价: the citizen rates an answer from the reply e-mail's signed link or from the case page, without login.

GET never records anything (mail scanners follow links): it shows the form with the e-mail's level chosen; POST
records, then the page shows the rating (and, after 不满意, how to ask for a review).
"""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from .. import db
from ..limits import limiter, rating_limit
from ..services.satisfaction import ratings
from ..services.satisfaction.links import RatingSettings
from . import bp
from .common import default_campaign
from .feedback import no_store, too_many_requests
from .rating_forms import RatingForm


@bp.route("/rate/<token>", methods=["GET", "POST"])
@limiter.limit(rating_limit, methods=["POST"], on_breach=too_many_requests)
def rate(token: str) -> Response:
    session = db.session()
    found = ratings.target(session, token, RatingSettings.from_config(current_app.config))
    if found is None:
        return _page(None, token, None, status=404)
    if request.method in ("GET", "HEAD"):
        current = found.rating.level if found.rating else None
        form = RatingForm(formdata=None, level=request.args.get("level") or current, via=request.args.get("via"))
        return _page(found, token, form, saved=request.args.get("saved") == "1", status=200 if found.is_open else 410)
    form = RatingForm()
    errors = {}
    if form.validate_on_submit():
        try:
            ratings.rate(session, found, form.level.data, form.comment.data, ratings.source_for(form.via.data))
        except ratings.RatingError as exc:
            session.rollback()
            errors[exc.field or "form"] = exc.message
        else:
            session.commit()
            return redirect(url_for("public.rate", token=token, saved="1"), 303)
    return _page(found, token, form, errors=errors, status=410 if not found.is_open else 422)


def _page(found: ratings.RatingTarget | None, token: str, form: RatingForm | None, status: int = 200,
          **context) -> Response:
    return no_store(render_template("public/rate.html", rating_target=found, rating_token=token, rating_form=form,
                                    campaign=default_campaign(), **context), status)
