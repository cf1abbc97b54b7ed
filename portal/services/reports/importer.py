"""进展通报导入: store a published report with its repaired text, declared figures and a frozen ledger snapshot."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Campaign, ProgressReport, User
from portal.services.common import audit
from portal.services.follow import events as follow_events
from portal.services.ledger import figures
from portal.services.reports.figures import declared_figures
from portal.services.reports.repair.engine import MARK_OPEN, repair_report

#: a first line this short, without a full stop, is the report's own title
TITLE_MAX = 60


def import_report(session: Session, campaign: Campaign, text: str, *, as_of: date, title: str | None = None,
                  actor: str | None = None, user: User | None = None,
                  source_text: str | None = None) -> ProgressReport:
    """Repair text, read its declared figures, freeze the computed ones, and add the report (flushed, not committed).

    actor labels the command that imports, user the staff member who publishes; source_text is the text as received
    when text is already a corrected version of it (a draft checked in the browser). Raises ReportRejected when the
    text is empty or not text at all.
    """
    repaired = repair_report(text)
    report = ProgressReport(
        campaign_id=campaign.id,
        title=(title or "").strip()[:300] or default_title(repaired.text, as_of),
        as_of=as_of,
        body=repaired.text,
        source_text=text if source_text is None else source_text,
        unrepaired_count=repaired.unrepaired_count,
        declared=declared_figures(repaired.text),
        snapshot=figures.campaign_figures(session, campaign),
    )
    campaign.touch()
    session.add(report)
    session.flush()
    follow_events.report_published(session, report)
    audit.record(session, user, "report.import", "progress_report", report.id, actor_label=actor,
                 campaign=campaign.slug, as_of=as_of.isoformat(), unrepaired=report.unrepaired_count)
    return report


def default_title(body: str, as_of: date) -> str:
    """The first line when it reads as a title, else 进展通报（截至2021年3月31日）."""
    first = body.strip().split("\n", 1)[0].strip()
    if first and len(first) <= TITLE_MAX and MARK_OPEN not in first and not any(c in first for c in "。；，："):
        return first
    return f"进展通报（截至{as_of.year}年{as_of.month}月{as_of.day}日）"


def list_reports(session: Session, campaign: Campaign) -> list[ProgressReport]:
    """The campaign's reports, newest as-of date first."""
    return list(session.scalars(
        select(ProgressReport).where(ProgressReport.campaign_id == campaign.id)
        .order_by(ProgressReport.as_of.desc(), ProgressReport.id.desc())
    ))
