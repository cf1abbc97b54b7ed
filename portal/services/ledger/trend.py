"""整改完成率的变化: the completion rate (done measures / all measures) over time, replayed from the measures' history
at the days it changed, beside the figures each published progress report froze."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Campaign, ProgressReport
from portal.services.ledger.figures import rate
from portal.services.ledger.history import LedgerHistory

#: at most this many points from the history: every change day when there are this few, else one per month
MAX_POINTS = 24


@dataclass(frozen=True)
class RatePoint:
    """整改完成率 on a day: from the ledger's history, or from a report's frozen snapshot (report_id set)."""

    day: date
    measures: int
    done: int
    rate: str
    report_id: int | None = None
    report_title: str | None = None


@dataclass(frozen=True)
class Trend:
    """The history's points and the reports' points, each oldest first."""

    ledger: list[RatePoint]
    reports: list[RatePoint]

    @property
    def points(self) -> list[RatePoint]:
        """Every point by date, a report after the history's point of the same day."""
        return sorted(self.ledger + self.reports, key=lambda p: (p.day, p.report_id is not None, p.report_id or 0))


def chart_days(days: list[date], limit: int = MAX_POINTS) -> list[date]:
    """Of the change days (oldest first): all of them when there are at most limit; else the last change day of each
    month, the latest limit months (so the last change is always shown)."""
    if len(days) <= limit:
        return list(days)
    monthly = {(day.year, day.month): day for day in days}
    return list(monthly.values())[-limit:]


def completion_trend(session: Session, campaign: Campaign, timezone: str) -> Trend:
    """The completion rate at the end of each chart day (figures_as_of replayed from one read of the history) and in
    each published report's snapshot (a report without one is left out), in four queries."""
    history = LedgerHistory(session, campaign)
    days = chart_days(history.change_days(timezone))
    ledger = [RatePoint(day, figures["measures"], figures["done"], figures["rate"])
              for day, figures in zip(days, history.figures_on_days(days, timezone), strict=True)]
    reports = session.execute(
        select(ProgressReport.id, ProgressReport.title, ProgressReport.as_of, ProgressReport.snapshot)
        .where(ProgressReport.campaign_id == campaign.id).order_by(ProgressReport.as_of, ProgressReport.id)).all()
    return Trend(ledger, [RatePoint(as_of, int(snapshot["measures"]), int(snapshot["done"]),
                                    rate(int(snapshot["done"]), int(snapshot["measures"])), report_id, title)
                          for report_id, title, as_of, snapshot in reports
                          if snapshot and "measures" in snapshot and "done" in snapshot])
