"""进展通报: the archive and one report with its declared and computed figures."""
from __future__ import annotations

from flask import abort, render_template

from .. import db
from ..services.common.public_version import LEDGER
from ..services.ledger.pages import find_report, list_reports
from ..services.reports.view import figure_check, paragraphs, sections
from . import bp
from .common import campaign_or_404
from .response_cache import cached_response


@bp.get("/campaigns/<slug>/reports/")
@cached_response(LEDGER)
def reports(slug: str) -> str:
    campaign = campaign_or_404(slug)
    return render_template("public/reports.html", campaign=campaign, reports=list_reports(db.session(), campaign))


@bp.get("/campaigns/<slug>/reports/<int:report_id>")
@cached_response(LEDGER)
def report(slug: str, report_id: int) -> str:
    campaign = campaign_or_404(slug)
    found = find_report(db.session(), campaign, report_id) or abort(404)
    return render_template("public/report.html", campaign=campaign, report=found,
                           paragraphs=paragraphs(found.body), sections=sections(found.body),
                           check=figure_check(found))
