"""答复附件: PDFs and images a department attaches to its reply draft — checked by the same parsers and limits as a
citizen's uploads (portal.services.feedback.attachments), listed for the reviewer, sent with the emailed answer and
never published."""
from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import FeedbackItem, Reply, ReplyAttachment, User
from portal.models.feedback import DRAFT, RETURNED
from portal.services.common import audit, authz
from portal.services.common.errors import ServiceError
from portal.services.feedback import attachments
from portal.services.feedback.attachments import Upload

MAX_FILES = attachments.MAX_FILES
#: the statuses in which the draft, and so its files, may still change (drafting.EDITABLE)
CHANGEABLE = (DRAFT, RETURNED)


class ReplyFileError(ServiceError):
    """A file refused, or a change of files refused in the reply's status."""


def of_reply(session: Session, reply: Reply) -> list[ReplyAttachment]:
    """The reply's files, in the order they were added."""
    return list(session.scalars(select(ReplyAttachment).where(ReplyAttachment.reply_id == reply.id)
                                .order_by(ReplyAttachment.id)))


def add(session: Session, actor: User, reply: Reply, uploads: list[Upload], upload_dir: Path) -> list[ReplyAttachment]:
    """Attach files to a draft (at most MAX_FILES in all), each checked by its real parser; none when one is bad."""
    _changeable(actor, reply)
    uploads = [upload for upload in uploads if upload.filename or upload.data]
    if not uploads:
        raise ReplyFileError(_("请选择要添加的文件。"), "files")
    held = session.scalar(select(func.count(ReplyAttachment.id)).where(ReplyAttachment.reply_id == reply.id)) or 0
    if held + len(uploads) > MAX_FILES:
        raise ReplyFileError(_("每份答复最多%(count)s个附件（已有%(held)s个）。", count=MAX_FILES, held=held), "files")
    try:
        types = [attachments.check_upload(upload) for upload in uploads]
    except attachments.UploadRejected as exc:
        raise ReplyFileError(exc.message, "files") from exc
    upload_dir.mkdir(parents=True, exist_ok=True)
    added = []
    for upload, content_type in zip(uploads, types, strict=True):
        stored_name = secrets.token_hex(16)
        (upload_dir / stored_name).write_bytes(upload.data)
        added.append(ReplyAttachment(reply_id=reply.id, filename=attachments.clean_filename(upload.filename),
                                     stored_name=stored_name, content_type=content_type, size=len(upload.data),
                                     sha256=hashlib.sha256(upload.data).hexdigest(), uploaded_by_id=actor.id))
    session.add_all(added)
    session.flush()
    audit.record(session, actor, "reply.attach", "reply", reply.id, item_id=reply.item_id, attachments=len(added))
    session.flush()
    return added


def remove(session: Session, actor: User, reply: Reply, file_id: int, confirmed: bool, upload_dir: Path) -> None:
    """Take a file off a draft, after an explicit confirmation; the file on disk goes too."""
    _changeable(actor, reply)
    found = session.get(ReplyAttachment, file_id)
    if found is None or found.reply_id != reply.id:
        raise ReplyFileError(_("找不到这个附件。"), "files")
    if not confirmed:
        raise ReplyFileError(_("请勾选确认后再删除附件“%(name)s”。", name=found.filename), "files")
    session.delete(found)
    session.flush()
    audit.record(session, actor, "reply.detach", "reply", reply.id, item_id=reply.item_id, attachments=1)
    session.flush()
    (upload_dir / found.stored_name).unlink(missing_ok=True)


def for_download(session: Session, user: User, file_id: int) -> ReplyAttachment | None:
    """The file when its item is visible to user (None otherwise); PermissionDenied for a role that may not download."""
    found = session.scalar(select(ReplyAttachment).join(Reply, Reply.id == ReplyAttachment.reply_id)
                           .join(FeedbackItem, FeedbackItem.id == Reply.item_id)
                           .where(ReplyAttachment.id == file_id, authz.visible_items(user)))
    if found is None:
        return None
    authz.require(user, "download_attachment", found.reply.item)
    audit.record(session, user, "reply.download_attachment", "reply", found.reply_id, item_id=found.reply.item_id)
    session.flush()
    return found


def for_mail(session: Session, reply: Reply, upload_dir: Path) -> list[tuple[str, str, bytes]]:
    """(filename, content type, bytes) of the reply's files, for the emailed answer."""
    return [(f.filename, f.content_type, (upload_dir / f.stored_name).read_bytes()) for f in of_reply(session, reply)]


def _changeable(actor: User, reply: Reply) -> None:
    authz.require(actor, "draft_reply", reply.item)
    if reply.status not in CHANGEABLE:
        raise ReplyFileError(_("只能在草稿或被退回的答复稿上添加或删除附件。"), "files")
