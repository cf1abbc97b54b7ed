"""分办队列: the staff queue with filters, counts per state and pages, and bulk assignment."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..services.accounts.departments import choices as department_choices
from ..services.common.clocks import ClockSettings
from ..services.common.numbers import page_number, parse_id
from ..services.feedback import queue as queue_service
from ..services.feedback import workflow
from . import bp


@bp.get("/queue")
def queue() -> str:
    filters = queue_service.QueueFilters.from_args(request.args)
    session = db.session()
    number = page_number(request.args.get("page"))
    page = queue_service.queue_page(session, current_staff(), filters, number, current_app.config["QUEUE_PAGE_SIZE"],
                                    ClockSettings.from_config(current_app.config))
    return render_template("staff/queue.html", filters=filters, page=page,
                           departments=workflow.departments(session), assignable=department_choices(session))


@bp.post("/queue/assign")
def bulk_assign() -> Response:
    filters = queue_service.QueueFilters.from_args(request.form)
    back = url_for("staff.queue", **filters.as_args(page=page_number(request.form.get("page"))))
    ids = [i for i in map(parse_id, request.form.getlist("item_ids")) if i is not None]
    department_id = parse_id(request.form.get("assign_department"))
    session = db.session()
    try:
        done, skipped = queue_service.bulk_assign(session, current_staff(), ids, department_id,
                                                  ClockSettings.from_config(current_app.config))
    except workflow.WorkflowError as exc:
        flash(str(exc), "error")
        return redirect(back)
    session.commit()
    flash(_("已交办%(count)d件。", count=len(done)), "success")
    for item, why in skipped:
        flash(_("%(case)s 未交办：%(why)s", case=item.case_number, why=why), "error")
    return redirect(back)
