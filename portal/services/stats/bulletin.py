"""The monthly 通报 on how opinions were handled: the figures of /staff/stats for one month (figures.compute, so the
digits agree), the hot problems with sample opinions (redacted), and the lists behind 存在问题 — items overdue now
and answers rated 不满意. bulletin_docx.py lays it out as a Word document.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import AnswerRating, Campaign, Department, FeedbackItem, FeedbackLink, Measure
from portal.models.rating import UNSATISFIED
from portal.services.common.clocks import ClockSettings
from portal.services.replies.redaction import redact

from .figures import StatsFigures, StatsScope, compute, scope_conditions
from .lights import LightThresholds
from .scope import StatsScopeError, check_range

#: sample opinions quoted per hot measure, and the hot measures quoted
SAMPLES_PER_MEASURE, SAMPLED_MEASURES = 2, 3
#: characters of a quoted opinion
SAMPLE_CHARS = 120
#: rows of each list of 存在问题 (the rest are counted)
LIST_ROWS = 30
MONTH = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True)
class Sample:
    measure: str
    case_number: str
    text: str


@dataclass(frozen=True)
class ListedItem:
    case_number: str
    department: str
    #: the due date it missed (overdue) or the day it was rated (unsatisfied)
    day: date | None
    days_overdue: int | None = None


@dataclass(frozen=True)
class Bulletin:
    month: date
    figures: StatsFigures
    samples: list[Sample]
    overdue: list[ListedItem]
    overdue_total: int
    unsatisfied: list[ListedItem]
    unsatisfied_total: int

    @property
    def title(self) -> str:
        return _("关于%(year)s年%(month)s月群众意见建议办理情况的通报", year=self.month.year, month=self.month.month)


def month_range(month: str) -> tuple[date, date]:
    """The first and last day of YYYY-MM, or StatsScopeError."""
    found = MONTH.fullmatch((month or "").strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise StatsScopeError(_("月份“%(value)s”无法识别，请按 YYYY-MM 填写，如 2021-03。", value=(month or "")[:20]),
                              "month")
    year, number = int(found.group(1)), int(found.group(2))
    first = date(year, number, 1)
    last = date(year, number, calendar.monthrange(year, number)[1])
    check_range(first, last)
    return first, last


def bulletin(session: Session, campaign: Campaign, month: str, clocks: ClockSettings, thresholds: LightThresholds,
             today: date | None = None) -> Bulletin:
    """Everything the 通报 of campaign for month (YYYY-MM) says (an operator's view: every department)."""
    first, last = month_range(month)
    scope = StatsScope(campaign, first, last, "week")
    figures = compute(session, None, scope, clocks, thresholds, today)
    conditions = scope_conditions(scope, None, clocks)
    overdue_query = (select(FeedbackItem).options(selectinload(FeedbackItem.department))
                     .where(*conditions, FeedbackItem.due_date < figures.today)
                     .order_by(FeedbackItem.due_date, FeedbackItem.id))
    overdue = [ListedItem(item.case_number, _department(item.department), item.due_date,
                          (figures.today - item.due_date).days if item.due_date else None)
               for item in session.scalars(overdue_query.limit(LIST_ROWS))]
    unsatisfied_query = (select(AnswerRating, FeedbackItem).join(FeedbackItem, FeedbackItem.id == AnswerRating.item_id)
                         .options(selectinload(FeedbackItem.department))
                         .where(*conditions, AnswerRating.level == UNSATISFIED)
                         .order_by(AnswerRating.rated_at, AnswerRating.id))
    unsatisfied = [ListedItem(item.case_number, _department(item.department),
                              clocks.today(rating.updated_at or rating.rated_at))
                   for rating, item in session.execute(unsatisfied_query.limit(LIST_ROWS)).tuples()]
    return Bulletin(month=first, figures=figures, samples=_samples(session, figures, conditions),
                    overdue=overdue, overdue_total=figures.totals.overdue_now, unsatisfied=unsatisfied,
                    unsatisfied_total=figures.satisfaction.unsatisfied)


def _department(department: Department | None) -> str:
    return department.name if department else _("未交办")


def _samples(session: Session, figures: StatsFigures, conditions) -> list[Sample]:
    """Up to SAMPLES_PER_MEASURE opinions about each of the SAMPLED_MEASURES hottest measures, the earliest first,
    personal data masked and shortened to SAMPLE_CHARS."""
    samples = []
    for target in figures.top_measures[:SAMPLED_MEASURES]:
        items = session.scalars(
            select(FeedbackItem).options(selectinload(FeedbackItem.contact))
            .join(FeedbackLink, FeedbackLink.item_id == FeedbackItem.id)
            .join(Measure, Measure.id == FeedbackLink.measure_id)
            .where(*conditions, Measure.id == target.id)
            .order_by(FeedbackItem.received_at, FeedbackItem.id).limit(SAMPLES_PER_MEASURE))
        for item in items:
            text = " ".join(redact(item.content, item.contact).text.split())
            samples.append(Sample(target.label, item.case_number,
                                  text if len(text) <= SAMPLE_CHARS else text[:SAMPLE_CHARS] + "…"))
    return samples
