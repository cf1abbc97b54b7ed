"""The opinion and lookup forms from the front layer (portal.front_cache), each visitor with their own tokens.

These pages are the same for every visitor but for the values page_with_fills fills in (portal.public.
response_cache): a CSRF token, whose raw value goes into a new session cookie, and the opinion form's submission
token. Flask's answer to an anonymous visitor is kept cut at those values, with the headers around them, and the
next visitor gets new values made here as Flask-WTF and Flask's session interface make them: a raw token of 40
random hexadecimal digits (Flask-WTF's sha1 of 64 random bytes has that form), signed with salt "wtf-csrf-token",
and the session {field: raw} signed into the cookie with the interface's own serializer and cookie settings.

A page is kept only once Flask's answer has been checked against what this module would make: the cookie header
rebuilt from Flask's cookie value is Flask's header, the cookie holds exactly {field: the raw token of the page's
signed token}, and each value is in the body. A setting or extension that changes any of that keeps the page out
of the front layer, and Flask answers every visitor as before.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, AnyStr

from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.http import dump_cookie

from .services.feedback.receipts import new_token

#: the fills this module can make, by the names page_with_fills gives them
CSRF, SUBMISSION = "csrf", "submission"
#: headers whose values are made per visitor (placeholders in a kept page's headers)
_PER_VISITOR = ("Set-Cookie", "Content-Length", "X-Request-ID")


@dataclass(frozen=True)
class FillsValidity:
    """What a filled page was made with (as front_cache.FrontValidity) and the values Flask filled in, by name."""

    scopes: tuple[str, ...]
    versions: tuple[int, ...]
    today: date
    path: str
    values: dict[str, str]


@dataclass(frozen=True)
class FilledPage:
    validity: FillsValidity
    status: str
    #: Flask's headers, with None for those of _PER_VISITOR
    headers: tuple[tuple[str, str | None], ...]
    #: the body cut at the values: bytes, or the index of a value's name in names
    parts: tuple[bytes | int, ...]
    names: tuple[str, ...]

    def respond(self, app: Any, request_id: str) -> tuple[list[tuple[str, str]], bytes]:
        """The headers and body for a new visitor: new values, a new session cookie, this request's id."""
        session: dict[str, str] = {}
        values = [_FILLERS[name](app, session).encode() for name in self.names]
        body = b"".join(part if isinstance(part, bytes) else values[part] for part in self.parts)
        per_visitor = {"Set-Cookie": _session_cookie(app, session), "Content-Length": str(len(body)),
                       "X-Request-ID": request_id}
        return [(name, per_visitor[name] if value is None else value) for name, value in self.headers], body


def filled_page(app: Any, validity: FillsValidity, status: str, headers: list[tuple[str, str]],
                body: bytes) -> FilledPage | None:
    """Flask's answer kept for the next visitors, or None when it is not what this module would make."""
    names = tuple(validity.values)
    if not status.startswith("200") or any(name not in _FILLERS for name in names) or CSRF not in names:
        return None
    cookies = [value for name, value in headers if name == "Set-Cookie"]
    if len(cookies) != 1 or not _same_session(app, cookies[0], validity.values[CSRF]):
        return None
    parts = cut(body, [validity.values[name].encode() for name in names])
    if parts is None:
        return None
    kept = tuple((name, None if name in _PER_VISITOR else value) for name, value in headers)
    return FilledPage(validity, status, kept, parts, names)


def _same_session(app: Any, header: str, signed_token: str) -> bool:
    """header is the cookie _session_cookie makes for {field: the raw token signed in signed_token}."""
    interface = app.session_interface
    prefix = interface.get_cookie_name(app) + "="
    if not header.startswith(prefix):
        return False
    value = header[len(prefix):].split(";", 1)[0]
    secret = _csrf_secret(app)
    serializer = interface.get_signing_serializer(app)
    if secret is None or serializer is None:
        return False
    try:
        raw = _csrf_serializer(secret).loads(signed_token)
        session = serializer.loads(value)
    except BadData:
        return False
    return session == {_csrf_field(app): raw} and _cookie_header(app, value) == header


def cut(page: AnyStr, values: list[AnyStr]) -> tuple[AnyStr | int, ...] | None:
    """page as pieces and value positions (each value's index in values), or None when a value is empty or missing
    from the page (page_with_fills cuts its text so, and this layer Flask's body)."""
    parts: list[AnyStr | int] = [page]
    for index, value in enumerate(values):
        if not value or value not in page:
            return None
        pieces: list[AnyStr | int] = []
        for part in parts:
            if isinstance(part, int):
                pieces.append(part)
                continue
            for position, piece in enumerate(part.split(value)):
                if position:
                    pieces.append(index)
                pieces.append(piece)
        parts = pieces
    return tuple(parts)


def _csrf(app: Any, session: dict[str, str]) -> str:
    """Flask-WTF's generate_csrf for a visitor without a session: a new raw token in the session, signed."""
    raw = secrets.token_hex(20)
    session[_csrf_field(app)] = raw
    return _csrf_serializer(_csrf_secret(app)).dumps(raw)


def _submission(_app: Any, _session: dict[str, str]) -> str:
    return new_token()


_FILLERS: dict[str, Callable[[Any, dict[str, str]], str]] = {CSRF: _csrf, SUBMISSION: _submission}


def _csrf_field(app: Any) -> str:
    return app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _csrf_secret(app: Any) -> Any:
    return app.config.get("WTF_CSRF_SECRET_KEY", app.secret_key)


@lru_cache(maxsize=4)
def _csrf_serializer(secret: Any) -> URLSafeTimedSerializer:
    """Flask-WTF's serializer, made once per key (Flask-WTF makes it for every token)."""
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token")


def _session_cookie(app: Any, session: dict[str, str]) -> str:
    serializer = app.session_interface.get_signing_serializer(app)
    return _cookie_header(app, serializer.dumps(session))


def _cookie_header(app: Any, value: str) -> str:
    """The Set-Cookie header Flask's session interface sends for a new session (not permanent: no expiry)."""
    interface = app.session_interface
    return dump_cookie(interface.get_cookie_name(app), value, domain=interface.get_cookie_domain(app),
                       path=interface.get_cookie_path(app), secure=interface.get_cookie_secure(app),
                       httponly=interface.get_cookie_httponly(app), samesite=interface.get_cookie_samesite(app),
                       partitioned=interface.get_cookie_partitioned(app), max_size=app.config["MAX_COOKIE_SIZE"])
