"""What a citizen's opinion can be about: the campaign's problems and measures, grouped by category (方面)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import Category, Problem


def target_tree(session: Session, campaign_id: int) -> list[Category]:
    """Categories in ledger order with their problems and measures loaded, in three queries."""
    return list(session.scalars(
        select(Category).where(Category.campaign_id == campaign_id).order_by(Category.position, Category.id)
        .options(selectinload(Category.problems).selectinload(Problem.measures))
    ))
