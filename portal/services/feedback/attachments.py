"""Attachments: PDF/JPEG/PNG read by real parsers (pypdf, Pillow) and refused when active or a bomb, size-limited,
randomly named."""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models import Attachment, FeedbackItem
from portal.services.common.errors import ServiceError

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
#: room a submission needs besides its files: the text (5000 characters, up to 4 bytes each), the other fields and
#: the multipart framing; MAX_CONTENT_LENGTH must leave at least this much above MAX_FILES × MAX_BYTES
FORM_RESERVE = 1024 * 1024
#: how each kind begins; the parser for that kind then decides (Pillow's format names)
SIGNATURES = (
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
)
EXTENSIONS = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


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
    """The content type of an acceptable file, as its parser found it; UploadRejected otherwise."""
    name = clean_filename(upload.filename)
    if not upload.data:
        raise UploadRejected(_("文件“%(name)s”是空的。", name=name))
    if len(upload.data) > MAX_BYTES:
        raise UploadRejected(_("文件“%(name)s”超过10MB。", name=name))
    kind = next(((ctype, fmt) for magic, ctype, fmt in SIGNATURES if upload.data.startswith(magic)), None)
    if kind is None:
        raise UploadRejected(_("文件“%(name)s”不是PDF、JPEG或PNG文件。", name=name))
    if EXTENSIONS.get(Path(name).suffix.lower()) != kind[0]:
        raise UploadRejected(_("文件“%(name)s”的扩展名与内容不符（只接受 .pdf .jpg .jpeg .png）。", name=name))
    if kind[0] == "application/pdf":
        _check_pdf(name, upload.data)
        return kind[0]
    return _checked_image(name, upload.data, kind[1])


def _check_pdf(name: str, data: bytes) -> None:
    """Refuse a PDF that pypdf cannot read or check through, or whose objects carry active content."""
    from portal.services.feedback import pdf_content  # pypdf loads when a PDF arrives, not with every command

    try:
        found = pdf_content.active_content(data)
    except pdf_content.Encrypted:
        raise UploadRejected(_("文件“%(name)s”已加密，内容无法检查，不予接收；请去掉密码或另存为普通PDF后重新上传。",
                               name=name)) from None
    except pdf_content.TooComplex:
        raise UploadRejected(_("文件“%(name)s”结构过于复杂（对象过多、嵌套过深或压缩内容过大），无法检查，"
                               "请另存为普通PDF后重新上传。", name=name)) from None
    except pdf_content.Unreadable:
        raise UploadRejected(_("文件“%(name)s”无法作为PDF读取，内容无法检查（可能已损坏或不完整），"
                               "请另存为普通PDF后重新上传。", name=name)) from None
    if found:
        raise UploadRejected(_("文件“%(name)s”含有%(what)s（/%(token)s），出于安全原因不予接收；"
                               "请将其打印或另存为普通PDF后重新上传。", name=name, what=found.what, token=found.token))


def _checked_image(name: str, data: bytes, pillow_format: str) -> str:
    """The content type Pillow found for an image it decoded within bounds; UploadRejected otherwise."""
    from portal.services.feedback import image_content
    from portal.services.feedback.image_content import MAX_PIXELS, MAX_SIDE

    try:
        return image_content.content_type(data, pillow_format)
    except image_content.TooLarge as exc:
        if exc.size is None:
            raise UploadRejected(_("文件“%(name)s”的图像尺寸过大（最多%(pixels)s像素、每边不超过%(side)s像素），"
                                   "请缩小后重新上传。", name=name, pixels=format_number(MAX_PIXELS),
                                   side=format_number(MAX_SIDE))) from None
        width, height = exc.size
        raise UploadRejected(_("文件“%(name)s”的图像尺寸过大（%(width)s×%(height)s像素，最多%(pixels)s像素、"
                               "每边不超过%(side)s像素），请缩小后重新上传。", name=name, width=width, height=height,
                               pixels=format_number(MAX_PIXELS), side=format_number(MAX_SIDE))) from None
    except image_content.Undecodable:
        raise UploadRejected(_("文件“%(name)s”无法作为图片读取（已损坏、不完整或混有其他内容），"
                               "请重新拍摄或另存后上传。", name=name)) from None


def check_uploads(uploads: list[Upload]) -> list[str]:
    """Content types of all uploads, or UploadRejected naming the first bad file."""
    if len(uploads) > MAX_FILES:
        raise UploadRejected(_("最多上传%(count)s个附件。", count=MAX_FILES))
    return [check_upload(u) for u in uploads]


def checked_count(uploads: list[Upload], types: list[str]) -> list[str]:
    """The types of uploads each already checked by check_upload, or UploadRejected when there are too many."""
    if len(uploads) > MAX_FILES:
        raise UploadRejected(_("最多上传%(count)s个附件。", count=MAX_FILES))
    return types


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
