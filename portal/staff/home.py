"""工作台: the role's home page at /staff/ and the counts beside the navigation."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, g, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from .. import db
from ..auth import current_staff, signed_in
from ..services.common import authz
from ..services.common.clocks import ClockSettings
from ..services.feedback import workspace
from ..services.ledger import campaign_office, progress, recheck_office
from ..services.satisfaction import callbacks
from . import bp


@dataclass(frozen=True)
class NavCount:
    """A count in the navigation: 待审核 3, linking to where the items are."""

    label: str | LazyString
    count: int
    url: str


#: count key → its label in the navigation and where it links (endpoint, arguments)
NAV_LINKS: dict[str, tuple[LazyString, str, dict[str, Any]]] = {
    "received": (_l("待分办"), "staff.queue", {"state": "received"}),
    "open": (_l("本部门在办"), "staff.index", {"_anchor": "open"}),
    "returned": (_l("被退回的答复稿"), "staff.index", {"_anchor": "returned"}),
    "submitted": (_l("待审核"), "staff.index", {"_anchor": "submitted"}),
    "failed": (_l("发送失败"), "staff.outbox", {}),
    "logged_today": (_l("今日登记"), "staff.index", {"_anchor": "logged_today"}),
    "overdue": (_l("已逾期"), "staff.queue", {"overdue": "1"}),
    "unsatisfied": (_l("不满意的答复"), "staff.index", {"_anchor": "unsatisfied"}),
    "callbacks": (_l("待回访"), "staff.index", {"_anchor": "callbacks"}),
    "sent_back": (_l("退回分办"), "staff.index", {"_anchor": "sent_back"}),
    "extension_requests": (_l("延期申请"), "staff.index", {"_anchor": "extension_requests"}),
    "review_edits": (_l("审核修改"), "staff.index", {"_anchor": "review_edits"}),
}


def nav_counts() -> list[NavCount]:
    """The signed-in user's navigation counts, computed once per request (one query)."""
    if "nav_counts" not in g:
        user = signed_in()
        counts = workspace.nav_counts(db.session(), user, ClockSettings.from_config(current_app.config)) \
            if user is not None else {}
        g.nav_counts = [NavCount(NAV_LINKS[key][0], count, url_for(NAV_LINKS[key][1], **NAV_LINKS[key][2]))
                        for key, count in counts.items()]
    return g.nav_counts


def _navigation(state: BlueprintSetupState) -> None:
    """Templates call nav_counts(): the staff navigation shows on error pages of any blueprint too."""
    state.app.jinja_env.globals["nav_counts"] = nav_counts


bp.record_once(_navigation)


@bp.get("/")
def index() -> str:
    clocks = ClockSettings.from_config(current_app.config)
    user = current_staff()
    home = workspace.home(db.session(), user, clocks)
    campaigns = campaign_office.overview(db.session(), user, current_app.config["DEFAULT_CAMPAIGN"]) \
        if authz.can(user, "manage_campaigns") else []
    updates = progress.pending(db.session(), user) if authz.can(user, "review_progress") else []
    rechecks_due = recheck_office.due_counts(db.session(), user, clocks.today()) \
        if authz.can(user, "manage_campaigns") else {}
    return render_template("staff/home.html", home=home, limit=workspace.LIMIT, reminder_days=callbacks.REMINDER_DAYS,
                           campaigns=campaigns, updates=updates, rechecks_due=rechecks_due)
