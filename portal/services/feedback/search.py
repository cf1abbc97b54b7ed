"""全文检索: the one text search over items (case number, subject, content); LIKE for now, an index later."""
from __future__ import annotations

import unicodedata

from sqlalchemy import ColumnElement, and_, or_, true

from portal.models import FeedbackItem

#: at most this many words of a query are used, each at most MAX_TERM characters
MAX_TERMS = 5
MAX_TERM = 50


def terms(query: str | None) -> list[str]:
    """The words of a query: NFKC-normalised (full-width letters and digits), split on any space."""
    words = unicodedata.normalize("NFKC", query or "").split()
    return [w[:MAX_TERM] for w in words[:MAX_TERMS]]


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def item_text_matches(query: str | None) -> ColumnElement[bool]:
    """SQL condition: every word occurs in the case number, subject or content (Chinese words of any length)."""
    conditions = []
    for term in terms(query):
        pattern = f"%{_escape(term)}%"
        conditions.append(or_(
            FeedbackItem.case_number.ilike(pattern, escape="\\"),
            FeedbackItem.subject.ilike(pattern, escape="\\"),
            FeedbackItem.content.ilike(pattern, escape="\\"),
        ))
    return and_(*conditions) if conditions else true()
