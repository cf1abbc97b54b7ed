"""统计 (/staff/stats): a campaign's figures for a range of received dates, charts beside tables, CSV and .xlsx."""
from __future__ import annotations

from flask import Response, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from .. import db
from ..auth import current_staff
from ..services.common import authz
from ..services.common.clocks import ClockSettings
from ..services.ledger import campaigns
from ..services.stats import definitions, figures, scope, tables
from ..services.stats.lights import LightThresholds
from . import bp
from .svg_charts import bar_chart

#: download format → (media type)
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class StatsForm(FlaskForm):
    """统计范围: read from the query string, so a page of figures can be bookmarked and downloaded alike."""

    class Meta:
        csrf = False

    campaign = SelectField(_l("整改任务"))
    date_from = DateField(_l("收到日期自"), [Optional()])
    date_to = DateField(_l("收到日期至"), [Optional()])
    period = SelectField(_l("按时间统计"), choices=[("month", _l("按月")), ("week", _l("按周"))], default="month")

    def validate_date_from(self, field: DateField) -> None:
        _checked(lambda: scope.check_day(field.data, "date_from"), field)

    def validate_date_to(self, field: DateField) -> None:
        _checked(lambda: scope.check_day(field.data, "date_to"), field)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("结束日期不能早于起始日期。"))


def _checked(check, field: DateField) -> None:
    try:
        check()
    except scope.StatsScopeError as exc:
        field.data = None
        raise ValidationError(exc.message) from None


def _form() -> StatsForm:
    session = db.session()
    form = StatsForm(formdata=request.args if request.args else None)
    form.campaign.choices = [(c.slug, c.title) for c in campaigns.list_campaigns(session)]
    if not request.args:
        default = campaigns.default_campaign(session, current_app.config["DEFAULT_CAMPAIGN"])
        form.campaign.data = default.slug if default else None
    return form


def _figures(form: StatsForm) -> figures.StatsFigures:
    session = db.session()
    found = scope.find_scope(session, form.campaign.data or "", form.date_from.data, form.date_to.data,
                             form.period.data or "month")
    return figures.compute(session, current_staff(), found, ClockSettings.from_config(current_app.config),
                           LightThresholds.from_config(current_app.config))


@bp.get("/stats")
def stats() -> tuple[str, int]:
    """The figures with their definitions; a refused scope shows the form with its errors (400)."""
    authz.require(current_staff(), "view_stats")
    form = _form()
    valid = bool(form.campaign.choices) and form.validate() if request.args else bool(form.campaign.data)
    result = _figures(form) if valid else None
    found = tables.tables(result) if result else {}
    return render_template(
        "staff/stats.html", form=form, figures=result, tables=found, charts=_charts(result, found),
        definitions=definitions.definitions(ClockSettings.from_config(current_app.config),
                                            LightThresholds.from_config(current_app.config)),
        args={k: v for k, v in request.args.items() if k in form.data}), 200 if valid or not request.args else 400


#: table key → the column its chart draws
CHART_COLUMNS = {"channel": 1, "kind": 1, "period": 1, "problems": 2, "measures": 2}


def _charts(result: figures.StatsFigures | None, found: dict[str, tables.StatsTable]) -> dict:
    """key → SVG chart beside the table of that key; the departments' chart draws 按期办结率."""
    if result is None:
        return {}
    charts = {key: bar_chart(str(found[key].title), [(str(row[0]), float(row[column] or 0)) for row in found[key].rows])
              for key, column in CHART_COLUMNS.items() if found[key].rows}
    rated = [(str(tables.RATING_LABELS[k]), float(getattr(result.satisfaction, k))) for k in tables.RATING_LABELS]
    if result.satisfaction.rated:
        charts["satisfaction"] = bar_chart(str(found["satisfaction"].title), rated)
    on_time = [(d.department, float(d.handling.on_time_answer_rate or 0)) for d in result.by_department]
    if on_time:
        charts["departments"] = bar_chart(str(_l("各承办部门按期办结率")), on_time, "%")
    return charts


@bp.get("/stats/<table>.<fmt>")
def stats_download(table: str, fmt: str) -> Response:
    """One table of the page as CSV (UTF-8 with BOM) or .xlsx, for the same query string."""
    authz.require(current_staff(), "view_stats")
    if table not in tables.TABLE_KEYS or fmt not in FORMATS:
        abort(404)
    form = _form()
    if not form.validate():
        return Response("\n".join(e for errors in form.errors.values() for e in map(str, errors)), 400,
                        mimetype="text/plain")
    chosen = tables.tables(_figures(form))[table]
    body = tables.as_csv(chosen) if fmt == "csv" else tables.as_xlsx(chosen)
    name = f"stats-{form.campaign.data}-{table}.{fmt}"
    return Response(body, mimetype=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
