"""Raw email bytes → ParsedMail: sender, subject, threading ids, plain text and attachments, or MailParseError."""
from __future__ import annotations

import email
import hashlib
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import parseaddr, parsedate_to_datetime

from portal.services.feedback.attachments import EXTENSIONS, Upload
from portal.services.mail.classify import automatic_reason
from portal.services.mail.decode import decode_bytes, decode_param, decode_words, html_to_text, tidy, unescape_8bit

#: multipart nesting followed; deeper parts are not read (real mail nests 3 or 4 levels)
MAX_DEPTH = 12
MAX_MESSAGE_ID = 255
ADDRESS = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
EXTENSION_OF = {ctype: ext for ext, ctype in reversed(EXTENSIONS.items())}


class MailParseError(ValueError):
    """The bytes are not a message we can read; the reason is in Chinese, message_id identifies the raw bytes."""

    def __init__(self, reason: str, message_id: str):
        super().__init__(reason)
        self.message_id = message_id


@dataclass(frozen=True)
class ParsedMail:
    """What ingest needs from one email, decoded to text."""

    message_id: str
    #: True when the message had no usable Message-ID and message_id was derived from the raw bytes
    message_id_missing: bool
    from_address: str
    from_name: str
    subject: str
    date: datetime
    in_reply_to: str
    references: str
    text: str
    attachments: list[Upload] = field(default_factory=list)
    #: why the message is an auto-reply, bulk mail or bounce (Chinese, with the evidence); None when a person wrote it
    automatic: str | None = None


def message_id_of(raw: bytes) -> tuple[str, bool]:
    """The message's Message-ID, or <sha256-of-raw@missing-message-id>; and whether it was missing."""
    return _message_id(_headers(BytesHeaderParser().parsebytes(raw)).get("message-id", ""), raw)


def _headers(message: Message) -> dict[str, str]:
    """Each header's first value as written (8-bit bytes surrogate-escaped), by lower-case name."""
    return {name.lower(): value for name, value in reversed(list(message.raw_items()))}


def _message_id(value: str, raw: bytes) -> tuple[str, bool]:
    value = unescape_8bit(value).strip()
    match = re.search(r"<[^<>\s]+>", value)
    candidate = match.group(0) if match else (f"<{value.strip('<>')}>" if value and " " not in value else "")
    if not candidate:
        return f"<{hashlib.sha256(raw).hexdigest()}@missing-message-id>", True
    if len(candidate) > MAX_MESSAGE_ID:
        return f"<{hashlib.sha256(candidate.encode('utf-8', 'surrogatepass')).hexdigest()}@long-message-id>", False
    return candidate, False


def parse(raw: bytes, now: datetime | None = None) -> ParsedMail:
    """Read one raw message; MailParseError when it has no headers, no sender or cannot be read at all."""
    if not raw.strip():
        raise MailParseError("邮件是空的。", message_id_of(raw)[0])
    try:
        message = email.message_from_bytes(raw)
    except RecursionError as exc:
        raise MailParseError("邮件结构嵌套过深，无法读取。", message_id_of(raw)[0]) from exc
    headers = _headers(message)
    message_id, missing = _message_id(headers.get("message-id", ""), raw)
    if not headers:
        raise MailParseError("没有邮件头，不像一封邮件。", message_id)
    address, name = _sender(headers.get("from", ""), message_id)
    subject = " ".join(decode_words(headers.get("subject", "")).split())
    try:
        text, uploads = _contents(message)
    except RecursionError as exc:
        raise MailParseError("邮件结构嵌套过深，无法读取。", message_id) from exc
    return ParsedMail(
        message_id=message_id, message_id_missing=missing, from_address=address, from_name=name, subject=subject,
        date=_date(headers.get("date"), now), in_reply_to=unescape_8bit(headers.get("in-reply-to", "")),
        references=unescape_8bit(headers.get("references", "")), text=text, attachments=uploads,
        automatic=automatic_reason({k: unescape_8bit(v) for k, v in headers.items()}, message.get_content_type(),
                                   address, subject),
    )


def _sender(value: str, message_id: str) -> tuple[str, str]:
    """(address, display name) of the From header; MailParseError when there is no address."""
    if not value.strip():
        raise MailParseError("缺少发件人（From）。", message_id)
    name, address = parseaddr(unescape_8bit(" ".join(value.split())))
    if not ADDRESS.fullmatch(address or ""):
        found = ADDRESS.search(unescape_8bit(value))
        if not found:
            raise MailParseError(f"无法识别发件人地址（From: {decode_words(value)[:80]}）。", message_id)
        address, name = found.group(0), ""
    return address, " ".join(decode_words(name).split()).strip("\"' ")


def _date(value: str | None, now: datetime | None) -> datetime:
    """The Date header in UTC; now when it is missing or unreadable."""
    try:
        parsed = parsedate_to_datetime(unescape_8bit(value or ""))
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return now or datetime.now(UTC)


def _leaves(part: Message, depth: int = 0) -> Iterator[Message]:
    """The parts that hold content, in order; an attached message is one leaf, not opened."""
    if depth > MAX_DEPTH:
        return
    if part.is_multipart() and part.get_content_maintype() != "message":
        for sub in _subparts(part):
            yield from _leaves(sub, depth + 1)
    else:
        yield part


def _contents(message: Message) -> tuple[str, list[Upload]]:
    """The text body (plain parts preferred, else HTML made plain) and every attachment."""
    plain: list[str] = []
    markup: list[str] = []
    uploads: list[Upload] = []
    for part in _leaves(message):
        ctype = part.get_content_type()
        filename = decode_param(_param(part, "filename", "content-disposition") or _param(part, "name"))
        if ctype in ("text/plain", "text/html") and not filename and part.get_content_disposition() != "attachment":
            text = decode_bytes(_decoded(part), _charset(part))
            (plain if ctype == "text/plain" else markup).append(text)
        else:
            data = _part_bytes(part)
            if data:
                uploads.append(Upload(filename or _default_name(ctype, len(uploads) + 1), data))
    texts = [tidy(t) for t in plain if t.strip()] or [html_to_text(t) for t in markup]
    return "\n\n".join(t for t in texts if t), uploads


def _param(part: Message, name: str, header: str = "content-type"):
    """A header parameter, or None when its RFC 2231 continuations are too damaged for the email library to join
    (it raises TypeError on `name*0*=…; name*=`)."""
    try:
        return part.get_param(name, header=header)
    except (TypeError, ValueError, IndexError):
        return None


def _charset(part: Message) -> str | None:
    label = _param(part, "charset")
    return label[2] if isinstance(label, tuple) else label


def _part_bytes(part: Message) -> bytes:
    """An attachment's decoded bytes; an attached message as it was written."""
    if part.is_multipart():
        return b"".join(_written(sub).encode("utf-8", "surrogateescape") for sub in _subparts(part))
    return _decoded(part)


def _subparts(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [sub for sub in payload if isinstance(sub, Message)] if isinstance(payload, list) else []


def _decoded(part: Message) -> bytes:
    """The part's body with its transfer encoding undone."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _written(message: Message) -> str:
    """An attached message as text; its headers as received when one cannot be written again (a header that looks
    as if it held another header, after damage in transit)."""
    try:
        return str(message)
    except HeaderParseError:
        headers = "".join(f"{name}: {value}\n" for name, value in message.raw_items())
        payload = message.get_payload()
        return headers + "\n" + (payload if isinstance(payload, str) else "".join(map(_written, _subparts(message))))


def _default_name(ctype: str, number: int) -> str:
    """A name for a part that has none: 附件1.png, by content type."""
    extension = EXTENSION_OF.get(ctype) or (".eml" if ctype == "message/rfc822" else mimetypes.guess_extension(ctype))
    return f"附件{number}{extension or '.bin'}"
