"""进展通报草稿: the rectification office pastes or uploads a 通报, corrects the repaired text beside the ledger's
figures, then publishes it exactly as `flask report import` would (or discards it). Every step is audited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Campaign, ProgressReport, ReportDraft, User, utcnow
from portal.services.common import audit, authz
from portal.services.common.clocks import earliest_date
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
from portal.services.ledger.figures import campaign_figures
from portal.services.ledger.history import figures_as_of
from portal.services.reports.comparison import FigureComparison, compare
from portal.services.reports.figures import declared_figures
from portal.services.reports.importer import default_title, import_report
from portal.services.reports.repair.engine import KEPT_MARK, repair_report
from portal.services.reports.sources import checked_text
from portal.services.reports.view import Segment

RIGHT = "publish_reports"
TITLE_LENGTH = 300
#: characters of context shown either side of a 待核对 place
CONTEXT_CHARS = 12


class DraftMovedOn(ServiceError):
    """The draft was changed (or published, or discarded) since the page that posted was shown."""


@dataclass(frozen=True)
class DraftDetails:
    """What the office gives a draft besides its text: the 截至日期 and an optional title."""

    as_of: date | None
    title: str | None = None


@dataclass(frozen=True)
class Mark:
    """A 【待核对：…】 place: its line (from 1), the mark, and a few characters before and after it."""

    line: int
    text: str
    before: str
    after: str


@dataclass(frozen=True)
class DraftReview:
    """A draft as the office checks it: the places still to check, the figures it declares against the ledger's."""

    draft: ReportDraft
    title: str
    marks: list[Mark]
    figures: list[FigureComparison]
    lines: list[tuple[int, list[Segment]]]

    @property
    def disagreements(self) -> list[FigureComparison]:
        return [row for row in self.figures if row.differs_as_of or row.differs_now]


def draft_for_office(session: Session, actor: User, campaign: Campaign, draft_id: int) -> ReportDraft | None:
    """The campaign's draft with this id, for a user who may publish reports (PermissionDenied otherwise)."""
    authz.require(actor, RIGHT)
    draft = session.get(ReportDraft, draft_id)
    return draft if draft is not None and draft.campaign_id == campaign.id else None


def list_drafts(session: Session, actor: User, campaign: Campaign) -> list[ReportDraft]:
    """The campaign's drafts, the most recently changed first."""
    authz.require(actor, RIGHT)
    return list(session.scalars(select(ReportDraft).where(ReportDraft.campaign_id == campaign.id)
                                .order_by(ReportDraft.updated_at.desc(), ReportDraft.id.desc())))


def create_draft(session: Session, actor: User, campaign: Campaign, text: str, details: DraftDetails, *,
                 source_name: str | None = None) -> ReportDraft:
    """新建进展通报: repair the text as received and keep it as a draft (nothing is published), audited."""
    authz.require(actor, RIGHT)
    as_of, title = _checked(campaign, details)
    received = checked_text(text)
    draft = ReportDraft(campaign_id=campaign.id, title=title, as_of=as_of, source_text=received,
                        source_name=(source_name or "")[:255] or None, body=repair_report(received).text,
                        created_by_id=actor.id)
    session.add(draft)
    session.flush()
    audit.record(session, actor, "report_draft.create", "report_draft", draft.id, slug=campaign.slug,
                 as_of=as_of.isoformat(), unrepaired=len(marks(draft.body)), filename=draft.source_name)
    return draft


def save_draft(session: Session, actor: User, draft: ReportDraft, body: str, details: DraftDetails,
               revision: int) -> list[str]:
    """Save the office's corrections (text, date, title) to the revision it was shown; the fields changed."""
    authz.require(actor, RIGHT)
    _current(draft, revision)
    as_of, title = _checked(draft.campaign, details)
    values = {"body": checked_text(body), "as_of": as_of, "title": title}
    changed = [name for name, value in values.items() if getattr(draft, name) != value]
    if changed:
        for name in changed:
            setattr(draft, name, values[name])
        draft.revision += 1
        draft.updated_at = utcnow()
        audit.record(session, actor, "report_draft.update", "report_draft", draft.id, edited=changed,
                     unrepaired=len(marks(draft.body)))
        session.flush()
    return changed


def discard_draft(session: Session, actor: User, draft: ReportDraft) -> None:
    """Delete a draft that will not be published, audited."""
    authz.require(actor, RIGHT)
    audit.record(session, actor, "report_draft.discard", "report_draft", draft.id, slug=draft.campaign.slug,
                 as_of=draft.as_of.isoformat())
    session.delete(draft)
    session.flush()


def publish_draft(session: Session, actor: User, draft: ReportDraft, revision: int, *,
                  accept_marks: bool = False) -> ProgressReport:
    """Publish the reviewed revision through import_report (report, snapshot, follow events, public version, as the
    command line does), keeping the text as received; the draft is deleted. Marks left in the text need
    accept_marks."""
    authz.require(actor, RIGHT)
    _current(draft, revision)
    left = len(marks(draft.body))
    if left and not accept_marks:
        raise ServiceError(_("仍有%(count)d处待核对：请改正后再发布，或勾选“仍有%(count)d处待核对，确认发布”。",
                             count=left), "accept_marks")
    report = import_report(session, draft.campaign, draft.body, as_of=draft.as_of, title=draft.title, user=actor,
                           source_text=draft.source_text)
    audit.record(session, actor, "report_draft.publish", "report_draft", draft.id, slug=draft.campaign.slug,
                 report=report.id, unrepaired=left)
    session.delete(draft)
    session.flush()
    return report


def review(session: Session, draft: ReportDraft, timezone: str) -> DraftReview:
    """The draft's 待核对 places and its declared figures against the ledger's on its 截至日期 and now."""
    declared = declared_figures(draft.body)
    return DraftReview(draft, draft.title or default_title(draft.body, draft.as_of), marks(draft.body),
                       compare(declared, figures_as_of(session, draft.campaign, draft.as_of, timezone),
                               campaign_figures(session, draft.campaign)),
                       numbered_lines(draft.body))


def numbered_lines(body: str) -> list[tuple[int, list[Segment]]]:
    """The text's non-blank lines with their numbers (from 1), each split into plain and 待核对 stretches."""
    return [(number, [Segment(part, bool(i % 2)) for i, part in enumerate(KEPT_MARK.split(line)) if part])
            for number, line in enumerate(body.split("\n"), start=1) if line.strip()]


def marks(body: str) -> list[Mark]:
    """Every 【待核对：…】 place of a text, in order, with its line and context."""
    found = []
    for number, line in enumerate(body.split("\n"), start=1):
        for m in KEPT_MARK.finditer(line):
            found.append(Mark(number, m.group(), line[max(0, m.start() - CONTEXT_CHARS):m.start()],
                              line[m.end():m.end() + CONTEXT_CHARS]))
    return found


def _checked(campaign: Campaign, details: DraftDetails) -> tuple[date, str | None]:
    """The 截至日期 (from the campaign's earliest plausible date to today, a day's slack for time zones) and title."""
    if details.as_of is None:
        raise ServiceError(_("请填写截至日期。"), "as_of")
    start = earliest_date(campaign.feedback_date)
    if not start <= details.as_of <= date.today() + timedelta(days=1):
        raise ServiceError(_("截至日期须在%(start)s到今天之间，请检查年份。", start=start.isoformat()), "as_of")
    title = clean_text(details.title) or None
    if title is not None and len(title) > TITLE_LENGTH:
        raise ServiceError(_("标题过长（最多%(limit)d个字）。", limit=TITLE_LENGTH), "title")
    return details.as_of, title


def _current(draft: ReportDraft, revision: int) -> None:
    if revision != draft.revision:
        raise DraftMovedOn(_("草稿在您打开页面之后已被修改：请核对最新内容后再操作。"))
