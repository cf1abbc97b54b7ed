"""回头看 for the rectification office: evidence files are checked like every upload and all refused when one is; a
反弹 needs the office's confirmation and moves the public data versions; only the office may act, and only on the
campaign's own re-checks; the schedule form offers the completed measures waiting for nothing, grouped by problem."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import db
from portal.models import AuditEvent, Recheck, RecheckEvidence
from portal.services.common import authz, public_version
from portal.services.feedback.attachments import Upload
from portal.services.ledger import recheck_office, rechecks
from portal.services.ledger.campaigns import create_campaign
from portal.services.ledger.rechecks import RecheckError
from tests.samples import image, pdf

TODAY = date.today()


@pytest.fixture
def office(make_user):
    return make_user("rectification")


@pytest.fixture
def uploads(tmp_path) -> Path:
    return tmp_path / "uploads"


def one_recheck(session, campaign, code: str = "1-1") -> Recheck:
    (recheck,) = rechecks.schedule(session, campaign, TODAY, actor="整改办", codes=[code])
    return recheck


def test_evidence_is_stored_under_random_names_and_named_in_the_audit(session, small_campaign, office, uploads):
    recheck = one_recheck(session, small_campaign)
    files = [Upload("抽查记录.pdf", pdf()), Upload("现场照片.png", image("PNG", 40, 30))]
    recheck_office.record(session, office, recheck, "held", "会议记录均符合规定。", relapse_confirmed=False,
                          files=files, upload_dir=uploads)
    session.commit()
    stored = session.scalars(select(RecheckEvidence).order_by(RecheckEvidence.id)).all()
    assert [(e.filename, e.content_type) for e in stored] == [("抽查记录.pdf", "application/pdf"),
                                                              ("现场照片.png", "image/png")]
    for evidence, upload in zip(stored, files, strict=True):
        assert (uploads / evidence.stored_name).read_bytes() == upload.data
        assert evidence.sha256 == hashlib.sha256(upload.data).hexdigest() and evidence.size == len(upload.data)
        assert upload.filename not in evidence.stored_name
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "recheck.record"))
    assert (event.actor_id, event.details["attachments"], event.details["result"]) == (office.id, 2, "held")
    assert recheck_office.evidence_for_office(session, office, small_campaign, stored[0].id) == stored[0]


@pytest.mark.parametrize(("files", "message"), [
    ([Upload("记录.pdf", pdf()), Upload("脚本.pdf", b"<script>alert(1)</script>")],
     "文件“脚本.pdf”不是PDF、JPEG或PNG文件。"),
    ([Upload("照片.pdf", image("PNG", 40, 30))], "文件“照片.pdf”的扩展名与内容不符"),
    ([Upload("空.pdf", b"")], "文件“空.pdf”是空的。"),
    ([Upload(f"{n}.pdf", pdf()) for n in range(6)], "佐证材料最多5个文件。"),
])
def test_a_refused_file_records_nothing_and_stores_nothing(session, small_campaign, office, uploads, files,
                                                           message):
    recheck = one_recheck(session, small_campaign)
    with pytest.raises(RecheckError, match=message) as refused:
        recheck_office.record(session, office, recheck, "held", "说明。", relapse_confirmed=False, files=files,
                              upload_dir=uploads)
    assert refused.value.field == "evidence"
    assert recheck.result is None and not uploads.exists()
    assert session.scalar(select(RecheckEvidence)) is None


def test_a_relapse_needs_its_confirmation_then_reopens_the_measure_and_moves_the_ledger_version(
        session, small_campaign, office, uploads):
    recheck = one_recheck(session, small_campaign)
    session.commit()
    with pytest.raises(RecheckError, match="请勾选确认后再记录") as refused:
        recheck_office.record(session, office, recheck, "relapsed", "又出现了。", relapse_confirmed=False, files=[],
                              upload_dir=uploads)
    assert refused.value.field == "confirm_relapse" and recheck.measure.status == "done"
    data_version = small_campaign.data_version
    with db.engine().connect() as connection:
        before = public_version.read(connection).of([public_version.LEDGER])
    recheck_office.record(session, office, recheck, "relapsed", "又出现了。", relapse_confirmed=True, files=[],
                          upload_dir=uploads)
    session.commit()
    assert recheck.measure.status == "in_progress" and small_campaign.data_version == data_version + 1
    with db.engine().connect() as connection:
        assert public_version.read(connection).of([public_version.LEDGER]) == (before[0] + 1,)


@pytest.mark.parametrize("role", ["handler", "triager", "research", "supervisor", "admin", "clerk"])
def test_only_the_office_may_see_schedule_or_record(session, small_campaign, make_user, uploads, role):
    user = make_user(role, department="办公室" if role == "handler" else None)
    recheck = one_recheck(session, small_campaign)
    calls = [
        lambda: recheck_office.overview(session, user, small_campaign, TODAY),
        lambda: recheck_office.choices(session, user, small_campaign),
        lambda: recheck_office.due_counts(session, user, TODAY),
        lambda: recheck_office.schedule(session, user, small_campaign, TODAY, ["1-2"], None, TODAY),
        lambda: recheck_office.recheck_for_office(session, user, small_campaign, recheck.id),
        lambda: recheck_office.record(session, user, recheck, "held", "说明。", relapse_confirmed=False, files=[],
                                      upload_dir=uploads),
        lambda: recheck_office.evidence_for_office(session, user, small_campaign, 1),
    ]
    for call in calls:
        with pytest.raises(authz.PermissionDenied):
            call()
    assert recheck.result is None and len(session.scalars(select(Recheck)).all()) == 1


def test_another_campaigns_recheck_and_evidence_are_not_found(session, small_campaign, office, uploads):
    other = create_campaign(session, "other", "另一轮", date(2021, 1, 1))
    recheck = one_recheck(session, small_campaign)
    recheck_office.record(session, office, recheck, "held", "说明。", relapse_confirmed=False,
                          files=[Upload("记录.pdf", pdf())], upload_dir=uploads)
    evidence_id = recheck.evidence[0].id
    assert recheck_office.recheck_for_office(session, office, other, recheck.id) is None
    assert recheck_office.evidence_for_office(session, office, other, evidence_id) is None
    assert recheck_office.recheck_for_office(session, office, small_campaign, recheck.id) == recheck


def test_the_form_offers_completed_measures_without_an_open_recheck_grouped_by_problem(session, small_campaign,
                                                                                       office):
    one_recheck(session, small_campaign, "1-2")
    found = recheck_office.choices(session, office, small_campaign)
    assert [(problem.number, [m.code for m in measures]) for problem, measures in found.groups] == [
        (1, ["1-1"]), (2, ["2-1"]), (3, ["3-1"])]
    assert found.deadline_labels == ["1个月内整改到位", "3个月内整改到位"]


def test_overview_lists_open_due_first_marks_the_overdue_and_counts_the_due(session, small_campaign, office):
    rechecks.schedule(session, small_campaign, TODAY + timedelta(days=9), actor="整改办", codes=["1-1"])
    rechecks.schedule(session, small_campaign, TODAY - timedelta(days=2), actor="整改办", codes=["2-1"],
                      today=TODAY - timedelta(days=5))
    held = one_recheck(session, small_campaign, "3-1")
    rechecks.record(session, held, "held", "保持。", actor="整改办")
    found = recheck_office.overview(session, office, small_campaign, TODAY)
    assert [r.measure.code for r in found.open] == ["2-1", "1-1"]
    assert found.overdue == {found.open[0].id}
    assert [r.measure.code for r in found.recorded] == ["3-1"] and (found.page, found.pages) == (1, 1)
    assert recheck_office.due_counts(session, office, TODAY) == {small_campaign.id: 1}


def test_scheduling_nothing_new_is_refused(session, small_campaign, office):
    one_recheck(session, small_campaign, "1-1")
    with pytest.raises(RecheckError, match="没有可以安排回头看的措施"):
        recheck_office.schedule(session, office, small_campaign, TODAY, ["1-1", "2-2"], None, TODAY)
    with pytest.raises(RecheckError, match="请填写回头看日期") as refused:
        recheck_office.schedule(session, office, small_campaign, None, ["1-2"], None, TODAY)
    assert refused.value.field == "due_on"

