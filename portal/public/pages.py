"""Home (the campaign's progress at a glance) and contact pages."""
from __future__ import annotations

from flask import render_template

from ..models import Campaign
from ..services.common.public_version import FEEDBACK, LEDGER
from . import bp
from .common import campaign_or_404, default_campaign, public_feedback, summary
from .response_cache import cached_response


@bp.get("/")
@cached_response(LEDGER, FEEDBACK)
def home() -> str:
    campaign = default_campaign()
    if campaign is None:
        return render_template("public/empty.html")
    return _home(campaign)


@bp.get("/campaigns/<slug>/")
@cached_response(LEDGER, FEEDBACK)
def campaign_home(slug: str) -> str:
    return _home(campaign_or_404(slug))


def _home(campaign: Campaign) -> str:
    return render_template("public/home.html", campaign=campaign, summary=summary(campaign),
                           feedback=public_feedback(campaign.id))


@bp.get("/contact")
@cached_response(LEDGER)
def contact() -> str:
    return render_template("public/contact.html", campaign=default_campaign())

