"""Security headers on every response."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    hooks = app.before_request_funcs[None]
    hooks[-1] = _checking_methods_first(app, hooks[-1])
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]), x_proto=1)  # type: ignore[method-assign]
    app.after_request(_add_headers)


def _checking_methods_first(app: Flask, csrf_protect: Callable[[], Any]) -> Callable[[], None]:
    """Flask-WTF's check (the hook csrf.init_app has just added), skipped at once for a method it never checks
    (GET, HEAD…) instead of after looking up the view's exemptions: its answer is the same, without that work on
    every page view."""
    def check_csrf() -> None:
        if request.method in app.config["WTF_CSRF_METHODS"]:
            csrf_protect()
    return check_csrf


HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def _add_headers(response: Response) -> Response:
    """HEADERS, except those a view has set itself (one pass over the headers: this runs on every response)."""
    present = {name.lower() for name, _ in response.headers.items()}
    response.headers.extend([(name, value) for name, value in HEADERS if name.lower() not in present])
    return response
