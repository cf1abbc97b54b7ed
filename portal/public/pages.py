"""Home (the campaign's progress at a glance) and contact pages."""
from __future__ import annotations

from flask import render_template

from ..models import Campaign
from ..services.ledger.pages import CampaignVersion
from ..services.stats.public import PublicFigures
from . import bp
from .common import (
    cached_page,
    campaign_version_or_404,
    default_campaign,
    find_campaign_version,
    public_feedback,
    summary,
)


@bp.get("/")
def home() -> str:
    found = find_campaign_version(None)
    if found is None:
        return render_template("public/empty.html")
    return _home(found)


@bp.get("/campaigns/<slug>/")
def campaign_home(slug: str) -> str:
    return _home(campaign_version_or_404(slug))


def _home(found: CampaignVersion) -> str:
    """The home page, cached by the ledger's data version and by the opinion figures it shows."""
    feedback = public_feedback(found.id)
    return cached_page(found, lambda campaign: _render_home(campaign, feedback), stamp=feedback)


@bp.get("/contact")
def contact() -> str:
    return render_template("public/contact.html", campaign=default_campaign())


def _render_home(campaign: Campaign, feedback: PublicFigures) -> str:
    return render_template("public/home.html", campaign=campaign, summary=summary(campaign), feedback=feedback)
