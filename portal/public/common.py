"""What every public page needs: the campaign from the URL or config, the cache, today's date."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from flask import abort, current_app, request
from flask.blueprints import BlueprintSetupState
from flask_babel import get_locale

from .. import db
from ..models import Campaign
from ..services.common.clocks import ClockSettings
from ..services.ledger import campaigns
from ..services.ledger.pages import (
    CampaignSummary,
    CampaignVersion,
    campaign_summary,
    campaign_version,
    home_campaign_version,
    today,
)
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


def find_campaign_version(slug: str | None) -> CampaignVersion | None:
    """The campaign with this slug, or without one default_campaign(), as id and version in one light query.

    The answer is reused for PUBLIC_VERSION_SECONDS: that long after a ledger import a process may still serve
    the previous figures, and the busiest page costs no database round trip at all.
    """
    def lookup() -> CampaignVersion | None:
        with db.engine().connect() as connection:
            if slug:
                return campaign_version(connection, slug)
            return home_campaign_version(connection, current_app.config["DEFAULT_CAMPAIGN"])

    cache: VersionedCache = current_app.extensions[CACHE_KEY]
    return cache.recent(("version", slug), current_app.config["PUBLIC_VERSION_SECONDS"], lookup)


def cached(campaign: Campaign | CampaignVersion, key: Hashable, compute: Callable[[], Any]) -> Any:
    """compute() once per campaign data version (campaign.touch() moves it on every ledger or report change)."""
    cache: VersionedCache = current_app.extensions[CACHE_KEY]
    return cache.get(campaign.id, campaign.data_version or 0, key, compute)


def campaign_version_or_404(slug: str) -> CampaignVersion:
    return find_campaign_version(slug) or abort(404)


def cached_page(found: CampaignVersion, render: Callable[[Campaign], str], stamp: Hashable = None) -> str:
    """render(campaign) for this page once per data version, language and stamp; no query but the version's
    otherwise.

    Only for pages that show nothing but the campaign's ledger and reports, and what stamp stands for (the home
    page's opinion figures, public_feedback()): nothing else that changes without campaign.touch(), nothing that
    depends on the visitor. A request with a query string is rendered afresh, so that arbitrary URLs cannot fill
    the cache.
    """
    def compute() -> str:
        return render(db.session().get(Campaign, found.id) or abort(404))

    if request.query_string:
        return compute()
    key = (request.endpoint, tuple(sorted((request.view_args or {}).items())), str(get_locale()))
    cache: VersionedCache = current_app.extensions[CACHE_KEY]
    return cache.get(found.id, found.data_version or 0, key, compute, stamp)


def public_feedback(campaign_id: int) -> PublicFigures:
    """The campaign's opinion figures (收到、受理、答复、按期答复率、满意率), reused for PUBLIC_VERSION_SECONDS like the
    data version: opinions change without campaign.touch(), so a page showing them is cached by their value too."""
    def lookup() -> PublicFigures:
        return campaign_public(db.session(), campaign_id, ClockSettings.from_config(current_app.config))

    cache: VersionedCache = current_app.extensions[CACHE_KEY]
    return cache.recent(("feedback", campaign_id), current_app.config["PUBLIC_VERSION_SECONDS"], lookup) \
        or PublicFigures()


def summary(campaign: Campaign) -> CampaignSummary:
    """The campaign's figures, category links and latest report, computed once per data version."""
    return cached(campaign, "summary", lambda: campaign_summary(db.session(), campaign))


def local_today() -> date:
    return today(current_app.config["BABEL_DEFAULT_TIMEZONE"])
