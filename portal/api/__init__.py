"""Open data API: /api/v1/… (JSON, and CSV with the same rows)."""
from flask import Blueprint

from ..public import response_cache
from ..public.common import install_cache

bp = Blueprint("api", __name__)
bp.record_once(install_cache)
bp.record_once(response_cache.install)

from . import views  # noqa: E402,F401
