"""答复公开: the answers published with the submitters' consent, redacted, with their redacted questions, newest
first, filtered by problem, measure, department and reply date (a GET form)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _

from .. import db
from ..models import Campaign
from ..services.common.clocks import ClockSettings
from ..services.common.numbers import parse_id
from ..services.common.public_version import FEEDBACK, LEDGER
from ..services.common.text import DASHES, clean_text
from ..services.replies.published import AnswerFilters, departments, public_answers
from . import bp
from .common import campaign_or_404, default_campaign
from .response_cache import cached_response

#: the query arguments of the filter form, kept in the pagination links
FILTER_ARGS = ("campaign", "problem", "measure", "department", "from", "to", "answer")
#: a measure code is short (35-2); longer input is no code
MAX_CODE = 32


def _day(value: str, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = _("请按“2021-03-31”的格式填写日期。")
        return None


def parse_filters(args: Mapping[str, str], campaign: Campaign | None) -> tuple[AnswerFilters, dict[str, str]]:
    """The filters asked for and, per field, what is wrong with them (the filter is then not applied)."""
    errors: dict[str, str] = {}
    values = {name: clean_text(args.get(name, ""))[:64] for name in ("problem", "measure", "department", "from", "to")}
    problem = parse_id(values["problem"])
    if values["problem"] and problem is None:
        errors["problem"] = _("问题编号应为数字，如 35。")
    measure = DASHES.sub("-", values["measure"]) or None
    if measure and len(measure) > MAX_CODE:
        errors["measure"], measure = _("措施编号应如 35-2。"), None
    department = parse_id(values["department"])
    since, until = _day(values["from"], "from", errors), _day(values["to"], "to", errors)
    if since and until and since > until:
        errors["to"] = _("结束日期不能早于开始日期。")
    return AnswerFilters(campaign_id=campaign.id if campaign else None, problem=problem, measure=measure,
                         department=department, since=since, until=until,
                         answer=parse_id(args.get("answer"))), errors


@bp.get("/answers")
@cached_response(LEDGER, FEEDBACK)
def answers() -> tuple[str, int]:
    slug = request.args.get("campaign")
    campaign = campaign_or_404(slug) if slug else default_campaign()
    filters, errors = parse_filters(request.args, campaign)
    asked = parse_id(request.args.get("page"))
    page = 1 if asked is None else asked  # page 0 or past the last: public_answers finds none, a 404
    found = None if errors else public_answers(db.session(), filters, page,
                                               current_app.config["PAGE_SIZE"],
                                               ClockSettings.from_config(current_app.config))
    if found is None and not errors:
        abort(404)
    shown = {name: request.args[name][:64] for name in FILTER_ARGS if request.args.get(name)}
    return render_template("public/answers.html", campaign=campaign, result=found, errors=errors, values=shown,
                           shown=shown, departments=departments(db.session())), 400 if errors else 200
