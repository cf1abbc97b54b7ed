"""回头看 (rectification office): a campaign's re-checks — open and recorded, scheduling, recording a result with
its evidence, downloading the evidence."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from .. import db
from ..auth import current_staff
from ..models import Campaign, Recheck
from ..services.common.clocks import ClockSettings
from ..services.common.numbers import page_number
from ..services.ledger import recheck_office
from ..services.ledger.rechecks import RecheckError
from . import bp
from .account_forms import show_service_error
from .campaigns import office_campaign_or_404
from .progress import uploaded_evidence
from .recheck_forms import RecordForm, ScheduleForm


def _today():
    return ClockSettings.from_config(current_app.config).today()


@bp.route("/campaigns/<slug>/rechecks", methods=["GET", "POST"], endpoint="campaign_rechecks")
def campaign_rechecks(slug: str) -> Response | str:
    campaign, session, user = office_campaign_or_404(slug), db.session(), current_staff()
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            scheduled = recheck_office.schedule(session, user, campaign, form.due_on.data, form.codes.data or [],
                                                form.deadline_label.data, _today())
        except RecheckError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            day = scheduled[0].due_on.isoformat()
            flash(_("已安排%(count)d项回头看，日期%(day)s。", count=len(scheduled), day=day), "success")
            return redirect(url_for("staff.campaign_rechecks", slug=campaign.slug))
    return _list_page(campaign, form)


def _list_page(campaign: Campaign, form: ScheduleForm) -> str:
    session, user = db.session(), current_staff()
    found = recheck_office.choices(session, user, campaign)
    form.deadline_label.choices = [SelectChoice("", _("（不按时限类别）")),
                                   *(SelectChoice(label, label) for label in found.deadline_labels)]
    overview = recheck_office.overview(session, user, campaign, _today(), page_number(request.args.get("page")))
    return render_template("staff/rechecks.html", campaign=campaign, form=form, choices=found, overview=overview,
                           chosen=set(form.codes.data or []))


def _recheck_or_404(campaign: Campaign, recheck_id: int) -> Recheck:
    return recheck_office.recheck_for_office(db.session(), current_staff(), campaign, recheck_id) or abort(404)


@bp.route("/campaigns/<slug>/rechecks/<int:recheck_id>", methods=["GET", "POST"], endpoint="campaign_recheck")
def campaign_recheck(slug: str, recheck_id: int) -> Response | str:
    campaign, session = office_campaign_or_404(slug), db.session()
    recheck = _recheck_or_404(campaign, recheck_id)
    form = RecordForm()
    if form.validate_on_submit():
        try:
            recheck_office.record(session, current_staff(), recheck, form.result.data or "", form.note.data or "",
                                  relapse_confirmed=bool(form.confirm_relapse.data), files=uploaded_evidence(),
                                  upload_dir=Path(current_app.config["UPLOAD_DIR"]))
        except RecheckError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已记录措施%(code)s的回头看结果。", code=recheck.measure.code), "success")
            return redirect(url_for("staff.campaign_recheck", slug=campaign.slug, recheck_id=recheck.id))
    return render_template("staff/recheck.html", campaign=campaign, recheck=recheck, form=form, today=_today(),
                           max_files=recheck_office.MAX_FILES)


@bp.get("/campaigns/<slug>/rechecks/evidence/<int:evidence_id>", endpoint="campaign_recheck_evidence")
def campaign_recheck_evidence(slug: str, evidence_id: int) -> Response:
    campaign = office_campaign_or_404(slug)
    found = recheck_office.evidence_for_office(db.session(), current_staff(), campaign, evidence_id) or abort(404)
    response = send_file(Path(current_app.config["UPLOAD_DIR"]) / found.stored_name, mimetype=found.content_type,
                         as_attachment=True, download_name=found.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
