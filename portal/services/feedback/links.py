"""Links between items and the measures or problems they are about; public counts per measure and problem."""
from __future__ import annotations

import unicodedata

from sqlalchemy import case, false, func, or_, select
from sqlalchemy.orm import Session

from portal.models import FeedbackItem, FeedbackLink, Measure, Problem, User
from portal.services.common import audit, authz
from portal.services.common.numbers import parse_id
from portal.services.feedback import suggest
from portal.services.stats.definitions import EXCLUDED_STATES


def resolve_target(session: Session, campaign_id: int, code: str) -> Measure | Problem | None:
    """35-2 → the measure, 35 → the problem, within one campaign; None when there is none."""
    code = unicodedata.normalize("NFKC", code or "").strip()
    if "-" in code:
        return session.scalar(select(Measure).where(Measure.campaign_id == campaign_id, Measure.code == code))
    number = parse_id(code)
    if number is None:
        return None
    return session.scalar(select(Problem).where(Problem.campaign_id == campaign_id, Problem.number == number))


def _label(target: Measure | Problem) -> str:
    return f"措施{target.code}" if isinstance(target, Measure) else f"问题{target.number}"


def new_links(targets: list[Measure | Problem]) -> list[FeedbackLink]:
    """Links for an item being created: one per distinct target, added to the session with the item."""
    distinct = {(type(target), target.id): target for target in targets}
    return [FeedbackLink(measure_id=target.id) if isinstance(target, Measure) else FeedbackLink(problem_id=target.id)
            for target in distinct.values()]


def add_link(session: Session, item: FeedbackItem, target: Measure | Problem, actor: User | None,
             audited: bool = True) -> FeedbackLink | None:
    """Link item to a measure or problem; None when it is already linked."""
    if audited:
        authz.require(actor, "link", item)
    column = FeedbackLink.measure_id if isinstance(target, Measure) else FeedbackLink.problem_id
    if session.scalar(select(FeedbackLink.id).where(FeedbackLink.item_id == item.id, column == target.id)):
        return None
    link = FeedbackLink(item_id=item.id, **{column.key: target.id})
    session.add(link)
    if audited:
        audit.record(session, actor, "item.link", "feedback_item", item.id, item_id=item.id, target=_label(target))
    session.flush()
    return link


def remove_link(session: Session, item: FeedbackItem, link_id: int, actor: User) -> None:
    authz.require(actor, "link", item)
    link = session.get(FeedbackLink, link_id)
    if link is None or link.item_id != item.id:
        return
    target = link.measure or link.problem
    session.delete(link)
    audit.record(session, actor, "item.unlink", "feedback_item", item.id, item_id=item.id,
                 target=_label(target) if target else None)
    session.flush()


def search_targets(session: Session, campaign_id: int, query: str, limit: int = 20) -> list[Measure | Problem]:
    """Measures and problems whose code or number match query, then measures ranked by its words (劳模 补助 finds
    劳模专项补助资金), then any whose text holds the query as typed, for the link picker."""
    query = unicodedata.normalize("NFKC", query or "").strip()
    if not query:
        return []
    pattern, number = f"%{query}%", parse_id(query)
    problems = session.scalars(select(Problem).where(
        Problem.campaign_id == campaign_id,
        or_(Problem.description.like(pattern), Problem.number == number if number is not None else false()),
    ).order_by(Problem.number).limit(limit)).all()
    measures = session.scalars(select(Measure).where(
        Measure.campaign_id == campaign_id, or_(Measure.code.like(f"{query}%"), Measure.text.like(pattern)),
    ).order_by(Measure.position).limit(limit)).all()
    ranked = suggest.ranked_measures(session, campaign_id, query, limit)
    found: list[Measure | Problem] = list(dict.fromkeys([*problems, *ranked, *measures]))
    return found[:limit]


def public_counts(session: Session, *, measure_ids=(), problem_ids=()) -> dict[tuple[str, int], tuple[int, int]]:
    """("measure"|"problem", id) → (received, answered): numbers only. A problem counts its measures' items too.

    As in the statistics (portal.services.stats.definitions): duplicates and spam are not counted; an item is
    answered once a reply was sent (replied_at), whether closed since or under review."""
    answered = func.count(func.distinct(case((FeedbackItem.replied_at.is_not(None), FeedbackItem.id))))
    received = func.count(func.distinct(FeedbackItem.id))
    result: dict[tuple[str, int], tuple[int, int]] = {}
    if measure_ids:
        rows = session.execute(
            select(FeedbackLink.measure_id, received, answered)
            .join(FeedbackItem, FeedbackItem.id == FeedbackLink.item_id)
            .where(FeedbackLink.measure_id.in_(list(measure_ids)), FeedbackItem.state.not_in(EXCLUDED_STATES))
            .group_by(FeedbackLink.measure_id))
        result.update({("measure", mid): (r, a) for mid, r, a in rows})
    if problem_ids:
        problem_id = func.coalesce(FeedbackLink.problem_id, Measure.problem_id)
        rows = session.execute(
            select(problem_id, received, answered)
            .select_from(FeedbackLink)
            .outerjoin(Measure, Measure.id == FeedbackLink.measure_id)
            .join(FeedbackItem, FeedbackItem.id == FeedbackLink.item_id)
            .where(problem_id.in_(list(problem_ids)), FeedbackItem.state.not_in(EXCLUDED_STATES)).group_by(problem_id))
        result.update({("problem", pid): (r, a) for pid, r, a in rows})
    return result
