"""What public pages compute from the ledger (the last change, the filter choices, the completion-rate trend, the
campaign list), once per public LEDGER data version.

Keyed by that version rather than Campaign.data_version: every committed change to the ledger moves it (a recorded
回头看 and an approved update included, portal.services.common.public_version), on every host."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from flask import current_app
from flask.blueprints import BlueprintSetupState

from .. import db
from ..models import Campaign
from ..services.common.public_version import LEDGER
from ..services.ledger import filters, history, pages, trend
from .response_cache import page_versions
from .versioned_cache import VersionedCache

VALUES_KEY = "portal.public_ledger_values"
#: the owner of values about every campaign (campaign ids start at 1)
ALL_CAMPAIGNS = 0


def install(state: BlueprintSetupState) -> None:
    state.app.extensions.setdefault(VALUES_KEY, VersionedCache())


def _value(owner: int, key: Hashable, compute: Callable[[], Any]) -> Any:
    cache: VersionedCache = current_app.extensions[VALUES_KEY]
    return cache.get(owner, page_versions().of((LEDGER,))[0], key, compute)


def _timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def ledger_as_of(campaign: Campaign) -> date | None:
    """台账数据截至 (portal.services.ledger.history.ledger_as_of)."""
    return _value(campaign.id, "as_of", lambda: history.ledger_as_of(db.session(), campaign, _timezone()))


def filter_choices(campaign: Campaign) -> filters.FilterChoices:
    return _value(campaign.id, "choices", lambda: filters.filter_choices(db.session(), campaign))


def completion_trend(campaign: Campaign) -> trend.Trend:
    return _value(campaign.id, "trend", lambda: trend.completion_trend(db.session(), campaign, _timezone()))


def campaign_overview() -> list[pages.CampaignRow]:
    """Every campaign with its headline figures, the home page's first."""
    return _value(ALL_CAMPAIGNS, "overview", lambda: pages.campaign_overview(
        db.session(), current_app.config["DEFAULT_CAMPAIGN"], _timezone()))
