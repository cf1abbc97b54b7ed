"""回头看: completed measures checked again later. A re-check is scheduled for a date (for chosen measures, or every
completed measure of a deadline class); its result is recorded once. 巩固 (held) changes nothing but the record;
反弹 (relapsed) reopens the measure — status back to 正在整改, completion date cleared — with the reason in the
measure's public history, so the published figures change with it. Followers of the measure hear of either result.
Evidence files (PDF or images) may come with the result; they are checked like every upload and kept for staff only.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    DONE,
    IN_PROGRESS,
    Campaign,
    Measure,
    MeasureUpdate,
    Problem,
    Recheck,
    RecheckEvidence,
    User,
    utcnow,
)
from portal.models.recheck import RECHECK_RESULTS, RELAPSED
from portal.services.common import audit
from portal.services.common.errors import ServiceError
from portal.services.feedback.attachments import Upload
from portal.services.follow import events as follow_events
from portal.services.ledger import evidence as evidence_files
from portal.services.ledger.deadlines import normalise_label

NOTE_LIMIT = 2000
RELAPSE_NOTE = "回头看发现反弹：{note}"


class RecheckError(ServiceError):
    """A re-check that cannot be scheduled or recorded; the message says why, in Chinese."""


def schedule(session: Session, campaign: Campaign, due_on: date, *, actor: str, codes: Sequence[str] = (),
             deadline_label: str | None = None, today: date | None = None, by: User | None = None) -> list[Recheck]:
    """Schedule a re-check on due_on of the measures named by code, or of every completed measure whose problem has
    deadline_label; a measure that is not completed or already has an open re-check is skipped. actor is who the
    record names; by, the signed-in user the audit log names (None: an operator command)."""
    if due_on < (today or date.today()):
        raise RecheckError(_("回头看日期%(day)s已过，请选择今天或以后的日期。", day=due_on.isoformat()), "due_on")
    measures = _chosen(session, campaign, list(codes), deadline_label)
    open_ids = set(session.scalars(select(Recheck.measure_id).where(Recheck.campaign_id == campaign.id,
                                                                    Recheck.result.is_(None))))
    scheduled = [Recheck(campaign_id=campaign.id, measure=m, due_on=due_on, scheduled_by=actor[:200])
                 for m in measures if m.status == DONE and m.id not in open_ids]
    session.add_all(scheduled)
    session.flush()
    for recheck in scheduled:
        audit.record(session, by, "recheck.schedule", "recheck", recheck.id, actor_label=actor[:200],
                     measure=recheck.measure.code, due_on=due_on.isoformat())
    session.flush()
    return scheduled


def _chosen(session: Session, campaign: Campaign, codes: list[str], deadline_label: str | None) -> list[Measure]:
    if bool(codes) == bool(deadline_label):
        raise RecheckError(_("请指定措施编号，或指定整改时限类别（二者选一）。"))
    query = select(Measure).where(Measure.campaign_id == campaign.id).order_by(Measure.position)
    if deadline_label:
        label = normalise_label(deadline_label)
        found = list(session.scalars(query.join(Problem).where(Problem.deadline_label == label)))
        if not found:
            raise RecheckError(_("整改时限为“%(label)s”的问题没有措施。", label=label), "deadline_label")
        return found
    found = list(session.scalars(query.where(Measure.code.in_(codes))))
    unknown = sorted(set(codes) - {m.code for m in found})
    if unknown:
        raise RecheckError(_("没有编号为%(codes)s的措施。", codes="、".join(unknown)), "codes")
    return found


def record(session: Session, recheck: Recheck, result: str, note: str, *, actor: str,
           now: datetime | None = None, evidence: Sequence[Upload] = (), upload_dir: Path | None = None,
           by: User | None = None) -> Recheck:
    """Record what the re-check found, once, with its evidence files (none stored when one is refused); a relapse
    reopens the measure with the note as its public reason and moves the campaign's data version."""
    now = now or utcnow()
    note = note.strip()
    if recheck.result is not None:
        raise RecheckError(_("这次回头看已经记录过结果。"))
    if result not in RECHECK_RESULTS:
        raise RecheckError(_("回头看结果只能是“巩固”或“反弹”。"), "result")
    if not note:
        raise RecheckError(_("请填写回头看情况说明。"), "note")
    if len(note) > NOTE_LIMIT:
        raise RecheckError(_("情况说明过长（%(length)s个字，最多%(limit)s个）。", length=len(note), limit=NOTE_LIMIT),
                           "note")
    try:
        files = evidence_files.check(evidence)
    except evidence_files.EvidenceRejected as exc:
        raise RecheckError(exc.message, exc.field) from exc
    recheck.result, recheck.note, recheck.recorded_at, recheck.recorded_by = result, note, now, actor[:200]
    measure = recheck.measure
    if result == RELAPSED and measure.status == DONE:
        _reopen(session, measure, RELAPSE_NOTE.format(note=note), actor[:200], now)
    session.add_all(RecheckEvidence(recheck=recheck, **vars(stored))
                    for stored in evidence_files.store(files, upload_dir))
    follow_events.recheck_recorded(session, recheck, now)
    audit.record(session, by, "recheck.record", "recheck", recheck.id, actor_label=actor[:200],
                 measure=measure.code, result=result, attachments=len(files))
    session.flush()
    return recheck


def _reopen(session: Session, measure: Measure, reason: str, actor: str, now: datetime) -> None:
    """Status back to 正在整改 and no completion date, each change in the history with the reason."""
    changes: list[tuple[str, str | None, str | None]] = [("status", measure.status, IN_PROGRESS)]
    if measure.completed_on is not None:
        changes.append(("completed_on", measure.completed_on.isoformat(), None))
    measure.status, measure.completed_on = IN_PROGRESS, None
    campaign = session.get(Campaign, measure.campaign_id)
    if campaign is not None:
        campaign.touch()  # the cached public figures (portal.public.common.cached) are keyed by its data version
    for field, old, new in changes:
        session.add(MeasureUpdate(measure=measure, actor=actor, changed_at=now, field=field, old_value=old,
                                  new_value=new, note=reason))


def open_rechecks(session: Session, campaign: Campaign, until: date | None = None) -> list[Recheck]:
    """Re-checks not yet recorded, due first (those due by until, when given)."""
    query = (select(Recheck).where(Recheck.campaign_id == campaign.id, Recheck.result.is_(None))
             .order_by(Recheck.due_on, Recheck.id))
    if until is not None:
        query = query.where(Recheck.due_on <= until)
    return list(session.scalars(query))


def get(session: Session, recheck_id: int) -> Recheck:
    recheck = session.get(Recheck, recheck_id)
    if recheck is None:
        raise RecheckError(_("没有编号为%(id)s的回头看。", id=recheck_id))
    return recheck
