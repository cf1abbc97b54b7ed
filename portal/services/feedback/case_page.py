"""The citizen's case page (after case number + query code): their text and files, linked measures, the timeline.

The timeline is 收到 → 受理 → 交办 → 答复 (→ 办结), each step with the date it was done, and the steps still to come
with the deadline the clocks set for them. An item closed without handling (不予受理, 转办, 重复, 无效) ends at that
decision; an item under review (复查) shows the request and the new answer still to come.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    DONE,
    IN_PROGRESS,
    Attachment,
    AuditEvent,
    Campaign,
    FeedbackItem,
    FeedbackLink,
    FollowUp,
    Measure,
    Problem,
)
from portal.models.feedback import (
    ACCEPTED,
    CLOSED,
    DUPLICATE,
    HANDLING,
    NOT_ACCEPTED,
    RECEIVED,
    REPLIED,
    REVIEW,
    SPAM,
    TRANSFERRED,
)
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.lookup import CaseStatus, case_status

#: the states in which the citizen may still add material
OPEN_STATES = frozenset({RECEIVED, ACCEPTED, HANDLING, REVIEW})
#: states that end a case without handling it: the timeline ends at that decision
DECIDED_STATES = frozenset({NOT_ACCEPTED, TRANSFERRED, DUPLICATE, SPAM})
#: audit actions that mark a step the item's columns do not date
ASSIGNED, REVIEW_ASKED = ("item.assign",), ("item.review", "item.followup_reopened")


@dataclass(frozen=True)
class Step:
    """One step of the timeline (its label: labels.label('case_step', key)): done on a date, or still to come."""

    key: str
    done_on: date | None = None
    #: the deadline of a step still to come, when the clocks set one
    due: date | None = None


@dataclass(frozen=True)
class CaseTarget:
    """A problem or measure the case is linked to, with its live status."""

    slug: str
    is_measure: bool
    code: str
    text: str
    #: a measure's 完成情况 (done, in_progress); a problem's: done when all its measures are
    status: str


@dataclass(frozen=True)
class CaseFile:
    id: int
    filename: str
    size: int


@dataclass(frozen=True)
class CasePage:
    item_id: int
    status: CaseStatus
    subject: str | None
    content: str
    timeline: list[Step]
    targets: list[CaseTarget]
    files: list[CaseFile]
    #: what the citizen added later (e-mail replies, material and review requests from this page), oldest first
    follow_ups: list[FollowUp]
    #: the last day a review (复查) may be asked for, while that is still possible; None otherwise
    review_until: date | None
    can_add_material: bool


def case_page(session: Session, item: FeedbackItem, clocks: ClockSettings, now: datetime | None = None) -> CasePage:
    """Everything the case page shows of an item its submitter has opened."""
    return CasePage(
        item_id=item.id, status=case_status(session, item), subject=item.subject, content=item.content,
        timeline=timeline(session, item, clocks), targets=_targets(session, item),
        files=[CaseFile(a.id, a.filename, a.size) for a in session.scalars(
            select(Attachment).where(Attachment.item_id == item.id).order_by(Attachment.id)) if not a.purged],
        follow_ups=list(session.scalars(select(FollowUp).where(FollowUp.item_id == item.id)
                                        .order_by(FollowUp.received_at, FollowUp.id))),
        review_until=review_open_until(item, clocks, now), can_add_material=item.state in OPEN_STATES,
    )


def review_open_until(item: FeedbackItem, clocks: ClockSettings, now: datetime | None = None) -> date | None:
    """复查: the last day the submitter may still ask for a review of the answer; None when they cannot (any more)."""
    if item.state != REPLIED or item.replied_at is None:
        return None
    until = clocks.review_open_until(item.replied_at)
    return until if clocks.today(now) <= until else None


def timeline(session: Session, item: FeedbackItem, clocks: ClockSettings) -> list[Step]:
    """收到 → 受理 → 交办 → 答复 (→ 办结), dated where done, with the deadlines of the steps to come."""
    day = clocks.local_date
    steps = [Step("received", day(item.received_at))]
    if item.state in DECIDED_STATES:
        return [*steps, Step(item.state, day(item.closed_at) if item.closed_at else None)]
    assigned = _first(session, item, ASSIGNED)
    steps.append(Step("accepted", day(item.accepted_at)) if item.accepted_at else Step("accepted", due=item.accept_due))
    steps.append(Step("assigned", day(assigned)) if assigned else Step("assigned"))
    if item.replied_at is None:
        return [*steps, Step("replied", due=item.handle_due)]
    steps.append(Step("replied", day(item.replied_at)))
    if item.state == REVIEW:
        asked = _last(session, item, REVIEW_ASKED)
        return [*steps, Step("review", day(asked) if asked else None), Step("replied_again", due=item.due_date)]
    return [*steps, Step("closed", day(item.closed_at)) if item.state == CLOSED and item.closed_at else Step("closed")]


def _first(session: Session, item: FeedbackItem, actions: tuple[str, ...]) -> datetime | None:
    return session.scalar(select(AuditEvent.at).where(AuditEvent.item_id == item.id, AuditEvent.action.in_(actions))
                          .order_by(AuditEvent.at, AuditEvent.id).limit(1))


def _last(session: Session, item: FeedbackItem, actions: tuple[str, ...]) -> datetime | None:
    return session.scalar(select(AuditEvent.at).where(AuditEvent.item_id == item.id, AuditEvent.action.in_(actions))
                          .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))


def _targets(session: Session, item: FeedbackItem) -> list[CaseTarget]:
    links = session.scalars(select(FeedbackLink).where(FeedbackLink.item_id == item.id).order_by(FeedbackLink.id)
                            .options(selectinload(FeedbackLink.measure),
                                     selectinload(FeedbackLink.problem).selectinload(Problem.measures))).all()
    slugs = dict(session.execute(select(Campaign.id, Campaign.slug)).tuples().all())
    found = []
    for link in links:
        if link.measure is not None:
            measure: Measure = link.measure
            found.append(CaseTarget(slugs[measure.campaign_id], True, measure.code, measure.text, measure.status))
        elif link.problem is not None:
            problem = link.problem
            done = bool(problem.measures) and all(m.is_done for m in problem.measures)
            found.append(CaseTarget(slugs[problem.campaign_id], False, str(problem.number), problem.description,
                                    DONE if done else IN_PROGRESS))
    return found
