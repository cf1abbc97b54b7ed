"""Intake through the service: identifiers, clocks, contact kept apart, links, attachments, lookup."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, FeedbackItem, FeedbackLink
from portal.services.feedback import lookup
from portal.services.feedback.attachments import Upload
from portal.services.feedback.case_codes import ALPHABET
from portal.services.feedback.intake import Contact, IntakeError, NewItem, create_item
from tests.samples import pdf

PDF = pdf()


def test_item_gets_case_number_query_code_and_accept_clock(session, new_item):
    item, code = new_item(received_at=datetime(2021, 3, 31, 2, tzinfo=UTC))
    assert re.fullmatch(r"GH-2021-\d{6}", item.case_number)
    assert len(code) == 8 and set(code) <= set(ALPHABET)
    assert code not in item.query_code_hash
    assert item.state == "received" and item.accept_due == date(2021, 4, 15) == item.due_date


def test_content_length_is_checked(session, intake_settings):
    with pytest.raises(IntakeError) as refused:
        create_item(session, NewItem(channel="web", kind="suggestion", content="太短"), intake_settings)
    assert "10到5000" in refused.value.errors["content"]
    with pytest.raises(IntakeError):
        create_item(session, NewItem(channel="web", kind="suggestion", content="长" * 5001), intake_settings)
    assert session.scalar(select(func.count(FeedbackItem.id))) == 0


def test_reply_wanted_needs_an_email_or_phone(session, intake_settings):
    with pytest.raises(IntakeError) as refused:
        create_item(session, NewItem(channel="web", kind="inquiry", content="请问整改什么时候完成？谢谢。",
                                     wants_reply=True), intake_settings)
    assert "email" in refused.value.errors


def test_contact_is_stored_apart_and_audit_holds_no_personal_data(session, new_item):
    item, _ = new_item(contact=Contact(name="张三", phone="13812341762", email="zs@example.org"))
    assert item.contact.phone == "13812341762"
    event = session.scalar(select(AuditEvent).where(AuditEvent.item_id == item.id))
    assert event.action == "item.create" and event.actor_label == "群众"
    assert "13812341762" not in str(event.details) and "张三" not in str(event.details)


def test_links_to_measures_and_problems_by_code(session, new_item, small_campaign):
    campaign = small_campaign
    item, _ = new_item(campaign_id=campaign.id, targets=["2-1", "３"])
    links = session.scalars(select(FeedbackLink).where(FeedbackLink.item_id == item.id)).all()
    assert sorted((l.measure.code if l.measure else f"P{l.problem.number}") for l in links) == ["2-1", "P3"]
    with pytest.raises(IntakeError, match="找不到"):
        new_item(campaign_id=campaign.id, targets=["99-9"])


def test_attachment_checked_by_content_and_stored_under_a_random_name(session, new_item, intake_settings):
    item, _ = new_item(uploads=[Upload("../../举报材料.pdf", PDF)])
    [attachment] = item.attachments
    assert attachment.filename == "举报材料.pdf" and attachment.content_type == "application/pdf"
    stored = intake_settings.upload_dir / attachment.stored_name
    assert stored.read_bytes() == PDF and "举报" not in attachment.stored_name
    with pytest.raises(IntakeError, match="不是PDF"):
        new_item(uploads=[Upload("fake.pdf", b"<html>not a pdf</html>")])
    with pytest.raises(IntakeError, match="扩展名与内容不符"):
        new_item(uploads=[Upload("scan.png", PDF)])
    with pytest.raises(IntakeError, match="最多"):
        new_item(uploads=[Upload(f"{i}.pdf", PDF) for i in range(6)])


def test_lookup_needs_the_right_number_and_code(session, new_item, intake_settings):
    item, code = new_item()
    status = lookup.lookup_case(session, item.case_number.lower(), code.lower(), intake_settings.code_key)
    assert status is not None and status.state == "received"
    assert lookup.lookup_case(session, item.case_number, "AAAAAAAA", intake_settings.code_key) is None
    assert lookup.lookup_case(session, "GH-2099-999999", code, intake_settings.code_key) is None


def test_control_characters_are_removed_and_overlong_contact_refused(session, new_item):
    item, _ = new_item(content="内容\x00里有空字符，应当被去掉。", contact=Contact(name="张\x00三"))
    assert item.content == "内容里有空字符，应当被去掉。" and item.contact.name == "张三"
    with pytest.raises(IntakeError) as refused:
        new_item(contact=Contact(name="名" * 101, email="a" * 250 + "@x.org"))
    assert set(refused.value.errors) == {"name", "email"}


@pytest.mark.parametrize("channel", ["web", "phone", "letter"])
def test_a_display_name_address_is_refused_on_every_channel(session, intake_settings, channel):
    new = NewItem(channel=channel, kind="suggestion", content="建议加快整改进度，公开更多细节。",
                  contact=Contact(email="a<attacker@evil.example>"))
    with pytest.raises(IntakeError) as refused:
        create_item(session, new, intake_settings)
    assert refused.value.errors["email"] == "电子邮箱格式不正确。"


def test_a_contact_address_is_stored_in_its_normalised_form(new_item):
    item, _code = new_item(channel="phone", contact=Contact(email=" Zhao@Example.ORG "))
    assert item.contact.email == "Zhao@example.org"
