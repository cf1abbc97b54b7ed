"""延期申请 and 审核修改 on the item and reply pages: a department asks for the extension, a triager or the research
office decides; a draft's author acknowledges the reviewer's edits."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import db
from ..auth import current_staff
from ..services.common.clocks import ClockSettings
from ..services.feedback import extensions
from ..services.replies import review_edits
from . import bp
from .items import _item_or_404, _render
from .replies import _reply_or_404


def _reply_diff(state: BlueprintSetupState) -> None:
    """The reply macros show a reviewer's edit as a diff wherever they are imported."""
    state.app.jinja_env.globals["reply_diff"] = review_edits.diff


bp.record_once(_reply_diff)


def _item_page(case_number: str) -> str:
    return url_for("staff.item", case_number=case_number) + "#extension"


@bp.post("/items/<case_number>/extension")
def extension_request(case_number: str) -> Response | tuple[str, int]:
    item = _item_or_404(case_number)
    session, form = db.session(), request.form
    try:
        extensions.request(session, current_staff(), item, form.get("days"), form.get("reason"),
                           ClockSettings.from_config(current_app.config))
    except extensions.ExtensionError as exc:
        session.rollback()
        return _render(item, 422, errors={f"extension_{exc.field}": str(exc)},
                       values={"extension": form.to_dict()})
    session.commit()
    flash(_("延期申请已提交，等待分办员或政研室审批。"), "success")
    return redirect(_item_page(case_number))


@bp.post("/items/<case_number>/extension/decision")
def extension_decide(case_number: str) -> Response | tuple[str, int]:
    item = _item_or_404(case_number)
    session, form = db.session(), request.form
    grant = form.get("decision") == "grant"
    try:
        extensions.decide(session, current_staff(), item, grant, form.get("decision_reason"),
                          ClockSettings.from_config(current_app.config))
    except extensions.ExtensionError as exc:
        session.rollback()
        return _render(item, 422, errors={f"extension_{exc.field}": str(exc)},
                       values={"extension": form.to_dict()})
    session.commit()
    flash(_("已同意延期，办理期限已顺延。") if grant else _("已不同意延期，承办部门会看到理由。"), "success")
    return redirect(_item_page(case_number))


@bp.post("/items/<case_number>/replies/<int:reply_id>/edits/seen")
def reply_edits_seen(case_number: str, reply_id: int) -> Response:
    item, reply = _reply_or_404(case_number, reply_id)
    session = db.session()
    review_edits.mark_seen(session, current_staff(), reply)
    session.commit()
    flash(_("已知悉审核修改。"), "success")
    return redirect(url_for("staff.reply", case_number=item.case_number, reply_id=reply.id))
