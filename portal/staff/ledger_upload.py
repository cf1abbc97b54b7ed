"""整改台账 in the browser (rectification office): upload, preview (row errors or the diff), confirm, download."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..models import Campaign
from ..services.common.errors import ServiceError
from ..services.ledger import import_preview, uploads
from ..services.ledger.rejects import LedgerRejected
from . import bp
from .campaign_forms import LedgerConfirmForm, LedgerUploadForm
from .campaigns import office_campaign_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_folder() -> Path:
    """Where previewed uploads wait for their confirmation: in the instance folder, never served."""
    return Path(current_app.instance_path) / "ledger-uploads"


def _page(campaign: Campaign, **context) -> str:
    context.setdefault("form", LedgerUploadForm())
    return render_template("staff/ledger.html", campaign=campaign, **context)


def _previewed(campaign: Campaign, stored: uploads.StoredLedger, filename: str, **context) -> str:
    """The preview of stored, or its row errors; nothing is written either way."""
    session = db.session()
    try:
        found = import_preview.preview(session, current_staff(), campaign, stored)
    except LedgerRejected as exc:
        return _page(campaign, errors=exc.errors, filename=filename, **context)
    finally:
        session.rollback()
    confirm = LedgerConfirmForm(data={"sha256": found.sha256, "filename": filename,
                                      "data_version": found.data_version})
    return _page(campaign, preview=found, confirm=confirm, filename=filename, **context)


@bp.route("/campaigns/<slug>/ledger", methods=["GET", "POST"], endpoint="campaign_ledger")
def campaign_ledger(slug: str) -> str:
    campaign = office_campaign_or_404(slug, "import_ledger")
    form = LedgerUploadForm()
    if not form.validate_on_submit():
        return _page(campaign, form=form)
    upload = form.ledger.data
    if upload is None or not getattr(upload, "filename", ""):
        form.ledger.errors = [_("请选择台账文件。")]
        return _page(campaign, form=form)
    filename = Path(upload.filename).name[:100]
    try:
        stored = uploads.store(_upload_folder(), filename, upload.stream)
    except LedgerRejected as exc:
        return _page(campaign, form=form, errors=exc.errors, filename=filename)
    return _previewed(campaign, stored, filename)


@bp.post("/campaigns/<slug>/ledger/confirm", endpoint="campaign_ledger_confirm")
def campaign_ledger_confirm(slug: str) -> Response | str:
    campaign = office_campaign_or_404(slug, "import_ledger")
    form = LedgerConfirmForm()
    session = db.session()
    try:
        stored = uploads.kept(_upload_folder(), form.sha256.data or "")
        if not form.validate_on_submit():
            raise uploads.UploadGone(_("确认信息不完整：请重新上传台账。"))
        result = import_preview.confirm(session, current_staff(), campaign, stored, form.data_version.data or 0,
                                        form.filename.data or stored.path.name)
    except import_preview.LedgerMovedOn as exc:
        session.rollback()
        return _previewed(campaign, stored, form.filename.data or "", notice=exc.message)
    except (ServiceError, LedgerRejected) as exc:
        session.rollback()
        errors = exc.errors if isinstance(exc, LedgerRejected) else None
        return _page(campaign, notice=getattr(exc, "message", str(exc)), errors=errors)
    session.commit()
    uploads.discard(stored)
    flash(_("已导入整改台账：新增措施%(created)d条，修改%(changed)d条，不变%(unchanged)d条。",
            created=result.created, changed=result.changed, unchanged=result.unchanged), "success")
    return redirect(url_for("staff.campaign_ledger", slug=campaign.slug))


@bp.get("/campaigns/<slug>/ledger.xlsx", endpoint="campaign_ledger_download")
def campaign_ledger_download(slug: str) -> Response:
    campaign = office_campaign_or_404(slug, "import_ledger")
    from ..services.ledger.exporter import ledger_xlsx  # openpyxl loads for a download only
    data = ledger_xlsx(db.session(), campaign)
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"{campaign.slug}-整改台账.xlsx",
                     max_age=0)
