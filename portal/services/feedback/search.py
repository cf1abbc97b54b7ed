"""全文检索: the queue's text search — segmented words, ranked by relevance, served by an index.

Each item stores the distinct search words of its subject and content (`FeedbackItem.search_words`: segmented,
normalised, citizens' words folded into the ledger's, by portal.services.common.segment — the same pipeline as the
measure suggestions), recomputed on every flush that changes the text, so intake and any later edit need do nothing
(bulk inserts and the migration that added the column call item_words themselves). A query is segmented the same
way: 劳模补助资金什么时候发放 looks for 劳模, 补助, 资金 and 发放.

Items keep their stop words (lexicon/stopwords.txt: 职工, 工会 are stop words for suggestions, not for staff who
search for them); a query's stop words only rank, unless it has no other words. An item matches when it holds every
other word of a one- or two-word query and at least half of those of a longer one; it ranks by how many of all the
query's words it holds (then the queue's usual order). A case number, typed any way, finds that case first.

Why a text array with a GIN index on PostgreSQL: the words are already segmented, so they need no parser — a
`to_tsvector('simple', …)` column would parse them again with PostgreSQL's parser (whose character classes depend on
the server's locale, and which splits words such as c++ or 12-3 its own way), and `ts_rank` reads every match's
vector; `search_words && ARRAY[…]` or `@>` finds the candidates through the GIN index, and the rank is a count of `@>`
tests on a small array. pg_trgm would need an extension, and its trigrams of Han characters depend on the locale too.
SQLite (tests, small installs) stores the same words as " w1 w2 … " and tests `instr(search_words, ' w ')`: a
whole-word test, so both databases return the same items in the same order for the same data.
"""
from __future__ import annotations

import math
import re
import unicodedata

from sqlalchemy import ColumnElement, Integer, Text, case, cast, event, false, func, inspect, literal, or_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from portal.models import FeedbackItem
from portal.services.common import segment
from portal.services.common.text import clean_text
from portal.services.feedback import case_codes

#: a query is cut to this many characters and its first MAX_TERMS distinct words
MAX_QUERY = 200
MAX_TERMS = 8
#: a case number's prefix, year and number, or its number alone (zeros in front optional)
_CASE = re.compile(r"^(?:([A-Z]{1,8})-?(\d{4})-?)?(\d+)$")
#: the rank of the case a query names: above any count of words
CASE_RANK = 1000


def clean_query(query: str | None) -> str:
    """The query as kept in the filters: full-width folded, invisible characters gone, blanks collapsed, cut."""
    return " ".join(clean_text(unicodedata.normalize("NFKC", query or "")).split())[:MAX_QUERY]


def terms(query: str | None) -> list[str]:
    """The distinct search words of a query, stop words included, in order, at most MAX_TERMS."""
    return list(dict.fromkeys(segment.terms(clean_query(query), keep_stopwords=True)))[:MAX_TERMS]


def required(words: list[str]) -> list[str]:
    """The words a match must hold (enough of): those that are not stop words, or all when all are."""
    stop = segment.stopwords()
    return [word for word in words if word not in stop] or words


def item_words(subject: str | None, content: str | None) -> list[str]:
    """The distinct search words of an item's text, stop words included, in order of first appearance."""
    return list(dict.fromkeys(segment.terms(f"{subject or ''} {content or ''}", keep_stopwords=True)))


def needed(count: int) -> int:
    """How many of a query's count words an item must hold: all of one or two, else half, rounded up."""
    return count if count <= 2 else math.ceil(count / 2)


def _case_pattern(query: str) -> tuple[str, str] | None:
    """("exact", GH-2026-000123) or ("suffix", 000123) when the query is a case number or its number."""
    found = _CASE.match(re.sub(r"[\s-]", "", case_codes.normalise_case_number(query)))
    if found is None:
        return None
    prefix, year, number = found.groups()
    return ("exact", f"{prefix}-{year}-{number}") if prefix else ("suffix", f"{int(number):06d}")


def _has_word(word: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return FeedbackItem.search_words.op("@>")(literal([word], ARRAY(Text())))
    return func.instr(FeedbackItem.search_words, literal(f" {word} ", Text())) > 0


def _case_condition(query: str) -> ColumnElement[bool] | None:
    pattern = _case_pattern(query)
    if pattern is None:
        return None
    kind, value = pattern
    return FeedbackItem.case_number == value if kind == "exact" else FeedbackItem.case_number.endswith(f"-{value}")


def _held(words: list[str], dialect: str) -> ColumnElement[int]:
    """SQL: how many of words the item holds."""
    return sum((cast(_has_word(word, dialect), Integer) for word in words[1:]),
               cast(_has_word(words[0], dialect), Integer))


def item_text_matches(query: str | None, dialect: str) -> ColumnElement[bool]:
    """SQL condition: the item is the case the query names, or holds enough of its words."""
    words = required(terms(query))
    conditions: list[ColumnElement[bool]] = []
    if words:
        every = needed(len(words)) == len(words)
        if dialect == "postgresql":
            candidates = FeedbackItem.search_words.op("@>" if every else "&&")(literal(words, ARRAY(Text())))
            conditions.append(candidates if every else candidates & (_held(words, dialect) >= needed(len(words))))
        else:
            conditions.append(_held(words, dialect) >= needed(len(words)))
    case_condition = _case_condition(clean_query(query))
    if case_condition is not None:
        conditions.append(case_condition)
    return or_(*conditions) if conditions else false()


def relevance(query: str | None, dialect: str) -> ColumnElement[int] | None:
    """SQL rank of a matching item, higher first: the case the query names, then the number of the query's words
    it holds; None when every match ranks the same (every word required, no stop word, no case number), so that
    the queue's usual order can use its index."""
    words = terms(query)
    must = required(words)
    varying = [word for word in words if word not in must or needed(len(must)) < len(must)]
    ranks = [_held(varying, dialect)] if varying else []
    case_condition = _case_condition(clean_query(query))
    if case_condition is not None:
        ranks.append(case((case_condition, CASE_RANK), else_=0))
    return sum(ranks[1:], ranks[0]) if ranks else None


@event.listens_for(Session, "before_flush")
def _keep_words_current(session: Session, flush_context, instances) -> None:
    """New items, and items whose subject or content changed, get their search words (re)computed."""
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, FeedbackItem):
            continue
        state = inspect(obj)
        if (obj in session.new or state.attrs.subject.history.has_changes()
                or state.attrs.content.history.has_changes()):
            obj.search_words = item_words(obj.subject, obj.content)
