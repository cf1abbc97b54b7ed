"""进展通报 in the browser (rectification office): a campaign's reports and drafts, a new draft pasted or uploaded,
its review beside the ledger's figures, then publication or discarding, each confirmed on its own page."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..models import Campaign, ReportDraft
from ..services.common.errors import ServiceError
from ..services.reports import drafts
from ..services.reports.comparison import disagreement
from ..services.reports.importer import list_reports
from ..services.reports.sources import received_text
from . import bp
from .account_forms import show_service_error
from .campaigns import office_campaign_or_404
from .report_forms import DiscardForm, DraftForm, NewReportForm, PublishForm


def _draft_or_404(campaign: Campaign, draft_id: int) -> ReportDraft:
    draft = drafts.draft_for_office(db.session(), current_staff(), campaign, draft_id)
    if draft is None:
        abort(404)
    return draft


def _review(draft: ReportDraft) -> drafts.DraftReview:
    return drafts.review(db.session(), draft, current_app.config["BABEL_DEFAULT_TIMEZONE"])


@bp.get("/campaigns/<slug>/reports", endpoint="campaign_reports")
def campaign_reports(slug: str) -> str:
    campaign = office_campaign_or_404(slug, drafts.RIGHT)
    session = db.session()
    return render_template("staff/reports.html", campaign=campaign, reports=list_reports(session, campaign),
                           drafts=drafts.list_drafts(session, current_staff(), campaign), marks=drafts.marks)


@bp.route("/campaigns/<slug>/reports/new", methods=["GET", "POST"], endpoint="campaign_report_new")
def campaign_report_new(slug: str) -> Response | str:
    campaign = office_campaign_or_404(slug, drafts.RIGHT)
    form = NewReportForm()
    if form.validate_on_submit():
        session = db.session()
        upload = form.upload.data
        name = Path(upload.filename).name if upload is not None and upload.filename else None
        try:
            text = received_text(form.text.data, name, upload.stream if name else None)
            draft = drafts.create_draft(session, current_staff(), campaign, text, form.details(), source_name=name)
        except ServiceError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已保存为草稿，尚未发布：请核对标出的待核对文字和数字。"), "success")
            return redirect(url_for("staff.campaign_report_draft", slug=campaign.slug, draft_id=draft.id))
    return render_template("staff/report_new.html", campaign=campaign, form=form)


@bp.route("/campaigns/<slug>/reports/drafts/<int:draft_id>", methods=["GET", "POST"],
          endpoint="campaign_report_draft")
def campaign_report_draft(slug: str, draft_id: int) -> Response | str:
    campaign = office_campaign_or_404(slug, drafts.RIGHT)
    draft = _draft_or_404(campaign, draft_id)
    session = db.session()
    form = DraftForm(data={"body": draft.body, "as_of": draft.as_of, "title": draft.title,
                           "revision": draft.revision})
    if form.validate_on_submit():
        try:
            changed = drafts.save_draft(session, current_staff(), draft, form.body.data or "", form.details(),
                                        form.revision.data or 0)
        except ServiceError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已保存草稿，并重新核对了数字。") if changed else _("没有改动。"), "success")
            return redirect(url_for("staff.campaign_report_draft", slug=campaign.slug, draft_id=draft.id))
    return render_template("staff/report_draft.html", campaign=campaign, review=_review(draft), form=form,
                           disagreement=disagreement)


@bp.route("/campaigns/<slug>/reports/drafts/<int:draft_id>/publish", methods=["GET", "POST"],
          endpoint="campaign_report_publish")
def campaign_report_publish(slug: str, draft_id: int) -> Response | str:
    campaign = office_campaign_or_404(slug, drafts.RIGHT)
    draft = _draft_or_404(campaign, draft_id)
    session = db.session()
    form = PublishForm(data={"revision": draft.revision})
    if form.validate_on_submit():
        try:
            report = drafts.publish_draft(session, current_staff(), draft, form.revision.data or 0,
                                          accept_marks=form.accept_marks.data)
        except ServiceError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()  # the public report page, refreshed by the commit, shows what was published
            return redirect(url_for("public.report", slug=campaign.slug, report_id=report.id))
    return render_template("staff/report_publish.html", campaign=campaign, review=_review(draft), form=form,
                           disagreement=disagreement)


@bp.route("/campaigns/<slug>/reports/drafts/<int:draft_id>/discard", methods=["GET", "POST"],
          endpoint="campaign_report_discard")
def campaign_report_discard(slug: str, draft_id: int) -> Response | str:
    campaign = office_campaign_or_404(slug, drafts.RIGHT)
    draft = _draft_or_404(campaign, draft_id)
    form = DiscardForm()
    if form.validate_on_submit():
        drafts.discard_draft(db.session(), current_staff(), draft)
        db.session().commit()
        flash(_("已放弃草稿，未发布任何内容。"), "success")
        return redirect(url_for("staff.campaign_reports", slug=campaign.slug))
    return render_template("staff/report_discard.html", campaign=campaign, review=_review(draft), form=form)
