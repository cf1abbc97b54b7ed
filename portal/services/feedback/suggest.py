"""措施推荐: the measures an opinion is most likely about, with the words that matched, or "no confident match".

Each measure is a document: its own text (counted twice), its problem's description and goal, and the text of the
items staff have linked to it or to its problem — so suggestions improve as staff link items. Ranked by BM25 over
segmented terms (portal.services.common.segment) with character pairs as a fallback; an opinion abstains when the best
measure explains too little of its words (wages, union dues, a lost card are not in the ledger).
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Campaign, FeedbackItem, FeedbackLink, Measure, Problem
from portal.services.common import public_version, segment
from portal.services.feedback.ranking import Ranker

#: at most this many suggestions
LIMIT = 3
#: the best measure is a confident match when it scores this much and explains this share of the opinion's word
#: weight (idf), or — for a short opinion of a few words — scores less but explains most of it
MIN_SCORE, MIN_COVERAGE = 15.0, 0.15
SHORT_SCORE, SHORT_COVERAGE = 6.0, 0.5
#: a suggestion after the first is kept while it scores at least this share of the first
KEEP_SHARE = 0.35
#: words of linked items' text taken into a measure's document (training signal, bounded)
MAX_LINKED_CHARS = 20_000
#: campaign indexes kept per process, counted by their measures (an index takes about 2 MB per 200 measures): enough
#: for 20,000 measures over many campaigns, so that no request waits for a rebuild (hundreds of milliseconds)
CACHED_MEASURES = 30_000


@dataclass(frozen=True)
class Suggestion:
    measure: str
    problem: int
    score: float
    matched: list[str]


@dataclass(frozen=True)
class Suggestions:
    """What an opinion is likely about: up to three measures, best first; abstain when nothing fits."""

    abstain: bool
    suggestions: list[Suggestion] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"abstain": self.abstain, "suggestions": [
            {"measure": s.measure, "problem": s.problem, "score": round(s.score, 3), "matched": s.matched}
            for s in self.suggestions]}


@dataclass
class MeasureIndex:
    """A campaign's measures as ranked documents."""

    ranker: Ranker
    codes: list[str]
    problems: list[int]

    def suggest(self, text: str, limit: int = LIMIT) -> Suggestions:
        terms, pairs = segment.terms(text), segment.bigrams(text)
        ranked = self.ranker.rank(terms, pairs)
        informative = [t for t in terms if not t.isascii() or t in self.ranker.words.postings]
        if not ranked or not informative:
            return Suggestions(abstain=True)
        best_doc, best_score = ranked[0]
        coverage = self.ranker.coverage(best_doc, informative)
        if not (best_score >= MIN_SCORE and coverage >= MIN_COVERAGE
                or best_score >= SHORT_SCORE and coverage >= SHORT_COVERAGE):
            return Suggestions(abstain=True)
        chosen = [(doc, score) for doc, score in ranked[:limit] if score >= KEEP_SHARE * best_score]
        return Suggestions(abstain=False, suggestions=[
            Suggestion(self.codes[doc], self.problems[doc], score, self.ranker.matched(doc, terms))
            for doc, score in chosen])


def ranked_measures(session: Session, campaign_id: int, query: str, limit: int) -> list[Measure]:
    """Measures of the campaign ranked by how well they match query's words (segmented, synonyms folded); a
    measure must share a word with the query, not only a number or a pair of characters."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        return []
    index = campaign_index(session, campaign)
    terms = segment.terms(query)
    ranked = [doc for doc, _ in index.ranker.rank(terms, segment.bigrams(query))
              if any(not term.isdigit() for term in index.ranker.matched(doc, terms))]
    codes = [index.codes[doc] for doc in ranked[:limit]]
    found = {m.code: m for m in session.scalars(select(Measure).where(
        Measure.campaign_id == campaign_id, Measure.code.in_(codes)))}
    return [found[code] for code in codes if code in found]


@dataclass(frozen=True)
class ShownSuggestion:
    """A suggestion as the item page shows it: the measure, its text cut where the opinion's words matched."""

    measure: Measure
    matched: list[str]
    #: the measure's text as (piece, matched) pairs, for highlighting
    pieces: list[tuple[str, bool]]
    linked: bool


def for_item(session: Session, item: FeedbackItem) -> tuple[list[ShownSuggestion], bool]:
    """The item's suggestions (stored when it was created, else computed now) and whether there was no confident
    match; nothing when the item belongs to no campaign."""
    if item.campaign_id is None:
        return [], False
    stored = item.suggestions
    if stored is None:
        campaign = session.get(Campaign, item.campaign_id)
        if campaign is None:
            return [], False
        stored = suggest(session, campaign, f"{item.subject or ''} {item.content}").as_dict()
    codes = [s["measure"] for s in stored.get("suggestions", [])]
    measures = {m.code: m for m in session.scalars(select(Measure).where(
        Measure.campaign_id == item.campaign_id, Measure.code.in_(codes)))}
    linked = {link.measure_id for link in item.links}
    shown = [ShownSuggestion(measures[s["measure"]], s["matched"], highlight(measures[s["measure"]].text, s["matched"]),
                             measures[s["measure"]].id in linked)
             for s in stored.get("suggestions", []) if s["measure"] in measures]
    return shown, bool(stored.get("abstain"))


def highlight(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """text as (piece, is one of words) pairs, the longest word first where words overlap."""
    found = [w for w in sorted(set(words), key=len, reverse=True) if w]
    if not found:
        return [(text, False)]
    pattern = re.compile("|".join(map(re.escape, found)))
    pieces, position = [], 0
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.append((text[position:match.start()], False))
        pieces.append((match.group(), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


_cache: OrderedDict[tuple, MeasureIndex] = OrderedDict()
_lock = Lock()


def suggest(session: Session, campaign: Campaign, text: str) -> Suggestions:
    """The measures of campaign that text is most likely about."""
    return campaign_index(session, campaign).suggest(text)


def campaign_index(session: Session, campaign: Campaign) -> MeasureIndex:
    """The campaign's index, built once per ledger version and version of the links (moved by every commit that
    links or unlinks, public_version.LINKS: one primary-key read, where counting the campaign's links read every
    item), and kept per process (the campaign's creation time tells apart campaigns of the same id in different
    databases, as in tests)."""
    key = (campaign.id, campaign.created_at, campaign.data_version or 0,
           public_version.number(session, public_version.LINKS))
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    index = build_index(session, campaign.id)
    with _lock:
        _cache[key] = index
        while len(_cache) > 1 and sum(len(cached.codes) for cached in _cache.values()) > CACHED_MEASURES:
            _cache.popitem(last=False)
    return index


def build_index(session: Session, campaign_id: int) -> MeasureIndex:
    rows = session.execute(
        select(Measure.id, Measure.code, Measure.text, Problem.id, Problem.number, Problem.description, Problem.goal)
        .join(Problem, Problem.id == Measure.problem_id)
        .where(Measure.campaign_id == campaign_id).order_by(Measure.position, Measure.id)).all()
    segment.add_terms(term for row in rows for text in (row[2], row[5]) for term in segment.QUOTED.findall(text))
    linked = _linked_texts(session, campaign_id)
    index = MeasureIndex(Ranker(), [], [])
    for doc, (measure_id, code, text, problem_id, number, description, goal) in enumerate(rows):
        extra = " ".join([linked.get(("measure", measure_id), ""), linked.get(("problem", problem_id), "")])
        document = " ".join([text, text, description, goal or "", extra])
        index.ranker.add(doc, segment.terms(document), segment.bigrams(document))
        index.codes.append(code)
        index.problems.append(number)
    return index


def _linked_texts(session: Session, campaign_id: int) -> dict[tuple[str, int], str]:
    """("measure"|"problem", id) → the subjects and contents of items linked to it, newest first, bounded."""
    rows = session.execute(
        select(FeedbackLink.measure_id, FeedbackLink.problem_id, FeedbackItem.subject, FeedbackItem.content)
        .join(FeedbackItem, FeedbackItem.id == FeedbackLink.item_id)
        .where(FeedbackItem.campaign_id == campaign_id).order_by(FeedbackLink.id.desc()))
    texts: dict[tuple[str, int], str] = {}
    for measure_id, problem_id, subject, content in rows:
        key = ("measure", measure_id) if measure_id else ("problem", problem_id)
        if len(texts.get(key, "")) < MAX_LINKED_CHARS:
            texts[key] = f"{texts.get(key, '')} {subject or ''} {content}"
    return texts
