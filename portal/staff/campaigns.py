"""整改任务 (rectification office): the campaigns listed, created, edited, and the one the home page shows."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..models import Campaign
from ..services.common import authz
from ..services.common.clocks import ClockSettings
from ..services.ledger import campaign_office, recheck_office
from ..services.ledger.campaigns import CampaignError
from . import bp
from .account_forms import show_service_error
from .campaign_forms import CampaignForm, NewCampaignForm


def office_campaign_or_404(slug: str, action: str = "manage_campaigns") -> Campaign:
    """The campaign of the URL, for a user who may do action on campaigns (403 otherwise, 404 when none)."""
    campaign = campaign_office.campaign_for_office(db.session(), current_staff(), slug, action)
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/campaigns", endpoint="campaigns")
def campaign_list() -> str:
    rows = campaign_office.overview(db.session(), current_staff(), current_app.config["DEFAULT_CAMPAIGN"])
    today = ClockSettings.from_config(current_app.config).today()
    due = recheck_office.due_counts(db.session(), current_staff(), today)
    return render_template("staff/campaigns.html", rows=rows, can_import=authz.can(current_staff(), "import_ledger"),
                           rechecks_due=due)


@bp.route("/campaigns/new", methods=["GET", "POST"], endpoint="campaign_new")
def campaign_new() -> Response | str:
    authz.require(current_staff(), "manage_campaigns")
    session = db.session()
    form = NewCampaignForm()
    if form.validate_on_submit():
        try:
            campaign = campaign_office.create(session, current_staff(), form.slug.data or "", form.details())
        except CampaignError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已新建整改任务“%(title)s”。", title=campaign.title), "success")
            return redirect(url_for("staff.campaigns"))
    return render_template("staff/campaign_form.html", form=form, campaign=None)


@bp.route("/campaigns/<slug>/edit", methods=["GET", "POST"], endpoint="campaign_edit")
def campaign_edit(slug: str) -> Response | str:
    campaign = office_campaign_or_404(slug)
    session = db.session()
    form = CampaignForm(data=vars(campaign_office.details_of(campaign)))
    if form.validate_on_submit():
        try:
            changes = campaign_office.edit(session, current_staff(), campaign, form.details())
        except CampaignError as exc:
            session.rollback()
            show_service_error(form, exc)
        else:
            session.commit()
            flash(_("已保存整改任务“%(title)s”。", title=campaign.title) if changes else _("没有改动。"), "success")
            return redirect(url_for("staff.campaigns"))
    return render_template("staff/campaign_form.html", form=form, campaign=campaign)


@bp.post("/campaigns/<slug>/home", endpoint="campaign_home")
def campaign_home(slug: str) -> Response:
    campaign = office_campaign_or_404(slug)
    campaign_office.show_on_home(db.session(), current_staff(), campaign)
    db.session().commit()
    flash(_("首页现在展示整改任务“%(title)s”。", title=campaign.title), "success")
    return redirect(url_for("staff.campaigns"))
