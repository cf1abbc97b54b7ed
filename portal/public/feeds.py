"""Atom feeds (RFC 4287) of what followers are mailed: per campaign, problem and measure; no personal data."""
from __future__ import annotations

from flask import Response, abort, current_app, render_template, request

from .. import db
from ..services.follow import feeds, targets
from . import bp
from .common import campaign_or_404

ATOM = "application/atom+xml; charset=utf-8"


@bp.get("/campaigns/<slug>/feed.atom")
def campaign_feed(slug: str) -> Response:
    return _feed(slug)


@bp.get("/campaigns/<slug>/problems/<int:number>/feed.atom")
def problem_feed(slug: str, number: int) -> Response:
    return _feed(slug, problem=str(number))


@bp.get("/campaigns/<slug>/measures/<path:code>/feed.atom")
def measure_feed(slug: str, code: str) -> Response:
    return _feed(slug, measure=code)


def _feed(slug: str, problem: str | None = None, measure: str | None = None) -> Response:
    campaign = campaign_or_404(slug)
    target = targets.find(db.session(), campaign, problem, measure) or abort(404)
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    body = render_template("public/feed.xml", target=target, feed=feeds.feed(db.session(), target, base_url),
                           base_url=base_url, self_url=base_url + request.path)
    return Response(body, content_type=ATOM)
