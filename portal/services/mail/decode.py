"""Decoding Chinese mail text: charset labels as mail really uses them, RFC 2047 words, HTML bodies to plain text."""
from __future__ import annotations

import base64
import binascii
import codecs
import html
import quopri
import re

import nh3
from charset_normalizer import from_bytes

#: labels whose bytes are really GBK or GB18030 (GB18030 decodes all of them); Big5 mail carries HKSCS characters
CHARSET_ALIASES = {
    "gb2312": "gb18030", "gb_2312-80": "gb18030", "euc-cn": "gb18030", "x-euc-cn": "gb18030", "gbk": "gb18030",
    "x-gbk": "gb18030", "cp936": "gb18030", "ms936": "gb18030", "windows-936": "gb18030", "csgb2312": "gb18030",
    "chinese": "gb18030", "big5": "big5hkscs", "x-big5": "big5hkscs", "cn-big5": "big5hkscs",
    "us-ascii": "utf-8", "ascii": "utf-8", "unknown-8bit": "utf-8", "x-unknown": "utf-8", "utf8": "utf-8",
}
#: Python codecs that no mail charset label may select
NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "charmap", "mbcs", "oem"}
#: tried in order when a label is missing, wrong or unknown, before asking charset-normalizer
FALLBACKS = ("utf-8", "gb18030")
#: bytes given to charset-normalizer; the guess then decodes the whole text
DETECT_SAMPLE = 64 * 1024
#: what this mailbox receives; open-ended detection mistakes short Big5 text for Korean
DETECT_AMONG = ["utf_8", "gb18030", "big5hkscs", "utf_16", "shift_jis", "cp1252"]
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
BETWEEN_WORDS = re.compile(r"^[ \t\r\n]+$")
SURROGATES = re.compile(r"[\udc80-\udcff]")
#: what neither PostgreSQL text nor UTF-8 can hold: NUL and lone surrogates (a unicode_escape or utf-7 label makes them)
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
#: elements whose text is not content: dropped with everything inside them
HTML_DROPPED = {"script", "style", "title", "head", "noscript", "template", "object", "iframe", "svg", "math"}
HTML_BREAKS = re.compile(r"(?i)<(?:br|/?p|/?div|/?li|/?tr|/?h[1-6]|/?blockquote|/?table|hr)\b[^>]*>")
SCRIPT_SCHEMES = re.compile(r"(?i)\b(javascript|vbscript)\s*:")


def codec_for(label: str | None) -> str | None:
    """The Python codec for a charset label, with the aliases above; None when Python does not know it."""
    name = (label or "").strip().strip("\"'").lower()
    if not name:
        return None
    name = CHARSET_ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    return None if codec in NOT_CHARSETS else codec


def storable(text: str) -> str:
    """Text any database column and UTF-8 can hold: NUL dropped, lone surrogates replaced."""
    return UNSTORABLE.sub(lambda m: "" if m.group(0) == "\x00" else "\ufffd", text)


def decode_bytes(data: bytes, label: str | None = None) -> str:
    """Text from bytes: the labelled charset, then UTF-8 and GB18030 (an unknown label: UTF-8), then a detected
    charset."""
    return storable(_decode(data, label)) if data else ""


def _decode(data: bytes, label: str | None) -> str:
    codec = codec_for(label)
    if codec:
        candidates = [codec, *(c for c in FALLBACKS if c != codec)]
    else:
        candidates = list(FALLBACKS) if not (label or "").strip() else ["utf-8"]
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except (UnicodeError, LookupError, ValueError):
            if candidate == codec and (repaired := _nearly(data, codec)) is not None:
                return repaired
    guess = from_bytes(data[:DETECT_SAMPLE], cp_isolation=DETECT_AMONG).best()
    return data.decode(guess.encoding if guess else "gb18030", errors="replace")


def _nearly(data: bytes, codec: str) -> str | None:
    """The labelled charset with a few bad bytes replaced (a cut-off character), unless the label is plainly wrong."""
    try:
        text = data.decode(codec, errors="replace")
    except (UnicodeError, LookupError, ValueError):
        return None
    return text if text.count("\ufffd") <= max(1, len(text) // 100) else None


def unescape_8bit(value: str) -> str:
    """A header the email package kept with raw 8-bit bytes (surrogate escapes) decoded as text."""
    if not SURROGATES.search(value):
        return storable(value)
    return decode_bytes(value.encode("utf-8", "surrogateescape"))


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    """The bytes of one encoded word, or None when it is broken beyond repair."""
    try:
        if encoding in "bB":
            return base64.b64decode(payload + "=" * (-len(payload) % 4))
        return quopri.decodestring(payload.encode("utf-8", "surrogateescape"), header=True)
    except (binascii.Error, ValueError):
        return None


def decode_words(value: str | None) -> str:
    """An unstructured header (Subject, display name) with RFC 2047 words decoded; broken words are kept as written."""
    if not value:
        return ""
    text = unescape_8bit(re.sub(r"\r?\n(?=[ \t])", "", value))
    pieces: list[tuple[bytes | str, str | None]] = []
    position = 0
    for match in ENCODED_WORD.finditer(text):
        between = text[position:match.start()]
        data = _word_bytes(match.group(2), match.group(3))
        if data is None:
            pieces.append((text[position:match.end()], None))
        else:
            if between and not (BETWEEN_WORDS.match(between) and pieces and pieces[-1][1]):
                pieces.append((between, None))
            label = match.group(1).split("*", 1)[0]
            previous = pieces[-1][0] if pieces and pieces[-1][1] == label else None
            if isinstance(previous, bytes):
                pieces[-1] = (previous + data, label)
            else:
                pieces.append((data, label))
        position = match.end()
    pieces.append((text[position:], None))
    return storable("".join(p if isinstance(p, str) else _decode_word(p, label) for p, label in pieces))


def _decode_word(data: bytes, label: str | None) -> str:
    """An encoded word in its declared charset (a cut-off character becomes U+FFFD); unknown labels are guessed."""
    codec = codec_for(label)
    try:
        return data.decode(codec, errors="replace") if codec else decode_bytes(data, label)
    except (UnicodeError, LookupError, ValueError):
        return decode_bytes(data, label)


def decode_param(value: str | tuple | None) -> str:
    """A MIME parameter (an attachment name): RFC 2231 (charset, language, text), RFC 2047 words or raw 8-bit."""
    if isinstance(value, tuple):
        charset, _language, text = value
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError:
            data = text.encode("utf-8", "surrogateescape")
        return decode_bytes(data, charset)
    return decode_words(value)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML body: every tag stripped by nh3 (no script, handlers or URLs survive), entities decoded."""
    marked = HTML_BREAKS.sub(lambda m: "\n" + m.group(0), storable(markup))
    text = html.unescape(nh3.clean(marked, tags=set(), clean_content_tags=HTML_DROPPED, attributes={}))
    return tidy(SCRIPT_SCHEMES.sub(r"\1：", text))


def tidy(text: str) -> str:
    """Line ends unified, blanks trimmed on each line, at most one empty line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u3000", " ")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
