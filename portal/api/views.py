"""开放数据: a campaign's figures, problems and measures as JSON or CSV."""
from __future__ import annotations

import json

from flask import Response

from .. import db
from ..models import Campaign
from ..public.common import local_today, summary
from ..public.response_cache import cached_response
from ..services.common.public_version import LEDGER
from ..services.ledger.campaigns import find_campaign
from ..services.ledger.open_data import (
    FIGURE_COLUMNS,
    MEASURE_COLUMNS,
    PROBLEM_COLUMNS,
    figure_rows,
    measure_rows,
    problem_rows,
    to_csv,
)
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
    return _csv(to_csv(FIGURE_COLUMNS, figure_rows(summary(campaign).figures)), f"{slug}-figures.csv")


@bp.get("/campaigns/<slug>/problems")
@cached_response(LEDGER)
def problems(slug: str) -> Response:
    return _json(problem_rows(db.session(), _campaign(slug), local_today()))


@bp.get("/campaigns/<slug>/problems.csv")
@cached_response(LEDGER)
def problems_csv(slug: str) -> Response:
    rows = problem_rows(db.session(), _campaign(slug), local_today())
    return _csv(to_csv(PROBLEM_COLUMNS, rows), f"{slug}-problems.csv")


@bp.get("/campaigns/<slug>/measures")
@cached_response(LEDGER)
def measures(slug: str) -> Response:
    return _json(measure_rows(db.session(), _campaign(slug)))


@bp.get("/campaigns/<slug>/measures.csv")
@cached_response(LEDGER)
def measures_csv(slug: str) -> Response:
    return _csv(to_csv(MEASURE_COLUMNS, measure_rows(db.session(), _campaign(slug))), f"{slug}-measures.csv")


def _campaign(slug: str) -> Campaign:
    campaign = find_campaign(db.session(), slug)
    if campaign is None:
        raise UnknownCampaign(slug)
    return campaign


def _json(data: object, status: int = 200) -> Response:
    """JSON with Chinese left readable, open to any origin (it is public data)."""
    response = Response(json.dumps(data, ensure_ascii=False), status, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _csv(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
