"""Error pages: Chinese (or English) HTML for the site, JSON under /api/."""
from __future__ import annotations

from flask import Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from . import bp


@bp.app_errorhandler(404)
def not_found(error: HTTPException) -> tuple[Response | str, int]:
    if request.path.startswith("/api/"):
        return jsonify(error="not_found", message="未找到请求的资源。"), 404
    return render_template("public/404.html"), 404
