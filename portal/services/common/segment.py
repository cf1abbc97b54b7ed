"""分词: text → search terms the way a citizen means them, for suggestions, similar items and search.

Normalised (full-width folded, traditional → simplified, lower case), the colloquial forms of lexicon/synonyms.txt
replaced by the ledger's words (公车 → 公务用车, model worker → 劳模), segmented by jieba with those words and the
ledger's own terms in its dictionary, stop words (lexicon/stopwords.txt) and punctuation dropped.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # jieba and OpenCC load on first use: commands that never segment do not pay for them
    import jieba
    from opencc_purepy import OpenCC

LEXICON = Path(__file__).resolve().parent / "lexicon"
#: a term worth matching: two or more Han characters, or a word or number of Latin letters and digits
_TERM = re.compile(r"^(?:[\u4e00-\u9fff]{2,}|[a-z0-9][a-z0-9'+-]*)$")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
#: words in quotation marks in a ledger (“八大群体” “货车司机之家”) are terms of the campaign
QUOTED = re.compile(r"[“\"]([\u4e00-\u9fff0-9]{2,12})[”\"]")
#: moves whenever the segmenter learns words: a text segmented before is segmented again
_dictionary_version = 0


def _lexicon_lines(name: str) -> list[list[str]]:
    lines = (LEXICON / name).read_text(encoding="utf-8").splitlines()
    return [re.split(r"\t+| {2,}|\t", line.strip()) for line in lines if line.strip() and not line.startswith("#")]


@cache
def _synonyms() -> tuple[tuple[str, str], ...]:
    """(variant, ledger word) pairs, the longest variant first so that 公车私用 is read before 公车."""
    pairs = {}
    for words in _lexicon_lines("synonyms.txt"):
        canonical, *variants = words
        for variant in variants:
            if variant and variant != canonical:
                pairs[variant] = canonical
    return tuple(sorted(pairs.items(), key=lambda pair: -len(pair[0])))


@cache
def _related() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(ledger term, the words that call it up): 公务用车 in an opinion calls up 三公."""
    pairs = []
    for line in (LEXICON / "related.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and ":" in line:
            term, _, words = line.partition(":")
            pairs.append((term.strip(), tuple(words.split())))
    return tuple(pairs)


@cache
def stopwords() -> frozenset[str]:
    return frozenset(word for line in _lexicon_lines("stopwords.txt") for part in line for word in part.split())


@cache
def _tokenizer() -> jieba.Tokenizer:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for words in _lexicon_lines("synonyms.txt"):
        add_terms(words[:1], tokenizer)
    add_terms((term for term, _ in _related()), tokenizer)
    return tokenizer


@cache
def _to_simplified() -> OpenCC:
    from opencc_purepy import OpenCC

    return OpenCC("t2s")


def load() -> None:
    """Read the dictionaries now (jieba's takes seconds), so that the first text segmented does not wait for them."""
    stopwords()
    _synonyms()
    _to_simplified()
    _tokenizer()


def add_terms(words: Iterable[str], tokenizer: jieba.Tokenizer | None = None) -> None:
    """Teach the segmenter words of a campaign (its quoted terms), so that they stay whole."""
    global _dictionary_version
    tokenizer = tokenizer or _tokenizer()
    for word in words:
        if _HAN_RUN.fullmatch(word):
            tokenizer.add_word(word, freq=20_000)
    _dictionary_version += 1


def normalise(text: str) -> str:
    """Full-width folded, simplified Chinese, lower case, citizens' words replaced by the ledger's."""
    text = _to_simplified().convert(unicodedata.normalize("NFKC", text or "")).lower()
    for variant, canonical in _synonyms():
        if variant in text:
            text = text.replace(variant, canonical)
    return text


def terms(text: str, keep_stopwords: bool = False) -> list[str]:
    """The search terms of a text, in order, repeated as often as they occur (for term frequencies); stop words
    kept on request (the queue search finds 职工 too)."""
    stop = frozenset() if keep_stopwords else stopwords()
    tokens, related = _segmented(text, _dictionary_version)
    return [token for token in tokens if token not in stop] + list(related)


@lru_cache(maxsize=16)
def _segmented(text: str, _version: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The terms of a text with its stop words, and the ledger terms it calls up; kept for the last texts (a new
    item's text is segmented for its fingerprint and again for its search words) and the dictionary's version."""
    text = normalise(text)
    tokens = (token.strip() for token in _tokenizer().lcut_for_search(text))
    return (tuple(token for token in tokens if token and _TERM.match(token)),
            tuple(term for term, words in _related() if any(word in text for word in words)))


def ledger_words() -> list[str]:
    """The ledger's words that lexicon/synonyms.txt lists, in its order: what citizens search for most."""
    return [words[0] for words in _lexicon_lines("synonyms.txt")]


def variants(word: str) -> list[str]:
    """The colloquial forms that normalise() reads as word (劳模 → 劳动模范, model worker), for highlighting."""
    return [variant for variant, canonical in _synonyms() if canonical == word]


def bigrams(text: str) -> list[str]:
    """Pairs of neighbouring Han characters: the fallback when segmentation splits a word two ways."""
    return [run[i:i + 2] for run in _HAN_RUN.findall(normalise(text)) for i in range(len(run) - 1)]
