"""Back office (/staff/): login, queue, items, phone and letter logging, users, audit log."""
import time

from flask import Blueprint, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..auth import login_manager

bp = Blueprint("staff", __name__)

#: endpoints reachable without logging in
PUBLIC_ENDPOINTS = {"staff.login", "staff.set_password"}
#: what a user who must change a generated password may still reach
PASSWORD_PENDING_ENDPOINTS = {"staff.password", "staff.logout"}
#: where the session keeps when (epoch seconds) the staff member last sent a request
LAST_SEEN = "staff_seen"


@bp.before_request
def _require_login():
    """Every staff page needs a logged-in, active account, except the login page itself; a session left idle longer
    than STAFF_IDLE_MINUTES ends (a workstation left unlocked in an office must not stay signed in); a user with a
    generated password reaches nothing but the password page until they choose their own."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    now, seen = time.time(), session.get(LAST_SEEN)
    if isinstance(seen, int | float) and now - seen > float(current_app.config["STAFF_IDLE_MINUTES"]) * 60:
        logout_user()
        session.clear()
        flash(_("您已超过%(minutes)s分钟没有操作，为保护数据已自动退出，请重新登录。",
                minutes=current_app.config["STAFF_IDLE_MINUTES"]), "info")
        return redirect(url_for("staff.login"))
    session[LAST_SEEN] = int(now)
    if current_user.must_change_password and request.endpoint not in PASSWORD_PENDING_ENDPOINTS:
        return redirect(url_for("staff.password"))
    return None


@bp.after_request
def _no_store(response: Response) -> Response:
    """Staff pages hold personal data: never cached by browsers or proxies."""
    response.headers["Cache-Control"] = "no-store"
    return response


from . import (  # noqa: E402,F401
    account,
    audit_log,
    campaigns,
    departments,
    handling,
    home,
    inbound,
    intake,
    items,
    ledger_upload,
    outbox,
    progress,
    queue,
    queue_bulk,
    rechecks,
    replies,
    reply_files,
    reports,
    satisfaction,
    stats,
    stats_bulletin,
    users,
)
