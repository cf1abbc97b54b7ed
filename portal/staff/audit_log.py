"""Staff page: the audit log, read-only, filtered and paged (admins and supervisors only)."""
from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from .. import db
from ..auth import current_staff
from ..services.common import audit_query
from ..services.common.audit_query import AuditFilter, FilterOptions
from . import bp


class AuditFilterForm(FlaskForm):
    """筛选审计日志: read from the query string, so a filtered page can be bookmarked."""

    class Meta:
        csrf = False

    action = SelectField(_l("操作"), validate_choice=False)
    actor = SelectField(_l("操作人"), validate_choice=False)
    case_number = StringField(_l("案件编号"), [Length(max=32)])
    date_from = DateField(_l("起始日期"), [Optional()])
    date_to = DateField(_l("结束日期"), [Optional()])

    def __init__(self, options: FilterOptions, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("全部操作")), *((a, a) for a in options.actions)]
        self.actor.choices = [("", _l("全部操作人")), *((str(u.id), f"{u.name}（{u.email}）") for u in options.actors)]

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("结束日期不能早于起始日期。"))

    def to_filter(self) -> AuditFilter:
        actor = self.actor.data or ""
        return AuditFilter(action=self.action.data or None, actor_id=int(actor) if actor.isdigit() else None,
                           case_number=(self.case_number.data or "").strip() or None,
                           date_from=self.date_from.data, date_to=self.date_to.data)


@bp.route("/audit")
def audit_log() -> str:
    """审计日志: newest first; nothing here or anywhere else edits or deletes an event."""
    session = db.session()
    form = AuditFilterForm(audit_query.filter_options(session, current_staff()), formdata=request.args)
    form.validate()
    result = audit_query.search(session, current_staff(), form.to_filter(),
                                current_app.config["BABEL_DEFAULT_TIMEZONE"], request.args.get("page", 1, type=int))
    kept = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("staff/audit.html", form=form, result=result, kept=kept,
                           filtered=any(k in kept for k in form.data))
