"""分办队列: the staff queue with filters, sorts, counts per state, pages and the user's saved views."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..services.common.clocks import ClockSettings
from ..services.common.numbers import page_number
from ..services.feedback import bulk, saved_views, workflow
from ..services.feedback import queue as queue_service
from . import bp


def _render(filters: queue_service.QueueFilters, status: int = 200, errors: dict[str, str] | None = None,
            view_name: str = "") -> tuple[str, int]:
    session, user = db.session(), current_staff()
    clocks = ClockSettings.from_config(current_app.config)
    page = queue_service.queue_page(session, user, filters, page_number(request.args.get("page")),
                                    current_app.config["QUEUE_PAGE_SIZE"], clocks)
    return render_template("staff/queue.html", filters=filters, page=page, bulk_actions=bulk.allowed_actions(user),
                           bulk_labels=bulk.LABELS, views=saved_views.user_views(session, user),
                           departments=workflow.departments(session),
                           errors=errors or {}, view_name=view_name), status


@bp.get("/queue")
def queue() -> tuple[str, int]:
    return _render(queue_service.QueueFilters.from_args(request.args))


@bp.post("/queue/views")
def save_view() -> Response | tuple[str, int]:
    filters = queue_service.QueueFilters.from_args(request.form)
    name = request.form.get("view_name", "")
    try:
        view = saved_views.save_view(db.session(), current_staff(), name, filters)
    except saved_views.ViewError as exc:
        return _render(filters, 422, errors={"view_name": str(exc)}, view_name=name[:100])
    db.session().commit()
    flash(_("已保存视图“%(name)s”。", name=view.name), "success")
    return redirect(url_for("staff.queue", **filters.as_args()))


@bp.post("/queue/views/<int:view_id>/delete")
def delete_view(view_id: int) -> Response:
    session = db.session()
    if not request.form.get("confirm"):
        flash(_("请勾选“确认删除”后再删除视图。"), "error")
        return redirect(url_for("staff.queue"))
    try:
        view = saved_views.delete_view(session, current_staff(), view_id)
    except saved_views.ViewNotFound:
        abort(404)
    session.commit()
    flash(_("已删除视图“%(name)s”。", name=view.name), "success")
    return redirect(url_for("staff.queue"))
