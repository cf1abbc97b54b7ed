"""Category, problem and measure pages and the 问题清单 filtered by 责任部门 and 牵头领导 (整改台账 as the public reads
it)."""
from __future__ import annotations

from flask import abort, current_app, render_template, request

from .. import db
from ..services.common.clocks import ClockSettings
from ..services.common.public_version import FEEDBACK, LEDGER
from ..services.ledger.filters import LedgerFilter, ledger_filter, narrowed, problem_list
from ..services.ledger.pages import category_page, feedback_counts, find_measure, problem_page
from ..services.replies.published import latest_about
from . import bp
from .common import campaign_or_404, local_today, summary
from .ledger_values import filter_choices, ledger_as_of
from .response_cache import cached_response


def _wanted() -> LedgerFilter:
    """责任部门 and 牵头领导 as the query string asks (portal.services.ledger.filters)."""
    return ledger_filter(request.args.get("department"), request.args.get("leader"))


@bp.get("/campaigns/<slug>/problems/")
@cached_response(LEDGER)
def problems(slug: str) -> str:
    campaign = campaign_or_404(slug)
    wanted, choices = _wanted(), filter_choices(campaign)
    return render_template("public/problems.html", campaign=campaign, wanted=wanted, choices=choices,
                           shown=problem_list(db.session(), campaign, wanted, choices), today=local_today(),
                           as_of=ledger_as_of(campaign))


@bp.get("/campaigns/<slug>/categories/<int:position>")
@cached_response(LEDGER)
def category(slug: str, position: int) -> str:
    campaign = campaign_or_404(slug)
    page = category_page(db.session(), campaign, position) or abort(404)
    wanted, choices = _wanted(), filter_choices(campaign)
    return render_template("public/category.html", campaign=campaign, page=page, today=local_today(),
                           figures=summary(campaign).category_figures(page.category.title), wanted=wanted,
                           choices=choices, shown=narrowed(page.problems, page.progress, wanted, choices),
                           as_of=ledger_as_of(campaign))


@bp.get("/campaigns/<slug>/problems/<int:number>")
@cached_response(LEDGER, FEEDBACK)
def problem(slug: str, number: int) -> str:
    campaign = campaign_or_404(slug)
    page = problem_page(db.session(), campaign, number, ClockSettings.from_config(current_app.config)) or abort(404)
    answers = latest_about(db.session(), campaign, ClockSettings.from_config(current_app.config), problem=number)
    return render_template("public/problem.html", campaign=campaign, page=page, today=local_today(), answers=answers,
                           as_of=ledger_as_of(campaign))


@bp.get("/campaigns/<slug>/measures/<path:code>")
@cached_response(LEDGER, FEEDBACK)
def measure(slug: str, code: str) -> str:
    campaign = campaign_or_404(slug)
    found = find_measure(db.session(), campaign, code) or abort(404)
    answers = latest_about(db.session(), campaign, ClockSettings.from_config(current_app.config), measure=found.code)
    return render_template("public/measure.html", campaign=campaign, measure=found, answers=answers,
                           feedback=feedback_counts(db.session(), "measure", found.id), as_of=ledger_as_of(campaign))
