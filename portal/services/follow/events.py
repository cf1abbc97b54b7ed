"""Events followers hear about, each written in the transaction of the change that causes it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from portal.models import FollowEvent, Measure, ProgressReport, Recheck, Reply, utcnow
from portal.models.follow import ANSWER, MEASURE_CHANGE, RECHECK, REPORT

#: the measure fields whose change followers are told of (the ledger importer records every field)
FOLLOWED_FIELDS = ("status", "completed_on", "progress_note")


def measure_changed(session: Session, measure: Measure, field: str, old: str | None, new: str | None,
                    at: datetime) -> FollowEvent | None:
    """One field of a measure changed (the ledger importer); None for a field followers are not told of."""
    if field not in FOLLOWED_FIELDS:
        return None
    event = FollowEvent(created_at=at, campaign_id=measure.campaign_id, problem_id=measure.problem_id,
                        measure_id=measure.id, kind=MEASURE_CHANGE,
                        details={"code": measure.code, "field": field, "old": old, "new": new})
    session.add(event)
    return event


def report_published(session: Session, report: ProgressReport) -> FollowEvent:
    """A 通报 was published in its campaign: its campaign's followers hear of it."""
    event = FollowEvent(created_at=report.published_at or utcnow(), campaign_id=report.campaign_id, kind=REPORT,
                        details={"report_id": report.id, "title": report.title, "as_of": report.as_of.isoformat()})
    session.add(event)
    return event


def answer_published(session: Session, reply: Reply) -> list[FollowEvent]:
    """An answer went public: one event per measure or problem its item is linked to (none for an unlinked item)."""
    item = reply.item
    if item.campaign_id is None:
        return []
    at = reply.published_at or utcnow()
    found = []
    for link in item.links:
        if link.measure is not None:
            found.append(FollowEvent(created_at=at, campaign_id=item.campaign_id, problem_id=link.measure.problem_id,
                                     measure_id=link.measure_id, kind=ANSWER,
                                     details={"reply_id": reply.id, "code": link.measure.code}))
        elif link.problem is not None:
            found.append(FollowEvent(created_at=at, campaign_id=item.campaign_id, problem_id=link.problem_id,
                                     kind=ANSWER, details={"reply_id": reply.id, "number": link.problem.number}))
    session.add_all(found)
    return found


def recheck_recorded(session: Session, recheck: Recheck, at: datetime) -> FollowEvent:
    """A 回头看 of a measure found the rectification held, or the problem back (the measure reopened)."""
    measure = recheck.measure
    event = FollowEvent(created_at=at, campaign_id=measure.campaign_id, problem_id=measure.problem_id,
                        measure_id=measure.id, kind=RECHECK,
                        details={"code": measure.code, "result": recheck.result, "note": recheck.note})
    session.add(event)
    return event
