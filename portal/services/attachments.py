"""Attachments: PDF/JPEG/PNG checked by content, size-limited, stored under instance/ with random names."""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from ..models import Attachment, FeedbackItem

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
EXTENSIONS = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


class UploadRejected(ValueError):
    """A file was refused; the message says which and why, in Chinese."""


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def clean_filename(name: str) -> str:
    """The last path component, without control characters, at most 120 characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "", name).strip(" .")
    return name[-120:] or "附件"


def check_upload(upload: Upload) -> str:
    """The content type of an acceptable file; UploadRejected otherwise."""
    name = clean_filename(upload.filename)
    if not upload.data:
        raise UploadRejected(f"文件“{name}”是空的。")
    if len(upload.data) > MAX_BYTES:
        raise UploadRejected(f"文件“{name}”超过10MB。")
    detected = next((ctype for magic, ctype, _ in SIGNATURES if upload.data.startswith(magic)), None)
    if detected is None:
        raise UploadRejected(f"文件“{name}”不是PDF、JPEG或PNG文件。")
    claimed = EXTENSIONS.get(Path(name).suffix.lower())
    if claimed != detected:
        raise UploadRejected(f"文件“{name}”的扩展名与内容不符（只接受 .pdf .jpg .jpeg .png）。")
    return detected


def check_uploads(uploads: list[Upload]) -> list[str]:
    """Content types of all uploads, or UploadRejected naming the first bad file."""
    if len(uploads) > MAX_FILES:
        raise UploadRejected(f"最多上传{MAX_FILES}个附件。")
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
