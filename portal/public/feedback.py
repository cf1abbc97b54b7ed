"""我要提意见: the public opinion form, its one-time confirmation, and the personal-information notice."""
from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import db, intake_receipts
from ..limits import form_limit, post_limit
from ..models import Campaign, FeedbackItem
from ..services.common.public_version import LEDGER
from ..services.feedback import attachments, receipts
from ..services.feedback.intake import IntakeError, IntakeSettings, create_item, validate
from ..services.feedback.targets import target_tree
from ..services.follow import retention as follow_retention
from ..services.follow.subscriptions import follow_linked
from ..services.follow.tokens import CONFIRM_SECONDS, FollowSettings
from ..services.ledger.campaigns import find_campaign
from ..services.mail.acknowledgements import AckSettings, acknowledge
from . import bp
from .common import default_campaign
from .feedback_forms import FeedbackForm, field_errors, prefill_target
from .response_cache import cached_response, page_with_fills


def no_store(body: str, status: int = 200) -> Response:
    """A page that holds a case number, a query code or what a citizen typed: never cached anywhere."""
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    return response


def too_many_requests(_limit: RequestLimit) -> Response:
    """429 in the site's language and look (the case lookup)."""
    return no_store(render_template("public/too_many_requests.html", campaign=default_campaign()), 429)


def form_too_many_requests(limit: RequestLimit) -> Response:
    """429 for the opinion form: the form again with everything typed (files cannot be kept) and why it was refused."""
    campaign = chosen_campaign(request.values.get("campaign"))
    message = _("操作过于频繁：同一网络地址每分钟最多提交%(count)s次。您填写的内容仍在下方，请等一分钟后再点“提交”；"
                "附件需要重新选择。", count=limit.limit.amount)
    return _form_page(_bound_form(campaign), campaign, {"form": message}, 429)


def retention_years() -> int:
    return int(current_app.config["PRIVACY_RETENTION_YEARS"])


@bp.route("/feedback", methods=["GET", "POST"])
@post_limit(form_limit, on_breach=form_too_many_requests)
def feedback() -> Response | WerkzeugResponse:
    """The form (its page rendered once per ledger version, the tokens filled in per request); a successful POST
    answers 303 to the result page, and the same form sent again files nothing."""
    if request.method in ("GET", "HEAD"):
        tokens = {"csrf": generate_csrf, "submission": receipts.new_token}
        return no_store(page_with_fills((LEDGER,), _empty_form, tokens))
    campaign = chosen_campaign(request.values.get("campaign"))
    form = _bound_form(campaign)
    token = form.submission.data if receipts.is_token(form.submission.data) else receipts.new_token()
    earlier = receipts.created_by(db.session(), token)
    if earlier is not None:
        return _to_result(token, earlier.case_number)
    if form.website.data:
        return _form_page(form, campaign, {"form": _("提交失败，请稍后再试。")}, 422)
    new = form.new_item(campaign)
    errors = form.own_errors()
    if errors:
        return _form_page(form, campaign, {**field_errors(validate(new)), **errors}, 422)
    settings = IntakeSettings.from_config(current_app.config)

    def create() -> tuple[FeedbackItem, str]:
        item, code = create_item(db.session(), new, settings)
        acknowledge(db.session(), item, code, AckSettings.from_config(current_app.config))
        if form.follow_measures.data:
            follow_linked(db.session(), FollowSettings.from_config(current_app.config), item)
        return item, code

    try:
        item, _created = receipts.submit_once(db.session(), token, create)
    except IntakeError as exc:
        db.session().rollback()
        return _form_page(form, campaign, field_errors(exc.errors), 422)
    receipts.purge(db.session())
    db.session().commit()
    return _to_result(token, item.case_number)


@bp.get("/feedback/done/<case_number>")
def feedback_done(case_number: str) -> Response:
    """提交成功: the case number, and the query code the first time this browser opens the page after submitting."""
    result = receipts.take(db.session(), intake_receipts.remembered(), case_number)
    if result is None:
        abort(404)
    db.session().commit()
    accept_days = IntakeSettings.from_config(current_app.config).clocks.accept_days
    return no_store(render_template("public/feedback_done.html", campaign=default_campaign(), item=result.item,
                                    code=result.code, accept_days=accept_days))


@bp.get("/privacy")
@cached_response(LEDGER)
def privacy() -> str:
    return render_template("public/privacy.html", campaign=default_campaign(), retention_years=retention_years(),
                           follow_days=(CONFIRM_SECONDS // 86400, follow_retention.ENDED_DAYS,
                                        follow_retention.MAIL_DAYS))


def chosen_campaign(slug: str | None) -> Campaign | None:
    """The campaign a problem or measure page linked from (?campaign=slug), else the default one."""
    return (slug and find_campaign(db.session(), slug)) or default_campaign()


def _bound_form(campaign: Campaign | None, submission: str | None = None) -> FeedbackForm:
    """The form with what was posted, or on a GET the target and campaign the link named and a fresh token."""
    return FeedbackForm(target=prefill_target(request.args), campaign=campaign.slug if campaign else "",
                        submission=submission or receipts.new_token())


def _empty_form(tokens: dict[str, str]) -> str:
    """The form as a GET shows it, with this submission token (the CSRF token is the request's own)."""
    campaign = chosen_campaign(request.args.get("campaign"))
    return _form_html(_bound_form(campaign, tokens["submission"]), campaign, {})


def _to_result(token: str, case_number: str) -> WerkzeugResponse:
    """303 to the result page, which this browser (and only it) may open."""
    intake_receipts.remember(token)
    return redirect(url_for("public.feedback_done", case_number=case_number), 303)


def _form_page(form: FeedbackForm, campaign: Campaign | None, errors: dict[str, str], status: int = 200) -> Response:
    return no_store(_form_html(form, campaign, errors), status)


def _form_html(form: FeedbackForm, campaign: Campaign | None, errors: dict[str, str]) -> str:
    """The form, offering the campaign's problems and measures (loaded only when the form is shown)."""
    form.set_targets(target_tree(db.session(), campaign.id) if campaign else [])
    files_sent = sum(1 for upload in request.files.getlist("attachments") if upload.filename) if errors else 0
    return render_template("public/feedback.html", form=form, campaign=campaign, errors=errors,
                           files_sent=files_sent, retention_years=retention_years(),
                           limits=attachments.stated_limits(current_app.config["MAX_CONTENT_LENGTH"]))
