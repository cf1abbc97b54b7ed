"""Home (the campaign's progress at a glance) and contact pages."""
from __future__ import annotations

from flask import render_template

from ..models import Campaign
from . import bp
from .common import cached_page, campaign_version_or_404, default_campaign, find_campaign_version, summary


@bp.get("/")
def home() -> str:
    found = find_campaign_version(None)
    if found is None:
        return render_template("public/empty.html")
    return cached_page(found, _render_home)


@bp.get("/campaigns/<slug>/")
def campaign_home(slug: str) -> str:
    return cached_page(campaign_version_or_404(slug), _render_home)


@bp.get("/contact")
def contact() -> str:
    return render_template("public/contact.html", campaign=default_campaign())


def _render_home(campaign: Campaign) -> str:
    return render_template("public/home.html", campaign=campaign, summary=summary(campaign))
