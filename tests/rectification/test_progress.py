"""部门进展报送: a responsible department's handler updates a measure; it is public only once the office approves it;
a returned update carries the office's comment; nobody else may report or review."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, FollowEvent, Measure, MeasureUpdate, Problem
from portal.models.progress import APPROVED, RETURNED, SUBMITTED, ProgressEvidence
from portal.services.common.authz import PermissionDenied
from portal.services.feedback.attachments import Upload
from portal.services.ledger import progress
from tests.samples import image, pdf

TODAY = date(2021, 5, 1)


@pytest.fixture
def measure(session, small_campaign) -> Measure:
    """Measure 2-2 (正在整改) of problem 2, whose 责任部门 are 办公室 and 组织部."""
    problem = session.scalar(select(Problem).where(Problem.number == 2))
    problem.departments = "办公室、组织部"
    session.flush()
    return session.scalar(select(Measure).where(Measure.code == "2-2"))


def test_a_responsible_handler_reports_and_the_office_approves_into_the_public_history(session, make_user, measure):
    handler, office = make_user("handler", department="组织部"), make_user("rectification")
    assert [m.code for m in progress.department_measures(session, handler)] == ["2-1", "2-2"]
    update = progress.submit(session, handler, measure, "done", date(2021, 4, 20), "制度已印发。", TODAY)
    assert update.state == SUBMITTED and measure.status == "in_progress"  # not public yet
    assert progress.pending(session, office) == [update]
    progress.approve(session, office, update)
    assert update.state == APPROVED
    assert (measure.status, measure.completed_on, measure.progress_note) == ("done", date(2021, 4, 20), "制度已印发。")
    history = session.scalars(select(MeasureUpdate).where(MeasureUpdate.measure_id == measure.id)).all()
    assert {(h.field, h.new_value, h.note) for h in history} == {
        ("status", "done", "组织部报送"), ("completed_on", "2021-04-20", "组织部报送"),
        ("progress_note", "制度已印发。", "组织部报送")}
    assert progress.pending(session, office) == []
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["progress.submit", "progress.approve"]


def test_a_returned_update_keeps_the_comment_and_changes_nothing(session, make_user, measure):
    handler, office = make_user("handler", department="办公室"), make_user("rectification")
    update = progress.submit(session, handler, measure, "in_progress", None, "正在起草。", TODAY)
    with pytest.raises(progress.ProgressError, match="请写明意见"):
        progress.return_update(session, office, update, " ")
    progress.return_update(session, office, update, "请写明起草到哪一步。")
    assert (update.state, update.review_comment) == (RETURNED, "请写明起草到哪一步。")
    assert measure.progress_note is None
    with pytest.raises(progress.ProgressError, match="已经处理过"):
        progress.approve(session, office, update)


@pytest.mark.parametrize(("status", "completed_on", "note", "field"), [
    ("done", None, "完成。", "completed_on"),
    ("done", date(2021, 6, 1), "完成。", "completed_on"),
    ("in_progress", None, "  ", "progress_note"),
    ("maybe", None, "说明", "status"),
])
def test_an_incomplete_update_is_refused_naming_the_field(session, make_user, measure, status, completed_on, note,
                                                          field):
    handler = make_user("handler", department="办公室")
    with pytest.raises(progress.ProgressError) as caught:
        progress.submit(session, handler, measure, status, completed_on, note, TODAY)
    assert caught.value.field == field


def test_a_department_not_named_and_other_roles_may_not_report_or_review(session, make_user, measure):
    outsider = make_user("handler", department="宣传部")
    with pytest.raises(PermissionDenied):
        progress.submit(session, outsider, measure, "done", TODAY, "完成。", TODAY)
    assert progress.department_measures(session, outsider) == []
    for role in ("admin", "triager", "supervisor"):
        with pytest.raises(PermissionDenied):
            progress.pending(session, make_user(role))
    update = progress.submit(session, make_user("handler", department="组织部"), measure, "done", TODAY, "完成。",
                             TODAY)
    with pytest.raises(PermissionDenied):
        progress.approve(session, make_user("handler", department="组织部"), update)


def test_measures_past_their_due_date_and_not_done_are_overdue_for_the_office_and_the_department(
        session, make_user, measure):
    measure.problem.due_date = date(2021, 2, 16)
    session.flush()
    office, handler = make_user("rectification"), make_user("handler", department="组织部")
    assert [m.code for m in progress.overdue(session, office, TODAY)] == ["2-2"]  # 2-1 is done
    assert progress.overdue(session, office, date(2021, 2, 16)) == []
    assert [m.code for m in progress.department_measures(session, handler) if progress.is_overdue(m, TODAY)] == ["2-2"]
    with pytest.raises(PermissionDenied):
        progress.overdue(session, handler, TODAY)


def test_evidence_files_are_checked_stored_under_random_names_and_only_the_office_opens_them(
        session, make_user, measure, tmp_path):
    folder = tmp_path / "evidence"
    handler, office = make_user("handler", department="组织部"), make_user("rectification")
    with pytest.raises(progress.ProgressError) as refused:
        progress.submit(session, handler, measure, "done", TODAY, "完成。", TODAY,
                        [Upload("纪要.pdf", b"<html>not a pdf</html>")], folder)
    assert refused.value.field == "evidence" and "纪要.pdf" in refused.value.message
    assert session.scalars(select(ProgressEvidence)).all() == [] and not folder.exists()
    update = progress.submit(session, handler, measure, "done", TODAY, "完成。", TODAY,
                             [Upload("../纪要.pdf", pdf()), Upload("照片.png", image("PNG", 40, 30))], folder)
    assert [(e.filename, e.content_type) for e in update.evidence] == [("纪要.pdf", "application/pdf"),
                                                                      ("照片.png", "image/png")]
    assert (folder / update.evidence[0].stored_name).read_bytes() == pdf()
    assert progress.evidence_for_office(session, office, update.evidence[0].id) is update.evidence[0]
    with pytest.raises(PermissionDenied):
        progress.evidence_for_office(session, handler, update.evidence[0].id)


def test_an_approved_update_is_told_to_the_measures_followers_like_an_import(session, make_user, measure):
    update = progress.submit(session, make_user("handler", department="组织部"), measure, "done", TODAY, "完成。",
                             TODAY)
    progress.approve(session, make_user("rectification"), update)
    events = session.scalars(select(FollowEvent).where(FollowEvent.measure_id == measure.id)).all()
    assert {e.details["field"] for e in events} == {"status", "completed_on", "progress_note"}
