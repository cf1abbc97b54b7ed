"""丢失的字节对: restore GBK pairs that a decoder reading one byte off dropped because GBK leaves them unassigned."""
from __future__ import annotations

import re
from functools import cache

from portal.services.reports.repair._plausibility import Document, is_han

HEADING = re.compile(r"（[一二三四五六七八九十]{1,3}）")


def restore(data: bytes, owners: list[int], line_start: bool, context: tuple[str, str],
            doc: Document | None) -> tuple[bytes, list[int]]:
    """Realigned GBK bytes with lost pairs put back: in a numbered heading, and (with doc) where word pairs vouch."""
    if line_start and data[:2] == b"\xa3\xa8" and not HEADING.match(data[:10].decode("gbk", "replace")):
        data, owners = _insert(data, owners, _heading_gap(data[:8]))
    if doc is not None:
        data, owners = _fill_gaps(data, owners, context, doc)
    return data, owners


def _insert(data: bytes, owners: list[int], gap: tuple[int, bytes] | None) -> tuple[bytes, list[int]]:
    if gap is None:
        return data, owners
    offset, pair = gap
    return data[:offset] + pair + data[offset:], owners[:offset] + [owners[offset - 1]] * 2 + owners[offset:]


@cache
def _gbk_pairs() -> tuple[list[list[str | None]], dict[int, list[int]]]:
    """Every two-byte GBK sequence: a table of decoded characters, and the unassigned ones by first byte."""
    table: list[list[str | None]] = [[None] * 256 for _ in range(256)]
    unassigned: dict[int, list[int]] = {}
    for p in range(0x81, 0xFF):
        for q in range(0x40, 0xFF):
            try:
                table[p][q] = bytes((p, q)).decode("gbk")
            except UnicodeDecodeError:
                unassigned.setdefault(p, []).append(q)
    return table, unassigned


@cache
def _heading_gap(prefix: bytes) -> tuple[int, bytes] | None:
    """Where one lost pair turns the start of a line into a numbered heading （二）, if exactly one does.

    Read one byte off, （二） and （三） straddle FE A3 and FD A3, which GBK leaves unassigned, so the
    numeral's tail and the bracket's head vanish together.
    """
    pairs = [bytes((p, q)) for p, qs in _gbk_pairs()[1].items() for q in qs]
    found = [(offset, pair) for offset in (3, 5) for pair in pairs
             if HEADING.match((prefix[:offset] + pair + prefix[offset:]).decode("gbk", "replace"))]
    return found[0] if len(found) == 1 else None


def _fill_gaps(data: bytes, owners: list[int], context: tuple[str, str], doc: Document) -> tuple[bytes, list[int]]:
    """Restore dropped pairs inside two-byte characters where exactly one filling fits the document's word pairs."""
    table, unassigned = _gbk_pairs()
    k = 0
    while k + 1 < len(data):
        here = table[data[k]][data[k + 1]]
        if here is None:
            k += 1
            continue
        before = _neighbour(data[:k], context[0], last=True)
        after = _neighbour(data[k + 2:], context[1], last=False)
        if doc.unknown_pairs(before + here + after) or not is_han(here):
            base = doc.pair_evidence(before + here + after)
            found: dict[int, list[bytes]] = {}
            for p, qs in unassigned.items():
                x = table[data[k]][p]
                if x is None:
                    continue
                left = doc.pair_score(before, x)
                for q in qs:
                    y = table[q][data[k + 1]]
                    if y is not None:
                        score = left + doc.pair_score(x, y) + doc.pair_score(y, after)
                        found.setdefault(score, []).append(bytes((p, q)))
            top = max(found, default=base)
            if top >= base + 2 and top > 0 and len(found[top]) == 1:
                data, owners = _insert(data, owners, (k + 1, found[top][0]))
                k += 2
        k += 2
    return data, owners


def _neighbour(data: bytes, fallback: str, last: bool) -> str:
    text = data.decode("gbk", "replace")
    return (text[-1:] if last else text[:1]) or fallback
