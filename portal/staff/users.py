"""User administration (admin only): list and search accounts, create and edit them, reset a password by link or
generated password, deactivate and reactivate after a confirmation page."""
from __future__ import annotations

from math import ceil

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from .. import db
from ..labels import ROLES
from ..models import Department, User
from ..services.accounts import credentials, deactivation, users
from ..services.accounts.departments import choices as department_choices
from ..services.common import authz
from ..services.common.numbers import page_number, parse_id
from . import bp
from .account import me
from .account_forms import ConfirmForm, PasswordResetForm, UserCreateForm, UserEditForm, show_service_error

PAGE_SIZE = 50


def admin_actor() -> User:
    """The logged-in user, when they may manage accounts (PermissionDenied → 403 otherwise)."""
    actor = me()
    authz.require(actor, "manage_users")
    return actor


def _account_or_404(actor: User, user_id: int) -> User:
    user = users.user_for_admin(db.session(), actor, user_id)
    if user is None:
        abort(404)
    return user


def _department_choices(form: UserCreateForm | UserEditForm, current: Department | None) -> None:
    """The active departments (and the account's own, should it be inactive), after an empty choice."""
    options = [(str(d.id), d.name) for d in department_choices(db.session())]
    if current is not None and not current.active:
        options.append((str(current.id), _("%(name)s（已停用）", name=current.name)))
    form.department.choices = [SelectChoice("", _("无（非承办部门人员）")), *(SelectChoice(v, t) for v, t in options)]


def _chosen_department(value: str | None) -> Department | None:
    number = parse_id(value)
    return db.session().get(Department, number) if number is not None else None


def _handed_over(user: User, handover: credentials.Handover, created: bool) -> Response | str:
    """The generated password, shown this once; or, for a link, back to the list with a note of the email."""
    if handover.password is not None:
        return render_template("staff/users_handover.html", account=user, password=handover.password,
                               created=created)
    flash(_("已向 %(email)s 发送设置密码的链接（%(hours)s小时内有效，只能使用一次）。", email=user.email,
            hours=credentials.LINK_HOURS), "success")
    return redirect(url_for("staff.users"))


@bp.get("/users", endpoint="users")
def user_list() -> str:
    actor = admin_actor()
    page = page_number(request.args.get("page"))
    search = (request.args.get("q") or "").strip()[:100]
    role = request.args.get("role") or ""
    role = role if role in ROLES else ""
    rows, total = users.users_page(db.session(), actor, page, PAGE_SIZE, search=search, role=role)
    return render_template("staff/users.html", users=rows, total=total, page=page, search=search, role=role,
                           pages=max(ceil(total / PAGE_SIZE), 1), is_locked=users.is_locked)


@bp.route("/users/new", methods=["GET", "POST"], endpoint="user_new")
def user_new() -> Response | str:
    actor = admin_actor()
    session = db.session()
    form = UserCreateForm()
    _department_choices(form, None)
    if form.validate_on_submit():
        try:
            user, handover = credentials.create_account(
                session, actor, email=form.email.data, name=form.name.data, role=form.role.data,
                department=_chosen_department(form.department.data), method=form.method.data,
                settings=credentials.LinkSettings.from_config(current_app.config))
        except users.UserError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已创建账号 %(email)s。", email=user.email), "success")
            return _handed_over(user, handover, created=True)
    return render_template("staff/users_form.html", form=form, account=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"], endpoint="user_edit")
def user_edit(user_id: int) -> Response | str:
    actor = admin_actor()
    session = db.session()
    user = _account_or_404(actor, user_id)
    form = UserEditForm(data={"name": user.name, "role": user.role,
                              "department": str(user.department_id) if user.department_id else ""})
    _department_choices(form, user.department)
    if form.validate_on_submit():
        try:
            users.update_user(session, user, actor, role=form.role.data,
                              department=_chosen_department(form.department.data), name=form.name.data)
        except users.UserError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已保存账号 %(email)s。", email=user.email), "success")
            return redirect(url_for("staff.users"))
    return render_template("staff/users_form.html", form=form, account=user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"], endpoint="user_password")
def user_password(user_id: int) -> Response | str:
    actor = admin_actor()
    session = db.session()
    user = _account_or_404(actor, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            handover = credentials.reset(session, actor, user, form.method.data,
                                         credentials.LinkSettings.from_config(current_app.config))
        except users.UserError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            return _handed_over(user, handover, created=False)
    return render_template("staff/users_password.html", form=form, account=user)


def _change_active(user_id: int, active: bool) -> Response | str:
    """The confirmation page (with the work the account leaves open when it goes), then the change."""
    actor = admin_actor()
    session = db.session()
    user = _account_or_404(actor, user_id)
    form = ConfirmForm()
    if active:
        form.confirm.label.text = _("我确认恢复启用该账号。")
    if form.validate_on_submit():
        try:
            if active:
                deactivation.reactivate(session, actor, user)
            else:
                deactivation.deactivate(session, actor, user)
        except users.UserError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已恢复启用账号 %(email)s。", email=user.email) if active
                  else _("已停用账号 %(email)s。", email=user.email), "success")
            return redirect(url_for("staff.users"))
    work = None if active else deactivation.open_work(session, actor, user)
    return render_template("staff/users_active.html", form=form, account=user, active=active, work=work)


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"], endpoint="user_deactivate")
def user_deactivate(user_id: int) -> Response | str:
    return _change_active(user_id, False)


@bp.route("/users/<int:user_id>/reactivate", methods=["GET", "POST"], endpoint="user_reactivate")
def user_reactivate(user_id: int) -> Response | str:
    return _change_active(user_id, True)
