"""User administration (admin only): list, create and edit accounts, reset a password."""
from __future__ import annotations

from math import ceil

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..models import User
from ..services.accounts import users
from ..services.common import authz
from ..services.common.numbers import page_number
from . import bp
from .account import me
from .account_forms import PasswordResetForm, UserCreateForm, UserEditForm, show_service_error

PAGE_SIZE = 50


def _admin() -> User:
    """The logged-in user, when they may manage accounts (PermissionDenied → 403 otherwise)."""
    actor = me()
    authz.require(actor, "manage_users")
    return actor


def _account_or_404(actor: User, user_id: int) -> User:
    user = users.user_for_admin(db.session(), actor, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users", endpoint="users")
def user_list() -> str:
    actor = _admin()
    page = page_number(request.args.get("page"))
    rows, total = users.users_page(db.session(), actor, page, PAGE_SIZE)
    return render_template("staff/users.html", users=rows, total=total, page=page,
                           pages=max(ceil(total / PAGE_SIZE), 1), is_locked=users.is_locked)


@bp.route("/users/new", methods=["GET", "POST"], endpoint="user_new")
def user_new() -> Response | str:
    actor = _admin()
    session = db.session()
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = users.create_user(session, form.email.data, form.name.data, form.role.data, form.password.data,
                                     department=form.department.data, actor=actor)
        except users.UserError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已创建账号 %(email)s。", email=user.email), "success")
            return redirect(url_for("staff.users"))
    return render_template("staff/users_form.html", form=form, account=None,
                           departments=users.department_names(session), min_password=users.MIN_PASSWORD)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"], endpoint="user_edit")
def user_edit(user_id: int) -> Response | str:
    actor = _admin()
    session = db.session()
    user = _account_or_404(actor, user_id)
    form = UserEditForm(data={"name": user.name, "role": user.role, "active": user.active,
                              "department": user.department.name if user.department else ""})
    if form.validate_on_submit():
        try:
            users.update_user(session, user, actor, role=form.role.data, department=form.department.data,
                              active=form.active.data, name=form.name.data)
        except users.UserError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已保存账号 %(email)s。", email=user.email), "success")
            return redirect(url_for("staff.users"))
    return render_template("staff/users_form.html", form=form, account=user,
                           departments=users.department_names(session))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"], endpoint="user_password")
def user_password(user_id: int) -> Response | str:
    actor = _admin()
    session = db.session()
    user = _account_or_404(actor, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            users.reset_password(session, user, form.new_password.data, actor=actor)
        except users.UserError as exc:
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已重置 %(email)s 的密码，请通过安全渠道告知本人。", email=user.email), "success")
            return redirect(url_for("staff.users"))
    return render_template("staff/users_password.html", form=form, account=user, min_password=users.MIN_PASSWORD)
