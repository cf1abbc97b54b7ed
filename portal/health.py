"""GET /healthz for load balancers: 200 when the database answers, 503 otherwise, never with details."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import db
from .limits import limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    try:
        with db.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        current_app.logger.warning("健康检查：数据库不可用（%s）", exc.__class__.__name__)
        response, status = jsonify(status="error", database="unavailable"), 503
    else:
        response, status = jsonify(status="ok", database="ok"), 200
    response.headers["Cache-Control"] = "no-store"
    return response, status
