"""Rate limits (Flask-Limiter): counted in the portal's database, or in Redis when RATELIMIT_STORAGE_URI says so.

Every worker and host counts the same requests either way; memory:// (per process) is for tests of one process only.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

from .limit_storage import storage_uri

#: settings that make the extension's per-request hooks do something
APP_WIDE_SETTINGS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_HEADERS_ENABLED")
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    """Every limit the portal sets is a route decorator, and a decorated view checks its own limit when called.

    The extension's per-request hooks only add application-wide limits (RATELIMIT_DEFAULT, RATELIMIT_APPLICATION)
    and X-RateLimit headers, yet cost a third of a cached public page's time: without those settings they go, and so
    does the teardown that empties the extension's per-request context (it lives on the request context, which
    goes at the end of the request anyway).
    """
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config["DATABASE_URL"])
    limiter.init_app(app)
    if any(app.config.get(name) for name in APP_WIDE_SETTINGS):
        return
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    app.after_request_funcs[None] = [
        hook for hook in app.after_request_funcs[None] if not (isinstance(hook, partial) and hook.args == (limiter,))
    ]
    app.teardown_request_funcs[None] = [
        hook for hook in app.teardown_request_funcs[None] if getattr(hook, "__self__", None) is not limiter
    ]


def post_limit(limit_value: Callable[[], str], on_breach: Callable[..., Any]
               ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """limiter.limit(limit_value, methods=["POST"], on_breach=on_breach) for a view that also shows its form on
    GET: a GET calls the view at once, without the extension's per-call search for limits (for a limit on POST
    only it finds none to count, yet it costs a sixth of the form page's time)."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        limited = limiter.limit(limit_value, methods=["POST"], on_breach=on_breach)(view)

        @wraps(view)
        def dispatch(*args: Any, **kwargs: Any) -> Any:
            return limited(*args, **kwargs) if request.method == "POST" else view(*args, **kwargs)
        return dispatch
    return decorate


def form_limit() -> str:
    return current_app.config["FORM_RATE_LIMIT"]


def follow_limit() -> str:
    return current_app.config["FOLLOW_RATE_LIMIT"]


def lookup_limit() -> str:
    return current_app.config["LOOKUP_RATE_LIMIT"]


def rating_limit() -> str:
    return current_app.config["RATING_RATE_LIMIT"]


def picker_limit() -> str:
    return current_app.config["PICKER_RATE_LIMIT"]


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def case_action_limit() -> str:
    return current_app.config["CASE_ACTION_RATE_LIMIT"]


def case_guesses_left(case_number: str) -> bool:
    """Whether this case number may be tried again: wrong codes are counted per case as well as per address."""
    return limiter.limiter.test(_case_limit(), "lookup-case", case_number)


def count_wrong_code(case_number: str) -> None:
    limiter.limiter.hit(_case_limit(), "lookup-case", case_number)


def _case_limit():
    return parse(current_app.config["LOOKUP_CASE_RATE_LIMIT"])
