"""The monthly 通报 (/staff/stats/bulletin.docx, and .pdf where LibreOffice is installed): a Word document with the
figures of /staff/stats for one month."""
from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import db
from ..auth import current_staff
from ..models import Campaign
from ..services.common import audit, authz
from ..services.common.clocks import ClockSettings
from ..services.ledger import campaigns
from ..services.stats import bulletin_pdf
from ..services.stats.bulletin_docx import bulletin_docx
from ..services.stats.lights import LightThresholds
from ..services.stats.scope import StatsScopeError
from . import bp

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
EXTENSIONS = {DOCX: "docx", PDF: "pdf"}


@bp.app_template_global("bulletin_month")
def bulletin_month() -> str:
    """The month a 通报 is usually about, as YYYY-MM: the last full month, office-local."""
    today = ClockSettings.from_config(current_app.config).today()
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


@bp.get("/stats/bulletin.docx")
def stats_bulletin() -> Response:
    """?campaign=SLUG&month=YYYY-MM → the .docx (every department: supervisors, the research office, admins); without
    them, the home page's campaign and the last full month; an unknown campaign or an impossible month is a 400
    saying which."""
    return _bulletin(DOCX)


@bp.get("/stats/bulletin.pdf")
def stats_bulletin_pdf() -> Response:
    """The same 通报 as PDF, converted by LibreOffice; the page offers it only where the converter is installed, and
    without it (or when it fails) the answer is a 503 saying so."""
    return _bulletin(PDF)


def _bulletin(media_type: str) -> Response:
    user = current_staff()
    authz.require(user, "stats_bulletin")
    session = db.session()
    slug = request.args.get("campaign", "")[:64] or _default_slug(session)
    month = request.args.get("month", "")[:20] or bulletin_month()
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    try:
        if campaign is None:
            raise StatsScopeError(_("没有标识为“%(slug)s”的整改任务。", slug=slug), "campaign")
        body = bulletin_docx(session, campaign, month, ClockSettings.from_config(current_app.config),
                             LightThresholds.from_config(current_app.config))
        if media_type == PDF:
            body = bulletin_pdf.to_pdf(body)
    except StatsScopeError as exc:
        return Response(exc.message, 400, mimetype="text/plain")
    except bulletin_pdf.PdfUnavailable as exc:
        return Response(exc.message, 503, mimetype="text/plain")
    audit.record(session, user, "stats.bulletin", "campaign", campaign.id, month=month)
    session.commit()
    name = f"tongbao-{campaign.slug}-{month}.{EXTENSIONS[media_type]}"
    return Response(body, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.app_template_global("bulletin_pdf_available")
def bulletin_pdf_available() -> bool:
    """Whether the page offers the 通报 as PDF: a converter is installed."""
    return bulletin_pdf.converter() is not None


def _default_slug(session: Session) -> str:
    found = campaigns.default_campaign(session, current_app.config["DEFAULT_CAMPAIGN"])
    return found.slug if found else ""
