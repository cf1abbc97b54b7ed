"""答复 as a service: a handler drafts, the research office returns or approves, the answer goes out once."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, OutboxMessage
from portal.services.replies import drafting as replies
from portal.services.feedback import workflow
from portal.services.mail.acknowledgements import AckSettings, acknowledge
from portal.services.common.authz import PermissionDenied
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.intake import Contact
from portal.services.replies.drafting import ReplyError

CLOCKS = ClockSettings()


@pytest.fixture
def settings(app):
    return replies.ReplySettings.from_config(app.config)


def submitted(session, staff, item, text="经核查，已整改到位。"):
    reply = replies.start_draft(session, staff.handler, item, text, CLOCKS)
    replies.submit(session, staff.handler, reply)
    return reply


def outbox_count(session) -> int:
    return session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "reply"))


def reply_events(session, reply) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.object_type == "reply",
                                                         AuditEvent.object_id == reply.id).order_by(AuditEvent.id)))


def test_handlers_of_other_departments_and_other_roles_cannot_draft(session, handling, staff, make_user):
    item, _ = handling()
    for user in (staff.outsider, make_user("clerk"), staff.triager, make_user("supervisor"), make_user("admin")):
        with pytest.raises(PermissionDenied):
            replies.start_draft(session, user, item, "答复", CLOCKS)
    assert replies.start_draft(session, staff.research, item, "政研室直接起草。", CLOCKS).status == "draft"


def test_returned_then_resubmitted_reply_is_approved_and_emailed_once(app, session, handling, staff, settings):
    item, code = handling(contact=Contact(name="张三丰", email="zhangsan@163.com"), wants_reply=True)
    with app.test_request_context():
        ack = acknowledge(session, item, code, AckSettings.from_config(app.config))
    reply = replies.start_draft(session, staff.handler, item, "关于{case_number}（{received_date}收到）：初稿。", CLOCKS)
    received = CLOCKS.local_date(item.received_at)
    assert reply.text == f"关于{item.case_number}（{received.year}年{received.month}月{received.day}日收到）：初稿。"
    replies.submit(session, staff.handler, reply)
    with pytest.raises(ReplyError, match="请填写退回意见"):
        replies.send_back(session, staff.research, reply, "  ")
    replies.send_back(session, staff.research, reply, "请写明整改完成的时间。")
    assert (reply.status, reply.review_comment) == ("returned", "请写明整改完成的时间。")
    with pytest.raises(ReplyError, match="已提交"):
        replies.approve(session, staff.research, reply, settings, confirmed=True)

    replies.edit(session, staff.handler, reply, "经核查，食堂账目已于2021年3月底公开。", CLOCKS)
    replies.submit(session, staff.handler, reply)
    with pytest.raises(ReplyError, match="勾选确认"):
        replies.approve(session, staff.research, reply, settings, confirmed=False)
    message = replies.approve(session, staff.research, reply, settings, confirmed=True)

    assert (item.state, reply.status, reply.approver_id, reply.department_id) == (
        "replied", "sent", staff.research.id, staff.office.id)
    assert reply.sent_at is not None and item.replied_at == reply.sent_at and item.due_date is None
    [mail] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reply")).all()
    assert mail is message and mail.to_address == "zhangsan@163.com" and mail.item_id == item.id
    assert mail.subject == f"[{item.case_number}] 关于您反映问题的答复"
    assert mail.in_reply_to == ack.message_id and mail.headers == {}
    for body in (mail.body_text, mail.body_html):
        assert "经核查，食堂账目已于2021年3月底公开。" in body and "办公室" in body and "/lookup" in body
        assert "30日内申请复查" in body
    events = reply_events(session, reply)
    assert [e.action for e in events] == ["reply.draft", "reply.submit", "reply.return", "reply.edit",
                                          "reply.submit", "reply.approve", "reply.send"]
    assert events[2].details["comment"] == "请写明整改完成的时间。"
    assert all("zhangsan" not in str(e.details) and "张三丰" not in str(e.details) for e in events)


def test_without_an_earlier_email_the_reply_starts_its_own_thread(session, handling, staff, settings):
    item, _ = handling(contact=Contact(email="citizen@example.org"))
    message = replies.approve(session, staff.research, submitted(session, staff, item), settings, confirmed=True)
    assert message.in_reply_to is None and message.message_id.startswith(f"<{item.case_number}.")


@pytest.mark.parametrize("role", ["supervisor", "clerk", "triager", "handler", "admin"])
def test_only_the_research_office_approves_or_returns(session, handling, staff, settings, make_user, role):
    item, _ = handling(contact=Contact(email="citizen@example.org"))
    reply = submitted(session, staff, item)
    user = staff.handler if role == "handler" else make_user(role)
    with pytest.raises(PermissionDenied):
        replies.approve(session, user, reply, settings, confirmed=True)
    with pytest.raises(PermissionDenied):
        replies.send_back(session, user, reply, "不行")
    assert reply.status == "submitted" and item.state == "handling" and outbox_count(session) == 0


def test_phone_item_records_the_call_back_and_sends_no_email(session, handling, staff, settings):
    item, _ = handling(channel="phone", contact=Contact(name="赵示例", phone="13800001762"))
    reply = submitted(session, staff, item)
    assert replies.approve(session, staff.research, reply, settings, confirmed=True) is None
    assert (reply.channel, reply.status, reply.sent_at, item.state) == ("phone", "approved", None, "handling")
    now = datetime.now(UTC)
    with pytest.raises(PermissionDenied):
        replies.record_delivery(session, staff.handler, reply, CLOCKS, now, confirmed=True)
    with pytest.raises(ReplyError, match="晚于现在"):
        replies.record_delivery(session, staff.research, reply, CLOCKS, now + timedelta(hours=1), confirmed=True)
    with pytest.raises(ReplyError, match="早于审核同意"):
        replies.record_delivery(session, staff.research, reply, CLOCKS, now - timedelta(hours=1), confirmed=True)
    with pytest.raises(ReplyError, match="勾选确认"):
        replies.record_delivery(session, staff.research, reply, CLOCKS, now, confirmed=False)
    replies.record_delivery(session, staff.research, reply, CLOCKS, now, confirmed=True)
    assert (reply.status, reply.sent_at, item.state, item.replied_at) == ("sent", now, "replied", now)
    assert outbox_count(session) == 0
    assert [e.action for e in reply_events(session, reply)][-2:] == ["reply.approve", "reply.send"]


def test_web_item_without_contact_is_answered_in_the_lookup_at_approval(session, handling, staff, settings):
    item, _ = handling()
    reply = submitted(session, staff, item)
    assert replies.approve(session, staff.research, reply, settings, confirmed=True) is None
    assert (reply.channel, reply.status, item.state) == ("web", "sent", "replied") and outbox_count(session) == 0


@pytest.mark.parametrize(("channel", "contact", "expected"), [
    ("phone", Contact(phone="13800001762", email="a@example.org"), "email"),
    ("letter", Contact(name="王示例", address="兰州市城关区示例路1号", phone="13800001762"), "letter"),
    ("web", Contact(phone="13800001762"), "phone"),
    ("web", Contact(address="兰州市城关区示例路1号"), "letter"),
    ("phone", Contact(name="匿名"), "web"),
])
def test_the_reply_goes_by_email_when_there_is_an_address(new_item, channel, contact, expected):
    item, _ = new_item(channel=channel, contact=contact)
    assert replies.channel_for(item) == expected


def test_drafting_needs_handling_or_review_and_one_reply_at_a_time(session, new_item, handling, staff, settings):
    waiting, _ = new_item()
    workflow.apply(session, waiting, "accept", staff.triager, CLOCKS)
    with pytest.raises(ReplyError, match="办理中或复查中"):
        replies.start_draft(session, staff.research, waiting, "答复", CLOCKS)
    item, _ = handling()
    first = replies.start_draft(session, staff.handler, item, "第一稿", CLOCKS)
    with pytest.raises(ReplyError, match="尚未完成"):
        replies.start_draft(session, staff.handler, item, "第二稿", CLOCKS)
    replies.submit(session, staff.handler, first)
    replies.approve(session, staff.research, first, settings, confirmed=True)
    with pytest.raises(ReplyError, match="已答复"):
        replies.start_draft(session, staff.handler, item, "答复后又起草", CLOCKS)
    workflow.apply(session, item, "review", staff.triager, CLOCKS, reason="群众申请复查")
    second = submitted(session, staff, item, "复查后答复：维持原答复意见。")
    replies.approve(session, staff.research, second, settings, confirmed=True)
    assert item.state == "replied" and second.status == "sent"


def test_only_drafts_and_returned_replies_can_be_edited_or_submitted(session, handling, staff):
    item, _ = handling()
    reply = submitted(session, staff, item)
    with pytest.raises(ReplyError, match="只能修改"):
        replies.edit(session, staff.handler, reply, "改", CLOCKS)
    with pytest.raises(ReplyError, match="只能提交"):
        replies.submit(session, staff.handler, reply)
    with pytest.raises(ReplyError, match="请填写答复内容"):
        replies.start_draft(session, staff.handler, handling()[0], " \x00 ", CLOCKS)
    assert reply.text == "经核查，已整改到位。"


def test_letter_has_the_senders_address_the_text_and_a_chinese_date(session, handling, staff, settings,
                                                                   small_campaign):
    small_campaign.unit, small_campaign.contact_address = "测试单位党组", "兰州市东郊巷26号"
    item, _ = handling(channel="letter", campaign_id=small_campaign.id,
                       contact=Contact(name="王示例", address="兰州市城关区示例路1号"))
    reply = submitted(session, staff, item, "第一段。\n\n第二段。")
    approved = datetime(2021, 3, 31, 2, 0, tzinfo=UTC)
    replies.approve(session, staff.research, reply, settings, confirmed=True, now=approved)
    with pytest.raises(PermissionDenied):
        replies.letter(session, staff.handler, reply, settings)
    letter = replies.letter(session, staff.research, reply, settings)
    assert (letter.name, letter.address, letter.date, letter.unit) == (
        "王示例", "兰州市城关区示例路1号", "2021年3月31日", "测试单位党组")
    assert letter.paragraphs == ["第一段。", "第二段。"] and letter.case_number == item.case_number
    assert [e.action for e in reply_events(session, reply)][-1] == "reply.letter"
