"""整改办: the rectification office keeps its campaigns in the browser — create, edit, choose the home page's."""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.models import Campaign, Problem, User
from portal.services.common import audit, authz
from portal.services.common.text import clean_text
from portal.services.ledger import deadlines
from portal.services.ledger.campaigns import (
    CampaignError,
    check_title,
    create_campaign,
    default_campaign,
    list_campaigns,
)
from portal.services.ledger.figures import measure_counts, rate

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: optional text fields → the most characters their columns hold
LIMITS = {"unit": 200, "inspecting_body": 200, "contact_phone": 50, "contact_address": 200, "contact_email": 200}


@dataclass(frozen=True)
class CampaignDetails:
    """What the office writes about a campaign: all of it shown publicly."""

    title: str
    feedback_date: date | None
    unit: str | None = None
    inspecting_body: str | None = None
    contact_phone: str | None = None
    contact_address: str | None = None
    contact_email: str | None = None


@dataclass(frozen=True)
class CampaignOverview:
    """One campaign on the office's list: its measures, how many are done, and whether the home page shows it."""

    campaign: Campaign
    measures: int
    done: int
    on_home: bool

    @property
    def rate(self) -> str:
        return rate(self.done, self.measures)


def _checked(details: CampaignDetails) -> tuple[str, date, dict[str, str | None]]:
    """Title, feedback date and the optional fields, cleaned; CampaignError naming the first field at fault."""
    title = check_title(details.title)
    if details.feedback_date is None:
        raise CampaignError(_("请填写反馈日期。"), "feedback_date")
    optional: dict[str, str | None] = {}
    for name, limit in LIMITS.items():
        text = clean_text(getattr(details, name)) or None
        if text is not None and len(text) > limit:
            raise CampaignError(_("内容过长（最多%(limit)d个字）。", limit=limit), name)
        optional[name] = text
    if optional["contact_email"] is not None and not EMAIL.match(optional["contact_email"]):
        raise CampaignError(_("电子邮箱格式不正确。"), "contact_email")
    return title, details.feedback_date, optional


def overview(session: Session, actor: User, configured: str | None) -> list[CampaignOverview]:
    """Every campaign, oldest first, with its measures done and whether it is the one the home page shows."""
    authz.require(actor, "manage_campaigns")
    shown = default_campaign(session, configured)
    rows = []
    for campaign in list_campaigns(session):
        counts = measure_counts(session, campaign.id).values()
        rows.append(CampaignOverview(campaign, sum(total for total, _ in counts), sum(done for _, done in counts),
                                     shown is not None and shown.id == campaign.id))
    return rows


def campaign_for_office(session: Session, actor: User, slug: str, action: str = "manage_campaigns") -> Campaign | None:
    """The campaign with this slug, when actor may do action on campaigns (PermissionDenied otherwise)."""
    authz.require(actor, action)
    return session.scalar(select(Campaign).where(Campaign.slug == slug))


def create(session: Session, actor: User, slug: str, details: CampaignDetails) -> Campaign:
    """新建整改任务, audited."""
    authz.require(actor, "manage_campaigns")
    title, feedback_date, optional = _checked(details)
    campaign = create_campaign(session, slug.strip(), title, feedback_date, **optional)
    audit.record(session, actor, "campaign.create", "campaign", campaign.id, slug=campaign.slug)
    return campaign


def edit(session: Session, actor: User, campaign: Campaign, details: CampaignDetails) -> dict[str, list]:
    """Change a campaign's details, audited with every field's before → after; a new feedback date moves every
    problem's due date with it. Returns the changes."""
    authz.require(actor, "manage_campaigns")
    title, feedback_date, optional = _checked(details)
    values: dict[str, object] = {"title": title, "feedback_date": feedback_date, **optional}
    changes = {name: [_plain(getattr(campaign, name)), _plain(value)] for name, value in values.items()
               if getattr(campaign, name) != value}
    if "feedback_date" in changes:
        _move_due_dates(session, campaign, feedback_date)
    for name in changes:
        setattr(campaign, name, values[name])
    if changes:
        campaign.touch()
        audit.record(session, actor, "campaign.update", "campaign", campaign.id, changes=changes)
    session.flush()
    return changes


def _move_due_dates(session: Session, campaign: Campaign, feedback_date: date) -> None:
    """Every problem's due date counted again from the new feedback date."""
    for problem in session.scalars(select(Problem).where(Problem.campaign_id == campaign.id)):
        try:
            problem.due_date = deadlines.due_date(feedback_date, problem.deadline_label)
        except ValueError as exc:
            raise CampaignError(str(exc), "feedback_date") from exc


def show_on_home(session: Session, actor: User, campaign: Campaign) -> None:
    """Make campaign the one the public home page shows (and opinions are filed under by default), audited."""
    authz.require(actor, "manage_campaigns")
    session.execute(update(Campaign).where(Campaign.id != campaign.id).values(shown_on_home=False))
    campaign.shown_on_home = True
    audit.record(session, actor, "campaign.home", "campaign", campaign.id, slug=campaign.slug)
    session.flush()


def details_of(campaign: Campaign) -> CampaignDetails:
    """A campaign's details as the edit form starts from."""
    return CampaignDetails(**{f.name: getattr(campaign, f.name) for f in fields(CampaignDetails)})


def _plain(value: object) -> object:
    """A value as the audit log keeps it (JSON)."""
    return value.isoformat() if isinstance(value, date) else value
