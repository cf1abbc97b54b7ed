"""Whole public responses cached per public data version, with ETag, Last-Modified, 304 and Cache-Control.

A page is stored under its endpoint, path, query string, language and local date and the versions of the data it
shows (portal.services.common.public_version), so a change committed by any worker or host is seen by every other at
its next read of the versions: one small query per request, or none within PUBLIC_VERSION_SECONDS of the last
(the longest a page may lag a change). Only anonymous GETs are stored; a request with any cookie but the language
cookie is rendered afresh and is private, like every response that sets a cookie or holds a form token. The opinion
and lookup forms are stored without their tokens and filled in per request (page_with_fills).
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import wraps
from typing import Any, ParamSpec, cast
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, request, session
from flask.blueprints import BlueprintSetupState
from flask_babel import get_locale
from werkzeug.wrappers import Response as WerkzeugResponse

from ..front_cache import FRONT_FILLS, FRONT_VALIDITY, READS_KEY, FrontReads, FrontValidity
from ..front_fills import FillsValidity, cut
from ..i18n import LOCALE_COOKIE
from ..services.common.public_version import Versions
from ..services.ledger.pages import today
from .common import PAGE_VERSIONS, app_versions, local_today, page_versions

RESPONSES_KEY = "portal.public_responses"
#: marks (in the WSGI environ: tests share g between requests) a request whose response shared caches may keep
_SHARED = "portal.shared_cache"
P = ParamSpec("P")


@dataclass(frozen=True)
class StoredResponse:
    """A page as sent, its validators among its headers (computed once: they are the same for every hit)."""

    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    last_modified: datetime

    def response(self) -> Response:
        return Response(self.body, 200, list(self.headers))

    def not_modified(self) -> Response:
        return Response(status=304, headers=[h for h in self.headers if h[0] != "Content-Type"])


class ResponseCache:
    """Least recently used entries, at most max_bytes of bodies; each process keeps its own."""

    def __init__(self, max_bytes: int) -> None:
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._total = 0
        self._max_bytes = max_bytes
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any, size: int) -> None:
        with self._lock:
            if key in self._entries:
                self._total -= self._sizes[key]
            self._entries[key], self._sizes[key] = value, size
            self._entries.move_to_end(key)
            self._total += size
            while self._total > self._max_bytes and self._entries:
                oldest, _value = self._entries.popitem(last=False)
                self._total -= self._sizes.pop(oldest)


def install(state: BlueprintSetupState) -> None:
    """One response cache per app (the public site and the open data API share it), the Cache-Control policy and
    the front layer that serves its shareable pages again (portal.front_cache)."""
    app = cast(Flask, state.app)
    if RESPONSES_KEY not in app.extensions:
        cache = app.extensions[RESPONSES_KEY] = ResponseCache(int(app.config["PUBLIC_CACHE_BYTES"]))
        app.after_request(_cache_policy)
        app.extensions[READS_KEY] = FrontReads(cache, lambda: app_versions(app),
                                               lambda: today(app.config["BABEL_DEFAULT_TIMEZONE"]))


def cached_response(*scopes: str) -> Callable[[Callable[P, Any]], Callable[P, WerkzeugResponse]]:
    """The view's 200 responses to anonymous GETs stored until the data of scopes changes, with validators.

    For views that show nothing that depends on the visitor and nothing that changes without a bump of scopes
    (portal.services.common.public_version), except the date, which is part of the key.
    """
    def decorate(view: Callable[P, Any]) -> Callable[P, WerkzeugResponse]:
        @wraps(view)
        def cached(*args: P.args, **kwargs: P.kwargs) -> WerkzeugResponse:
            if request.method not in ("GET", "HEAD") or _has_private_cookie():
                return current_app.make_response(view(*args, **kwargs))
            versions = request.environ[PAGE_VERSIONS] = page_versions()
            key = _page_key(scopes, versions)
            cache: ResponseCache = current_app.extensions[RESPONSES_KEY]
            stored: StoredResponse | None = cache.get(key)
            if stored is None:
                if request.if_none_match and _etag(key) in request.if_none_match:
                    request.environ[_SHARED] = True
                    return _validated(Response(status=304), _etag(key), versions)
                response = current_app.make_response(view(*args, **kwargs))
                if response.status_code != 200 or _private(response):
                    return response
                stored = _stored(response, _etag(key), versions)
                cache.put(key, stored, len(stored.body))
            request.environ[_SHARED] = True
            if _unchanged_for_client(stored):
                return stored.not_modified()
            return _front_served(stored, scopes, key)
        return cached
    return decorate


def streamed_response(*scopes: str) -> Callable[[Callable[P, Any]], Callable[P, WerkzeugResponse]]:
    """cached_response for a body that may be too long to keep in memory (an open data CSV): the same key, ETag,
    Last-Modified, 304 and shared Cache-Control; a 200 streams the view's body as it is made, and a body of at most
    STREAM_STORE_BYTES is kept once it has streamed whole, so the next requests are served like cached_response's.
    A longer one streams afresh each time (a reverse proxy may keep it for PUBLIC_MAX_AGE)."""
    def decorate(view: Callable[P, Any]) -> Callable[P, WerkzeugResponse]:
        @wraps(view)
        def streamed(*args: P.args, **kwargs: P.kwargs) -> WerkzeugResponse:
            if request.method not in ("GET", "HEAD") or _has_private_cookie():
                return current_app.make_response(view(*args, **kwargs))
            versions = request.environ[PAGE_VERSIONS] = page_versions()
            key = _page_key(scopes, versions)
            cache: ResponseCache = current_app.extensions[RESPONSES_KEY]
            stored: StoredResponse | None = cache.get(key)
            if stored is not None:
                request.environ[_SHARED] = True
                return stored.not_modified() if _unchanged_for_client(stored) else _front_served(stored, scopes, key)
            etag = _etag(key)
            since = request.if_modified_since
            if (etag in request.if_none_match if request.if_none_match
                    else since is not None and _last_modified(versions) <= since):
                request.environ[_SHARED] = True
                return _validated(Response(status=304), etag, versions)
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code != 200 or _private(response):
                return response
            request.environ[_SHARED] = True
            _validated(response, etag, versions)
            if request.method == "GET":
                limit = int(current_app.config["PUBLIC_STREAM_STORE_BYTES"])
                response.response = _kept(response.response, cache, key, limit,
                                          tuple(response.headers.items()), etag, _last_modified(versions))
            return response
        return streamed
    return decorate


def _kept(chunks: Iterable[bytes | str], cache: ResponseCache, key: Hashable, limit: int,
          headers: tuple[tuple[str, str], ...], etag: str, last_modified: datetime) -> Iterator[bytes]:
    """The chunks as they are made; once the last has been sent, the whole body stored when it is at most limit
    bytes (an interrupted download stores nothing, and closing this closes the view's own iterator)."""
    iterator = iter(chunks)
    kept: list[bytes] | None = []
    size = 0
    try:
        for chunk in iterator:
            data = chunk.encode() if isinstance(chunk, str) else chunk
            if kept is not None:
                size += len(data)
                if size <= limit:
                    kept.append(data)
                else:
                    kept = None
            yield data
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()
    if kept is not None:
        body = b"".join(kept)
        cache.put(key, StoredResponse(headers, body, etag, last_modified), len(body))


def page_with_fills(scopes: tuple[str, ...], render: Callable[[dict[str, str]], str],
                    fills: dict[str, Callable[[], str]]) -> str:
    """A page holding per-visitor values (a CSRF token, a form's submission token), rendered once per data version.

    fills names each value's maker; render(values) is called on a miss only and must show each value as given, and
    nothing else of the visitor's (their session included, so that a visitor with one is served from the cache
    too). The page is stored with the values cut out, and each request gets its own values filled in.
    """
    values = {name: make() for name, make in fills.items()}
    page_key = _page_key(scopes, page_versions())
    request.environ[FRONT_FILLS] = FillsValidity(scopes, page_key[_VERSIONS], page_key[_TODAY],  # type: ignore[arg-type]
                                                 request.path, values)
    key = ("fills", *page_key)
    cache: ResponseCache = current_app.extensions[RESPONSES_KEY]
    parts: tuple[str | int, ...] | None = cache.get(key)
    if parts is None:
        page = render(values)
        parts = cut(page, [values[name] for name in fills])
        if parts is not None:
            cache.put(key, parts, len(page))
        return page
    order = list(fills)
    return "".join(part if isinstance(part, str) else values[order[part]] for part in parts)


def _front_served(stored: StoredResponse, scopes: tuple[str, ...], key: tuple[Hashable, ...]) -> Response:
    """stored's response, which the front layer (portal.front_cache) may keep and serve again while the date and
    the versions of scopes in key stay the same."""
    request.environ[FRONT_VALIDITY] = FrontValidity(scopes, key[_VERSIONS], key[_TODAY], request.path)  # type: ignore[arg-type]
    return stored.response()


#: positions in _page_key's key
_TODAY, _VERSIONS = 4, 6


def _page_key(scopes: tuple[str, ...], versions: Versions) -> tuple[Hashable, ...]:
    return (request.endpoint, request.path, request.query_string, str(get_locale()), local_today(),
            current_app.config["DEFAULT_CAMPAIGN"], versions.of(scopes))


def _etag(key: tuple[Hashable, ...]) -> str:
    return hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()


def _validated(response: Response, etag: str, versions: Versions) -> Response:
    """ETag, Last-Modified (the newest change, or the start of the local day, which is part of the key) and the
    short shared Cache-Control; Vary on what chooses the language."""
    response.set_etag(etag)
    response.last_modified = _last_modified(versions)
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["PUBLIC_MAX_AGE"])
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _last_modified(versions: Versions) -> datetime:
    midnight = datetime.combine(local_today(), time(), ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return max(filter(None, (versions.changed_at, midnight.astimezone(UTC)))).replace(microsecond=0)


def _stored(response: Response, etag: str, versions: Versions) -> StoredResponse:
    _validated(response, etag, versions)
    return StoredResponse(tuple(response.headers.items()), response.get_data(), etag, _last_modified(versions))


def _unchanged_for_client(stored: StoredResponse) -> bool:
    """The request's If-None-Match names the page's ETag, or (without one) its If-Modified-Since is not older."""
    if request.if_none_match:
        return stored.etag in request.if_none_match
    since = request.if_modified_since
    return since is not None and stored.last_modified <= since


def _has_private_cookie() -> bool:
    """Any cookie but the language's: a session (staff, a citizen's case), so nothing shared applies."""
    return any(name != LOCALE_COOKIE for name in request.cookies)


def _private(response: Response) -> bool:
    return "Set-Cookie" in response.headers or session.modified or "Cache-Control" in response.headers


def _cache_policy(response: Response) -> Response:
    """Every response says whether caches may keep it: shared only for what cached_response marked, when nothing
    since has touched a cookie; otherwise whatever the view said, else private and never stored."""
    shared = request.environ.get(_SHARED, False)
    if shared and "Set-Cookie" not in response.headers and not session.modified:
        return response
    if shared or "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "private, no-store"
    return response
