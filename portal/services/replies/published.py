"""答复公开 as the public reads it: the published answers with their redacted questions, filtered by problem, measure,
department and reply date, newest first; and the few a problem or measure page lists."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from sqlalchemy import Row, Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.models import Campaign, Department, FeedbackItem, FeedbackLink, Measure, Problem, Reply
from portal.models.feedback import PUBLISHED
from portal.services.common.clocks import ClockSettings, start_of_local_day


@dataclass(frozen=True)
class PublicTarget:
    """A measure (35-2) or problem (35) the answered opinion was about, for a link to its page."""

    kind: str
    slug: str
    code: str


@dataclass(frozen=True)
class PublicAnswer:
    reply_id: int
    #: the redacted question the research office published with the answer; None when it published none
    question: str | None
    accepted_on: date
    replied_on: date
    department: str | None
    kind: str
    text: str
    targets: list[PublicTarget]


@dataclass(frozen=True)
class AnswerFilters:
    """What /answers is narrowed to: a problem (its measures included), a measure, a department, reply dates."""

    campaign_id: int | None = None
    problem: int | None = None
    measure: str | None = None
    department: int | None = None
    since: date | None = None
    until: date | None = None
    answer: int | None = None

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.problem, self.measure, self.department, self.since,
                                                   self.until, self.answer))


@dataclass(frozen=True)
class AnswerPage:
    answers: list[PublicAnswer]
    page: int
    pages: int
    total: int


def published() -> Select[tuple[Reply, FeedbackItem]]:
    """Every published answer whose submitter consented (consent withdrawn later hides it)."""
    return (select(Reply, FeedbackItem).join(FeedbackItem, FeedbackItem.id == Reply.item_id)
            .where(Reply.publish_status == PUBLISHED, FeedbackItem.consent_publish.is_(True)))


def _about(campaign_id: int | None, problem: int | None, measure: str | None) -> list:
    """Conditions: the item is linked to the measure, or to the problem or one of its measures."""
    conditions = []
    if measure is not None:
        conditions.append(exists().where(
            FeedbackLink.item_id == FeedbackItem.id, FeedbackLink.measure_id == Measure.id,
            Measure.code == measure, Measure.campaign_id == campaign_id))
    if problem is not None:
        of_problem = select(Problem.id).where(Problem.campaign_id == campaign_id, Problem.number == problem)
        conditions.append(exists().where(FeedbackLink.item_id == FeedbackItem.id, or_(
            FeedbackLink.problem_id.in_(of_problem),
            FeedbackLink.measure_id.in_(select(Measure.id).where(Measure.problem_id.in_(of_problem))))))
    return conditions


def _filtered(filters: AnswerFilters, clocks: ClockSettings) -> Select[tuple[Reply, FeedbackItem]]:
    query = published().where(*_about(filters.campaign_id, filters.problem, filters.measure))
    if filters.department is not None:
        query = query.where(Reply.department_id == filters.department)
    if filters.since is not None:
        query = query.where(Reply.sent_at >= start_of_local_day(filters.since, clocks.timezone))
    if filters.until is not None and filters.until < date.max:  # 9999-12-31: no end
        query = query.where(Reply.sent_at < start_of_local_day(filters.until + timedelta(days=1), clocks.timezone))
    if filters.answer is not None:
        query = query.where(Reply.id == filters.answer)
    return query


def public_answers(session: Session, filters: AnswerFilters, page: int, per_page: int,
                   clocks: ClockSettings) -> AnswerPage | None:
    """答复公开, newest answer first: question, dates, department, redacted text and links; None past the last page
    (the first page of no answers is an empty page)."""
    query = _filtered(filters, clocks)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(ceil(total / per_page), 1)
    if not 1 <= page <= pages:
        return None
    rows = session.execute(query.options(selectinload(Reply.department))
                           .order_by(Reply.sent_at.desc(), Reply.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return AnswerPage(_shown(session, rows, clocks), page, pages, total)


def latest_about(session: Session, campaign: Campaign, clocks: ClockSettings, problem: int | None = None,
                 measure: str | None = None, limit: int = 3) -> tuple[list[PublicAnswer], int]:
    """The newest published answers about a problem or measure (at most limit) and how many there are."""
    query = published().where(*_about(campaign.id, problem, measure))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if not total:
        return [], 0
    rows = session.execute(query.options(selectinload(Reply.department))
                           .order_by(Reply.sent_at.desc(), Reply.id.desc()).limit(limit)).all()
    return _shown(session, rows, clocks), total


def departments(session: Session) -> list[tuple[int, str]]:
    """(id, name) of the departments that answered at least one published answer, by name: the filter's choices."""
    answered = published().with_only_columns(Reply.department_id).where(Reply.department_id.is_not(None))
    return [(row.id, row.name) for row in session.execute(
        select(Department.id, Department.name).where(Department.id.in_(answered)).order_by(Department.name))]


def _shown(session: Session, rows: Sequence[Row[tuple[Reply, FeedbackItem]]],
           clocks: ClockSettings) -> list[PublicAnswer]:
    targets = _targets(session, [item.id for _, item in rows])
    return [PublicAnswer(
        reply_id=reply.id, question=reply.public_question,
        accepted_on=clocks.local_date(item.accepted_at or item.received_at),
        replied_on=clocks.local_date(reply.sent_at),
        department=reply.department.name if reply.department else None, kind=item.kind, text=reply.public_text,
        targets=targets.get(item.id, [])) for reply, item in rows]


def _targets(session: Session, item_ids: list[int]) -> dict[int, list[PublicTarget]]:
    """item id → the measures and problems it is linked to, in one query."""
    if not item_ids:
        return {}
    rows = session.execute(
        select(FeedbackLink.item_id, Measure.code, Problem.number, Campaign.slug)
        .outerjoin(Measure, Measure.id == FeedbackLink.measure_id)
        .outerjoin(Problem, Problem.id == FeedbackLink.problem_id)
        .join(Campaign, Campaign.id == func.coalesce(Measure.campaign_id, Problem.campaign_id))
        .where(FeedbackLink.item_id.in_(item_ids)).order_by(FeedbackLink.id))
    found: dict[int, list[PublicTarget]] = {}
    for item_id, code, number, slug in rows:
        target = PublicTarget("measure", slug, code) if code else PublicTarget("problem", slug, str(number))
        found.setdefault(item_id, []).append(target)
    return found
