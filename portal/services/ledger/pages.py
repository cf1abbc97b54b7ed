"""Read side of the public site: each page's data in a bounded number of queries, whatever the ledger's size."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from portal.models import DONE, Campaign, Category, Measure, Problem, ProgressReport
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.links import public_counts
from portal.services.ledger.campaigns import home_order
from portal.services.ledger.figures import ProblemProgress, campaign_figures, problem_progress, rate
from portal.services.ledger.history import last_changes, local_date
from portal.services.stats.public import PublicFigures, problem_public


@dataclass(frozen=True)
class ReportLink:
    """Enough of a progress report to link to it."""

    id: int
    title: str
    as_of: date


@dataclass(frozen=True)
class CampaignSummary:
    """What the home page shows besides the campaign itself: figures, category links, latest report."""

    figures: dict
    category_positions: dict[str, int]
    latest_report: ReportLink | None

    def category_figures(self, title: str) -> dict | None:
        """The figures of the category with this title."""
        return next((c for c in self.figures["by_category"] if c["title"] == title), None)


@dataclass(frozen=True)
class CampaignRow:
    """One campaign in the home page's list: what it is and its own headline figures (plain values, cacheable)."""

    slug: str
    title: str
    unit: str | None
    is_sample: bool
    measures: int
    done: int
    rate: str
    #: 台账数据截至 (portal.services.ledger.history.last_changes), a local date; None before any change
    as_of: date | None


@dataclass(frozen=True)
class CategoryPage:
    category: Category
    problems: list[Problem]
    progress: dict[int, ProblemProgress]


@dataclass(frozen=True)
class FeedbackCounts:
    """收到意见 N 件，已答复 M 件 about a problem or measure: numbers only, never content."""

    received: int = 0
    answered: int = 0


@dataclass(frozen=True)
class ProblemPage:
    problem: Problem
    progress: ProblemProgress
    feedback: PublicFigures


def today(timezone: str) -> date:
    """Today's date where the campaign is run (due dates are local dates)."""
    return datetime.now(ZoneInfo(timezone)).date()


def campaign_summary(session: Session, campaign: Campaign) -> CampaignSummary:
    """Figures (from portal.services.ledger.figures), category positions by title and the latest report."""
    positions = session.execute(
        select(Category.title, Category.position).where(Category.campaign_id == campaign.id)
    ).all()
    latest = session.execute(
        select(ProgressReport.id, ProgressReport.title, ProgressReport.as_of)
        .where(ProgressReport.campaign_id == campaign.id)
        .order_by(ProgressReport.as_of.desc(), ProgressReport.id.desc()).limit(1)
    ).first()
    return CampaignSummary(
        figures=campaign_figures(session, campaign),
        category_positions={title: position for title, position in positions},
        latest_report=ReportLink(*latest) if latest else None,
    )


def campaign_overview(session: Session, configured: str | None, timezone: str) -> list[CampaignRow]:
    """Every campaign, the one the home page shows first (home_order), each with its measures, done measures, rate
    and last ledger change, in three queries whatever the number of campaigns."""
    campaigns = session.scalars(select(Campaign).order_by(*home_order(configured))).all()
    counts = {campaign_id: (total, int(done or 0)) for campaign_id, total, done in session.execute(
        select(Measure.campaign_id, func.count(), func.sum(case((Measure.status == DONE, 1), else_=0)))
        .group_by(Measure.campaign_id))}
    changes = last_changes(session, [c.id for c in campaigns])
    rows = []
    for campaign in campaigns:
        total, done = counts.get(campaign.id, (0, 0))
        changed = changes.get(campaign.id)
        rows.append(CampaignRow(campaign.slug, campaign.title, campaign.unit, bool(campaign.is_sample), total, done,
                                rate(done, total), local_date(changed, timezone) if changed else None))
    return rows


def category_page(session: Session, campaign: Campaign, position: int) -> CategoryPage | None:
    """A category with its problems and their derived progress; None when there is no such category."""
    category = session.scalar(
        select(Category).where(Category.campaign_id == campaign.id, Category.position == position)
        .options(selectinload(Category.problems)).order_by(Category.id).limit(1)
    )
    if category is None:
        return None
    problems = list(category.problems)
    return CategoryPage(category, problems, problem_progress(session, problems))


def problem_page(session: Session, campaign: Campaign, number: int, clocks: ClockSettings) -> ProblemPage | None:
    """A problem with its category and measures, its derived progress and its opinions' figures; None when
    unknown."""
    problem = session.scalar(
        select(Problem).where(Problem.campaign_id == campaign.id, Problem.number == number)
        .options(joinedload(Problem.category), selectinload(Problem.measures))
    )
    if problem is None:
        return None
    return ProblemPage(problem, problem_progress(session, [problem])[problem.id],
                       problem_public(session, campaign.id, problem.id, clocks))


def find_measure(session: Session, campaign: Campaign, code: str) -> Measure | None:
    """A measure by its code (35-2) with its problem, category and change history."""
    return session.scalar(
        select(Measure).where(Measure.campaign_id == campaign.id, Measure.code == code)
        .options(joinedload(Measure.problem).joinedload(Problem.category), selectinload(Measure.updates))
    )


def feedback_counts(session: Session, kind: str, target_id: int) -> FeedbackCounts:
    """Opinions received and answered about one problem (its measures included) or measure, in one query."""
    counts = public_counts(session, **{f"{kind}_ids": [target_id]})
    return FeedbackCounts(*counts.get((kind, target_id), (0, 0)))


def list_reports(session: Session, campaign: Campaign) -> list[ProgressReport]:
    """Published progress reports, newest first, without their texts."""
    return list(session.scalars(
        select(ProgressReport).where(ProgressReport.campaign_id == campaign.id)
        .options(defer(ProgressReport.body), defer(ProgressReport.source_text))
        .order_by(ProgressReport.as_of.desc(), ProgressReport.id.desc())
    ))


def find_report(session: Session, campaign: Campaign, report_id: int) -> ProgressReport | None:
    """One progress report of this campaign, without the text as received."""
    return session.scalar(
        select(ProgressReport).where(ProgressReport.campaign_id == campaign.id, ProgressReport.id == report_id)
        .options(defer(ProgressReport.source_text))
    )
