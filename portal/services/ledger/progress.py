"""部门进展报送: a handler of a department named in a measure's 责任部门 updates its status, completion date and
进展说明, with evidence files (PDF or images, checked like every upload); the rectification office approves the update
(it then enters the measure and its public history) or returns it with a comment."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.models import (
    DONE,
    MEASURE_STATUSES,
    Campaign,
    DepartmentAlias,
    Measure,
    MeasureUpdate,
    Problem,
    User,
    utcnow,
)
from portal.models.progress import APPROVED, RETURNED, SUBMITTED, ProgressEvidence, ProgressUpdate
from portal.services.common import audit, authz
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
from portal.services.feedback.attachments import Upload
from portal.services.follow import events as follow_events
from portal.services.ledger import evidence as evidence_files
from portal.services.ledger.departments import split_departments

NOTE_LENGTH = 2000
MAX_FILES = evidence_files.MAX_FILES


class ProgressError(ServiceError):
    """An update could not be submitted or reviewed."""


def _department_names(session: Session, user: User) -> set[str]:
    """The names the ledger may call the user's department by: its name and its former names."""
    if user.department is None:
        return set()
    aliases = session.scalars(select(DepartmentAlias.name).where(DepartmentAlias.department_id == user.department_id))
    return {user.department.name, *aliases}


def responsible_for(session: Session, user: User, measure: Measure) -> bool:
    """Whether user is a handler of a department the measure's problem names in 责任部门."""
    return (authz.can(user, "report_progress")
            and bool(_department_names(session, user) & set(split_departments(measure.problem.departments))))


def department_measures(session: Session, user: User) -> list[Measure]:
    """The measures of every campaign whose 责任部门 names the user's department, in ledger order."""
    authz.require(user, "report_progress")
    names = _department_names(session, user)
    measures = session.scalars(select(Measure).join(Problem).options(joinedload(Measure.problem))
                               .order_by(Measure.campaign_id, Measure.position)).all()
    return [m for m in measures if names & set(split_departments(m.problem.departments))]


def is_overdue(measure: Measure, today: date) -> bool:
    """逾期: not done, and its problem's due date (from the deadline class) has passed."""
    due = measure.problem.due_date
    return measure.status != DONE and due is not None and due < today


def overdue(session: Session, actor: User, today: date) -> list[Measure]:
    """Every campaign's overdue measures, longest overdue first, for the office."""
    authz.require(actor, "review_progress")
    return list(session.scalars(select(Measure).join(Problem).options(joinedload(Measure.problem))
                                .where(Measure.status != DONE, Problem.due_date < today)
                                .order_by(Problem.due_date, Measure.campaign_id, Measure.position)))


def submit(session: Session, user: User, measure: Measure, status: str, completed_on: date | None,
           note: str, today: date, evidence: Sequence[Upload] = (), upload_dir: Path | None = None) -> ProgressUpdate:
    """报送: the department's proposed status, date and 进展说明 with evidence files (at most MAX_FILES, none stored
    when one is refused), waiting for the office; audited."""
    if user.department_id is None or not responsible_for(session, user, measure):
        raise authz.PermissionDenied("report_progress")
    if status not in MEASURE_STATUSES:
        raise ProgressError(_("请选择完成情况。"), "status")
    if status == DONE and completed_on is None:
        raise ProgressError(_("已完成的措施请填写完成时间。"), "completed_on")
    if completed_on is not None and completed_on > today:
        raise ProgressError(_("完成时间不能晚于今天。"), "completed_on")
    note = clean_text(note)
    if not note:
        raise ProgressError(_("请填写进展说明。"), "progress_note")
    if len(note) > NOTE_LENGTH:
        raise ProgressError(_("进展说明过长（最多%(limit)d个字）。", limit=NOTE_LENGTH), "progress_note")
    try:
        files = evidence_files.check(evidence)
    except evidence_files.EvidenceRejected as exc:
        raise ProgressError(exc.message, exc.field) from exc
    update = ProgressUpdate(measure=measure, department_id=user.department_id, author_id=user.id, status=status,
                            completed_on=completed_on if status == DONE else None, progress_note=note)
    session.add(update)
    session.flush()
    session.add_all(ProgressEvidence(update_id=update.id, **vars(stored))
                    for stored in evidence_files.store(files, upload_dir))
    session.flush()
    audit.record(session, user, "progress.submit", "measure", measure.id, update=update.id,
                 attachments=len(files))
    return update


def evidence_for_office(session: Session, actor: User, evidence_id: int) -> ProgressEvidence | None:
    """A file of an update, for the office reviewing it."""
    authz.require(actor, "review_progress")
    return session.get(ProgressEvidence, evidence_id)


def pending(session: Session, actor: User) -> list[ProgressUpdate]:
    """Updates waiting for the office, oldest first."""
    authz.require(actor, "review_progress")
    return list(session.scalars(select(ProgressUpdate).where(ProgressUpdate.state == SUBMITTED)
                                .options(joinedload(ProgressUpdate.measure), joinedload(ProgressUpdate.department),
                                         selectinload(ProgressUpdate.evidence))
                                .order_by(ProgressUpdate.submitted_at, ProgressUpdate.id)))


def of_measures(session: Session, measure_ids: list[int]) -> dict[int, ProgressUpdate]:
    """measure id → its latest update, for a department's list."""
    latest: dict[int, ProgressUpdate] = {}
    for update in session.scalars(select(ProgressUpdate).where(ProgressUpdate.measure_id.in_(measure_ids))
                                  .order_by(ProgressUpdate.id)):
        latest[update.measure_id] = update
    return latest


def approve(session: Session, actor: User, update: ProgressUpdate) -> None:
    """采纳: the update enters the measure, each changed field in the public history dated now; audited."""
    _review(actor, update)
    measure, now = update.measure, utcnow()
    note = f"{update.department.name}报送"  # ledger content: Chinese whatever the office's UI language
    for name in ("status", "completed_on", "progress_note"):
        old, new = getattr(measure, name), getattr(update, name)
        if old != new:
            session.add(MeasureUpdate(measure=measure, actor=f"{actor.name}（{actor.email}）"[:200], changed_at=now,
                                      field=name, old_value=_text(old), new_value=_text(new), note=note))
            follow_events.measure_changed(session, measure, name, _text(old), _text(new), now)
            setattr(measure, name, new)
    update.state, update.reviewer_id, update.reviewed_at = APPROVED, actor.id, now
    campaign = session.get(Campaign, measure.campaign_id)
    if campaign is not None:
        campaign.touch()
    audit.record(session, actor, "progress.approve", "measure", measure.id, update=update.id)
    session.flush()


def return_update(session: Session, actor: User, update: ProgressUpdate, comment: str) -> None:
    """退回: the department sees the office's comment and may report again; audited."""
    _review(actor, update)
    comment = clean_text(comment)
    if not comment:
        raise ProgressError(_("退回时请写明意见。"), "comment")
    update.state, update.reviewer_id, update.reviewed_at = RETURNED, actor.id, utcnow()
    update.review_comment = comment[:NOTE_LENGTH]
    audit.record(session, actor, "progress.return", "measure", update.measure_id, update=update.id, comment=comment)
    session.flush()


def update_for_office(session: Session, actor: User, update_id: int) -> ProgressUpdate | None:
    authz.require(actor, "review_progress")
    return session.get(ProgressUpdate, update_id)


def _review(actor: User, update: ProgressUpdate) -> None:
    authz.require(actor, "review_progress")
    if update.state != SUBMITTED:
        raise ProgressError(_("这条报送已经处理过了。"))


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)
