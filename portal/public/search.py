"""全站搜索: /search?q=… over the campaign's problems, measures, progress reports and published answers."""
from __future__ import annotations

from flask import abort, current_app, render_template, request

from .. import db
from ..services.common.clocks import ClockSettings
from ..services.common.numbers import parse_id
from ..services.common.public_version import FEEDBACK, LEDGER
from ..services.public_search.index import KINDS, search
from ..services.public_search.query import QueryError, read_query
from . import bp
from .common import campaign_or_404, default_campaign
from .response_cache import cached_response


@bp.get("/search")
@cached_response(LEDGER, FEEDBACK)
def site_search() -> tuple[str, int]:
    slug = request.args.get("campaign")
    campaign = campaign_or_404(slug) if slug else default_campaign()
    kind = request.args.get("type") if request.args.get("type") in KINDS else None
    asked = parse_id(request.args.get("page"))
    page = 1 if asked is None else asked
    try:
        query = read_query(request.args.get("q"))
    except QueryError as exc:
        return render_template("public/search.html", campaign=campaign, query="", error=exc.message,
                               results=None, kind=kind), 400
    results = None
    if query and campaign is not None:
        clocks = ClockSettings.from_config(current_app.config)
        results = search(db.session(), campaign, query, clocks.local_date, kind, page) or abort(404)
    return render_template("public/search.html", campaign=campaign, query=query, error=None, results=results,
                           kind=kind), 200
