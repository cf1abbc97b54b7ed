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

A search is bounded, so that a query of words most items hold stays fast (issue 14): the tabs count at most CAP
matches per state (shown as "1000+"), pages reach the CAP-th match at most, and a page is read in tiers — the case
the query names, the items holding every word of the query (stop words included), those holding every word that is
not a stop word, each in the queue's order, then the other matches ranked by the words they hold among the first CAP
of them in the queue's order.

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
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    SQLColumnExpression,
    Text,
    and_,
    cast,
    event,
    false,
    func,
    inspect,
    literal,
    not_,
    or_,
    select,
)
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
#: a search counts at most this many matches per state, pages through at most this many, and ranks at most this many
#: of the items that do not hold every word
CAP = 1000
#: the tabs' counts first read this many matches in one pass (see capped_counts): a little more than CAP + 1 for
#: each of the ten states, so that a query of common words is counted in that pass
COUNT_SAMPLE = 12_000


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


def _all_words(words: list[str], dialect: str) -> ColumnElement[bool]:
    """SQL: the item holds every one of words (PostgreSQL: one containment test, served by the GIN index)."""
    if dialect == "postgresql":
        return FeedbackItem.search_words.op("@>")(literal(words, ARRAY(Text())))
    return and_(*(_has_word(word, dialect) for word in words))


def capped_counts(session: Session, conditions: list[ColumnElement[bool]], states: tuple[str, ...],
                  cap: int | None = None, sample: int | None = None) -> dict[str, int]:
    """The items meeting conditions per state, each counted up to cap + 1 (more than cap; CAP unless given). The
    first sample (COUNT_SAMPLE) matches are counted in one pass (all of them when there are fewer: exact); a state
    with at most cap among them is then counted on its own, up to cap + 1 — the same counts as counting every state
    on its own, in one pass when the words are common."""
    cap, sample = cap or CAP, sample or COUNT_SAMPLE
    matches = select(FeedbackItem.state).where(*conditions).limit(sample).subquery()
    read = dict(session.execute(select(matches.c.state, func.count()).group_by(matches.c.state)).tuples().all())
    counts = {state: min(count, cap + 1) for state, count in read.items()}
    if sum(read.values()) < sample:
        return counts
    rest = [state for state in states if counts.get(state, 0) <= cap]
    if rest:
        each = [select(func.count()).select_from(
            select(literal(1)).where(*conditions, FeedbackItem.state == state).limit(cap + 1).subquery()
        ).scalar_subquery().label(f"n{index}") for index, state in enumerate(rest)]
        counts.update(zip(rest, session.execute(select(*each)).one(), strict=True))
    return counts


def ranked_ids(session: Session, query: str, dialect: str, conditions: list[ColumnElement[bool]],
               order: Sequence[SQLColumnExpression[Any]], offset: int, limit: int) -> list[int]:
    """The ids of one page of a search's matches (conditions include item_text_matches), by tiers: the case the
    query names; the items holding every word of the query, stop words included; those holding every word that is
    not one; each tier in order; then the others, by words held among the first CAP of them in order. A tier reads
    at most offset + limit rows, the last at most CAP."""
    words = terms(query)
    must = required(words)
    case_condition = _case_condition(clean_query(query))
    tiers = [case_condition] if case_condition is not None else []
    tiers += [_all_words(group, dialect) for group in ([words, must] if must != words else [words]) if group]
    ids: list[int] = []
    excluded: list[ColumnElement[bool]] = []
    for tier in tiers:
        rows = list(session.scalars(select(FeedbackItem.id).where(*conditions, *excluded, tier)
                                    .order_by(*order).offset(offset).limit(limit - len(ids))))
        in_tier = offset + len(rows)
        if not rows and offset:
            # the page starts past this tier: how many it holds (fewer than offset)
            in_tier = session.scalar(select(func.count()).select_from(
                select(literal(1)).where(*conditions, *excluded, tier).limit(offset).subquery())) or 0
        ids += rows
        offset = max(0, offset - in_tier)
        excluded.append(not_(tier))
        if len(ids) == limit:
            return ids
    if not words:
        return ids
    candidates = (select(FeedbackItem.id, _held(words, dialect).label("held"),
                         func.row_number().over(order_by=order).label("position"))
                  .where(*conditions, *excluded).order_by(*order).limit(CAP).subquery())
    return ids + list(session.scalars(
        select(candidates.c.id).order_by(candidates.c.held.desc(), candidates.c.position)
        .offset(offset).limit(limit - len(ids))))


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
