"""关注: follow a campaign, problem or measure by e-mail; confirm, unsubscribe (RFC 8058 one-click) and manage.

GET never changes anything (mail scanners open links); the confirm and unsubscribe pages show one button. The
one-click unsubscribe POST carries no CSRF token, by RFC 8058: the signed token in its URL is the authority.
"""
from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import db
from ..limits import follow_limit, limiter
from ..models import FollowSubscription, utcnow
from ..security import csrf
from ..services.feedback import language
from ..services.follow import subscriptions, targets
from ..services.follow.subscriptions import FollowError
from ..services.follow.tokens import FollowSettings, manage_token
from . import bp
from .common import default_campaign
from .feedback import chosen_campaign, no_store, too_many_requests
from .follow_forms import ConfirmForm, FollowForm, ManageForm

#: answer to a link that is not valid, by the field FollowError names
TOKEN_STATUS = {"expired": 410}


def _settings() -> FollowSettings:
    return FollowSettings.from_config(current_app.config)


@bp.route("/follow", methods=["GET", "POST"])
@limiter.limit(follow_limit, methods=["POST"], on_breach=too_many_requests)
def follow() -> Response | WerkzeugResponse:
    """The follow form for the target in ?campaign=&problem=&measure= (hidden fields once posted)."""
    form = FollowForm() if request.method == "POST" else FollowForm(formdata=None, **{
        name: request.args.get(name, "") for name in ("campaign", "problem", "measure")})
    campaign = chosen_campaign(form.campaign.data)
    target = targets.find(db.session(), campaign, form.problem.data, form.measure.data) if campaign else None
    if target is None:
        return _page("public/follow.html", 404, form=form, target=None, errors={})
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        if form.website.data:
            return redirect(url_for("public.follow_sent"), 303)
        try:
            subscriptions.subscribe(db.session(), _settings(), [target], form.email.data or "",
                                    form.frequency.data or "", language.of_locale(get_locale()))
        except FollowError as exc:
            db.session().rollback()
            errors[exc.field or "email"] = exc.message
        else:
            db.session().commit()
            return redirect(url_for("public.follow_sent"), 303)
    errors |= {name: messages[0] for name, messages in form.errors.items() if messages and name != "csrf_token"}
    return _page("public/follow.html", 422 if errors else 200, form=form, target=target, errors=errors)


@bp.get("/follow/sent")
def follow_sent() -> Response:
    """The same answer whatever the address: it never tells whether the address already follows anything."""
    return _page("public/follow_sent.html")


@bp.route("/follow/confirm/<token>", methods=["GET", "POST"])
def follow_confirm(token: str) -> Response:
    session = db.session()
    try:
        if request.method == "POST" and ConfirmForm().validate_on_submit():
            found = subscriptions.confirm(session, _settings(), token, utcnow())
            session.commit()
            return _page("public/follow_confirm.html", confirmed=True, found=_with_targets(found), token=token)
        found = subscriptions.pending_confirmation(session, _settings(), token)
    except FollowError as exc:
        session.rollback()
        return _token_error(exc)
    return _page("public/follow_confirm.html", confirmed=False, found=_with_targets(found), token=token,
                 form=ConfirmForm())


@bp.route("/follow/unsubscribe/<token>", methods=["GET", "POST"])
def follow_unsubscribe(token: str) -> Response:
    """GET: a button; POST (the mail client's one-click, or the button): unsubscribed."""
    session = db.session()
    try:
        subscription = subscriptions.by_unsubscribe_token(session, _settings(), token)
    except FollowError as exc:
        return _token_error(exc)
    if request.method == "POST":
        subscriptions.unsubscribe(session, subscription, utcnow(),
                                  "one_click" if request.form.get("List-Unsubscribe") == "One-Click" else "page")
        session.commit()
    target = targets.of_subscription(session, subscription)
    return _page("public/follow_unsubscribe.html", subscription=subscription, target=target, token=token,
                 form=ConfirmForm(), manage_token=manage_token(_settings().key, subscription.id))


csrf.exempt(follow_unsubscribe)


@bp.route("/follow/manage/<token>", methods=["GET", "POST"])
def follow_manage(token: str) -> Response | WerkzeugResponse:
    """我的关注: every subscription of the address the link was signed for."""
    session = db.session()
    try:
        owner = subscriptions.by_manage_token(session, _settings(), token)
    except FollowError as exc:
        return _token_error(exc)
    form, errors = ManageForm(), {}
    if request.method == "POST" and not form.validate_on_submit():
        errors["form"] = _("找不到这项关注。")
    elif request.method == "POST":
        try:
            subscriptions.manage(session, owner, form.subscription.data or 0, form.action.data or "", utcnow())
        except FollowError as exc:
            session.rollback()
            errors["form"] = exc.message
        else:
            session.commit()
            return redirect(url_for("public.follow_manage", token=token, _anchor="follows"), 303)
    return _page("public/follow_manage.html", 422 if errors else 200, found=subscriptions.of_address(session, owner),
                 token=token, form=form, errors=errors)


def _with_targets(found: list[FollowSubscription]) -> list[tuple[FollowSubscription, targets.Target]]:
    return [(s, targets.of_subscription(db.session(), s)) for s in found]


def _token_error(exc: FollowError) -> Response:
    return _page("public/follow_error.html", TOKEN_STATUS.get(exc.field or "", 404), message=exc.message)


def _page(template: str, status: int = 200, **context) -> Response:
    """A follow page: never cached (it may name what an address follows)."""
    return no_store(render_template(template, campaign=default_campaign(), **context), status)
