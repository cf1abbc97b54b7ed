"""我的件: the case page its submitter sees after the lookup — their text and files, linked measures, timeline,
answer — with a review request, added material and 退出查询. The session holds the case's id, never its code."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import db
from ..downloads import stored_file
from ..limits import case_action_limit, limiter
from ..models import FeedbackItem
from ..services.feedback import case_files, citizen_actions
from ..services.feedback.attachments import path_of, stated_limits
from ..services.feedback.case_page import case_page
from ..services.feedback.intake import IntakeSettings
from ..services.satisfaction import ratings
from ..services.satisfaction.links import RatingSettings, token_for
from . import bp
from .case_forms import LeaveForm, MaterialForm, ReviewForm
from .common import default_campaign
from .feedback import no_store, too_many_requests
from .lookup import CASE_KEY
from .rating_forms import RatingForm


@bp.get("/case")
def case() -> Response | WerkzeugResponse:
    item = _opened_case()
    if item is None:
        return redirect(url_for("public.lookup"))
    return _page(item)


@bp.post("/case/leave")
def case_leave() -> WerkzeugResponse:
    """退出查询: forget the case in this browser; the lookup form is empty again."""
    if LeaveForm().validate_on_submit():
        session.pop(CASE_KEY, None)
    return redirect(url_for("public.lookup"), 303)


@bp.post("/case/review")
@limiter.limit(case_action_limit, on_breach=too_many_requests)
def case_review() -> Response | WerkzeugResponse:
    item = _opened_case()
    if item is None:
        return redirect(url_for("public.lookup"), 303)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            citizen_actions.request_review(db.session(), item, form.reason.data or "", _settings())
        except citizen_actions.CaseActionError as exc:
            db.session().rollback()
            form.reason.errors = [exc.message]
            return _page(item, review_form=form, status=422)
        db.session().commit()
        flash(_("已收到您的复查申请。我们将重新办理并再次答复您。"))
    return redirect(url_for("public.case"), 303)


@bp.post("/case/material")
@limiter.limit(case_action_limit, on_breach=too_many_requests)
def case_material() -> Response | WerkzeugResponse:
    item = _opened_case()
    if item is None:
        return redirect(url_for("public.lookup"), 303)
    form = MaterialForm()
    if form.validate_on_submit():
        try:
            citizen_actions.add_material(db.session(), item, form.text.data or "", form.uploads(), _settings())
        except citizen_actions.CaseActionError as exc:
            db.session().rollback()
            (form.files if exc.field == "files" else form.text).errors = [exc.message]
            return _page(item, material_form=form, status=422)
        db.session().commit()
        flash(_("补充材料已收到，已归入本件，承办人员会看到。"))
    return redirect(url_for("public.case"), 303)


@bp.get("/case/files/<token>")
def case_file(token: str) -> Response:
    """A file of the opened case, through a signed link minutes old; nothing for another session or case."""
    item_id = session.get(CASE_KEY)
    if not isinstance(item_id, int):
        abort(404)
    found = case_files.opened_file(db.session(), current_app.config["SECRET_KEY"], token, item_id,
                                   int(current_app.config["CASE_FILE_SECONDS"])) or abort(404)
    return stored_file(path_of(found, _settings().upload_dir), found)


def _opened_case() -> FeedbackItem | None:
    item_id = session.get(CASE_KEY)
    return db.session().get(FeedbackItem, item_id) if isinstance(item_id, int) else None


def _settings() -> IntakeSettings:
    return IntakeSettings.from_config(current_app.config)


def _page(item: FeedbackItem, status: int = 200, **forms) -> Response:
    page = case_page(db.session(), item, _settings().clocks)
    secret = current_app.config["SECRET_KEY"]
    file_links = {f.id: url_for("public.case_file", token=case_files.file_token(secret, item.id, f.id))
                  for f in page.files}
    rating = ratings.for_case(db.session(), item, _settings().clocks)
    rated = {"rating_target": rating, "rating_form": RatingForm(
        formdata=None, level=rating.rating.level if rating.rating else None),
             "rating_token": token_for(rating.reply.id, RatingSettings.from_config(current_app.config).key)} \
        if rating is not None else {}
    return no_store(render_template(
        "public/case.html", campaign=default_campaign(), page=page, file_links=file_links, **rated,
        review_form=forms.get("review_form") or ReviewForm(),
        material_form=forms.get("material_form") or MaterialForm(),
        review_days=_settings().clocks.review_window_days,
        limits=stated_limits(current_app.config["MAX_CONTENT_LENGTH"])), status)
