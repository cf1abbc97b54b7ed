"""Public site: progress, problems, measures, reports, contact, language switch."""
from flask import Blueprint

from . import response_cache
from .common import install_cache
from .svg_bars import progress_bar
from .svg_trend import rate_chart

bp = Blueprint("public", __name__)
bp.record_once(install_cache)
bp.record_once(response_cache.install)
bp.add_app_template_global(progress_bar)
bp.add_app_template_global(rate_chart)

from . import (  # noqa: E402,F401,E501
    answers,
    case,
    feedback,
    feedback_targets,
    feeds,
    follow,
    language,
    ledger,
    lookup,
    pages,
    rating,
    reports,
    search,
)
