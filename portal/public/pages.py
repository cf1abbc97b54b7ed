"""Home (the campaign's progress at a glance, every campaign when there are several), the completion rate over time
and the contact page."""
from __future__ import annotations

from flask import render_template

from ..models import Campaign
from ..services.common.public_version import FEEDBACK, LEDGER
from . import bp
from .common import campaign_or_404, default_campaign, public_feedback, summary
from .ledger_values import campaign_overview, completion_trend, filter_choices, ledger_as_of
from .response_cache import cached_response


@bp.get("/")
@cached_response(LEDGER, FEEDBACK)
def home() -> str:
    campaign = default_campaign()
    if campaign is None:
        return render_template("public/empty.html")
    overview = campaign_overview()
    return _home(campaign, overview if len(overview) > 1 else [])


@bp.get("/campaigns/<slug>/")
@cached_response(LEDGER, FEEDBACK)
def campaign_home(slug: str) -> str:
    return _home(campaign_or_404(slug), [])


def _home(campaign: Campaign, overview: list) -> str:
    return render_template("public/home.html", campaign=campaign, summary=summary(campaign),
                           feedback=public_feedback(campaign.id), as_of=ledger_as_of(campaign),
                           choices=filter_choices(campaign), overview=overview)


@bp.get("/campaigns/<slug>/progress")
@cached_response(LEDGER)
def progress(slug: str) -> str:
    campaign = campaign_or_404(slug)
    return render_template("public/progress.html", campaign=campaign, trend=completion_trend(campaign),
                           as_of=ledger_as_of(campaign))


@bp.get("/contact")
@cached_response(LEDGER)
def contact() -> str:
    return render_template("public/contact.html", campaign=default_campaign())
