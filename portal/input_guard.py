"""Hostile input stopped at the door: control characters refused, integer URL arguments bounded.

PostgreSQL cannot store NUL in text and a control character has no place in a path, a query or a form field, so a
request carrying one answers 400 with the portal's error page before any view runs. In form and query values tab,
CR and LF stay allowed (multi-line text). Integer URL arguments match ASCII digits only and never exceed the
database's integer range, so /problems/99999999999999999999 is a plain 404.
"""
from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from .services.common.numbers import DB_INT_MAX

#: C0 controls and DEL: never in a path or a field name
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: the same, less tab, CR and LF: never in a query or form value
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DatabaseInteger(IntegerConverter):
    """<int:…>: ASCII digits, at most DB_INT_MAX, so a route's int never overflows the database's column."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = DB_INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Register the converter (before any blueprint adds its rules) and the check that runs before every view."""
    app.url_map.converters["int"] = DatabaseInteger
    app.before_request(refuse_control_characters)


def refuse_control_characters() -> None:
    """The path, the query and, when the request has a body type (without one werkzeug parses no form), the form."""
    environ = request.environ
    if CONTROL.search(request.path) or (environ.get("QUERY_STRING") and _has_control(request.args)):
        abort(400)
    if environ.get("CONTENT_TYPE") and (
            _has_control(request.form)
            or any(CONTROL.search(f.filename or "") for _, f in request.files.items(multi=True))):
        abort(400)


def _has_control(fields) -> bool:
    return any(CONTROL.search(name) or CONTROL_IN_TEXT.search(value) for name, value in fields.items(multi=True))
