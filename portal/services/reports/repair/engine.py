"""进展通报文本修复: decode the file, repair mojibake, drop pinyin readings, convert to simplified Chinese."""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.services.common.errors import ServiceError
from portal.services.reports.repair._mojibake import Piece, merge, repair_line
from portal.services.reports.repair._plausibility import Document, converter, is_han, pinyin_readings

MARK_OPEN, MARK_CLOSE = "【待核对：", "】"
SIGNATURES = {b"%PDF": "PDF", b"PK\x03\x04": _l("Word/Excel 或压缩包"), b"\xd0\xcf\x11\xe0": "Word/Excel",
              b"\x89PNG": _l("图片"), b"\xff\xd8\xff": _l("图片"), b"GIF8": _l("图片"), b"{\\rtf": "RTF"}
#: a mark an earlier repair left (【待核对：…】): a text repaired again keeps it whole, so repair is idempotent
KEPT_MARK = re.compile(r"(【待核对[：:][^】\n]*】)")
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


class ReportRejected(ServiceError):
    """The file cannot be taken as a progress report; the message is for the operator (Chinese)."""


@dataclass(frozen=True)
class RepairedReport:
    """The repaired text and the stretches (as received) marked in it for staff to fix."""

    text: str
    unrepaired: tuple[str, ...]

    @property
    def unrepaired_count(self) -> int:
        return len(self.unrepaired)


def decode_report(data: bytes) -> str:
    """The text of a report file: UTF-8 (with or without BOM), then GB18030, then the best guess."""
    if not data.strip():
        raise _empty()
    for magic, kind in SIGNATURES.items():
        if data.startswith(magic):
            raise ReportRejected(_("这看起来是%(kind)s文件，不是纯文本。请把通报另存为纯文本（.txt）后再导入。",
                                   kind=kind))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data.decode("utf-16", errors="replace"))
    if b"\x00" in data:
        raise _binary()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return _checked(data.decode(encoding))
        except UnicodeDecodeError:
            if encoding == "utf-8-sig" and _mostly_utf8(data):
                return _checked(data.decode(encoding, errors="replace"))
    guess = from_bytes(data).best()
    if guess is None:
        raise _binary()
    return _checked(str(guess))


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes (kept as �, which the repair marks) rather than another encoding."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    return sum(1 for c in text if ord(c) > 0x7F) - broken >= 20 * broken


def _binary() -> ReportRejected:
    return ReportRejected(_("文件不是文本（含有二进制内容），无法作为通报导入。请导入纯文本（.txt）文件。"))


def _empty() -> ReportRejected:
    return ReportRejected(_("文件是空的，没有可导入的通报内容。"))


def _checked(text: str) -> str:
    """The text, unless it is blank or mostly control characters (a binary file decoded by force)."""
    if not text.strip():
        raise _empty()
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")
    if "\x00" in text or controls * 20 > len(text):
        raise _binary()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ReportRejected(_("文本中有无效字符（孤立的代理码位），无法保存。请检查文件编码后重新导入。")) from exc
    return text


def repair_report(text: str) -> RepairedReport:
    """Repair a report as received: mojibake decoded or marked, pinyin dropped, simplified, full-width punctuation.

    Marks already in the text are kept as they are and counted, so a repaired text repairs to itself."""
    text = _checked(text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    doc = Document(text)
    lines, unrepaired = [], []
    for line in text.split("\n"):
        parts = []
        for i, part in enumerate(KEPT_MARK.split(line)):
            if i % 2:  # a mark of an earlier repair, left for staff as it stands
                unrepaired.append(part[len(MARK_OPEN):-len(MARK_CLOSE)])
                parts.append(part)
                continue
            pieces = _punctuate(_simplify(_drop_pinyin(repair_line(part, doc))))
            unrepaired += [p.text for p in pieces if p.unrepaired]
            parts.append("".join(_marked(p.text) if p.unrepaired else p.text for p in pieces))
        lines.append("".join(parts))
    return RepairedReport("\n".join(lines), tuple(unrepaired))


def _marked(received: str) -> str:
    """【待核对：…】 around characters as received; a 】 among them is shown as ］ so the mark stays whole."""
    return MARK_OPEN + received.replace(MARK_CLOSE, "］") + MARK_CLOSE


def drop_pinyin(text: str) -> str:
    """Remove pinyin readings in brackets directly after a Han character: 根据(jù) → 根据."""
    return "".join(p.text for p in _drop_pinyin([Piece(text)]))


def _drop_pinyin(pieces: list[Piece]) -> list[Piece]:
    """Drop readings after Han characters; a reading right after a marked stretch joins the mark as a hint."""
    out: list[Piece] = []
    for piece in pieces:
        if piece.unrepaired:
            out.append(piece)
            continue
        text = piece.text
        for m in reversed(list(pinyin_readings(text))):
            if m.start() == 0 and out and out[-1].unrepaired:
                out[-1] = Piece(out[-1].text + m.group(), True)
            elif not (m.start() and is_han(text[m.start() - 1])):
                continue
            text = text[:m.start()] + text[m.end():]
        out.append(Piece(text))
    return merge(out)


def _simplify(pieces: list[Piece]) -> list[Piece]:
    return [p if p.unrepaired else Piece(converter("t2s").t2s(p.text)) for p in pieces]


def _punctuate(pieces: list[Piece]) -> list[Piece]:
    out = []
    for i, p in enumerate(pieces):
        if p.unrepaired:
            out.append(p)
            continue
        left = MARK_CLOSE if i > 0 else ""
        right = MARK_OPEN if i + 1 < len(pieces) else ""
        out.append(Piece(full_width_punctuation(p.text, left, right)))
    return out


def full_width_punctuation(text: str, left: str = "", right: str = "") -> str:
    """Chinese punctuation next to Chinese text: , ; : ? ! and bracket pairs become full-width."""
    chars = list(left + text + right)

    def wide(i: int) -> bool:
        return 0 <= i < len(chars) and (is_han(chars[i]) or unicodedata.east_asian_width(chars[i]) in "WF"
                                        or chars[i] in "“”‘’…—")

    stack = []
    for i, c in enumerate(chars):
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            j = stack.pop()
            if wide(j - 1) or wide(i + 1) or any(wide(k) for k in range(j + 1, i)):
                chars[j], chars[i] = "（", "）"
    for i, c in enumerate(chars):
        if c in FULL_WIDTH and (wide(i - 1) or wide(i + 1)):
            chars[i] = FULL_WIDTH[c]
    return "".join(chars)[len(left):len(chars) - len(right)]
