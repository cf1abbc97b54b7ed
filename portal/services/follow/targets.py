"""What can be followed: a campaign, one of its problems or one of its measures, named as the public URLs name them."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Campaign, FollowSubscription, Measure, Problem


@dataclass(frozen=True)
class Target:
    """The campaign, or a problem or measure of it."""

    campaign: Campaign
    problem: Problem | None = None
    measure: Measure | None = None

    @property
    def key(self) -> str:
        """c12, p345 or m678: the subscription's unique key with the address."""
        if self.measure is not None:
            return f"m{self.measure.id}"
        return f"p{self.problem.id}" if self.problem is not None else f"c{self.campaign.id}"

    @property
    def path(self) -> str:
        """The target's public page, from the site's root."""
        base = f"/campaigns/{self.campaign.slug}"
        if self.measure is not None:
            return f"{base}/measures/{self.measure.code}"
        return f"{base}/problems/{self.problem.number}" if self.problem is not None else f"{base}/"

    def title(self) -> str:
        """整改措施35-3, 问题35 or the campaign's title, in the current language."""
        if self.measure is not None:
            return _("整改措施%(code)s", code=self.measure.code)
        if self.problem is not None:
            return _("问题%(number)s", number=self.problem.number)
        return self.campaign.title


def find(session: Session, campaign: Campaign, problem: str | None = None, measure: str | None = None) -> Target | None:
    """The campaign, or its problem numbered problem, or its measure coded measure; None when there is no such one."""
    if measure:
        found = session.scalar(select(Measure).where(Measure.campaign_id == campaign.id, Measure.code == measure))
        return Target(campaign, found.problem, found) if found is not None else None
    if problem:
        if not problem.isdecimal() or len(problem) > 9:
            return None
        number = session.scalar(select(Problem).where(Problem.campaign_id == campaign.id,
                                                      Problem.number == int(problem)))
        return Target(campaign, number) if number is not None else None
    return Target(campaign)


def of_subscription(session: Session, subscription: FollowSubscription) -> Target:
    campaign = session.get(Campaign, subscription.campaign_id)
    assert campaign is not None
    measure = session.get(Measure, subscription.measure_id) if subscription.measure_id else None
    problem = session.get(Problem, subscription.problem_id) if subscription.problem_id else None
    return Target(campaign, problem, measure)
