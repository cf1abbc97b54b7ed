"""Public site: progress, problems, measures, reports, contact, language switch."""
from flask import Blueprint

from .common import install_cache
from .svg_bars import progress_bar

bp = Blueprint("public", __name__)
bp.record_once(install_cache)
bp.add_app_template_global(progress_bar)

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
