"""收件记录: inbound mail that made no item (ignored, quarantined) or lost attachments; quarantined raw downloads."""
from __future__ import annotations

from io import BytesIO

from flask import abort, render_template, request, send_file
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..services.common.numbers import page_number
from ..services.mail import inbound_log
from . import bp


@bp.get("/inbound")
def inbound() -> str:
    shown = request.args.get("outcome", "")
    shown = shown if shown in inbound_log.SHOWN else ""
    result = inbound_log.listing(db.session(), current_staff(), shown, page_number(request.args.get("page")))
    return render_template("staff/inbound.html", result=result, shown=shown)


@bp.get("/inbound/<int:inbound_id>/raw")
def inbound_raw(inbound_id: int) -> Response:
    """The raw bytes of a quarantined message, as a .eml download (never rendered in the browser); audited."""
    session = db.session()
    message = inbound_log.raw_for_download(session, current_staff(), inbound_id)
    if message is None:
        abort(404)
    session.commit()
    response = send_file(BytesIO(message.raw), mimetype="application/octet-stream", as_attachment=True,
                         download_name=f"inbound-{message.id}.eml", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
