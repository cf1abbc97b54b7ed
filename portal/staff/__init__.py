"""Back office (/staff/): login, queue, items, phone and letter logging, users, audit log."""
from flask import Blueprint, Response, request
from flask_login import current_user

from ..auth import login_manager

bp = Blueprint("staff", __name__)

#: endpoints reachable without logging in
PUBLIC_ENDPOINTS = {"staff.login"}


@bp.before_request
def _require_login():
    """Every staff page needs a logged-in, active account, except the login page itself."""
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.after_request
def _no_store(response: Response) -> Response:
    """Staff pages hold personal data: never cached by browsers or proxies."""
    response.headers["Cache-Control"] = "no-store"
    return response


from . import account, audit_log, inbound, intake, items, outbox, queue, replies, users  # noqa: E402,F401
