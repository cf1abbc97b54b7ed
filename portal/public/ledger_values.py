"""What public pages compute from the ledger besides the summary (the last change, the filter choices, the
completion-rate trend, the campaign list), once per public LEDGER data version (portal.public.common.cached)."""
from __future__ import annotations

from datetime import date

from flask import current_app

from .. import db
from ..models import Campaign
from ..services.ledger import filters, history, pages, trend
from .common import cached

#: the owner of values about every campaign (campaign ids start at 1)
ALL_CAMPAIGNS = 0


def _timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def ledger_as_of(campaign: Campaign) -> date | None:
    """台账数据截至 (portal.services.ledger.history.ledger_as_of)."""
    return cached(campaign.id, "as_of", lambda: history.ledger_as_of(db.session(), campaign, _timezone()))


def filter_choices(campaign: Campaign) -> filters.FilterChoices:
    return cached(campaign.id, "choices", lambda: filters.filter_choices(db.session(), campaign))


def completion_trend(campaign: Campaign) -> trend.Trend:
    return cached(campaign.id, "trend", lambda: trend.completion_trend(db.session(), campaign, _timezone()))


def campaign_overview() -> list[pages.CampaignRow]:
    """Every campaign with its headline figures, the home page's first."""
    return cached(ALL_CAMPAIGNS, "overview", lambda: pages.campaign_overview(
        db.session(), current_app.config["DEFAULT_CAMPAIGN"], _timezone()))
