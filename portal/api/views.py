"""开放数据: a campaign's figures, problems and measures as JSON or CSV.

The problem and measure lists are paginated in JSON (?page=, ?per_page= up to open_data.PER_PAGE; the body stays a
list, the total and the links to the other pages go in the X-Total-Count and Link headers) and streamed in CSV.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from flask import Response, request, stream_with_context, url_for

from .. import db
from ..models import Campaign
from ..public.common import local_today, summary
from ..public.response_cache import cached_response, streamed_response
from ..services.common.numbers import page_number, parse_id
from ..services.common.public_version import LEDGER
from ..services.ledger import open_data
from ..services.ledger.campaigns import find_campaign
from ..services.ledger.open_data import FIGURE_COLUMNS, MEASURE_COLUMNS, PROBLEM_COLUMNS, RowPage
from . import bp


class UnknownCampaign(Exception):
    """The slug in the URL names no campaign."""


@bp.errorhandler(UnknownCampaign)
def unknown_campaign(error: UnknownCampaign) -> Response:
    return _json({"error": "not_found", "message": f"没有标识为“{error}”的整改任务。"}, 404)


@bp.get("/campaigns/<slug>/figures")
@cached_response(LEDGER)
def figures(slug: str) -> Response:
    return _json(summary(_campaign(slug)).figures)


@bp.get("/campaigns/<slug>/figures.csv")
@cached_response(LEDGER)
def figures_csv(slug: str) -> Response:
    campaign = _campaign(slug)
    rows = open_data.figure_rows(summary(campaign).figures)
    return _csv(open_data.to_csv(FIGURE_COLUMNS, rows), f"{slug}-figures.csv")


@bp.get("/campaigns/<slug>/problems")
@cached_response(LEDGER)
def problems(slug: str) -> Response:
    page, size = _paging()
    return _json_page(open_data.problem_page(db.session(), _campaign(slug), local_today(), page, size))


@bp.get("/campaigns/<slug>/problems.csv")
@streamed_response(LEDGER)
def problems_csv(slug: str) -> Response:
    campaign, today = _campaign(slug), local_today()
    rows = _while_streaming(lambda: open_data.iter_problem_rows(db.session(), campaign, today))
    return _csv(open_data.csv_chunks(PROBLEM_COLUMNS, rows), f"{slug}-problems.csv")


@bp.get("/campaigns/<slug>/measures")
@cached_response(LEDGER)
def measures(slug: str) -> Response:
    page, size = _paging()
    return _json_page(open_data.measure_page(db.session(), _campaign(slug), page, size))


@bp.get("/campaigns/<slug>/measures.csv")
@streamed_response(LEDGER)
def measures_csv(slug: str) -> Response:
    campaign = _campaign(slug)
    rows = _while_streaming(lambda: open_data.iter_measure_rows(db.session(), campaign))
    return _csv(open_data.csv_chunks(MEASURE_COLUMNS, rows), f"{slug}-measures.csv")


def _campaign(slug: str) -> Campaign:
    campaign = find_campaign(db.session(), slug)
    if campaign is None:
        raise UnknownCampaign(slug)
    return campaign


def _while_streaming(rows: Callable[[], Iterator[dict]]) -> Iterator[dict]:
    """rows() called once the body streams, so that it reads through the session of the streaming context, which
    is closed when the body ends (the view's own session is closed when the view returns: a query through it then
    would hold a connection that nothing gives back)."""
    yield from rows()


def _paging() -> tuple[int, int]:
    return page_number(request.args.get("page")), open_data.per_page(parse_id(request.args.get("per_page")))


def _json(data: object, status: int = 200) -> Response:
    """JSON with Chinese left readable, open to any origin (it is public data)."""
    response = Response(json.dumps(data, ensure_ascii=False), status, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _json_page(page: RowPage) -> Response:
    """A page of a list as a JSON list; its total in X-Total-Count, its neighbours, first and last in Link."""
    response = _json(page.rows)
    response.headers["X-Total-Count"] = str(page.total)
    links = {"first": 1, "prev": min(page.page - 1, page.pages) if page.page > 1 else None,
             "next": page.page + 1 if page.page < page.pages else None, "last": page.pages}
    response.headers["Link"] = ", ".join(
        f'<{url_for(request.endpoint or "", **(request.view_args or {}), page=number, per_page=page.per_page)}>; '
        f'rel="{rel}"' for rel, number in links.items() if number is not None)
    response.headers["Access-Control-Expose-Headers"] = "Link, X-Total-Count"
    return response


def _csv(body: bytes | Iterator[bytes], filename: str) -> Response:
    """CSV, open to any origin; given as chunks, sent as they come (the database read as the client reads)."""
    response = Response(body if isinstance(body, bytes) else stream_with_context(body), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
