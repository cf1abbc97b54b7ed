"""Staff page: the audit log, read-only, filtered and paged (admins and supervisors only)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from flask import Response, current_app, render_template, request, stream_with_context
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from .. import db
from ..auth import current_staff
from ..services.common import audit_query
from ..services.common.audit_query import AuditFilter, FilterOptions
from ..services.common.clocks import EARLIEST_DATE
from ..services.common.numbers import page_number, parse_id
from . import bp


class AuditFilterForm(FlaskForm):
    """筛选审计日志: read from the query string, so a filtered page can be bookmarked."""

    class Meta:
        csrf = False

    action = SelectField(_l("操作"), validate_choice=False)
    actor = SelectField(_l("操作人"), validate_choice=False)
    case_number = StringField(_l("受理编号"), [Length(max=32)])
    date_from = DateField(_l("起始日期"), [Optional()])
    date_to = DateField(_l("结束日期"), [Optional()])

    def __init__(self, options: FilterOptions, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("全部操作")), *options.actions]
        self.actor.choices = [("", _l("全部操作人")), *((str(u.id), f"{u.name}（{u.email}）") for u in options.actors)]

    def validate_date_from(self, field: DateField) -> None:
        _within_the_record(field)

    def validate_date_to(self, field: DateField) -> None:
        _within_the_record(field)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("结束日期不能早于起始日期。"))

    def to_filter(self) -> AuditFilter:
        actor = self.actor.data or ""
        return AuditFilter(action=self.action.data or None, actor_id=parse_id(actor),
                           case_number=(self.case_number.data or "").strip() or None,
                           date_from=self.date_from.data, date_to=self.date_to.data)


def _within_the_record(field: DateField) -> None:
    """A date the log can hold: from EARLIEST_DATE to a year ahead; year 1 or 9999 is a typo, refused at the field."""
    if field.data and not EARLIEST_DATE <= field.data <= date.today() + timedelta(days=366):
        field.data = None
        raise ValidationError(_l("日期须在%(start)s到明年之间，请检查年份。", start=EARLIEST_DATE.isoformat()))


def _filter_form() -> AuditFilterForm:
    form = AuditFilterForm(audit_query.filter_options(db.session(), current_staff()), formdata=request.args)
    form.validate()
    return form


@bp.route("/audit")
def audit_log() -> str:
    """审计日志: newest first, in words; nothing here or anywhere else edits or deletes an event."""
    form = _filter_form()
    result = audit_query.search(db.session(), current_staff(), form.to_filter(),
                                current_app.config["BABEL_DEFAULT_TIMEZONE"], page_number(request.args.get("page")))
    kept = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("staff/audit.html", form=form, result=result, kept=kept,
                           filtered=any(k in kept for k in form.data), export_limit=audit_query.EXPORT_LIMIT)


@bp.route("/audit.csv")
def audit_export() -> Response:
    """The filtered log as CSV, streamed; the export is itself an audit event (committed before the first row)."""
    form = _filter_form()
    session = db.session()
    rows = audit_query.export_csv(session, current_staff(), form.to_filter(),
                                  current_app.config["BABEL_DEFAULT_TIMEZONE"])
    first = next(rows)
    session.commit()
    response = Response(stream_with_context(_chain(first, rows)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename=audit-{date.today():%Y%m%d}.csv"
    return response


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest
