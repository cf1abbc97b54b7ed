"""回访 and the full export: the clerk records a call about an answer; supervisors and offices download every item."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..models import FeedbackItem
from ..services.common import authz, privacy
from ..services.common.clocks import ClockSettings
from ..services.feedback import export, items
from ..services.satisfaction import callbacks
from ..services.satisfaction.ratings import MAX_COMMENT, RatingError
from . import bp

#: 回访 outcomes on the form
REACHED, NOT_REACHED = "reached", "not_reached"
#: download formats of the export and their media types
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}


@bp.route("/items/<case_number>/callback", methods=["GET", "POST"])
def callback(case_number: str) -> Response | tuple[str, int]:
    session, user = db.session(), current_staff()
    item = items.find_visible(session, user, case_number)
    if item is None or not authz.can(user, "callback", item):
        abort(404 if item is None else 403)
    clocks = ClockSettings.from_config(current_app.config)
    if request.method == "GET":
        return _page(item, clocks)
    outcome, form = request.form.get("outcome"), request.form
    try:
        if outcome == REACHED:
            callbacks.record_reached(session, user, item, form.get("level"), form.get("comment"), clocks)
        elif outcome == NOT_REACHED:
            callbacks.record_not_reached(session, user, item, form.get("note", ""), clocks)
        else:
            raise RatingError(_("请选择回访结果：已接通或未接通。"), "outcome")
    except RatingError as exc:
        session.rollback()
        return _page(item, clocks, {exc.field or "form": exc.message}, form.to_dict(), 422)
    session.commit()
    flash(_("回访结果已记录。"), "success")
    return redirect(url_for("staff.index", _anchor="callbacks"))


def _page(item: FeedbackItem, clocks: ClockSettings, errors: dict[str, str] | None = None, values: dict | None = None,
          status: int = 200) -> tuple[str, int]:
    session, user = db.session(), current_staff()
    satisfaction = callbacks.for_item(session, user, item, clocks)
    if satisfaction.callback_reply is None and status == 200:
        status = 409
    phone = privacy.mask_phone(item.contact.phone) if item.contact else ""
    return render_template("staff/callback.html", item=item, satisfaction=satisfaction, phone=phone,
                           errors=errors or {}, values=values or {}, max_comment=MAX_COMMENT,
                           max_note=callbacks.MAX_NOTE, max_attempts=callbacks.MAX_ATTEMPTS, reached=REACHED,
                           not_reached=NOT_REACHED), status


@bp.get("/export")
def export_items() -> Response:
    """The full export as a download: every item the user may see, contact masked; audited."""
    fmt = request.args.get("format", "xlsx")
    if fmt not in FORMATS:
        abort(404)
    user = current_staff()
    if not authz.can(user, "export_items"):
        abort(403)
    session = db.session()
    data = export.export_bytes(session, user, fmt, current_app.config["BABEL_DEFAULT_TIMEZONE"])
    session.commit()
    name = f"意见建议-{datetime.now(UTC).astimezone().strftime('%Y%m%d')}.{fmt}"
    return send_file(data, mimetype=FORMATS[fmt], as_attachment=True, download_name=name, max_age=0)
