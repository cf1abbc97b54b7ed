"""整改任务: creating campaigns and finding them by slug."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from portal.models import Campaign
from portal.services.common.errors import ServiceError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
TITLE_LENGTH = 200


class CampaignError(ServiceError):
    """A campaign could not be created or found; the message is for the operator (Chinese)."""


def get_campaign(session: Session, slug: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise CampaignError(f"没有标识为“{slug}”的整改任务。可用 flask campaign list 查看已有任务。")
    return campaign


def find_campaign(session: Session, slug: str | None = None) -> Campaign | None:
    """The campaign with this slug, or without one the most recently created campaign."""
    if slug:
        return session.scalar(select(Campaign).where(Campaign.slug == slug))
    return session.scalar(select(Campaign).order_by(Campaign.id.desc()).limit(1))


def home_order(configured: str | None) -> tuple[ColumnElement, ...]:
    """The order whose first campaign the home page shows: the one the office chose in the browser, else the
    configured one (DEFAULT_CAMPAIGN), else the newest."""
    return Campaign.shown_on_home.desc(), (Campaign.slug == (configured or "")).desc(), Campaign.id.desc()


def default_campaign(session: Session, configured: str | None) -> Campaign | None:
    """The campaign the portal shows and files opinions under by default (home_order); None when there is none."""
    return session.scalar(select(Campaign).order_by(*home_order(configured)).limit(1))


def default_campaign_id(session: Session, configured: str | None) -> int | None:
    """default_campaign's id in one query (mail ingest asks for it with every message)."""
    return session.scalar(select(Campaign.id).order_by(*home_order(configured)).limit(1))


def check_title(title: str) -> str:
    """The title, stripped; refused when empty or too long for its column."""
    title = title.strip()
    if not title:
        raise CampaignError(_("标题不能为空。"), "title")
    if len(title) > TITLE_LENGTH:
        raise CampaignError(_("标题过长（最多%(limit)d个字）。", limit=TITLE_LENGTH), "title")
    return title


def create_campaign(session: Session, slug: str, title: str, feedback_date: date, **details) -> Campaign:
    """Create a campaign; details are any other Campaign columns (unit, inspecting_body, contact_phone…)."""
    if not SLUG.match(slug):
        raise CampaignError(_("标识“%(slug)s”无效：只能使用小写字母、数字和连字符，且以字母或数字开头。", slug=slug),
                            "slug")
    title = check_title(title)
    if session.scalar(select(Campaign.id).where(Campaign.slug == slug)) is not None:
        raise CampaignError(_("标识为“%(slug)s”的整改任务已存在。", slug=slug), "slug")
    campaign = Campaign(slug=slug, title=title, feedback_date=feedback_date, **details)
    session.add(campaign)
    session.flush()
    return campaign


def list_campaigns(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.id)))
