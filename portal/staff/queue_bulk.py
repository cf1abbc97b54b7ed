"""批量处理: the queue's bulk actions, through a confirmation page that lists what will change and what is skipped."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..services.accounts.departments import choices as department_choices
from ..services.common.clocks import ClockSettings
from ..services.feedback import bulk, links
from ..services.feedback.items import MAX_FIELD
from ..services.ledger.campaigns import default_campaign_id
from . import bp

#: results listed one by one after a run; the rest are counted
MAX_LISTED = 20


def _clocks() -> ClockSettings:
    return ClockSettings.from_config(current_app.config)


def _confirmation(chosen: bulk.BulkRequest, status: int = 200, errors: dict[str, str] | None = None) -> tuple[str, int]:
    session, user = db.session(), current_staff()
    slug = current_app.config["DEFAULT_CAMPAIGN"]
    planned = bulk.plan(session, user, chosen, _clocks(), slug)
    link_query = (request.form.get("link_q") or "").strip()[:100]
    campaign_id = default_campaign_id(session, slug)
    candidates = links.search_targets(session, campaign_id, link_query) if link_query and campaign_id else []
    return render_template("staff/queue_bulk.html", chosen=chosen, plan=planned, hidden=bulk.hidden_fields(chosen),
                           departments=department_choices(session), link_query=link_query, candidates=candidates,
                           errors=errors or {}, max_reason=MAX_FIELD["reason"], labels=bulk.LABELS,
                           bulk_title=bulk.LABELS[chosen.action]), status


@bp.post("/queue/bulk")
def queue_bulk() -> Response | tuple[str, int]:
    chosen = bulk.BulkRequest.from_form(request.form)
    try:
        return _confirmation(chosen)
    except bulk.BulkError as exc:
        flash(str(exc), "error")
        return redirect(url_for("staff.queue", **chosen.filters.as_args()))


@bp.post("/queue/bulk/run")
def queue_bulk_run() -> Response | tuple[str, int]:
    chosen = bulk.BulkRequest.from_form(request.form)
    session = db.session()
    try:
        done, skipped = bulk.run(session, current_staff(), chosen, _clocks(), bool(request.form.get("confirm")),
                                 current_app.config["DEFAULT_CAMPAIGN"])
    except bulk.BulkError as exc:
        if exc.field in ("item_ids", "action"):
            flash(str(exc), "error")
            return redirect(url_for("staff.queue", **chosen.filters.as_args()))
        return _confirmation(chosen, 422, {exc.field or "confirm": str(exc)})
    session.commit()
    flash(_("已处理%(done)d件，跳过%(skipped)d件。", done=len(done), skipped=len(skipped)),
          "success" if done else "error")
    for item, why in skipped[:MAX_LISTED]:
        flash(_("%(case)s 已跳过：%(why)s", case=item.case_number, why=why), "error")
    return redirect(url_for("staff.queue", **chosen.filters.as_args()))
