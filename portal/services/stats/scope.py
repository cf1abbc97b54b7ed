"""The scope of a statistics request (campaign, received dates, period) from what was typed, with clear refusals."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Campaign
from portal.services.common.clocks import EARLIEST_DATE
from portal.services.common.errors import ServiceError

from .figures import PERIODS, StatsScope


class StatsScopeError(ServiceError):
    """The campaign or a date of a statistics request is unknown or impossible."""


def parse_day(text: str | None, field: str) -> date | None:
    """YYYY-MM-DD, or None for an empty value."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise StatsScopeError(_("日期“%(value)s”无法识别，请按 YYYY-MM-DD 填写，如 2021-03-31。", value=text[:20]),
                              field) from None


def check_day(day: date | None, field: str) -> None:
    """A date the records can hold: from EARLIEST_DATE to a year ahead (year 1 or 9999 is a typo)."""
    if day is not None and not EARLIEST_DATE <= day <= date.today() + timedelta(days=366):
        raise StatsScopeError(_("日期须在%(start)s到明年之间，请检查年份。", start=EARLIEST_DATE.isoformat()), field)


def check_range(date_from: date | None, date_to: date | None) -> None:
    check_day(date_from, "date_from")
    check_day(date_to, "date_to")
    if date_from and date_to and date_to < date_from:
        raise StatsScopeError(_("结束日期不能早于起始日期。"), "date_to")


def find_scope(session: Session, slug: str, date_from: date | None, date_to: date | None,
               period: str = "month") -> StatsScope:
    """The scope, or StatsScopeError naming the field at fault."""
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug)) if slug else None
    if campaign is None:
        raise StatsScopeError(_("没有标识为“%(slug)s”的整改任务。", slug=(slug or "")[:64]), "campaign")
    check_range(date_from, date_to)
    if period not in PERIODS:
        raise StatsScopeError(_("统计周期须为 month（按月）或 week（按周）。"), "period")
    return StatsScope(campaign, date_from, date_to, period)
