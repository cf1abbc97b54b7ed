"""Department administration (admin only): the managed list of 承办部门 — create, rename, deactivate, merge."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from .. import db
from ..models import Department
from ..services.accounts import departments
from ..services.common.numbers import parse_id
from . import bp
from .account_forms import DepartmentForm, MergeForm, show_service_error
from .users import admin_actor


def _department_or_404(department_id: int) -> Department:
    department = departments.department_for_admin(db.session(), admin_actor(), department_id)
    if department is None:
        abort(404)
    return department


@bp.route("/departments", methods=["GET", "POST"], endpoint="departments")
def department_list() -> Response | str:
    actor = admin_actor()
    session = db.session()
    form = DepartmentForm()
    if form.validate_on_submit():
        try:
            department = departments.create_department(session, actor, form.name.data)
        except departments.DepartmentError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已新建部门“%(name)s”。", name=department.name), "success")
            return redirect(url_for("staff.departments"))
    return render_template("staff/departments.html", form=form, rows=departments.overview(session, actor))


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"], endpoint="department_edit")
def department_edit(department_id: int) -> Response | str:
    actor = admin_actor()
    session = db.session()
    department = _department_or_404(department_id)
    form = DepartmentForm(data={"name": department.name})
    if form.validate_on_submit():
        try:
            departments.rename_department(session, actor, department, form.name.data)
        except departments.DepartmentError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已保存部门“%(name)s”。", name=department.name), "success")
            return redirect(url_for("staff.departments"))
    return render_template("staff/department_edit.html", form=form, department=department)


@bp.post("/departments/<int:department_id>/active", endpoint="department_active")
def department_active(department_id: int) -> Response:
    actor = admin_actor()
    session = db.session()
    department = _department_or_404(department_id)
    active = request.form.get("active") == "1"
    departments.set_active(session, actor, department, active)
    session.commit()
    flash(_("已恢复启用部门“%(name)s”。", name=department.name) if active
          else _("已停用部门“%(name)s”：不再出现在交办和账号的部门选项中，已交办的件不受影响。", name=department.name),
          "success")
    return redirect(url_for("staff.departments"))


@bp.route("/departments/<int:department_id>/merge", methods=["GET", "POST"], endpoint="department_merge")
def department_merge(department_id: int) -> Response | str:
    """Choose the department to merge into; then a confirmation page listing what moves; then the merge."""
    actor = admin_actor()
    session = db.session()
    source = _department_or_404(department_id)
    form = MergeForm()
    others = [d for d in departments.choices(session) if d.id != source.id]
    form.target.choices = [SelectChoice("", _("请选择")), *(SelectChoice(str(d.id), d.name) for d in others)]
    plan = None
    if form.validate_on_submit():
        try:
            plan = departments.merge_plan(session, actor, source, parse_id(form.target.data))
        except departments.DepartmentError as exc:
            show_service_error(form, exc)
        else:
            if form.confirm.data == "1":
                name, target = source.name, plan.target
                departments.merge(session, actor, plan)
                session.commit()
                flash(_("已将“%(source)s”并入“%(target)s”。", source=name, target=target.name), "success")
                return redirect(url_for("staff.departments"))
    return render_template("staff/department_merge.html", form=form, department=source, plan=plan)
