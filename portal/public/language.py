"""语言切换: a plain link sets the lang cookie and returns to the page, never to another site."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request
from werkzeug.wrappers import Response

from ..i18n import LOCALE_COOKIE
from . import bp

ONE_YEAR = 365 * 24 * 3600


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(local_path(request.args.get("next")))
    response.set_cookie(LOCALE_COOKIE, code, max_age=ONE_YEAR, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def local_path(target: str | None) -> str:
    """target when it is a path on this site, otherwise the home page."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target
