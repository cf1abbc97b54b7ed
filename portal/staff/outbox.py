"""待发邮件: the outbox messages not yet delivered (pending and failed), and sending a failed one again."""
from __future__ import annotations

from math import ceil

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..models import utcnow
from ..models.mail import PENDING, SENDING_FAILED
from ..services.common import authz
from ..services.common.numbers import page_number
from ..services.mail import send as mail_send
from . import bp

PAGE_SIZE = 50


@bp.get("/outbox")
def outbox() -> str:
    """Failed messages first, then pending ones by when they are next tried; addresses masked."""
    authz.require(current_staff(), "view_outbox")
    page = page_number(request.args.get("page"))
    rows, counts = mail_send.undelivered(db.session(), page, PAGE_SIZE)
    pages = max(ceil((counts[PENDING] + counts[SENDING_FAILED]) / PAGE_SIZE), 1)
    return render_template("staff/outbox.html", rows=rows, counts=counts, page=page, pages=pages,
                           PENDING=PENDING, FAILED=SENDING_FAILED)


@bp.post("/outbox/<int:message_id>/retry")
def outbox_retry(message_id: int) -> Response:
    """重新发送: a failed message goes back in the queue, due now; the sender picks it up on its next batch."""
    actor = current_staff()
    authz.require(actor, "retry_outbox")
    session = db.session()
    if mail_send.retry_now(session, message_id, actor, utcnow()) is None:
        flash(_("这封邮件不是发送失败状态，无需重发。"), "error")
    else:
        session.commit()
        flash(_("已重新排队，将在下一批发送。"), "success")
    return redirect(url_for("staff.outbox"))
