"""The one place that computes rectification figures from the ledger: counts, rates, deadline classes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from portal.models import DONE, Campaign, Category, Measure, Problem
from portal.services.ledger import deadlines
from portal.services.ledger.reader import CheckedRow


@dataclass(frozen=True)
class ProblemProgress:
    """Derived status of one problem: rectified when every measure is done; overdue past its due date."""

    measures: int
    done: int
    due_date: date | None

    @property
    def rectified(self) -> bool:
        return self.measures > 0 and self.done == self.measures

    def is_overdue(self, today: date) -> bool:
        return not self.rectified and self.due_date is not None and self.due_date < today


def rate(done: int, total: int) -> str:
    """done/total as a percentage string with two decimals, rounded half up: 170/193 → '88.08'."""
    if not total:
        return "0.00"
    return str((Decimal(done) * 100 / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def measure_counts(session: Session, campaign_id: int) -> dict[int, tuple[int, int]]:
    """problem id → (measures, done) for every problem of the campaign, in one query."""
    rows = session.execute(
        select(Measure.problem_id, func.count(), func.sum(case((Measure.status == DONE, 1), else_=0)))
        .where(Measure.campaign_id == campaign_id)
        .group_by(Measure.problem_id)
    )
    return {pid: (total, int(done or 0)) for pid, total, done in rows}


def problem_progress(session: Session, problems: list[Problem]) -> dict[int, ProblemProgress]:
    """problem id → derived progress, for problems of one campaign, in one query."""
    if not problems:
        return {}
    counts = measure_counts(session, problems[0].campaign_id)
    return {p.id: ProblemProgress(*counts.get(p.id, (0, 0)), p.due_date) for p in problems}


def campaign_figures(session: Session, campaign: Campaign) -> dict:
    """Every published figure of a campaign, computed from its ledger in three queries."""
    counts = measure_counts(session, campaign.id)
    titles = session.scalars(
        select(Category.title).where(Category.campaign_id == campaign.id).order_by(Category.position)
    ).all()
    problems = session.execute(
        select(Problem.id, Category.title, Problem.deadline_label).join(Category)
        .where(Problem.campaign_id == campaign.id)
    ).all()
    return figures_of(campaign.slug, list(titles),
                    [(title, label, counts.get(problem_id, (0, 0))) for problem_id, title, label in problems])


def ledger_figures(slug: str, rows: list[CheckedRow]) -> dict:
    """The figures campaign_figures would publish once these ledger rows are imported (an upload's preview)."""
    problems: dict[int, tuple[str, str]] = {}
    counts: dict[int, list[int]] = {}
    for row in rows:
        problems.setdefault(row.number, (row.category, row.deadline_label))
        tally = counts.setdefault(row.number, [0, 0])
        tally[0] += 1
        tally[1] += row.status == DONE
    return figures_of(slug, list(dict.fromkeys(row.category for row in rows)),
                    [(title, label, (counts[n][0], counts[n][1])) for n, (title, label) in problems.items()])


def figures_of(slug: str, titles: list[str], problems: list[tuple[str, str, tuple[int, int]]]) -> dict:
    """The published figures of categories (titles in order) and problems (category title, deadline label,
    (measures, done))."""
    by_category: dict[str, dict[str, Any]] = {
        title: {"title": title, "problems": 0, "measures": 0, "done": 0, "rectified": 0} for title in titles}
    classes: dict[str, dict] = {}
    measures_total = done_total = rectified_total = 0
    for title, label, (total, done) in problems:
        rectified = total > 0 and done == total
        measures_total += total
        done_total += done
        rectified_total += rectified
        cat = by_category[title]
        cat["problems"] += 1
        cat["measures"] += total
        cat["done"] += done
        cat["rectified"] += rectified
        cls = classes.setdefault(label, {"label": label, "problems": 0, "rectified": 0, "in_progress": 0})
        cls["problems"] += 1
        cls["rectified" if rectified else "in_progress"] += 1

    for cat in by_category.values():
        cat["rate"] = rate(cat["done"], cat["measures"])
    return {
        "campaign": slug,
        "categories": len(titles),
        "problems": len(problems),
        "measures": measures_total,
        "done": done_total,
        "in_progress": measures_total - done_total,
        "rate": rate(done_total, measures_total),
        "rectified_problems": rectified_total,
        "deadline_classes": sorted(classes.values(), key=lambda c: deadlines.classify(c["label"]).sort_key),
        "by_category": list(by_category.values()),
    }
