"""BM25 ranking over segmented terms, with Han-character pairs as the fallback for words segmented two ways."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

K1, B = 1.2, 0.75
#: how much the character-pair match adds to the word match
BIGRAM_WEIGHT = 0.3


@dataclass
class Field:
    """One inverted index: term → {document: term frequency}, with document lengths."""

    postings: dict[str, dict[int, int]] = field(default_factory=dict)
    lengths: dict[int, int] = field(default_factory=dict)

    def add(self, doc: int, terms: list[str]) -> None:
        self.lengths[doc] = self.lengths.get(doc, 0) + len(terms)
        for term, count in Counter(terms).items():
            docs = self.postings.setdefault(term, {})
            docs[doc] = docs.get(doc, 0) + count

    def idf(self, term: str) -> float:
        """BM25's idf; a term no document has gets the idf of a term found once, plus one."""
        total = max(len(self.lengths), 1)
        found = len(self.postings.get(term, ()))
        return math.log(1 + (total - max(found, 1) + 0.5) / (max(found, 1) + 0.5)) + (0 if found else 1.0)

    def scores(self, query: list[str]) -> dict[int, float]:
        average = (sum(self.lengths.values()) / len(self.lengths)) if self.lengths else 1.0
        scores: dict[int, float] = {}
        for term in set(query):
            docs = self.postings.get(term)
            if not docs:
                continue
            idf = self.idf(term)
            for doc, tf in docs.items():
                norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * self.lengths[doc] / average))
                scores[doc] = scores.get(doc, 0.0) + idf * norm
        return scores


@dataclass
class Ranker:
    """Documents ranked by word BM25 plus a share of character-pair BM25; coverage says how much of a query's
    weight a document explains (the basis for saying "no confident match")."""

    words: Field = field(default_factory=Field)
    pairs: Field = field(default_factory=Field)

    def add(self, doc: int, terms: list[str], bigrams: list[str]) -> None:
        self.words.add(doc, terms)
        self.pairs.add(doc, bigrams)

    def rank(self, terms: list[str], bigrams: list[str]) -> list[tuple[int, float]]:
        scores = self.words.scores(terms)
        for doc, score in self.pairs.scores(bigrams).items():
            scores[doc] = scores.get(doc, 0.0) + BIGRAM_WEIGHT * score
        return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))

    def matched(self, doc: int, terms: list[str]) -> list[str]:
        """The query's terms the document contains, in the query's order, once each."""
        return [t for t in dict.fromkeys(terms) if doc in self.words.postings.get(t, ())]

    def coverage(self, doc: int, terms: list[str]) -> float:
        """Share of the query's term weight (idf) found in the document: 0 … 1."""
        unique = list(dict.fromkeys(terms))
        total = sum(self.words.idf(t) for t in unique)
        found = sum(self.words.idf(t) for t in unique if doc in self.words.postings.get(t, ()))
        return found / total if total else 0.0
