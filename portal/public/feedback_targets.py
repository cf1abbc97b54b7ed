"""我要提意见's target picker as JSON: the problems and measures a search means, and those the opinion's text is
likely about (static/js/target_picker.js asks them; without JavaScript the form's <select> does the job).

The search is a GET (the campaign's ledger only, cacheable); the opinion's text may hold personal data, so it comes
in a POST body with the page's CSRF token, never in a URL, and its answer is never stored by a cache.
"""
from __future__ import annotations

import json

from flask import Response, request
from flask_limiter import RequestLimit

from .. import db
from ..limits import limiter, picker_limit
from ..models import Campaign
from ..services.feedback.target_picker import MIN_TEXT, as_json, find_targets, suggested_targets
from ..services.ledger.campaigns import find_campaign
from . import bp
from .common import default_campaign

#: seconds a browser or proxy may reuse a search's answer (the ledger changes rarely; links improve the ranking)
SEARCH_MAX_AGE = 300


@bp.app_template_global()
def picker_min_text() -> int:
    """Characters of an opinion before the form asks for suggestions (the service ignores shorter ones)."""
    return MIN_TEXT


def _json(data: object, cache_control: str, status: int = 200) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False), status, mimetype="application/json")
    response.headers["Cache-Control"] = cache_control
    return response


def _too_many(_limit: RequestLimit) -> Response:
    return _json({"error": "too_many_requests"}, "no-store", 429)


def _campaign() -> Campaign | None:
    slug = request.values.get("campaign")
    return (slug and find_campaign(db.session(), slug)) or default_campaign()


@bp.get("/feedback/targets")
@limiter.limit(picker_limit, on_breach=_too_many)
def feedback_targets() -> Response:
    """?campaign=slug&q=words → {"results": [{"kind", "value", "text", "category"}, …]}, at most ten."""
    campaign = _campaign()
    found = find_targets(db.session(), campaign, request.args.get("q", "")) if campaign else []
    response = _json({"results": as_json(found)}, f"public, max-age={SEARCH_MAX_AGE}")
    response.add_etag()
    response.make_conditional(request)
    return response


@bp.post("/feedback/suggestions")
@limiter.limit(picker_limit, on_breach=_too_many)
def feedback_suggestions() -> Response:
    """campaign and content in the body (CSRF-checked) → {"results": [...]}: up to three measures, or none when
    nothing fits."""
    campaign = _campaign()
    found = suggested_targets(db.session(), campaign, request.form.get("content", "")) if campaign else []
    return _json({"results": as_json(found)}, "no-store")
