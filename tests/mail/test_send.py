"""The outbox sender against a real SMTP server on loopback: headers, encodings, outages, retries, giving up."""
from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import current_app

from sqlalchemy import func, select

from portal.models import OutboxMessage, utcnow
from portal.models.mail import DELIVERED, SENDING_FAILED
from portal.services.mail import send as mail_send, outbox
from portal.services.mail.acknowledgements import AckSettings, acknowledge
from portal.services.feedback.intake import Contact

SCHEDULE = [60, 300, 1800, 7200, 43200]


@pytest.fixture
def send(app, session, smtp_sink):
    """send(now=None, batch=100) → BatchResult: one batch of the real sender, with the test's session committed."""
    app.config.update(smtp_sink.config())

    def run(now=None, batch: int = 100, stop=lambda: False) -> mail_send.BatchResult:
        session.commit()
        result = mail_send.send_due(app.extensions["portal.db"], mail_send.Mailer(app),
                                    mail_send.SendSettings.from_config(app.config), now or utcnow(), batch, stop)
        session.expire_all()
        return result
    return run


@pytest.fixture
def queue(app, session, new_item):
    """queue(n=1, **enqueue_args) → outbox messages for a new item with an email address, not yet committed."""
    def make(n: int = 1, **kwargs) -> list[OutboxMessage]:
        item, _ = new_item(contact=Contact(email="citizen@example.org"))
        settings = outbox.MailSettings.from_config(app.config)
        fields = {"to": "citizen@example.org", "subject": f"[{item.case_number}] 答复", "text": "您好，已办理。",
                  "kind": "notice", "item": item, **kwargs}
        return [outbox.enqueue(session, settings, **fields) for _ in range(n)]
    return make


def test_an_acknowledgement_arrives_signed_and_readable(app, session, new_item, send, smtp_sink):
    item, code = new_item(contact=Contact(email="citizen@example.org"))
    with app.test_request_context():
        queued = acknowledge(session, item, code, AckSettings.from_config(current_app.config))
    assert send().sent == 1
    [received] = smtp_sink.messages
    email = received.email
    assert received.mail_from == "gsghzys@163.com" and received.rcpt_tos == ["citizen@example.org"]
    assert email["Message-ID"] == queued.message_id
    signed_by = outbox.MailSettings.from_config(app.config)
    assert outbox.case_of_message_id(signed_by, email["Message-ID"]) == item.case_number
    assert email["Auto-Submitted"] == "auto-generated"
    assert email["Subject"] == f"[{item.case_number}] 您的意见已收到"
    assert b"=?utf-8?b?" in received.raw.split(b"\r\n\r\n", 1)[0]
    assert abs(parsedate_to_datetime(email["Date"]) - utcnow()) < timedelta(minutes=1)
    text = email.get_body(("plain",))
    assert text.get_content_charset() == "utf-8" and text["Content-Transfer-Encoding"] == "base64"
    assert item.case_number in text.get_content() and code in text.get_content() and "您好" in text.get_content()
    assert code in email.get_body(("html",)).get_content()
    assert received.raw.isascii(), "every byte on the wire is 7-bit: bodies in base64, headers in RFC 2047"
    assert len(email.get_all("Message-ID")) == 1 and "In-Reply-To" not in email


def test_an_answer_threads_onto_the_message_it_answers(session, queue, send, smtp_sink):
    queue(in_reply_to="<original@example.org>", automatic=False)
    send()
    email = smtp_sink.messages[0].email
    assert email["In-Reply-To"] == "<original@example.org>" and email["References"] == "<original@example.org>"
    assert "Auto-Submitted" not in email


def test_a_sent_message_is_marked_and_not_sent_again(session, queue, send, smtp_sink):
    [message] = queue()
    assert send().sent == 1
    assert message.status == "sent" and message.sent_at is not None and message.attempts == 0
    assert send().attempted == 0
    assert len(smtp_sink.messages) == 1


def test_an_smtp_outage_delays_mail_and_loses_none(session, queue, send, smtp_sink):
    messages = queue(3)
    smtp_sink.stop()
    now = utcnow()
    result = send(now)
    assert (result.sent, result.retry, result.failed) == (0, 1, 0), "an unreachable server ends the batch"
    first = messages[0]
    assert first.status == "pending" and first.attempts == 1 and first.next_attempt_at == now + timedelta(seconds=60)
    assert first.last_error.startswith("无法连接 SMTP 服务器") and "citizen" not in first.last_error
    assert [m.attempts for m in messages[1:]] == [0, 0]

    smtp_sink.start()
    assert send(now + timedelta(seconds=61)).sent == 3
    assert send(now + timedelta(hours=1)).attempted == 0
    assert sorted(smtp_sink.message_ids()) == sorted(m.message_id for m in messages)
    assert all(m.status == "sent" for m in messages)


def test_a_message_is_not_tried_again_before_its_retry_is_due(session, queue, send, smtp_sink):
    [message] = queue()
    smtp_sink.stop()
    now = utcnow()
    send(now)
    smtp_sink.start()
    assert send(now + timedelta(seconds=59)).attempted == 0
    assert send(now + timedelta(seconds=60)).sent == 1
    assert message.attempts == 1 and len(smtp_sink.messages) == 1


def test_the_retry_schedule_runs_out_then_the_message_fails(session, queue, send, smtp_sink):
    [message] = queue()
    smtp_sink.stop()
    now, waits = utcnow(), []
    for _ in SCHEDULE:
        assert send(now).retry == 1
        waits.append(int((message.next_attempt_at - now).total_seconds()))
        now = message.next_attempt_at
    assert waits == SCHEDULE
    assert send(now).failed == 1
    assert message.status == "failed" and message.attempts == len(SCHEDULE) + 1
    smtp_sink.start()
    assert send(now + timedelta(days=30)).attempted == 0 and smtp_sink.messages == []


def test_a_refused_message_is_retried_and_the_batch_goes_on(session, queue, send, smtp_sink):
    messages = queue(2)
    smtp_sink.data_reply = "451 4.3.0 Mailbox busy, try later"
    result = send()
    assert (result.sent, result.retry) == (0, 2)
    assert messages[0].last_error == "SMTP 服务器拒绝：451 4.3.0 Mailbox busy, try later"
    smtp_sink.data_reply = ""
    assert send(utcnow() + timedelta(minutes=2)).sent == 2


def test_a_refused_recipient_does_not_hold_up_the_others(session, queue, send, smtp_sink):
    [refused] = queue(to="nobody@example.org")
    [other] = queue()
    smtp_sink.unknown_recipients = {"nobody@example.org"}
    result = send()
    assert (result.sent, result.retry) == (1, 1) and other.status == "sent"
    assert refused.last_error == "收件人被拒绝：550 5.1.1 Mailbox unavailable"


def test_a_batch_stops_at_its_size_and_when_asked(session, queue, send, smtp_sink):
    queue(5)
    assert send(batch=2).sent == 2
    calls = iter([False, True])
    assert send(stop=lambda: next(calls)).sent == 1, "a stop request ends the batch after the current message"
    assert send().sent == 2
    assert len(set(smtp_sink.message_ids())) == 5


def test_mail_queued_in_a_rolled_back_transaction_is_never_sent(session, queue, send, smtp_sink):
    queue(2)
    session.rollback()
    assert send().attempted == 0
    assert smtp_sink.messages == [] and session.query(OutboxMessage).count() == 0


def test_the_command_sends_one_batch_and_says_how_it_went(app, session, queue, runner, smtp_sink):
    app.config.update(smtp_sink.config())
    queue(3)
    session.commit()
    result = runner.invoke(args=["mail", "send", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "已发送 2 封，稍后重试 0 封，发送失败 0 封"
    smtp_sink.stop()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and result.output.strip() == "已发送 0 封，稍后重试 1 封，发送失败 0 封"


def test_sent_acknowledgement_no_longer_stores_the_query_code(app, session, new_item, send, smtp_sink):
    item, code = new_item(contact=Contact(email="citizen@example.org"))
    with app.test_request_context():
        queued = acknowledge(session, item, code, AckSettings.from_config(current_app.config))
    assert send().sent == 1
    stored = session.get(OutboxMessage, queued.id)
    assert stored.status == "sent" and code not in stored.body_text and stored.body_html is None
    assert code in smtp_sink.messages[0].email.get_body(("plain",)).get_content()


@pytest.mark.parametrize("to", ["a<attacker@evil.example>", "citizen@example.org, attacker@evil.example",
                                "citizen@example.org\r\nBcc: attacker@evil.example", " citizen@example.org"])
def test_the_outbox_refuses_to_queue_anything_but_one_bare_address(session, queue, to):
    with pytest.raises(outbox.UnsafeRecipient):
        queue(to=to)
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_stored_row_naming_someone_else_fails_without_being_sent(session, queue, send, smtp_sink):
    [message] = queue()
    message.to_address = "a<attacker@evil.example>"
    [other] = queue()
    assert (send().sent, smtp_sink.messages[0].rcpt_tos) == (1, ["citizen@example.org"])
    assert len(smtp_sink.messages) == 1
    assert (message.status, message.last_error) == (SENDING_FAILED, mail_send.UNSAFE_RECIPIENT)
    assert other.status == DELIVERED
