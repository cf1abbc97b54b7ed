"""Staff account pages: login, logout, changing one's own password, and setting it from a link."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask import session as http_session
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from .. import db
from ..limits import limiter, login_limit
from ..models import User
from ..services.accounts import credentials, users
from . import bp
from .account_forms import LoginForm, PasswordForm, SetPasswordForm, show_service_error


def _remember_cookie_like_session(state: BlueprintSetupState) -> None:
    """There is no remember-me; should Flask-Login ever set its cookie, it carries the session cookie's flags."""
    config = state.app.config
    for flag in ("SECURE", "HTTPONLY", "SAMESITE"):
        config.setdefault(f"REMEMBER_COOKIE_{flag}", config[f"SESSION_COOKIE_{flag}"])


bp.record_once(_remember_cookie_like_session)


def me() -> User:
    """The logged-in staff user itself (not the proxy: Flask-Login stores what it is given)."""
    return current_user._get_current_object()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login() -> Response | str:
    form = LoginForm()
    target = _next_target()
    error = None
    if form.validate_on_submit():
        session = db.session()
        try:
            user = users.authenticate(session, form.email.data, form.password.data, request.remote_addr or "")
        except users.LoginRefused as exc:
            session.commit()
            error = str(exc)
        else:
            session.commit()
            http_session.clear()
            login_user(user)
            return redirect(target or url_for("staff.index"))
    return render_template("staff/login.html", form=form, error=error, next=target)


def _next_target() -> str | None:
    """The page to return to after login: a path on this site, never another site; None otherwise."""
    target = request.args.get("next") or ""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


@bp.post("/logout")
def logout() -> Response:
    session = db.session()
    users.record_logout(session, me())
    session.commit()
    logout_user()
    http_session.clear()
    flash(_("您已退出登录。"), "success")
    return redirect(url_for("staff.login"))


@bp.route("/password", methods=["GET", "POST"])
def password() -> Response | str:
    form = PasswordForm()
    user = me()
    required = user.must_change_password
    if form.validate_on_submit():
        session = db.session()
        try:
            users.change_password(session, user, form.old_password.data, form.new_password.data)
        except users.UserError as exc:
            show_service_error(form, exc)
        else:
            session.commit()
            login_user(user)
            flash(_("密码已修改。其他浏览器和设备上的登录已失效。"), "success")
            return redirect(url_for("staff.index") if required else url_for("staff.password"))
    return render_template("staff/password.html", form=form, min_password=users.MIN_PASSWORD, required=required)


@bp.route("/set-password", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def set_password() -> Response | str:
    """The page an invitation or reset link opens (no login): the user chooses their password. The token comes in
    the query string (request logs record the path only) and goes on in a hidden field. Without a valid link the
    page says so and shows no form."""
    session = db.session()
    form = SetPasswordForm()
    token = form.token.data if request.method == "POST" else request.args.get("token", "")
    link = credentials.valid_link(session, token)
    if link is not None and form.validate_on_submit():
        try:
            credentials.set_password(session, token, form.new_password.data)
        except users.UserError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            if current_user.is_authenticated:
                logout_user()
            http_session.clear()
            flash(_("密码已设置，请用新密码登录。"), "success")
            return redirect(url_for("staff.login"))
    form.token.data = token
    account = session.get(User, link.user_id) if link is not None else None
    return render_template("staff/set_password.html", form=form, account=account, link=link,
                           min_password=users.MIN_PASSWORD)
