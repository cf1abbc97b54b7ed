"""Atom feeds of the follow events of a campaign, problem or measure: the same events followers are mailed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import FollowEvent
from portal.services.follow.mails import EventLine, describe
from portal.services.follow.targets import Target

#: entries in a feed, newest first
FEED_ENTRIES = 50


@dataclass(frozen=True)
class Entry:
    """One feed entry: its stable id (tag URI of the event), when, and what it says."""

    id: str
    updated: datetime
    line: EventLine


@dataclass(frozen=True)
class Feed:
    id: str
    updated: datetime
    entries: list[Entry]


def feed(session: Session, target: Target, base_url: str) -> Feed:
    """The target's newest events, in the current language; updated is the newest event's time (or the campaign's
    creation when there is none yet)."""
    query = select(FollowEvent).where(FollowEvent.campaign_id == target.campaign.id)
    if target.measure is not None:
        query = query.where(FollowEvent.measure_id == target.measure.id)
    elif target.problem is not None:
        query = query.where(FollowEvent.problem_id == target.problem.id)
    events = session.scalars(query.order_by(FollowEvent.created_at.desc(), FollowEvent.id.desc())
                             .limit(FEED_ENTRIES)).all()
    authority = f"tag:{urlsplit(base_url).hostname or 'localhost'},2020:"
    entries = [Entry(f"{authority}follow-event/{e.id}", e.created_at, describe(e, target.campaign.slug, base_url))
               for e in events]
    updated = entries[0].updated if entries else target.campaign.created_at
    return Feed(f"{authority}feed/{target.key}", updated, entries)
