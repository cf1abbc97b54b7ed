"""相似件与重复件: items from the same person, with near-identical text, or about the same measure within 30 days.

Candidates come from indexed lookups only (the contact's e-mail, the text fingerprint stored at intake, the links of
the last 30 days), so the page stays fast with a large queue; each is scored by the overlap of its words.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from portal.models import FeedbackContact, FeedbackItem, FeedbackLink, User
from portal.models.feedback import DUPLICATE, SPAM
from portal.services.common import authz, segment
from portal.services.feedback import search

WINDOW = timedelta(days=30)
#: at most this many similar items are shown, and at most this many candidates are read per source
LIMIT, CANDIDATES = 5, 200
#: word overlap from which two texts count as near-identical (a likely duplicate)
NEAR_IDENTICAL = 0.8


@dataclass(frozen=True)
class SimilarItem:
    item: FeedbackItem
    #: 0 … 1
    score: float
    #: why, in words: 同一联系人, 内容几乎相同, 同一措施（30天内）
    why: list[str]

    @property
    def likely_duplicate(self) -> bool:
        return self.score >= NEAR_IDENTICAL


def fingerprint(subject: str | None, content: str) -> str:
    """The same for texts with the same words, whatever the punctuation, spacing, script or order."""
    words = sorted(set(segment.terms(f"{subject or ''} {content}")))
    return hashlib.sha1("\x1f".join(words).encode(), usedforsecurity=False).hexdigest()


def words_of(item: FeedbackItem) -> set[str]:
    """The item's words without stop words, from the search words stored with it (segmenting each candidate's
    text again took most of the time of the item page)."""
    words = item.search_words if item.search_words is not None else search.item_words(item.subject, item.content)
    return set(words) - segment.stopwords()


def overlap(first: set[str], second: set[str]) -> float:
    """Jaccard overlap of two word sets."""
    return len(first & second) / len(first | second) if first | second else 0.0


def similar_items(session: Session, item: FeedbackItem, user: User | None = None,
                  limit: int = LIMIT) -> list[SimilarItem]:
    """Up to limit items like this one, the most similar first; only those user may see when a user asks (an
    operator's command sees all)."""
    if user is not None:
        authz.require(user, "view_queue", item)
    reasons: dict[int, list[str]] = {}
    for reason, ids in _candidates(session, item):
        for candidate_id in ids:
            reasons.setdefault(candidate_id, []).append(reason)
    reasons.pop(item.id, None)
    if not reasons:
        return []
    query = select(FeedbackItem).where(FeedbackItem.id.in_(list(reasons)), FeedbackItem.state != SPAM)
    found = session.scalars(query.where(authz.visible_items(user)) if user is not None else query)
    words = words_of(item)
    scored = []
    for other in found:
        score = overlap(words, words_of(other))
        why = list(reasons[other.id])
        if score >= NEAR_IDENTICAL and _("内容几乎相同") not in why:
            why.append(_("内容几乎相同"))
        scored.append(SimilarItem(other, round(score, 2), why))
    scored.sort(key=lambda s: (-len(s.why), -s.score, s.item.id))
    return scored[:limit]


def _candidates(session: Session, item: FeedbackItem) -> list[tuple[str, list[int]]]:
    since, until = item.received_at - WINDOW, item.received_at + WINDOW
    found = []
    contact = item.contact
    if contact is not None and (contact.email or contact.phone):
        same = [FeedbackContact.email == contact.email] if contact.email else []
        same += [FeedbackContact.phone == contact.phone] if contact.phone else []
        found.append((_("同一联系人"), list(session.scalars(
            select(FeedbackContact.item_id).where(or_(*same)).limit(CANDIDATES)))))
    if item.text_key:
        found.append((_("内容几乎相同"), list(session.scalars(
            select(FeedbackItem.id).where(FeedbackItem.text_key == item.text_key).limit(CANDIDATES)))))
    measures = [link.measure_id for link in item.links if link.measure_id]
    if measures:
        found.append((_("同一措施（30天内）"), list(session.scalars(
            select(FeedbackLink.item_id).join(FeedbackItem, FeedbackItem.id == FeedbackLink.item_id)
            .where(FeedbackLink.measure_id.in_(measures), FeedbackItem.received_at.between(since, until))
            .limit(CANDIDATES)))))
    return found


def likely_duplicates(session: Session, items: list[FeedbackItem]) -> set[int]:
    """Which of these items share their text fingerprint with another item not closed as spam or duplicate: one
    query for a queue page, reading at most two index entries per fingerprint (a common text can have thousands of
    items: counting them all took a queue page's longest query)."""
    keys = sorted({item.text_key for item in items if item.text_key})
    if not keys:
        return set()
    probes = [select(literal(key).label("text_key")).where(select(func.count()).select_from(
        select(FeedbackItem.id).where(FeedbackItem.text_key == key, FeedbackItem.state.not_in((SPAM, DUPLICATE)))
        .limit(2).subquery()).scalar_subquery() > 1) for key in keys]
    shared = set(session.scalars(union_all(*probes) if len(probes) > 1 else probes[0]))
    return {item.id for item in items if item.text_key in shared}
