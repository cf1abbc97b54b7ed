"""佐证材料: PDF or image files sent with a department's progress update or a 回头看 result — checked like every
upload (portal.services.feedback.attachments), all refused when one is, stored under random names in the upload
folder; staff only, never published."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from portal.services.common.errors import ServiceError
from portal.services.feedback import attachments
from portal.services.feedback.attachments import Upload

MAX_FILES = attachments.MAX_FILES
#: the form field the files come in; refusals name it
FIELD = "evidence"


class EvidenceRejected(ServiceError):
    """Too many files, or one of them refused; the message names which and why."""


@dataclass(frozen=True)
class CheckedFile:
    """An upload its parser accepted, with the content type it found."""

    upload: Upload
    content_type: str


@dataclass(frozen=True)
class StoredFile:
    """A file written to the upload folder: what a model row of it records."""

    filename: str
    stored_name: str
    content_type: str
    size: int
    sha256: str


def check(evidence: Sequence[Upload]) -> list[CheckedFile]:
    """The files chosen (empty file inputs left out), each checked; EvidenceRejected for more than MAX_FILES or the
    first refused file."""
    files = [upload for upload in evidence if upload.filename or upload.data]
    if len(files) > MAX_FILES:
        raise EvidenceRejected(_("佐证材料最多%(count)d个文件。", count=MAX_FILES), FIELD)
    try:
        return [CheckedFile(upload, attachments.check_upload(upload)) for upload in files]
    except attachments.UploadRejected as exc:
        raise EvidenceRejected(exc.message, FIELD) from exc


def store(files: Sequence[CheckedFile], upload_dir: Path | None) -> list[StoredFile]:
    """Write each checked file under a random name (never the sender's) in upload_dir."""
    if not files:
        return []
    if upload_dir is None:
        raise ValueError("evidence needs the upload folder")
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored = []
    for file in files:
        stored_name = secrets.token_hex(16)
        (upload_dir / stored_name).write_bytes(file.upload.data)
        stored.append(StoredFile(attachments.clean_filename(file.upload.filename), stored_name, file.content_type,
                                 len(file.upload.data), hashlib.sha256(file.upload.data).hexdigest()))
    return stored
