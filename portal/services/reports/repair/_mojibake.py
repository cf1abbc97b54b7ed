"""乱码修复: find mojibake stretches in a line, decode them back, and mark what cannot be recovered.

Two kinds are read back: UTF-8 bytes shown as GBK, and GBK shown one byte off (a lost byte shifts every
pair; GBK leaves some pairs unassigned, so a decoder drops them, and full-width letters get folded to ASCII).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from portal.services.reports.repair._gbk_gaps import restore
from portal.services.reports.repair._plausibility import Document, latin, pinyin_readings

#: how far a stretch may reach left and right of the first suspicious character
MAX_LEFT, MAX_RIGHT = 8, 24
#: readings tried per document, plus one per READINGS_PER_CHARS characters (the founding report needs about
#: 4,000 for 37,000 characters); past this, debris is only marked, so a hostile file cannot stall an import
MAX_READINGS, READINGS_PER_CHARS = 20_000, 4
#: a reading must remove at least this much badness to replace what was received
MIN_GAIN = 2.0
#: U+FFFD replacement characters written as UTF-8 and read as GBK: the bytes are gone for good
REPLACEMENT_DEBRIS = re.compile(r"(?:锟斤拷)+")
#: what a decoder writes where bytes were lost
LOST = "?\ufffd"

Decoded = list[tuple[str | None, list[int]]]


class Piece(NamedTuple):
    """A run of repaired text, or (unrepaired) characters as received that staff must fix by hand."""

    text: str
    unrepaired: bool = False


class Reading(NamedTuple):
    """How a stretch may be read back: UTF-8, or GBK one byte off with `lost` leading ?s and some letters unfolded."""

    codec: str
    lost: int = 0
    unfolded: frozenset[int] = frozenset()


def repair_line(line: str, doc: Document) -> list[Piece]:
    """The line as pieces: text (repaired where a reading explains the mojibake) and marked stretches."""
    pieces: list[Piece] = []
    start = 0
    for m in REPLACEMENT_DEBRIS.finditer(line):
        pieces += [*_repair_stretch(line[start:m.start()], start == 0, doc), Piece(m.group(), True)]
        start = m.end()
    return merge(pieces + _repair_stretch(line[start:], start == 0, doc))


def _repair_stretch(line: str, line_start: bool, doc: Document) -> list[Piece]:
    """Repair or mark, left to right, each stretch that holds a doubtful character."""
    protected = [False] * len(line)
    for m in pinyin_readings(line):
        protected[m.start():m.end()] = [True] * (m.end() - m.start())
    bad = doc.scores(line)
    pieces: list[Piece] = []
    pos = k = 0
    while k < len(line):
        if protected[k] or bad[k] < 1:
            k += 1
            continue
        affordable = doc.readings < MAX_READINGS + doc.size // READINGS_PER_CHARS
        best = _best_window(line, pos, k, protected, bad, line_start, doc) if affordable else None
        if best is not None:
            start, end, repaired = best
            tail = end
            while repaired[-1].unrepaired and tail < len(line) and _debris(line, tail, protected, bad):
                tail += 1
            repaired, end = merge([*repaired, Piece(line[end:tail], True)]), tail
        else:
            start, end = _debris_around(line, pos, k, protected, bad)
            repaired = [Piece(line[start:end], True)]
        if end > start:
            pieces += [Piece(line[pos:start]), *repaired]
            pos = k = end
        else:
            k += 1
    pieces.append(Piece(line[pos:]))
    return merge(pieces)


def merge(pieces: list[Piece]) -> list[Piece]:
    """Join neighbouring pieces of the same kind and drop empty ones."""
    out: list[Piece] = []
    for p in pieces:
        if p.text and out and out[-1].unrepaired == p.unrepaired:
            out[-1] = Piece(out[-1].text + p.text, p.unrepaired)
        elif p.text:
            out.append(p)
    return out


def _best_window(line: str, pos: int, k: int, protected: list[bool], bad: list[float], line_start: bool,
                 doc: Document) -> tuple[int, int, list[Piece]] | None:
    """The stretch around position k whose reading removes the most badness, if one removes enough."""
    def windowable(i: int) -> bool:
        return not protected[i] and not line[i].isspace() and line[i] not in "()"

    lo = hi = k
    while lo > max(pos, k - MAX_LEFT) and windowable(lo - 1):
        lo -= 1
    while hi < min(len(line), k + MAX_RIGHT) and windowable(hi):
        hi += 1
    best_key: tuple[float, int, int, int] | None = None
    best: tuple[int, int, Reading] | None = None
    for start in range(lo, k + 1):
        for end in range(k + 1, hi + 1):
            window, context = line[start:end], (line[start - 1:start], line[end:end + 1])
            received = sum(bad[start:end])
            for reading in _readings(window):
                doc.readings += 1
                decoded = _read(window, reading, line_start and start == 0, context, None)
                pieces, cost = _pieces(window, decoded, context, doc)
                key = (received - cost, -sum(len(p.text) for p in pieces if p.unrepaired), -start, -end)
                if best_key is None or key > best_key:
                    best_key, best = key, (start, end, reading)
    if best is None or best_key is None or best_key[0] < MIN_GAIN:
        return None
    start, end, reading = best
    window, context = line[start:end], (line[start - 1:start], line[end:end + 1])
    return start, end, _pieces(window, _read(window, reading, line_start and start == 0, context, doc), context, doc)[0]


def _debris(line: str, i: int, protected: list[bool], bad: list[float]) -> bool:
    return not protected[i] and (bad[i] >= 3 or line[i] in LOST or line[i] in "()" or latin(line[i]))


def _debris_around(line: str, pos: int, k: int, protected: list[bool], bad: list[float]) -> tuple[int, int]:
    """The run of debris around k, if it holds sure mojibake: marked as received."""
    if not _debris(line, k, protected, bad):
        return k, k
    start, end = k, k + 1
    while start > pos and _debris(line, start - 1, protected, bad):
        start -= 1
    while end < len(line) and _debris(line, end, protected, bad):
        end += 1
    return (start, end) if max(bad[start:end]) >= 3 else (k, k)


def _readings(window: str) -> Iterator[Reading]:
    yield Reading("utf-8")
    leading = len(window) - len(window.lstrip(LOST))
    for lost in sorted({leading, max(leading - 1, 0)}):
        body = window[lost:]
        # a full-width letter or sign folded to ASCII hides a pair; the last character may be the byte that realigns
        foldable = [i for i, c in enumerate(body[:-1]) if "!" <= c <= "~"]
        if body and len(foldable) <= 3:
            for mask in range(1 << len(foldable)):
                yield Reading("gbk", lost, frozenset(f for b, f in enumerate(foldable) if mask >> b & 1))


def _read(window: str, reading: Reading, line_start: bool, context: tuple[str, str],
          doc: Document | None) -> Decoded:
    """Decode the window as the reading says; with doc, also restore pairs the document's word pairs vouch for."""
    try:
        if reading.codec == "utf-8":
            return _read_utf8(window)
        units = [(chr(ord(c) + 0xFEE0) if i in reading.unfolded else c).encode("gbk")
                 for i, c in enumerate(window[reading.lost:])]
    except UnicodeEncodeError:
        return [(None, list(range(len(window))))]
    data = b"".join(units)
    owners = [reading.lost + i for i, u in enumerate(units) for _ in u]
    # At the start of a line the orphan 0xA1 is the tail of the ideographic space that indents a paragraph.
    orphan: Decoded = [] if line_start and data[0] == 0xA1 else [(None, list(range(reading.lost + 1)))]
    data, owners = data[1:], owners[1:]
    return orphan + _decode(*restore(data, owners, line_start, context, doc), "gbk")


def _read_utf8(window: str) -> Decoded:
    """UTF-8 shown as GBK: encode back, decode as UTF-8; a ? or � stands for bytes lost on the way."""
    decoded: Decoded = []
    start = 0
    for end in [i for i, c in enumerate(window) if c in LOST] + [len(window)]:
        units = [c.encode("gb18030") for c in window[start:end]]
        decoded += _decode(b"".join(units), [start + i for i, u in enumerate(units) for _ in u], "utf-8")
        decoded += [(None, [end])] if end < len(window) else []
        start = end + 1
    return decoded


def _decode(data: bytes, owners: list[int], codec: str) -> Decoded:
    """Characters decoded one at a time; a byte that starts no valid character becomes (None, its owner)."""
    out: Decoded = []
    k = 0
    while k < len(data):
        for n in (1, 2, 3, 4) if codec == "utf-8" else (1, 2):
            try:
                char = data[k:k + n].decode(codec)
            except UnicodeDecodeError:
                continue
            if len(char) == 1 and k + n <= len(data):
                out.append((char, owners[k:k + n]))
                k += n
                break
        else:
            out.append((None, owners[k:k + 1]))
            k += 1
    return out


def _pieces(window: str, decoded: Decoded, context: tuple[str, str], doc: Document) -> tuple[list[Piece], float]:
    """Pieces for a decoding, and what it costs: leftover badness plus a price per marked stretch."""
    text = "".join(c for c, _ in decoded if c is not None)
    scores = iter(doc.scores(text, *context))
    pieces: list[Piece] = []
    cost, marked = 0.0, None
    for char, owners in decoded:
        score = next(scores) if char is not None else 3.0
        if char is not None and score < 1:
            cost += score
            if marked:
                pieces.append(Piece(window[marked[0]:marked[1] + 1], True))
                marked = None
            pieces.append(Piece(char))
        else:
            marked = (min(owners + [marked[0]]), max(owners + [marked[1]])) if marked else (min(owners), max(owners))
    if marked:
        pieces.append(Piece(window[marked[0]:marked[1] + 1], True))
    pieces = merge(pieces)
    return pieces, cost + sum(2 + len(p.text) / 2 for p in pieces if p.unrepaired)
