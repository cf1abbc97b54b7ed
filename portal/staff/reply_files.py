"""答复附件: a department adds files to its reply draft or takes them off; staff download them."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..downloads import stored_file
from ..services.feedback.attachments import Upload
from ..services.replies import reply_files
from . import bp
from .replies import _reply_or_404, _reply_page


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


@bp.post("/items/<case_number>/replies/<int:reply_id>/files")
def reply_files_add(case_number: str, reply_id: int) -> Response | tuple[str, int]:
    item, reply = _reply_or_404(case_number, reply_id)
    session = db.session()
    uploads = [Upload(f.filename or "", f.read()) for f in request.files.getlist("files") if f and f.filename]
    try:
        added = reply_files.add(session, current_staff(), reply, uploads, _upload_dir())
    except reply_files.ReplyFileError as exc:
        session.rollback()
        return _reply_page(item, reply, 422, {exc.field: str(exc)})
    session.commit()
    flash(_("已添加%(count)d个附件。", count=len(added)), "success")
    return redirect(url_for("staff.reply", case_number=item.case_number, reply_id=reply.id, _anchor="files"))


@bp.post("/items/<case_number>/replies/<int:reply_id>/files/<int:file_id>/delete")
def reply_file_delete(case_number: str, reply_id: int, file_id: int) -> Response | tuple[str, int]:
    item, reply = _reply_or_404(case_number, reply_id)
    session = db.session()
    try:
        reply_files.remove(session, current_staff(), reply, file_id, bool(request.form.get("confirm")),
                           _upload_dir())
    except reply_files.ReplyFileError as exc:
        session.rollback()
        return _reply_page(item, reply, 422, {exc.field: str(exc)})
    session.commit()
    flash(_("附件已删除。"), "success")
    return redirect(url_for("staff.reply", case_number=item.case_number, reply_id=reply.id, _anchor="files"))


@bp.get("/reply-files/<int:file_id>")
def reply_file(file_id: int) -> Response:
    session = db.session()
    found = reply_files.for_download(session, current_staff(), file_id)
    if found is None:
        abort(404)
    session.commit()
    return stored_file(_upload_dir() / found.stored_name, found)
