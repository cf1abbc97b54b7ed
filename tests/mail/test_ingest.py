"""Ingesting email: new items with acknowledgements, follow-ups on their items, ignored and quarantined messages."""
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.mail import corpus
from portal.models import AuditEvent, FeedbackItem, FollowUp, InboundMessage, OutboxMessage
from portal.models.feedback import REPLIED, REVIEW
from portal.services.feedback import attachments
from portal.services.ledger.campaigns import create_campaign
from portal.services.mail.ingest import CAMPAIGN_SECONDS, DUPLICATE, IngestSettings, ingest


@pytest.fixture
def settings(app):
    return IngestSettings.from_config(app.config)


@pytest.fixture
def take(session, settings):
    """take(raw) ingests one message as the pipe does, flushed in the test's transaction."""
    return lambda raw, **kw: ingest(session, raw, "pipe", settings, **kw)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_new_email_becomes_an_item_with_contact_and_an_acknowledgement(session, take):
    raw = corpus.utf8_plain()
    result = take(raw)
    item = result.item
    assert result.outcome == "item" and item.channel == "email" and item.kind == "suggestion"
    assert item.content == corpus.OPINION + "\n\n此致\n敬礼" and item.subject == "关于整改工作的建议"
    assert (item.contact.email, item.contact.name, item.wants_reply) == ("zhang.san@example.cn", "张三", True)
    inbound = session.get(InboundMessage, result.inbound.id)
    assert inbound.raw == raw and inbound.outcome == "item" and inbound.item_id == item.id and inbound.reason is None
    ack = session.scalar(select(OutboxMessage))
    assert ack.kind == "ack" and ack.to_address == "zhang.san@example.cn" and ack.in_reply_to == "<utf8@mail.example.cn>"
    assert item.case_number in ack.subject


@pytest.mark.parametrize(("configured", "filed_under"), [("", "newer"), ("older", "older"), ("gone", "newer")])
def test_an_email_item_is_filed_under_the_configured_campaign_else_the_newest(session, settings, configured, filed_under):
    assert ingest(session, corpus.utf8_plain(), "pipe", settings).item.campaign_id is None
    campaigns = {slug: create_campaign(session, slug, slug, date(2020, 11, 16)).id for slug in ("older", "newer")}
    result = ingest(session, corpus.tagged("GH-2099-000001", "li@example.cn", "<other@mail.example.cn>"), "pipe",
                    replace(settings, default_campaign=configured))
    assert result.item.campaign_id == campaigns[filed_under]


def test_a_campaign_created_while_mail_comes_in_takes_mail_once_the_remembered_default_expires(session, settings,
                                                                                              monkeypatch):
    def opinion(number: int) -> bytes:
        return corpus.message(corpus.text(corpus.OPINION), message_id=f"<memo-{number}@mail.example.cn>")

    assert ingest(session, opinion(1), "pipe", settings).item.campaign_id is None
    campaign = create_campaign(session, "later", "later", date(2020, 11, 16))
    assert ingest(session, opinion(2), "pipe", settings).item.campaign_id is None
    later = time.monotonic() + CAMPAIGN_SECONDS
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert ingest(session, opinion(3), "pipe", settings).item.campaign_id == campaign.id


@pytest.mark.parametrize("make", corpus.NEW_ITEMS, ids=lambda m: m.__name__)
def test_every_encoding_becomes_a_readable_item(take, make):
    result = take(make())
    assert result.outcome == "item", result.inbound.reason
    assert "\ufffd" not in result.item.content and len(result.item.content) >= 10


def test_subject_decides_an_obvious_kind(take):
    raw = corpus.message(corpus.text(corpus.OPINION), subject=corpus.word("实名举报某单位违规发放补贴"))
    assert take(raw).item.kind == "report"


def test_chinese_named_attachments_are_stored_with_the_item(take, intake_settings):
    item = take(corpus.alternative_with_chinese_pdf()).item
    assert [(a.filename, a.content_type) for a in item.attachments] == [
        ("整改意见附件.pdf", "application/pdf"), ("现场照片.png", "image/png")]
    assert attachments.path_of(item.attachments[0], intake_settings.upload_dir).read_bytes() == corpus.PDF


def test_refused_attachments_are_noted_on_the_message_and_the_item(session, take):
    result = take(corpus.refused_attachments())
    assert [a.filename for a in result.item.attachments] == [f"p{i}.png" for i in range(5)]
    reason = result.inbound.reason
    assert reason.startswith("未收的附件：") and "“材料.doc”不是PDF、JPEG或PNG文件" in reason
    assert "“scan.pdf”不是PDF、JPEG或PNG文件" in reason and "“p5.png”超出每封5个附件的上限" in reason
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "item.attachments_refused"))
    assert event.item_id == result.item.id and event.details["reason"].startswith("3个邮件附件未收")


@pytest.mark.parametrize("raw, evidence", [
    (corpus.auto_reply(), "自动回复（Auto-Submitted: auto-replied）"),
    (corpus.auto_reply(("Precedence", "list")), "Precedence: list"),
    (corpus.dsn_bounce(), "multipart/report"),
])
def test_auto_replies_and_bounces_create_no_item(session, take, raw, evidence):
    result = take(raw)
    assert result.outcome == "ignored" and result.item is None and evidence in result.inbound.reason
    assert count(session, FeedbackItem) == 0 and count(session, OutboxMessage) == 0
    assert session.get(InboundMessage, result.inbound.id).raw == raw


def test_mail_from_the_portal_itself_is_ignored(take):
    raw = corpus.message(corpus.text(corpus.OPINION), sender=f"政研室 <{corpus.OFFICE}>")
    assert take(raw).inbound.reason.startswith("本平台发件地址发出的邮件")


def test_the_same_message_twice_makes_one_item(session, take):
    raw = corpus.utf8_plain()
    assert take(raw).outcome == "item"
    again = take(raw)
    assert again.outcome == DUPLICATE and again.inbound is None and again.message_id == "<utf8@mail.example.cn>"
    assert count(session, FeedbackItem) == 1 and count(session, InboundMessage) == 1


@pytest.mark.parametrize("raw", corpus.UNPARSEABLE, ids=("empty", "binary", "no-sender"))
def test_unparseable_messages_are_quarantined_with_the_raw_bytes(session, take, raw):
    result = take(raw)
    assert result.outcome == "quarantined" and result.inbound.reason and result.item is None
    assert session.get(InboundMessage, result.inbound.id).raw == raw and count(session, FeedbackItem) == 0
    assert take(raw).outcome == DUPLICATE


def test_a_message_too_large_keeps_its_headers_only(app, session):
    settings = IngestSettings.from_config(app.config)
    small = IngestSettings(settings.intake, settings.ack, 500, "")
    raw = corpus.alternative_with_chinese_pdf()
    result = ingest(session, raw, "pipe", small)
    assert result.outcome == "quarantined" and result.message_id == "<pdf@mail.example.cn>"
    assert "超过上限" in result.inbound.reason and raw.startswith(result.inbound.raw) and len(result.inbound.raw) < 500


def test_text_shorter_than_the_form_allows_takes_the_subject(take):
    assert take(corpus.message(corpus.text("如题。"))).item.content == "关于整改工作的建议\n\n如题。"
    empty = corpus.message(corpus.text(""), subject="hi", message_id="<short@x.cn>")
    result = take(empty)
    assert result.outcome == "quarantined" and result.inbound.reason.startswith("无法登记为件：")


def _acknowledged(session, take):
    item = take(corpus.utf8_plain()).item
    return item, session.scalar(select(OutboxMessage).where(OutboxMessage.item_id == item.id))


def test_a_reply_to_the_acknowledgement_is_a_follow_up_without_the_quoted_code(session, take):
    item, ack = _acknowledged(session, take)
    result = take(corpus.reply_to(ack.message_id, item.case_number))
    assert result.outcome == "follow_up" and result.item.id == item.id
    follow_up = session.scalar(select(FollowUp))
    assert follow_up.text == "补充一下：整改台账第35项至今没有公开。" and follow_up.inbound_id == result.inbound.id
    assert item.needs_attention and count(session, FeedbackItem) == 1 and count(session, OutboxMessage) == 1
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "item.followup"))
    assert event.item_id == item.id and event.actor_label == "群众"


def test_a_follow_up_reopens_an_answered_item_for_review(session, take):
    item, ack = _acknowledged(session, take)
    item.state, item.replied_at = REPLIED, datetime.now(UTC) - timedelta(days=3)
    take(corpus.reply_to(ack.message_id, item.case_number))
    assert item.state == REVIEW and item.due_date is not None and item.needs_attention
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "item.followup_reopened"))
    assert event.actor_label == "系统" and event.details == {"from": "replied", "to": "review"}


def test_a_follow_up_after_the_review_window_only_asks_for_attention(session, take):
    item, ack = _acknowledged(session, take)
    item.state, item.replied_at = REPLIED, datetime.now(UTC) - timedelta(days=45)
    take(corpus.reply_to(ack.message_id, item.case_number))
    assert item.state == REPLIED and item.needs_attention


def test_a_forged_or_foreign_reference_makes_a_new_item(session, take):
    item, ack = _acknowledged(session, take)
    forged = ack.message_id.replace(item.case_number, item.case_number[:-1] + "9")
    stranger = "<stranger@example.cn>"
    assert take(corpus.reply_to(forged, item.case_number, sender=stranger, message_id="<f@x.cn>")).outcome == "item"
    assert take(corpus.reply_to("<CAF=abc@mail.gmail.com>", item.case_number, sender=stranger,
                                message_id="<g@x.cn>")).outcome == "item"


def test_a_case_tag_threads_only_from_the_items_own_address(session, take):
    item, _ack = _acknowledged(session, take)
    same = take(corpus.tagged(item.case_number, "张三 <ZHANG.SAN@Example.CN>"))
    assert same.outcome == "follow_up" and same.item.id == item.id
    other = take(corpus.tagged(item.case_number, "<someone.else@example.cn>", message_id="<other@x.cn>"))
    assert other.outcome == "item" and other.item.id != item.id


def test_the_portals_own_signed_message_ids_are_never_ingested_as_opinions(session, take):
    item, ack = _acknowledged(session, take)
    raw = corpus.message(corpus.text(corpus.OPINION), message_id=ack.message_id, sender="<relay@example.cn>")
    assert take(raw).inbound.reason == "本平台发出的邮件（Message-ID 带本平台签名）"
