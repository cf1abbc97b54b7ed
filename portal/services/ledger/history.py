"""整改台账的历史: the ledger as it stood at any moment, replayed from the measures' append-only history, and the
figures it published then (`flask figures --as-of`).

A measure existed from its "created" entry; its status is the latest "status" entry up to the moment (the created
entry's status before any); its problem is the latest "problem" entry up to the moment, else the problem it left at
its first later move, else its problem now. Problems and categories are taken as they are now (their titles and
deadline classes are not historised): a problem counts from its first measure.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import DONE, Campaign, Category, Measure, MeasureUpdate, Problem
from portal.services.ledger.figures import figures_of

REPLAYED_FIELDS = ("created", "status", "problem")


def end_of_day(day: date, timezone: str) -> datetime:
    """The first moment after day in the portal's time zone (BABEL_DEFAULT_TIMEZONE), as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(timezone))


def measures_as_of(session: Session, campaign: Campaign, moment: datetime) -> dict[int, tuple[int, str]]:
    """measure id → (problem number, status) of every measure the ledger held before moment."""
    current: dict[int, int] = {measure_id: problem_number for measure_id, problem_number in session.execute(
        select(Measure.id, Problem.number).join(Problem).where(Measure.campaign_id == campaign.id))}
    history = session.execute(
        select(MeasureUpdate.measure_id, MeasureUpdate.field, MeasureUpdate.old_value, MeasureUpdate.new_value,
               MeasureUpdate.changed_at)
        .join(Measure).where(Measure.campaign_id == campaign.id, MeasureUpdate.field.in_(REPLAYED_FIELDS))
        .order_by(MeasureUpdate.changed_at, MeasureUpdate.id)).all()
    status: dict[int, str] = {}
    number: dict[int, int] = {}
    moved_later: dict[int, int] = {}
    for measure_id, field, old, new, at in history:
        if at >= moment:
            if field == "problem" and measure_id not in moved_later and old is not None:
                moved_later[measure_id] = int(old)
            continue
        if field in ("created", "status") and new is not None:
            status[measure_id] = new
        elif field == "problem" and new is not None:
            number[measure_id] = int(new)
    for mid, old_number in moved_later.items():
        number.setdefault(mid, old_number)
    return {mid: (number.get(mid, current[mid]), state) for mid, state in status.items() if mid in current}


def figures_as_of(session: Session, campaign: Campaign, day: date, timezone: str) -> dict:
    """The figures campaign_figures published at the end of day, replayed from the history."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for problem_number, state in measures_as_of(session, campaign, end_of_day(day, timezone)).values():
        counts[problem_number][0] += 1
        counts[problem_number][1] += state == DONE
    problems = session.execute(
        select(Problem.number, Category.title, Problem.deadline_label).join(Category)
        .where(Problem.campaign_id == campaign.id).order_by(Category.position, Problem.number)).all()
    held = [(title, label, (counts[n][0], counts[n][1])) for n, title, label in problems if n in counts]
    titles = list(dict.fromkeys(title for title, _label, _counts in held))
    figures = figures_of(campaign.slug, titles, held)
    figures["as_of"] = day.isoformat()
    return figures
