"""What every public page needs: the campaign from the URL or config, the cache, today's date."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from flask import Flask, abort, current_app, request
from flask.blueprints import BlueprintSetupState

from .. import db, front_cache, version_mirror
from ..models import Campaign
from ..services.common import public_version
from ..services.common.clocks import ClockSettings
from ..services.common.public_version import LEDGER, Versions
from ..services.ledger import campaigns
from ..services.ledger.pages import CampaignSummary, campaign_summary, today
from ..services.stats.public import PublicFigures, campaign_public
from .versioned_cache import VersionedCache

CACHE_KEY = "portal.public_cache"
#: where the versions a page is keyed by are left (the WSGI environ: tests share g between requests)
PAGE_VERSIONS = front_cache.PAGE_VERSIONS


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


def current_versions() -> Versions:
    """The public data versions, read once per PUBLIC_VERSION_SECONDS per process (0: on every request)."""
    return app_versions(current_app._get_current_object())  # type: ignore[attr-defined]


def app_versions(app: Flask) -> Versions:
    """current_versions of app, also outside its contexts (the front layer, portal.front_cache, reads them before
    Flask has made any)."""
    def lookup() -> Versions:
        mirror = app.extensions.get(version_mirror.KEY)
        copied = mirror.read() if mirror is not None else None
        if copied is not None:
            return copied
        with app.app_context(), db.engine().connect() as connection:
            versions = public_version.read(connection)
        if mirror is not None:
            mirror.publish(versions)
        return versions

    cache = app.extensions[CACHE_KEY]
    return cache.recent("public_versions", app.config["PUBLIC_VERSION_SECONDS"], lookup)


def page_versions() -> Versions:
    """The versions the current page is keyed by (read once per request, by the front layer or cached_response),
    else current_versions."""
    versions = request.environ.get(PAGE_VERSIONS)
    return versions if versions is not None else current_versions()


def cached(owner: int, key: Hashable, compute: Callable[[], Any]) -> Any:
    """compute() once per public LEDGER data version for owner (a campaign's id). That version moves with every
    committed change to the ledger, the reports, 回头看 and campaign details, on every host; Campaign.data_version
    does not move when a 回头看 reopens a measure."""
    cache: VersionedCache = current_app.extensions[CACHE_KEY]
    return cache.get(owner, page_versions().of((LEDGER,))[0], key, compute)


def public_feedback(campaign_id: int) -> PublicFigures:
    """The campaign's opinion figures (收到、受理、答复、按期答复率、满意率)."""
    return campaign_public(db.session(), campaign_id, ClockSettings.from_config(current_app.config))


def summary(campaign: Campaign) -> CampaignSummary:
    """The campaign's figures, category links and latest report, computed once per data version."""
    return cached(campaign.id, "summary", lambda: campaign_summary(db.session(), campaign))


def local_today() -> date:
    return today(current_app.config["BABEL_DEFAULT_TIMEZONE"])
