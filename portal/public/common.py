"""What every public page needs: the campaign from the URL or config, the cache, today's date."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from flask import abort, current_app
from flask.blueprints import BlueprintSetupState

from .. import db
from ..models import Campaign
from ..services.common.clocks import ClockSettings
from ..services.ledger import campaigns
from ..services.ledger.pages import CampaignSummary, campaign_summary, today
from ..services.stats.public import PublicFigures, campaign_public
from .versioned_cache import VersionedCache

CACHE_KEY = "portal.public_cache"


def install_cache(state: BlueprintSetupState) -> None:
    """Give the app one cache, shared by the public pages and the open data API."""
    state.app.extensions.setdefault(CACHE_KEY, VersionedCache())


def campaign_or_404(slug: str) -> Campaign:
    campaign = campaigns.find_campaign(db.session(), slug)
    if campaign is None:
        abort(404)
    return campaign


def default_campaign() -> Campaign | None:
    """The campaign pages show when the URL names none (portal.services.ledger.campaigns.default_campaign)."""
    return campaigns.default_campaign(db.session(), current_app.config["DEFAULT_CAMPAIGN"])


def cached(campaign: Campaign, key: Hashable, compute: Callable[[], Any]) -> Any:
    """compute() once per campaign data version (campaign.touch() moves it on every ledger or report change)."""
    cache: VersionedCache = current_app.extensions[CACHE_KEY]
    return cache.get(campaign.id, campaign.data_version or 0, key, compute)


def public_feedback(campaign_id: int) -> PublicFigures:
    """The campaign's opinion figures (收到、受理、答复、按期答复率、满意率)."""
    return campaign_public(db.session(), campaign_id, ClockSettings.from_config(current_app.config))


def summary(campaign: Campaign) -> CampaignSummary:
    """The campaign's figures, category links and latest report, computed once per data version."""
    return cached(campaign, "summary", lambda: campaign_summary(db.session(), campaign))


def local_today() -> date:
    return today(current_app.config["BABEL_DEFAULT_TIMEZONE"])
