"""台账上传: a ledger file uploaded in the browser, kept server-side under its SHA-256 between preview and confirm.

The confirmation posts back only the hash: what is imported is exactly the file that was previewed, never a second
upload, and a hash that does not match a kept file's content is refused."""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _

from portal.services.common.errors import ServiceError
from portal.services.ledger.limits import MAX_FILE_BYTES
from portal.services.ledger.rejects import rejected

SUFFIXES = (".xlsx", ".csv")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 2**16
#: a previewed file not confirmed within this many seconds is deleted with the next upload
KEEP_SECONDS = 24 * 3600


class UploadGone(ServiceError):
    """The previewed file is no longer kept (imported already, or older than a day), or the hash is not one."""


@dataclass(frozen=True)
class StoredLedger:
    """A kept upload: its hash (its name on disk), its suffix and its path."""

    sha256: str
    path: Path


def store(folder: Path, filename: str, stream: BinaryIO) -> StoredLedger:
    """Keep an uploaded ledger as <sha256><suffix> in folder; LedgerRejected for another type or an oversized file."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise rejected(_("不支持的文件类型“%(suffix)s”：请使用 .xlsx 或 .csv 格式的台账。",
                         suffix=suffix or filename or _("（无文件名）")))
    folder.mkdir(parents=True, exist_ok=True)
    _prune(folder)
    digest, size = hashlib.sha256(), 0
    partial = folder / f".upload-{time.time_ns()}{suffix}"
    try:
        with partial.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise rejected(_("文件超过上限%(mb)d MB：台账过大，无法读取。", mb=MAX_FILE_BYTES // 2**20))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise rejected(_("上传的文件是空的：请选择台账文件。"))
        path = folder / f"{digest.hexdigest()}{suffix}"
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return StoredLedger(digest.hexdigest(), path)


def kept(folder: Path, sha256: str) -> StoredLedger:
    """The kept upload with this hash, its content checked against it; UploadGone when there is none."""
    if SHA256.match(sha256 or ""):
        for suffix in SUFFIXES:
            path = folder / f"{sha256}{suffix}"
            if path.is_file() and _digest(path) == sha256:
                return StoredLedger(sha256, path)
    raise UploadGone(_("找不到预览过的台账文件（可能已经导入，或预览已超过一天）：请重新上传。"))


def discard(stored: StoredLedger) -> None:
    """Delete a kept upload once it is imported."""
    stored.path.unlink(missing_ok=True)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _prune(folder: Path) -> None:
    """Delete uploads previewed but never confirmed, once they are a day old."""
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
