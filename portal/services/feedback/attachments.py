"""Attachments: PDF/JPEG/PNG checked by content (no active PDF, no image bomb), size-limited, randomly named."""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from portal.models import Attachment, FeedbackItem
from portal.services.common.errors import ServiceError

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
#: room a submission needs besides its files: the text (5000 characters, up to 4 bytes each), the other fields and
#: the multipart framing; MAX_CONTENT_LENGTH must leave at least this much above MAX_FILES × MAX_BYTES
FORM_RESERVE = 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
EXTENSIONS = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
#: an image may declare at most this many pixels, and this many on either side (decoding more is a memory bomb)
MAX_PIXELS = 40_000_000
MAX_SIDE = 20_000
#: PDF names that run code, act on their own or carry other files (ISO 32000 §12.6, §7.11.4, Adobe RichMedia)
PDF_ACTIVE = {b"JavaScript": _l("脚本"), b"JS": _l("脚本"), b"Launch": _l("启动程序的动作"),
              b"AA": _l("自动执行的动作"), b"EmbeddedFile": _l("嵌入文件"), b"EmbeddedFiles": _l("嵌入文件"),
              b"RichMedia": _l("富媒体")}
#: a PDF name token: / and regular characters (delimiters and white space end it)
PDF_NAME = re.compile(rb"/([^\s()<>\[\]{}/%]*)")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
#: the keyword that starts a stream's raw body (followed by CRLF or LF, ISO 32000 §7.3.8.1)
PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
#: most bytes inflated from a PDF's object streams for inspection
MAX_INFLATED = 20 * 1024 * 1024
#: JPEG start-of-frame markers (SOF0–SOF15 except DHT C4, JPG C8 and DAC CC): they carry the dimensions
JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
#: JPEG markers without a length field
JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})


@dataclass(frozen=True)
class StatedLimits:
    """The limits as a citizen is told them, and as the form's script checks them before submitting."""

    files: int
    file_bytes: int
    #: largest total of the files: the request limit less the room the text needs
    total_bytes: int

    @property
    def file_mb(self) -> int:
        return self.file_bytes // (1024 * 1024)

    @property
    def total_mb(self) -> int:
        return (self.total_bytes + FORM_RESERVE) // (1024 * 1024)


def stated_limits(max_content_length: int) -> StatedLimits:
    """The limits for a server whose requests may be max_content_length bytes (the app's MAX_CONTENT_LENGTH)."""
    return StatedLimits(MAX_FILES, MAX_BYTES, max_content_length - FORM_RESERVE)


class UploadRejected(ServiceError):
    """A file was refused; the message says which and why, in Chinese."""


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def clean_filename(name: str) -> str:
    """The last path component, without control or invisible format characters (U+202E…), at most 120 characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = re.sub(r"[<>:\"|?*]", "", name).strip(" .")
    return name[-120:] or "附件"


def check_upload(upload: Upload) -> str:
    """The content type of an acceptable file; UploadRejected otherwise."""
    name = clean_filename(upload.filename)
    if not upload.data:
        raise UploadRejected(_("文件“%(name)s”是空的。", name=name))
    if len(upload.data) > MAX_BYTES:
        raise UploadRejected(_("文件“%(name)s”超过10MB。", name=name))
    detected = next((ctype for magic, ctype, _suffix in SIGNATURES if upload.data.startswith(magic)), None)
    if detected is None:
        raise UploadRejected(_("文件“%(name)s”不是PDF、JPEG或PNG文件。", name=name))
    claimed = EXTENSIONS.get(Path(name).suffix.lower())
    if claimed != detected:
        raise UploadRejected(_("文件“%(name)s”的扩展名与内容不符（只接受 .pdf .jpg .jpeg .png）。", name=name))
    if detected == "application/pdf":
        _check_pdf(name, upload.data)
    else:
        _check_dimensions(name, _png_size(upload.data) if detected == "image/png" else _jpeg_size(upload.data))
    return detected


def _check_pdf(name: str, data: bytes) -> None:
    """Refuse a PDF naming active content in its objects, also inside its compressed object streams."""
    budget = MAX_INFLATED
    for outside, body in _pdf_parts(data):
        names = _pdf_names(outside)
        if b"ObjStm" in names:
            inflated = _inflated(name, body, budget)
            budget -= len(inflated)
            names |= _pdf_names(inflated)
        active = sorted(names & PDF_ACTIVE.keys())
        if active:
            raise UploadRejected(_("文件“%(name)s”含有%(what)s（/%(token)s），出于安全原因不予接收；"
                                   "请将其打印或另存为普通PDF后重新上传。",
                                   name=name, what=PDF_ACTIVE[active[0]], token=active[0].decode()))


def _pdf_parts(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(the objects before a stream, that stream's raw body) through the file; image data is never read as names."""
    at = 0
    for keyword in PDF_STREAM.finditer(data):
        if keyword.start() < at:
            continue
        end = data.find(b"endstream", keyword.end())
        end = len(data) if end < 0 else end
        yield data[at:keyword.start()], data[keyword.end():end]
        at = end
    yield data[at:], b""


def _pdf_names(data: bytes) -> set[bytes]:
    """Every name in data, #xx escapes decoded (/J#53 is /JS)."""
    return {PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), match[1]) for match in PDF_NAME.finditer(data)}


def _inflated(name: str, body: bytes, budget: int) -> bytes:
    """An object stream's content, to inspect; UploadRejected when it cannot be read or outgrows the budget."""
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(body, budget)
    except zlib.error:
        inflated = None
    if inflated is None or inflater.unconsumed_tail:
        raise UploadRejected(_("文件“%(name)s”含有无法检查的压缩内容（可能已加密、损坏或过大），"
                               "请另存为普通PDF后重新上传。", name=name))
    return inflated


def _png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the IHDR chunk that must follow the signature."""
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the first start-of-frame segment, walking the segments before the image data."""
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
        elif marker in JPEG_STANDALONE:
            at += 2
        elif marker in JPEG_SOF:
            if at + 9 > len(data):
                return None
            return int.from_bytes(data[at + 7:at + 9], "big"), int.from_bytes(data[at + 5:at + 7], "big")
        elif marker in (0xD9, 0xDA):
            return None
        else:
            at += 2 + max(int.from_bytes(data[at + 2:at + 4], "big"), 2)
    return None


def _check_dimensions(name: str, size: tuple[int, int] | None) -> None:
    """Refuse an image whose declared size would take gigabytes to decode; the pixels are never decoded here."""
    if size is None:
        return
    width, height = size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise UploadRejected(_("文件“%(name)s”的图像尺寸过大（%(width)s×%(height)s像素，最多%(pixels)s像素、"
                               "每边不超过%(side)s像素），请缩小后重新上传。", name=name, width=width, height=height,
                               pixels=format_number(MAX_PIXELS), side=format_number(MAX_SIDE)))


def check_uploads(uploads: list[Upload]) -> list[str]:
    """Content types of all uploads, or UploadRejected naming the first bad file."""
    if len(uploads) > MAX_FILES:
        raise UploadRejected(_("最多上传%(count)s个附件。", count=MAX_FILES))
    return [check_upload(u) for u in uploads]


def store(session: Session, item: FeedbackItem, upload: Upload, content_type: str, upload_dir: Path) -> Attachment:
    """Write the file under a random name (never the submitter's) and record it on the item."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    (upload_dir / stored_name).write_bytes(upload.data)
    attachment = Attachment(item_id=item.id, filename=clean_filename(upload.filename), stored_name=stored_name,
                            content_type=content_type, size=len(upload.data),
                            sha256=hashlib.sha256(upload.data).hexdigest())
    session.add(attachment)
    return attachment


def path_of(attachment: Attachment, upload_dir: Path) -> Path:
    return upload_dir / attachment.stored_name
