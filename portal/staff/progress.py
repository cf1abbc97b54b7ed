"""部门进展报送: a department's measures and its updates of them; the rectification office's review of the updates."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..models import Measure
from ..models.progress import ProgressUpdate
from ..services.common import authz
from ..services.common.clocks import ClockSettings
from ..services.feedback.attachments import Upload
from ..services.ledger import progress
from . import bp
from .account_forms import show_service_error
from .campaign_forms import ProgressForm, ReturnForm


@bp.get("/measures", endpoint="department_measures")
def department_measures() -> str:
    session = db.session()
    measures = progress.department_measures(session, current_staff())
    today = ClockSettings.from_config(current_app.config).today()
    return render_template("staff/department_measures.html", measures=measures, today=today,
                           overdue={m.id for m in measures if progress.is_overdue(m, today)},
                           latest=progress.of_measures(session, [m.id for m in measures]))


@bp.route("/measures/<int:measure_id>/progress", methods=["GET", "POST"], endpoint="progress_new")
def progress_new(measure_id: int) -> Response | str:
    user, session = current_staff(), db.session()
    authz.require(user, "report_progress")
    measure = session.get(Measure, measure_id) or abort(404)
    if not progress.responsible_for(session, user, measure):
        abort(404)
    form = ProgressForm(data={"status": measure.status, "completed_on": measure.completed_on})
    if form.validate_on_submit():
        today = ClockSettings.from_config(current_app.config).today()
        try:
            progress.submit(session, user, measure, form.status.data or "", form.completed_on.data,
                            form.progress_note.data or "", today, uploaded_evidence(),
                            Path(current_app.config["UPLOAD_DIR"]))
        except progress.ProgressError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已报送措施%(code)s的进展，整改办审核后公开。", code=measure.code), "success")
            return redirect(url_for("staff.department_measures"))
    return render_template("staff/progress_form.html", form=form, measure=measure, max_files=progress.MAX_FILES,
                           latest=progress.of_measures(session, [measure.id]).get(measure.id))


def uploaded_evidence() -> list[Upload]:
    """The files of the request's evidence field (a progress update's or a 回头看's)."""
    return [Upload(f.filename or "", f.read()) for f in request.files.getlist("evidence") if f and f.filename]


@bp.get("/progress", endpoint="progress_list")
def progress_list() -> str:
    today = ClockSettings.from_config(current_app.config).today()
    return render_template("staff/progress_list.html", updates=progress.pending(db.session(), current_staff()),
                           overdue=progress.overdue(db.session(), current_staff(), today), form=ReturnForm())


def _update_or_404(update_id: int) -> ProgressUpdate:
    return progress.update_for_office(db.session(), current_staff(), update_id) or abort(404)


@bp.get("/progress/evidence/<int:evidence_id>", endpoint="progress_evidence")
def progress_evidence(evidence_id: int) -> Response:
    found = progress.evidence_for_office(db.session(), current_staff(), evidence_id) or abort(404)
    response = send_file(Path(current_app.config["UPLOAD_DIR"]) / found.stored_name, mimetype=found.content_type,
                         as_attachment=True, download_name=found.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/progress/<int:update_id>/approve", endpoint="progress_approve")
def progress_approve(update_id: int) -> Response:
    update, session = _update_or_404(update_id), db.session()
    try:
        progress.approve(session, current_staff(), update)
    except progress.ProgressError as exc:
        session.rollback()
        flash(exc.message, "error")
    else:
        session.commit()
        flash(_("已采纳措施%(code)s的进展，已公开。", code=update.measure.code), "success")
    return redirect(url_for("staff.progress_list"))


@bp.post("/progress/<int:update_id>/return", endpoint="progress_return")
def progress_return(update_id: int) -> Response:
    update, session = _update_or_404(update_id), db.session()
    form = ReturnForm()
    try:
        progress.return_update(session, current_staff(), update, form.comment.data or "")
    except progress.ProgressError as exc:
        session.rollback()
        flash(exc.message, "error")
    else:
        session.commit()
        flash(_("已退回措施%(code)s的进展。", code=update.measure.code), "success")
    return redirect(url_for("staff.progress_list"))
