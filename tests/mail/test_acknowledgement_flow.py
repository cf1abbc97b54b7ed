"""受理回执 end to end: the web form queues an acknowledgement with the item, and `flask mail send` delivers it once."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.models import FeedbackItem, OutboxMessage

VALID = {"kind": "suggestion", "content": "建议公开第二批整改措施的完成时间和佐证材料。", "consent": "y"}
CASE_NUMBER = re.compile(r'class="case-number">([A-Z]+-\d{4}-\d{6,})<')
QUERY_CODE = re.compile(r'class="query-code">([A-Z0-9]{4}) ([A-Z0-9]{4})<')


@pytest.fixture
def mail_send(app, runner, smtp_sink):
    """mail_send() runs `flask mail send` against the loopback SMTP server and returns its output."""
    app.config.update(smtp_sink.config())

    def run() -> str:
        result = runner.invoke(args=["mail", "send"])
        assert result.exit_code == 0, result.output
        return result.output.strip()
    return run


def submit(post_form, **fields):
    return post_form("/feedback", {**VALID, **fields}, page="/feedback", follow_redirects=True)


def outbox_size(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_submission_with_an_email_gets_one_acknowledgement(session, post_form, mail_send, smtp_sink):
    session.commit()
    html = submit(post_form, email="zhang@example.org", name="张三").get_data(as_text=True)
    number, code = CASE_NUMBER.search(html).group(1), "".join(QUERY_CODE.search(html).groups())
    message = session.scalar(select(OutboxMessage))
    assert message.item_id == session.scalar(select(FeedbackItem.id)) and message.kind == "ack"

    assert mail_send() == "已发送 1 封，稍后重试 0 封，发送失败 0 封"
    assert mail_send() == "已发送 0 封，稍后重试 0 封，发送失败 0 封"
    [received] = smtp_sink.messages
    assert received.rcpt_tos == ["zhang@example.org"]
    assert received.email["Subject"] == f"[{number}] 您的意见已收到"
    body = received.email.get_body(("plain",)).get_content()
    assert number in body and code in body and "http://127.0.0.1:5000/lookup" in body
    assert received.email["Message-ID"].startswith(f"<{number}.")


def test_a_submission_without_an_email_queues_nothing(session, post_form, mail_send, smtp_sink):
    session.commit()
    assert submit(post_form, phone="13812341762", wants_reply="y").status_code == 200
    assert outbox_size(session) == 0
    assert mail_send() == "已发送 0 封，稍后重试 0 封，发送失败 0 封" and smtp_sink.messages == []


def test_a_refused_submission_queues_nothing(session, post_form):
    session.commit()
    assert submit(post_form, email="zhang@example.org", consent="").status_code == 422
    assert submit(post_form, email="zhang@example.org", website="http://spam.example").status_code == 422
    assert outbox_size(session) == 0
