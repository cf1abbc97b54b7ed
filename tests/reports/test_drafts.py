"""进展通报草稿: a report pasted in the browser is repaired and kept as a draft, corrected, compared with the ledger,
then published exactly as `flask report import` publishes it, or discarded; every step audited, every refusal clear."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, FollowEvent, ProgressReport, ReportDraft
from portal.services.common.authz import PermissionDenied
from portal.services.common.errors import ServiceError
from portal.services.ledger.figures import campaign_figures
from portal.services.ledger.importer import import_ledger
from portal.services.ledger.pages import today
from portal.services.reports import drafts
from portal.services.reports.comparison import disagreement
from portal.services.reports.drafts import DraftDetails, DraftMovedOn
from portal.services.reports.importer import import_report
from portal.services.reports.repair.engine import repair_report
from tests.ledger_files import ROWS, campaign, write_csv
from tests.reports.test_import import DECLARED, RAW

TODAY = today("Asia/Shanghai")  # the portal's date: after 16:00 UTC it is already tomorrow there
#: the test ledger (2 categories, 2 problems, 3 measures of which 2 done) described right, then with 已整改 wrong
RIGHT = "关于巡视整改进展情况的通报\n共2个方面2个问题，整改措施3条，已整改2条，正在整改1条，整改率66.67%。\n"
WRONG = RIGHT.replace("已整改2条", "已整改3条")
#: a garbled place the repair cannot read back (UTF-8 shown as GBK with a byte lost)
GARBLED = RIGHT + "全总下?lián)芎和省总列支的专项资金。\n"


@pytest.fixture
def ledger(session, tmp_path):
    c = campaign(session)
    import_ledger(session, c, write_csv(tmp_path / "first.csv", ROWS), actor="test")
    session.commit()
    return c


@pytest.fixture
def office(make_user):
    return make_user("rectification")


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("report%"))
                                .order_by(AuditEvent.id)))


def test_a_pasted_report_is_kept_as_a_repaired_draft_and_nothing_is_published(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, RAW, DraftDetails(date(2021, 3, 31), " 通报 "))
    session.commit()
    assert draft.source_text == RAW and draft.body == repair_report(RAW).text
    assert (draft.title, draft.as_of, draft.revision, draft.created_by_id) == ("通报", date(2021, 3, 31), 1, office.id)
    assert len(drafts.marks(draft.body)) == 5
    assert session.scalar(select(func.count()).select_from(ProgressReport)) == 0
    assert actions(session) == ["report_draft.create"]


def test_marks_name_their_line_and_context(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, GARBLED, DraftDetails(TODAY))
    (mark,) = drafts.marks(draft.body)
    assert mark.line == 3 and mark.text.startswith("【待核对：") and mark.before == "全总下"
    assert "和省总列支" in mark.after and len(mark.after) <= drafts.CONTEXT_CHARS


def test_the_review_names_each_figure_against_the_ledger_as_of_the_date_and_now(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, WRONG, DraftDetails(TODAY))
    review = drafts.review(session, draft, "Asia/Shanghai")
    rows = {row.figure: (row.declared, row.as_of, row.now) for row in review.figures}
    assert rows == {"categories": (2, 2, 2), "problems": (2, 2, 2), "measures": (3, 3, 3), "done": (3, 2, 2),
                    "in_progress": (1, 1, 1), "rate": ("66.67", "66.67", "66.67")}
    assert [row.figure for row in review.disagreements] == ["done"]
    (done,) = review.disagreements
    assert disagreement(done, done.as_of, "2021年3月31日") == "通报称已整改3条，台账截至2021年3月31日为2条。"
    assert disagreement(done, done.now) == "通报称已整改3条，台账目前为2条。"


def test_as_of_a_date_before_the_ledger_was_kept_the_ledger_held_nothing(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, RIGHT, DraftDetails(date(2021, 3, 31)))
    rows = {row.figure: (row.as_of, row.now) for row in drafts.review(session, draft, "Asia/Shanghai").figures}
    assert rows["measures"] == (0, 3) and rows["done"] == (0, 2)


def test_saving_corrections_counts_the_marks_left_and_moves_the_revision(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, GARBLED, DraftDetails(TODAY))
    fixed = draft.body.replace(drafts.marks(draft.body)[0].text, "拨付")
    assert drafts.save_draft(session, office, draft, fixed, DraftDetails(TODAY, "改过的标题"), 1) == ["body", "title"]
    assert draft.revision == 2 and drafts.marks(draft.body) == []
    assert drafts.save_draft(session, office, draft, fixed, DraftDetails(TODAY, "改过的标题"), 2) == []
    assert draft.revision == 2
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report_draft.update"))
    assert event.details == {"edited": ["body", "title"], "unrepaired": 0}


def test_a_save_from_an_older_page_is_refused(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, RIGHT, DraftDetails(TODAY))
    drafts.save_draft(session, office, draft, WRONG, DraftDetails(TODAY), 1)
    with pytest.raises(DraftMovedOn, match="已被修改"):
        drafts.save_draft(session, office, draft, RIGHT, DraftDetails(TODAY), 1)
    assert draft.body == WRONG


@pytest.mark.parametrize(("text", "details", "field"), [
    (" \n ", DraftDetails(TODAY), "text"),
    ("通" * 500_001, DraftDetails(TODAY), "text"),
    (RIGHT, DraftDetails(None), "as_of"),
    (RIGHT, DraftDetails(date(9999, 12, 31)), "as_of"),
    (RIGHT, DraftDetails(date(1, 1, 1)), "as_of"),
    (RIGHT, DraftDetails(date(2019, 11, 15)), "as_of"),
    (RIGHT, DraftDetails(TODAY, "标" * 301), "title"),
])
def test_a_draft_without_text_or_date_or_with_an_overlong_title_is_refused(session, ledger, office, text, details,
                                                                          field):
    with pytest.raises(ServiceError) as refused:
        drafts.create_draft(session, office, ledger, text, details)
    assert refused.value.field == field
    assert session.scalar(select(func.count()).select_from(ReportDraft)) == 0


def test_publishing_with_marks_left_needs_the_explicit_tick(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, GARBLED, DraftDetails(TODAY))
    with pytest.raises(ServiceError, match="仍有1处待核对") as refused:
        drafts.publish_draft(session, office, draft, 1)
    assert refused.value.field == "accept_marks"
    report = drafts.publish_draft(session, office, draft, 1, accept_marks=True)
    assert report.unrepaired_count == 1 and report.body.count("【待核对：") == 1


def test_publishing_equals_the_command_line_import_and_deletes_the_draft(session, ledger, office, runner, tmp_path):
    path = tmp_path / "通报.txt"
    path.write_bytes(RAW.encode("gb18030"))
    result = runner.invoke(args=["report", "import", str(path), "--campaign", ledger.slug, "--as-of", "2021-03-31"])
    assert result.exit_code == 0, result.output
    draft = drafts.create_draft(session, office, ledger, RAW, DraftDetails(date(2021, 3, 31)))
    session.commit()
    published = drafts.publish_draft(session, office, draft, 1, accept_marks=True)
    session.commit()

    session.expire_all()
    by_cli, by_browser = session.scalars(select(ProgressReport).order_by(ProgressReport.id)).all()
    fields = ("title", "as_of", "body", "source_text", "unrepaired_count", "declared", "snapshot")
    assert by_browser.id == published.id
    assert {f: getattr(by_browser, f) for f in fields} == {f: getattr(by_cli, f) for f in fields}
    assert {k: by_browser.declared[k] for k in DECLARED} == DECLARED
    assert by_browser.snapshot == campaign_figures(session, ledger)
    assert session.scalar(select(func.count()).select_from(FollowEvent)) == 2
    assert session.get(ReportDraft, draft.id) is None
    imported = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.import")
                               .order_by(AuditEvent.id)).all()
    assert imported[-1].actor_id == office.id and imported[-1].object_id == published.id
    assert actions(session)[-2:] == ["report.import", "report_draft.publish"]


def test_a_corrected_draft_publishes_the_corrected_text_and_keeps_the_text_as_received(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, GARBLED, DraftDetails(TODAY))
    fixed = draft.body.replace(drafts.marks(draft.body)[0].text, "拨付")
    drafts.save_draft(session, office, draft, fixed, DraftDetails(TODAY), 1)
    report = drafts.publish_draft(session, office, draft, 2)
    assert report.body == fixed and report.source_text == GARBLED and report.unrepaired_count == 0
    assert report.title == "关于巡视整改进展情况的通报" and report.mismatches == []


def test_publishing_an_older_revision_is_refused_and_publishes_nothing(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, RIGHT, DraftDetails(TODAY))
    drafts.save_draft(session, office, draft, WRONG, DraftDetails(TODAY), 1)
    with pytest.raises(DraftMovedOn):
        drafts.publish_draft(session, office, draft, 1)
    assert session.scalar(select(func.count()).select_from(ProgressReport)) == 0


def test_discarding_deletes_the_draft_and_is_audited(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, RIGHT, DraftDetails(TODAY))
    drafts.discard_draft(session, office, draft)
    session.commit()
    assert session.scalar(select(func.count()).select_from(ReportDraft)) == 0
    assert actions(session) == ["report_draft.create", "report_draft.discard"]
    assert session.scalar(select(func.count()).select_from(ProgressReport)) == 0


@pytest.mark.parametrize("role", ["admin", "rectification"])
def test_the_office_and_admins_may_keep_drafts(session, ledger, make_user, role):
    user = make_user(role)
    draft = drafts.create_draft(session, user, ledger, RIGHT, DraftDetails(TODAY))
    assert drafts.list_drafts(session, user, ledger) == [draft]


@pytest.mark.parametrize("role", ["clerk", "triager", "handler", "research", "supervisor"])
def test_other_roles_may_not_touch_drafts(session, ledger, office, make_user, role):
    draft = drafts.create_draft(session, office, ledger, RIGHT, DraftDetails(TODAY))
    other = make_user(role, department="办公室" if role == "handler" else None)
    for attempt in (lambda: drafts.create_draft(session, other, ledger, RIGHT, DraftDetails(TODAY)),
                    lambda: drafts.draft_for_office(session, other, ledger, draft.id),
                    lambda: drafts.save_draft(session, other, draft, WRONG, DraftDetails(TODAY), 1),
                    lambda: drafts.publish_draft(session, other, draft, 1),
                    lambda: drafts.discard_draft(session, other, draft)):
        with pytest.raises(PermissionDenied):
            attempt()


def test_a_draft_is_found_only_under_its_own_campaign(session, ledger, office):
    draft = drafts.create_draft(session, office, ledger, RIGHT, DraftDetails(TODAY))
    other = campaign(session, "other-2021")
    assert drafts.draft_for_office(session, office, other, draft.id) is None
    assert drafts.draft_for_office(session, office, ledger, draft.id) == draft


def test_import_report_of_a_repaired_text_keeps_its_marks_once():
    repaired = repair_report(RAW)
    again = repair_report(repaired.text)
    assert again.text == repaired.text and again.unrepaired == repaired.unrepaired


def test_importing_already_marked_text_counts_the_marks(session, ledger):
    report = import_report(session, ledger, repair_report(GARBLED).text, as_of=TODAY)
    assert report.unrepaired_count == 1 and report.body.count("【待核对：") == 1
