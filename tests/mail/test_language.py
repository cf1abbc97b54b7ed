"""Language follows the citizen: the language an opinion was submitted in is stored, and the acknowledgement and
the reply's framing text are written in it, whatever language the staff member or the worker runs in."""
from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import select

from portal.models import FeedbackItem, OutboxMessage
from portal.services.accounts.users import department_named
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import language
from portal.services.feedback.intake import Contact
from portal.services.feedback.workflow import apply
from portal.services.mail.acknowledgements import AckSettings, acknowledge
from portal.services.mail.ingest import IngestSettings, ingest
from portal.services.replies import drafting as replies
from tests.mail import corpus

CLOCKS = ClockSettings()
OPINION_EN = "Please publish the payment standards of the model-worker subsidy so that workers can check them."


@pytest.mark.parametrize(("text", "expected"), [
    (OPINION_EN, "en"), ("建议公开劳模补助资金的发放标准。", "zh"),
    ("关于 GH-2026-000001 的补充：请公开 35-2 的佐证材料。", "zh"), ("", "zh"), ("12345 !!!", "zh"),
    ("Dear office, please publish measure 35-2. 谢谢", "en"),
])
def test_the_language_of_an_email_is_guessed_from_its_letters(text, expected):
    assert language.guess(text) == expected


def test_an_english_web_submission_is_stored_as_english_and_acknowledged_in_english(client, session, post_form):
    client.set_cookie("lang", "en")
    response = post_form("/feedback", {"kind": "suggestion", "content": OPINION_EN, "consent": "y",
                                       "email": "jane@example.org", "wants_reply": "y"}, page="/feedback")
    assert response.status_code == 303
    item = session.scalars(select(FeedbackItem)).one()
    assert item.language == "en"
    ack = session.scalars(select(OutboxMessage)).one()
    assert ack.subject == f"[{item.case_number}] We have received your opinion"
    for body in (ack.body_text, ack.body_html):
        assert f"Its case number is {item.case_number}." in body and "Query code: " in body
        assert f"/lookup?case={item.case_number}" in body
        assert not re.search(r"[\u4e00-\u9fff]", body), "no Chinese in an English acknowledgement"
    assert '<html lang="en">' in ack.body_html


def test_a_chinese_web_submission_is_acknowledged_in_chinese(client, session, post_form):
    post_form("/feedback", {"kind": "suggestion", "content": "建议公开劳模补助资金的发放标准。", "consent": "y",
                            "email": "zhang@example.org"}, page="/feedback")
    item = session.scalars(select(FeedbackItem)).one()
    ack = session.scalars(select(OutboxMessage)).one()
    assert item.language == "zh" and ack.subject == f"[{item.case_number}] 您的意见已收到"
    assert "您的来信（来件）已收到" in ack.body_text and '<html lang="zh-Hans">' in ack.body_html


def test_an_english_email_gets_an_english_acknowledgement(app, session):
    raw = corpus.message(corpus.text(OPINION_EN), sender="Jane Doe <jane@example.org>",
                         subject="Model-worker subsidy", message_id="<en1@mail.example.org>")
    item = ingest(session, raw, "pipe", IngestSettings.from_config(app.config)).item
    assert item.language == "en"
    ack = session.scalars(select(OutboxMessage)).one()
    assert ack.subject == f"[{item.case_number}] We have received your opinion" and "Hello," in ack.body_text


def test_a_chinese_email_gets_a_chinese_acknowledgement(app, session):
    item = ingest(session, corpus.utf8_plain(), "pipe", IngestSettings.from_config(app.config)).item
    assert item.language == "zh"
    assert "您的意见已收到" in session.scalars(select(OutboxMessage)).one().subject


def test_the_acknowledgement_follows_the_item_not_the_page_s_language(app, session, new_item):
    item, code = new_item(contact=Contact(email="li@example.org"), language="zh")
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        message = acknowledge(session, item, code, AckSettings.from_config(current_app.config))
    assert "您的意见已收到" in message.subject and "您好：" in message.body_text


def test_the_reply_s_framing_is_in_the_submitter_s_language(app, session, new_item, make_user):
    item, _ = new_item(content=OPINION_EN, contact=Contact(email="jane@example.org"), wants_reply=True,
                       language="en")
    triager, research = make_user("triager"), make_user("research")
    make_user("handler", department="办公室")
    apply(session, item, "accept", triager, CLOCKS)
    apply(session, item, "assign", triager, CLOCKS, department=department_named(session, "办公室"))
    reply = replies.start_draft(session, research, item, "The subsidy was paid on 20 May.", CLOCKS)
    replies.submit(session, research, reply)
    with app.test_request_context():  # the research office works in Chinese
        message = replies.approve(session, research, reply, replies.ReplySettings.from_config(current_app.config),
                                  confirmed=True)
    assert message.subject == f"[{item.case_number}] Our answer to the matter you raised"
    assert "The subsidy was paid on 20 May." in message.body_text and "Research Office" in message.body_text
    assert "ask for a review within 30 days" in message.body_text
    assert "Answering department: 办公室" in message.body_text


def test_the_clerk_chooses_the_language_of_a_call(client, session, make_user, login_as, post_form):
    login_as(make_user("clerk"))
    page = client.get("/staff/log/phone").get_data(as_text=True)
    assert re.search(r'<option selected value="zh">中文</option>|<option value="zh" selected>中文</option>', page)
    posted = post_form("/staff/log/phone", {"kind": "inquiry", "content": "Caller asks when the subsidy is paid.",
                                            "call_at": "2021-03-31T10:05", "phone_line": "12351",
                                            "language": "en"}, page="/staff/log/phone")
    assert posted.status_code == 303
    assert session.scalars(select(FeedbackItem)).one().language == "en"
