"""How plausible a character is in a Chinese report, judged by its class and by the document it stands in."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded on first use (portal.services.common.segment says why)
    from opencc_purepy import OpenCC

TONE_LETTERS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
ANNOTATION = re.compile(rf"[(（]([a-z{TONE_LETTERS}'’ 1-5]{{1,24}})[)）]")
SYLLABLE = re.compile(r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|ang|eng|ing|ong|iao|ian|uai|uan|"
                      r"ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un|ue|a|o|e|i|u|v|n|ng|m)[1-5]?")
#: a word of Latin letters standing on its own (café), not debris glued to Chinese text
LATIN_WORD = re.compile(r"(?<![^\s\"'(])[A-Za-z\u00c0-\u024f]*[A-Za-z][A-Za-z\u00c0-\u024f]*(?=[\s,.;:!\"')]|$)")
#: Greek, Cyrillic, box drawing, kana, bopomofo: GBK symbol rows that mojibake is made of
DEBRIS_RANGES = ((0x0370, 0x04FF), (0x2500, 0x259F), (0x3040, 0x30FF), (0x3100, 0x312F), (0x31A0, 0x31BF))


@cache
def converter(config: str) -> OpenCC:
    from opencc_purepy import OpenCC

    return OpenCC(config)


def is_han(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


def is_pinyin(content: str) -> bool:
    """Whether bracket content is a pinyin reading: syllables with tone marks or digits, e.g. jù, guān xì."""
    plain = unicodedata.normalize("NFKD", content.replace("ü", "v")).encode("ascii", "ignore").decode()
    toned = any(c in TONE_LETTERS or c.isdigit() for c in content)
    return (toned or len(plain) > 1) and all(s and SYLLABLE.fullmatch(s) for s in re.split(r"[ '’]+", plain.strip()))


def pinyin_readings(text: str) -> Iterator[re.Match]:
    """Pinyin readings in brackets, wherever they stand."""
    return (m for m in ANNOTATION.finditer(text) if is_pinyin(m.group(1)))


def latin(c: str) -> bool:
    return c.isascii() and c.isalpha() or 0xC0 <= ord(c) <= 0x24F and c not in "×÷"


def foreign(c: str) -> bool:
    return not c.isascii() and not c.isspace()


class Document:
    """What the whole text tells about a character: its vocabulary, word pairs and script."""

    def __init__(self, text: str) -> None:
        self.size = len(text)
        for m in reversed(list(pinyin_readings(text))):
            text = text[:m.start()] + text[m.end():]
        counts = Counter(c for c in text if is_han(c))
        self.vocabulary = {c for c, n in counts.items() if n >= 2}
        self.pairs = Counter(a + b for a, b in pairwise(text) if is_han(a) and is_han(b))
        self._facts: dict[str, tuple[float, bool, bool]] = {}
        # Judge the script by characters in plain surroundings, so that mojibake does not outvote the text.
        plain = [self._plain(c) for c in f" {text} "]
        facts = [self._han(c) for i, c in enumerate(text) if plain[i] and plain[i + 1] and plain[i + 2] and is_han(c)]
        self.traditional = sum(f[1] for f in facts) > sum(f[2] for f in facts)
        #: readings of mojibake tried so far, against the budget of portal.services.reports.repair._mojibake
        self.readings = 0

    def _plain(self, c: str) -> bool:
        if is_han(c):
            return self._han(c)[0] == 0
        return c.isascii() or unicodedata.category(c)[0] in "PZN"

    def _han(self, c: str) -> tuple[float, bool, bool]:
        """(rarity, traditional only, simplified only) of a Han character; rare means outside GB2312."""
        if c not in self._facts:
            simple = converter("t2s").t2s(c)
            try:
                rarity = 0.25 if simple.encode("gb2312")[0] >= 0xD8 else 0.0
            except UnicodeEncodeError:
                rarity = 1.0
            self._facts[c] = (rarity, simple != c, simple == c and converter("s2t").s2t(c) != c)
        return self._facts[c]

    def badness(self, c: str, prev: str, nxt: str) -> float:
        """How unlikely c is here: 3 for mojibake debris, 1 for doubtful, less for uncommon, else 0."""
        if is_han(c):
            if c in self.vocabulary:
                return 0.0
            rarity, traditional_only, simplified_only = self._han(c)
            return 1.0 if (simplified_only if self.traditional else traditional_only) else rarity
        if c in "\t\n" or c.isascii() and not c.isalpha() and c != "?":
            return 0.0
        o, category = ord(c), unicodedata.category(c)
        if (c == "\ufffd" or category in ("Cc", "Co", "Cs") or category[0] == "L" and not c.isascii()
                or any(a <= o <= b for a, b in DEBRIS_RANGES)):
            return 3.0
        if c == "?" or c.isascii() and c.isalpha() and not latin(prev) and not latin(nxt):
            return 1.0 if foreign(prev) or foreign(nxt) else 0.0
        return 0.0

    def scores(self, text: str, left: str = "", right: str = "") -> list[float]:
        """badness of every character of text, with left and right as its outer neighbours."""
        padded = f"{left[-1:] or ' '}{text}{right[:1] or ' '}"
        scores = [self.badness(padded[i], padded[i - 1], padded[i + 1]) for i in range(1, len(padded) - 1)]
        for word in LATIN_WORD.finditer(text):
            scores[word.start():word.end()] = [0.0] * (word.end() - word.start())
        return scores

    def pair_score(self, a: str, b: str) -> int:
        """How well the document vouches for the word pair ab: up to 3 if it uses it, -1 if it never does."""
        if not (a and b and is_han(a) and is_han(b)):
            return 0
        return min(self.pairs.get(a + b, 0), 3) or -1

    def pair_evidence(self, text: str) -> int:
        return sum(self.pair_score(a, b) for a, b in pairwise(text))

    def unknown_pairs(self, text: str) -> int:
        return sum(self.pair_score(a, b) < 0 for a, b in pairwise(text))
