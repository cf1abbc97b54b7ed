"""回头看 in the browser: the rectification office's view of a campaign's re-checks — what is open (due first), what
was found, what may be scheduled — and its scheduling and recording, each checked against the office's rights and
the campaign of the page (portal.services.ledger.rechecks holds the rules themselves)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.models import DONE, Campaign, Measure, Problem, Recheck, RecheckEvidence, User
from portal.models.recheck import RELAPSED
from portal.services.common import authz
from portal.services.feedback.attachments import Upload
from portal.services.ledger import evidence, rechecks
from portal.services.ledger.rechecks import RecheckError

#: recorded re-checks per page
PAGE_SIZE = 20
ACTION = "manage_campaigns"
MAX_FILES = evidence.MAX_FILES


@dataclass(frozen=True)
class RecheckOverview:
    """A campaign's re-checks: every open one (due first) with the overdue ones' ids, and one page of the recorded
    ones (latest first)."""

    open: list[Recheck]
    overdue: set[int]
    recorded: list[Recheck]
    recorded_total: int
    page: int
    pages: int


@dataclass(frozen=True)
class ScheduleChoices:
    """What may be scheduled: the completed measures without an open re-check, grouped by problem in ledger order,
    and the deadline classes (整改时限) of the campaign's problems."""

    groups: list[tuple[Problem, list[Measure]]]
    deadline_labels: list[str]


def actor_label(actor: User) -> str:
    """How a re-check's record names the office user who scheduled or recorded it."""
    return f"{actor.name}（{actor.email}）"[:200]


def overview(session: Session, actor: User, campaign: Campaign, today: date, page: int = 1) -> RecheckOverview:
    """The campaign's open re-checks, overdue (due before today) marked, and page of the recorded ones."""
    authz.require(actor, ACTION)
    open_ones = list(session.scalars(
        select(Recheck).where(Recheck.campaign_id == campaign.id, Recheck.result.is_(None))
        .options(joinedload(Recheck.measure)).order_by(Recheck.due_on, Recheck.id)))
    recorded = select(Recheck).where(Recheck.campaign_id == campaign.id, Recheck.result.is_not(None))
    total = session.scalar(select(func.count()).select_from(recorded.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = session.scalars(recorded.options(joinedload(Recheck.measure), selectinload(Recheck.evidence))
                            .order_by(Recheck.recorded_at.desc(), Recheck.id.desc())
                            .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return RecheckOverview(open_ones, {r.id for r in open_ones if r.due_on < today}, list(shown), total, page, pages)


def choices(session: Session, actor: User, campaign: Campaign) -> ScheduleChoices:
    """The measures and deadline classes the schedule form offers."""
    authz.require(actor, ACTION)
    waiting = select(Recheck.measure_id).where(Recheck.campaign_id == campaign.id, Recheck.result.is_(None))
    measures = session.scalars(select(Measure).join(Problem).options(joinedload(Measure.problem))
                               .where(Measure.campaign_id == campaign.id, Measure.status == DONE,
                                      Measure.id.not_in(waiting))
                               .order_by(Measure.position))
    groups: list[tuple[Problem, list[Measure]]] = []
    for measure in measures:
        if not groups or groups[-1][0].id != measure.problem_id:
            groups.append((measure.problem, []))
        groups[-1][1].append(measure)
    labels = session.scalars(select(Problem.deadline_label).where(Problem.campaign_id == campaign.id,
                                                                  Problem.deadline_label.is_not(None))
                             .order_by(Problem.number))
    return ScheduleChoices(groups, list(dict.fromkeys(label for label in labels if label)))


def due_counts(session: Session, actor: User, today: date) -> dict[int, int]:
    """campaign id → its open re-checks due by today (到期), for the office's home and campaign list."""
    authz.require(actor, ACTION)
    rows = session.execute(select(Recheck.campaign_id, func.count())
                           .where(Recheck.result.is_(None), Recheck.due_on <= today).group_by(Recheck.campaign_id))
    return {campaign_id: count for campaign_id, count in rows.tuples()}


def schedule(session: Session, actor: User, campaign: Campaign, due_on: date | None, codes: Sequence[str],
             deadline_label: str | None, today: date) -> list[Recheck]:
    """安排回头看 from the form: a date and either measure codes or a deadline class; RecheckError when nothing can
    be scheduled (every measure chosen not completed, or already waiting for its re-check)."""
    authz.require(actor, ACTION)
    if due_on is None:
        raise RecheckError(_("请填写回头看日期。"), "due_on")
    scheduled = rechecks.schedule(session, campaign, due_on, actor=actor_label(actor), today=today, by=actor,
                                  codes=[code for code in codes if code], deadline_label=deadline_label or None)
    if not scheduled:
        raise RecheckError(_("没有可以安排回头看的措施：所选措施尚未完成，或已在等待回头看。"))
    return scheduled


def recheck_for_office(session: Session, actor: User, campaign: Campaign, recheck_id: int) -> Recheck | None:
    """The re-check of this campaign with this id (None for another campaign's)."""
    authz.require(actor, ACTION)
    recheck = session.get(Recheck, recheck_id)
    return recheck if recheck is not None and recheck.campaign_id == campaign.id else None


def record(session: Session, actor: User, recheck: Recheck, result: str, note: str, *, relapse_confirmed: bool,
           files: Sequence[Upload], upload_dir: Path) -> Recheck:
    """记录回头看结果 from the form: a 反弹 only once the office has confirmed that it reopens the measure."""
    authz.require(actor, ACTION)
    if result == RELAPSED and not relapse_confirmed:
        raise RecheckError(_("反弹将把措施恢复为正在整改，公开页面的整改数字随之变化：请勾选确认后再记录。"),
                           "confirm_relapse")
    return rechecks.record(session, recheck, result, note, actor=actor_label(actor), evidence=files,
                           upload_dir=upload_dir, by=actor)


def evidence_for_office(session: Session, actor: User, campaign: Campaign, evidence_id: int) -> RecheckEvidence | None:
    """A file recorded with one of this campaign's re-checks."""
    authz.require(actor, ACTION)
    return session.scalar(select(RecheckEvidence).join(Recheck)
                          .where(RecheckEvidence.id == evidence_id, Recheck.campaign_id == campaign.id))
