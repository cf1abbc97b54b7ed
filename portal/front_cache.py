"""前置缓存: a cached public page served again without entering Flask.

A public page an anonymous visitor may share with every other (portal.public.response_cache) is, once Flask has
sent it, kept here as sent: status, every header its hooks added (security headers, validators, Cache-Control,
Vary) and body. The next request for the same path and query, with the same language inputs (the language cookie
and Accept-Language, which alone choose the locale), no other cookie and no conditional or range header, gets those
bytes straight from this WSGI layer, with its own X-Request-ID and request log line, while the date and the versions
of the data the page shows are still those it was made with: the same answer Flask's own cache gives, without
the request context, URL matching, hooks and response objects around it (nine tenths of a cached page's CPU).
The opinion and lookup forms, the same for everyone but their tokens, are kept the same way and given new tokens
and a new session per visitor (portal.front_fills).

Anything else — a changed version, a new day, a cookie, a 304 to work out, a POST — goes to Flask as before.
The layer keeps nothing of its own: entries live in the app's response cache (bounded in bytes, least recently used
first), and the versions and today's date are read through the functions the public blueprint installs (FrontReads).
"""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from werkzeug.http import parse_cookie

from .i18n import LOCALE_COOKIE
from .limits import APP_WIDE_SETTINGS
from .logging_setup import log_request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .front_fills import FilledPage

#: where the versions a request's page is keyed by are left, read once per request (by this layer or by Flask)
PAGE_VERSIONS = "portal.page_versions"
#: where a view that served a shareable cached page leaves what the page depends on (a FrontValidity)
FRONT_VALIDITY = "portal.front_validity"
#: where page_with_fills leaves what a page filled per visitor depends on and the values it filled in (FillsValidity)
FRONT_FILLS = "portal.front_fills"
#: app.extensions key of the FrontReads the public blueprint installs
READS_KEY = "portal.front_reads"
#: a request with any of these is answered by Flask: a 304, a part of a body
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
                "HTTP_IF_RANGE", "HTTP_RANGE")


@dataclass(frozen=True)
class FrontValidity:
    """What a cached page was made with: the versions of the scopes it shows, the local date and its logged path."""

    scopes: tuple[str, ...]
    versions: tuple[int, ...]
    today: date
    path: str


@dataclass(frozen=True)
class FrontReads:
    """The response cache to keep entries in, and how to read the current versions and today's date."""

    cache: Any
    #: the current versions (portal.services.common.public_version.Versions)
    versions: Callable[[], Any]
    today: Callable[[], date]


@dataclass(frozen=True)
class _Entry:
    validity: FrontValidity
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class FrontCache:
    """WSGI middleware around the Flask app's wsgi_app: see the module docstring."""

    def __init__(self, app: Any, wsgi_app: WSGIApplication) -> None:
        self._app = app
        self._wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        key = _key(environ)
        if key is None:
            return self._wsgi_app(environ, start_response)
        method = environ["REQUEST_METHOD"]
        reads: FrontReads | None = self._app.extensions.get(READS_KEY)
        entry: _Entry | FilledPage | None = reads.cache.get(key) if reads is not None else None
        if entry is not None and reads is not None and _still_valid(entry.validity, reads, environ) and (
                method == "GET" or isinstance(entry, _Entry)):
            request_id = secrets.token_hex(8)
            if isinstance(entry, _Entry):
                headers, body = [*entry.headers, ("X-Request-ID", request_id)], entry.body
            else:
                headers, body = entry.respond(self._app, request_id)
            start_response(entry.status, headers)
            log_request(self._app, request_id, method, entry.validity.path, int(entry.status[:3]), started)
            return [] if method == "HEAD" else [body]
        if method != "GET":
            return self._wsgi_app(environ, start_response)
        return self._kept(environ, start_response, key)

    def _kept(self, environ: WSGIEnvironment, start_response: StartResponse, key: Hashable) -> Iterable[bytes]:
        """Flask's answer, kept when a view marked it shareable (or filled, portal.front_fills) and what the hooks
        after it did leaves it so."""
        sent: list[Any] = []

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        chunks = self._wsgi_app(environ, remember)
        shared, filled = environ.get(FRONT_VALIDITY), environ.get(FRONT_FILLS)
        reads: FrontReads | None = self._app.extensions.get(READS_KEY)  # the first request has just registered it
        if reads is None or not sent or (filled is None and (shared is None or not _shareable(*sent))):
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = sent
        entry: _Entry | FilledPage | None
        if filled is not None:
            from .front_fills import filled_page

            entry = filled_page(self._app, filled, status, headers, body)
        else:
            kept = tuple((name, value) for name, value in headers if name != "X-Request-ID")
            entry = _Entry(shared, status, kept, body)  # type: ignore[arg-type]  # shared is set: checked above
        if entry is not None:
            reads.cache.put(key, entry, len(body))
        return [body]


def init_app(app: Any) -> None:
    """Put the front layer around the app (it answers nothing until the public blueprint gives it its reads: the
    views, and so the blueprint, are registered only at the first request, portal.routing); not when an
    application-wide rate limit is set, which Flask-Limiter counts per request in Flask."""
    if not any(app.config.get(name) for name in APP_WIDE_SETTINGS):
        app.wsgi_app = FrontCache(app, app.wsgi_app)


def _key(environ: WSGIEnvironment) -> tuple[Hashable, ...] | None:
    """The entry key of an anonymous unconditional GET or HEAD, else None (Flask answers)."""
    if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or any(name in environ for name in _CONDITIONAL):
        return None
    language = None
    header = environ.get("HTTP_COOKIE")
    if header:
        cookies = parse_cookie(header)
        if any(name != LOCALE_COOKIE for name in cookies):
            return None
        language = cookies.get(LOCALE_COOKIE)
    return ("front", environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
            language, environ.get("HTTP_ACCEPT_LANGUAGE", ""))


def _still_valid(validity: Any, reads: FrontReads, environ: WSGIEnvironment) -> bool:
    """validity (a FrontValidity or front_fills.FillsValidity) holds for today and the current versions (left in
    the environ for Flask when it does not: the request then reads them once)."""
    if validity.today != reads.today():
        return False
    versions = environ[PAGE_VERSIONS] = reads.versions()
    return validity.versions == versions.of(validity.scopes)


def _shareable(status: str, headers: list[tuple[str, str]]) -> bool:
    """A 200 that sets no cookie and that shared caches may keep (the response cache's Cache-Control policy)."""
    if not status.startswith("200"):
        return False
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and "public" in names.get("cache-control", "")
