"""更正登记信息 (service): each field before → after in the audit, contact masked, the clock and the suggestions
recomputed, the logging checks on times, refusals after 待分办 and for everyone but the logging clerk and triagers."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Measure
from portal.services.common.authz import PermissionDenied
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow
from portal.services.feedback.clerk_intake import Letter, PhoneCall, log_letter, log_phone
from portal.services.feedback.corrections import (
    Correction,
    CorrectionRefused,
    changed_passage,
    correct,
    current,
    may_correct,
)
from portal.services.feedback.intake import Contact, IntakeError

NOW = datetime(2021, 4, 2, 6, 30, tzinfo=UTC)  # 14:30 in Lanzhou
SUMMARY = "来电反映职工书屋建没进度慢，希望公开整改时间表。"


@pytest.fixture
def clerk(make_user):
    return make_user("clerk")


@pytest.fixture
def call(session, clerk, intake_settings):
    """A call the clerk logged at 09:15 on 2 April 2021 (office time), with a caller's name and number."""
    item, _ = log_phone(session, PhoneCall(kind="inquiry", content=SUMMARY, call_at=datetime(2021, 4, 2, 9, 15),
                                           phone_line="12351", caller_name="张三", caller_phone="13812341762"),
                        intake_settings, clerk, None, now=NOW)
    return item


@pytest.fixture
def letter(session, clerk, intake_settings):
    item, _ = log_letter(session, Letter(kind="report", content="来信反映某单位整改措施没有落实到位，请核查。",
                                         received_on=date(2021, 4, 1), postmark_date=date(2021, 3, 30),
                                         sender_name="李四", address="兰州市城关区某路1号"),
                         intake_settings, clerk, None, now=NOW)
    return item


def edited(item, settings, **fields) -> Correction:
    """The item's current values with fields changed."""
    correction = current(item, settings)
    for name, value in fields.items():
        setattr(correction, name, value)
    return correction


def events(session, action: str = "item.correct") -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_the_form_starts_from_the_items_values_in_office_time(call, letter, intake_settings):
    start = current(call, intake_settings)
    assert (start.kind, start.content, start.call_at, start.contact) == (
        "inquiry", SUMMARY, datetime(2021, 4, 2, 9, 15), None)
    assert (current(letter, intake_settings).received_on, current(letter, intake_settings).postmark_date) == (
        date(2021, 4, 1), date(2021, 3, 30))


def test_kind_subject_and_content_are_corrected_with_before_and_after(session, call, clerk, intake_settings):
    fixed = SUMMARY.replace("建没", "建设")
    changes = correct(session, clerk, call, edited(call, intake_settings, kind="suggestion", subject="职工书屋",
                                                  content=fixed), intake_settings, now=NOW)

    assert (call.kind, call.subject, call.content) == ("suggestion", "职工书屋", fixed)
    [event] = events(session)
    assert event.actor_id == clerk.id and event.item_id == call.id and event.details == {"changes": changes}
    assert changes["kind"] == ["inquiry", "suggestion"] and changes["subject"] == ["", "职工书屋"]
    before, after = changes["content"]
    assert "建没" in before and "建设" in after and before.replace("建没", "建设") == after


def test_a_long_content_is_audited_as_the_changed_passage_only():
    before = "甲" * 300 + "错别字" + "乙" * 300
    old, new = changed_passage(before, before.replace("错别字", "正确的词"))
    assert old == "…" + "甲" * 12 + "错别字" + "乙" * 12 + "…"
    assert new == "…" + "甲" * 12 + "正确的词" + "乙" * 12 + "…"
    assert changed_passage("短文本", "短文本。") == ("短文本", "短文本。")


def test_each_contact_field_is_corrected_and_audited_masked(session, call, clerk, intake_settings):
    contact = Contact(name="张三丰", phone="13812341726", email="zhang@example.org", address="兰州市七里河区某路2号")
    changes = correct(session, clerk, call, edited(call, intake_settings, contact=contact), intake_settings, now=NOW)

    assert (call.contact.name, call.contact.phone, call.contact.email, call.contact.address) == (
        "张三丰", "13812341726", "zhang@example.org", "兰州市七里河区某路2号")
    assert changes == {"name": ["张*", "张**"], "phone": ["138****1762", "138****1726"],
                       "email": ["", "z***@example.org"], "address": ["", "兰州市七里****"]}
    stored = str(events(session)[0].details)
    for clear in ("张三", "13812341762", "13812341726", "zhang@", "七里河区某路"):
        assert clear not in stored


def test_a_contact_field_left_empty_is_removed_and_a_contact_not_shown_stays(session, call, clerk, intake_settings):
    correct(session, clerk, call, edited(call, intake_settings, content=SUMMARY + "请回电。"), intake_settings, now=NOW)
    assert (call.contact.name, call.contact.phone) == ("张三", "13812341762")
    correct(session, clerk, call, edited(call, intake_settings, contact=Contact(phone="13812341762")), intake_settings,
            now=NOW)
    assert (call.contact.name, call.contact.phone) == (None, "13812341762")
    assert events(session)[-1].details == {"changes": {"name": ["张*", ""]}}


def test_a_new_call_time_moves_the_received_time_and_the_clock(session, call, clerk, intake_settings):
    changes = correct(session, clerk, call, edited(call, intake_settings, call_at=datetime(2021, 3, 30, 17, 40)),
                      intake_settings, now=NOW)
    assert call.call_at == datetime(2021, 3, 30, 9, 40, tzinfo=UTC) == call.received_at
    assert call.accept_due == call.due_date == date(2021, 4, 14)
    assert changes == {"call_at": ["2021-04-02 09:15", "2021-03-30 17:40"],
                       "accept_due": ["2021-04-17", "2021-04-14"]}


def test_a_new_received_date_and_postmark_of_a_letter(session, letter, clerk, intake_settings):
    changes = correct(session, clerk, letter, edited(letter, intake_settings, received_on=date(2021, 3, 31),
                                                     postmark_date=None), intake_settings, now=NOW)
    assert letter.received_at == datetime(2021, 3, 30, 16, tzinfo=UTC) and letter.postmark_date is None
    assert changes == {"received_on": ["2021-04-01", "2021-03-31"], "postmark_date": ["2021-03-30", ""],
                       "accept_due": ["2021-04-16", "2021-04-15"]}


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"call_at": datetime(2021, 4, 2, 18, 0)}, "call_at", "来电时间不能晚于现在"),
    ({"call_at": datetime(1900, 4, 2, 9, 0)}, "call_at", "不能早于2000-01-01"),
    ({"call_at": None}, "call_at", "请填写来电时间"),
    ({"content": "太短"}, "content", "10到5000"),
    ({"kind": "other"}, "kind", "请选择诉求类型"),
    ({"contact": Contact(phone="电话号码", email="not-an-address")}, "phone", "电话号码格式不正确"),
])
def test_implausible_values_of_a_call_are_refused_as_at_logging(session, call, clerk, intake_settings, fields, field,
                                                                 message):
    with pytest.raises(IntakeError) as refused:
        correct(session, clerk, call, edited(call, intake_settings, **fields), intake_settings, now=NOW)
    assert message in refused.value.errors[field]
    assert events(session) == []


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"received_on": date(2021, 4, 3)}, "received_on", "收信日期不能晚于今天"),
    ({"received_on": date(202, 4, 1)}, "received_on", "不能早于2000-01-01"),
    ({"postmark_date": date(2021, 4, 2)}, "postmark_date", "邮戳日期不能晚于收信日期"),
    ({"received_on": date(2021, 3, 29)}, "postmark_date", "邮戳日期不能晚于收信日期"),
])
def test_implausible_dates_of_a_letter_are_refused_as_at_logging(session, letter, clerk, intake_settings, fields,
                                                                 field, message):
    with pytest.raises(IntakeError) as refused:
        correct(session, clerk, letter, edited(letter, intake_settings, **fields), intake_settings, now=NOW)
    assert message in refused.value.errors[field]
    assert letter.received_at == datetime(2021, 3, 31, 16, tzinfo=UTC) and events(session) == []


def test_suggestions_and_the_fingerprint_follow_the_text(session, clerk, intake_settings, small_campaign):
    texts = {"1-1": "困难职工帮扶资金的申请和发放", "2-2": "建设职工书屋并向职工开放借阅"}
    for measure in session.scalars(select(Measure).where(Measure.code.in_(texts))):
        measure.text = texts[measure.code]
    session.flush()
    item, _ = log_phone(session, PhoneCall(kind="inquiry", content="来电咨询困难职工帮扶资金怎么申请。",
                                           call_at=datetime(2021, 4, 2, 9, 15), phone_line="12351"),
                        intake_settings, clerk, "t", now=NOW)
    key_before = item.text_key
    assert [s["measure"] for s in item.suggestions["suggestions"]][:1] == ["1-1"]

    correct(session, clerk, item, edited(item, intake_settings, content="来电询问职工书屋建设和开放借阅的情况。"),
            intake_settings, now=NOW)
    assert item.text_key != key_before
    assert [s["measure"] for s in item.suggestions["suggestions"]][:1] == ["2-2"]


def test_nothing_changed_records_nothing(session, call, clerk, intake_settings):
    assert correct(session, clerk, call, current(call, intake_settings), intake_settings, now=NOW) == {}
    assert events(session) == []


def test_a_triager_may_correct_any_logged_call(session, call, triager, intake_settings):
    assert may_correct(triager, call)
    correct(session, triager, call, edited(call, intake_settings, subject="书屋"), intake_settings, now=NOW)
    assert events(session)[0].actor_id == triager.id


@pytest.mark.parametrize("role", ["clerk", "handler", "research", "supervisor", "admin"])
def test_everyone_else_is_refused(session, call, make_user, intake_settings, role):
    """Another clerk, and every role without the right (a handler does not even see an unassigned item)."""
    other = make_user(role, department="办公室" if role == "handler" else None)
    assert not may_correct(other, call)
    with pytest.raises(PermissionDenied):
        correct(session, other, call, edited(call, intake_settings, subject="书屋"), intake_settings, now=NOW)
    assert call.subject is None and events(session) == []


def test_after_triage_the_correction_is_refused(session, call, clerk, triager, intake_settings):
    workflow.apply(session, call, "accept", triager, ClockSettings())
    assert not may_correct(clerk, call) and not may_correct(triager, call)
    for user in (clerk, triager):
        with pytest.raises(CorrectionRefused) as refused:
            correct(session, user, call, edited(call, intake_settings, subject="书屋"), intake_settings, now=NOW)
        assert "已不是“待分办”（现为“已受理”）" in refused.value.message
    assert call.subject is None and events(session) == []


def test_only_logged_calls_and_letters_are_corrected(session, new_item, triager, intake_settings):
    item, _ = new_item(channel="web")
    with pytest.raises(CorrectionRefused):
        correct(session, triager, item, Correction(kind="praise", subject="", content=item.content),
                intake_settings, now=NOW)
    assert item.kind == "suggestion"
