"""The campaign's public texts as a ranked index, and a search over it grouped by kind with the matched words marked.

A document matches when it holds every word of a one- or two-word query and at least half of those of a longer one
(the staff search's rule, portal.services.feedback.search.needed; stop words only rank unless the query has no
other words); matches rank by BM25 over words plus a share of character pairs (portal.services.feedback.ranking).
The index is small (a campaign's ledger, reports and answers: a few hundred documents) and held in memory.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from math import ceil
from threading import Lock

from sqlalchemy.orm import Session

from portal.models import Campaign
from portal.services.common import segment
from portal.services.feedback import search as staff_search
from portal.services.feedback.ranking import Ranker

from .documents import ANSWER, MEASURE, PROBLEM, REPORT, Document, answers_state, documents

#: result groups, in the order the page shows them
KINDS = (MEASURE, PROBLEM, REPORT, ANSWER)
#: results shown per group on the first page of all groups, and per page of one group
PER_GROUP, PER_PAGE = 5, 20
#: a long text is shown as this many characters around its first matched word
SNIPPET, BEFORE = 150, 30
#: campaign indexes kept per process
CACHED = 8
#: ledger words offered when nothing is found
SUGGESTIONS = 6


@dataclass(frozen=True)
class Hit:
    document: Document
    #: the text shown (whole, or a window around the first match) as (piece, is a matched word) pairs
    pieces: list[tuple[str, bool]]


@dataclass(frozen=True)
class Group:
    kind: str
    total: int
    hits: list[Hit]
    page: int = 1
    pages: int = 1


@dataclass(frozen=True)
class Results:
    query: str
    #: the words searched for (segmented, citizens' words read as the ledger's)
    words: list[str]
    groups: list[Group]
    #: ledger words found in this campaign, offered when nothing matched
    suggestions: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


@dataclass
class PublicIndex:
    documents: list[Document]
    ranker: Ranker

    def matches(self, query: str) -> tuple[list[str], list[int]]:
        """The query's words and the documents holding enough of them, best first."""
        words = staff_search.terms(query)
        must = staff_search.required(words)
        if not must:
            return words, []
        need = staff_search.needed(len(must))
        postings = self.ranker.words.postings
        ranked = self.ranker.rank(words, segment.bigrams(query))
        return words, [doc for doc, _ in ranked if sum(doc in postings.get(word, ()) for word in must) >= need]


def build(session: Session, campaign: Campaign, local_date: Callable[[datetime], date]) -> PublicIndex:
    found = documents(session, campaign, local_date)
    segment.add_terms(term for document in found for term in segment.QUOTED.findall(document.text))
    index = PublicIndex(found, Ranker())
    for doc, document in enumerate(found):
        index.ranker.add(doc, segment.terms(document.text, keep_stopwords=True), segment.bigrams(document.text))
    return index


_cache: OrderedDict[tuple, PublicIndex] = OrderedDict()
_lock = Lock()


def campaign_index(session: Session, campaign: Campaign, local_date: Callable[[datetime], date]) -> PublicIndex:
    """The campaign's index, built once per ledger version and state of its published answers (the creation time
    tells apart campaigns of the same id in different databases, as in tests)."""
    key = (campaign.id, campaign.created_at, campaign.data_version or 0, *answers_state(session, campaign))
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    index = build(session, campaign, local_date)
    with _lock:
        _cache[key] = index
        while len(_cache) > CACHED:
            _cache.popitem(last=False)
    return index


def marked(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """text (a window around the first match when long) as (piece, is one of words or their colloquial forms)
    pairs, case-insensitive, the longest form first where forms overlap."""
    forms = sorted({form for word in words for form in (word, *segment.variants(word)) if form}, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, forms)), re.IGNORECASE) if forms else None
    first = pattern.search(text) if pattern else None
    if len(text) > SNIPPET:
        start = max(0, (first.start() if first else 0) - BEFORE)
        text = ("…" if start else "") + text[start:start + SNIPPET] + ("…" if start + SNIPPET < len(text) else "")
    if pattern is None:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.append((text[position:match.start()], False))
        if pieces and pieces[-1][1] and match.start() == position:  # 劳模补助: one mark, not two
            pieces[-1] = (pieces[-1][0] + match.group(), True)
        else:
            pieces.append((match.group(), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def search(session: Session, campaign: Campaign, query: str, local_date: Callable[[datetime], date],
           kind: str | None = None, page: int = 1) -> Results | None:
    """The campaign's public texts matching query (read by portal.services.public_search.read_query), grouped by
    kind: the first PER_GROUP of each, or page `page` of one kind; None past that kind's last page."""
    index = campaign_index(session, campaign, local_date)
    words, docs = index.matches(query)
    by_kind: dict[str, list[int]] = {name: [] for name in KINDS}
    for doc in docs:
        by_kind[index.documents[doc].kind].append(doc)
    groups = []
    for name in KINDS:
        found = by_kind[name]
        if kind is None:
            groups.append(Group(name, len(found), [_hit(index, doc, words) for doc in found[:PER_GROUP]]))
        elif name == kind:
            pages = max(ceil(len(found) / PER_PAGE), 1)
            if not 1 <= page <= pages:
                return None
            shown = found[(page - 1) * PER_PAGE:page * PER_PAGE]
            groups.append(Group(name, len(found), [_hit(index, doc, words) for doc in shown], page, pages))
        else:
            groups.append(Group(name, len(found), []))
    suggestions = [] if docs else [word for word in segment.ledger_words()
                                   if word in index.ranker.words.postings][:SUGGESTIONS]
    return Results(query, words, groups, suggestions)


def _hit(index: PublicIndex, doc: int, words: list[str]) -> Hit:
    return Hit(index.documents[doc], marked(index.documents[doc].text, index.ranker.matched(doc, words)))
