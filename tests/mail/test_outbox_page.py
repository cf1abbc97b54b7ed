"""待发邮件 (staff): failed and pending mail with masked addresses, and 立即重发 for the research office and admins."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, utcnow
from portal.services.mail import send as mail_send, outbox
from portal.services.feedback.intake import Contact


@pytest.fixture
def undelivered(app, session, new_item, smtp_sink):
    """One message failed for good (server down through the whole schedule) and one pending; item, failed, pending."""
    app.config.update(smtp_sink.config())
    settings = outbox.MailSettings.from_config(app.config)
    item, _ = new_item(contact=Contact(email="citizen@example.org"))
    failed = outbox.enqueue(session, settings, to="citizen@example.org", subject=f"[{item.case_number}] 答复",
                            text="您好。", kind="reply", item=item)
    session.commit()
    smtp_sink.stop()
    now = utcnow()
    send = mail_send.SendSettings.from_config(app.config)
    while failed.status != "failed":
        mail_send.send_due(app.extensions["portal.db"], mail_send.Mailer(app), send, now, 10)
        session.refresh(failed)
        now = failed.next_attempt_at
    pending = outbox.enqueue(session, settings, to="other@example.org", subject="通知", text="您好。", kind="notice")
    session.commit()
    smtp_sink.start()
    return item, failed, pending


def test_the_page_lists_failed_then_pending_mail_with_masked_addresses(client, make_user, login, undelivered):
    item, failed, pending = undelivered
    login(make_user("research"))
    html = client.get("/staff/outbox").get_data(as_text=True)
    assert "发送失败 1 封，等待发送 1 封" in html
    assert "c***@example.org" in html and "o***@example.org" in html
    assert "citizen@example.org" not in html and "other@example.org" not in html
    assert html.index(f"[{item.case_number}] 答复") < html.index("通知")
    assert f'href="/staff/items/{item.case_number}"' in html
    assert "无法连接 SMTP 服务器" in html and ">6<" in html
    assert html.count("立即重发") == 1
    assert 'href="/staff/outbox" aria-current="page"' in html


def test_retry_now_requeues_a_failed_message_audited_and_it_is_sent(app, client, session, make_user, login, post_form,
                                                                  undelivered, smtp_sink):
    _item, failed, pending = undelivered
    research = make_user("research")
    login(research)
    response = post_form(f"/staff/outbox/{failed.id}/retry", page="/staff/outbox", follow_redirects=True)
    assert "已重新排队" in response.get_data(as_text=True)
    session.refresh(failed)
    assert failed.status == "pending" and failed.next_attempt_at <= utcnow()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.retry"))
    assert (event.actor_id, event.object_id, event.item_id) == (research.id, failed.id, failed.item_id)
    assert event.details == {"attempts": 6}

    result = mail_send.send_due(app.extensions["portal.db"], mail_send.Mailer(app),
                                mail_send.SendSettings.from_config(app.config), utcnow() + timedelta(seconds=1), 10)
    assert result.sent == 2 and sorted(smtp_sink.message_ids()) == sorted([failed.message_id, pending.message_id])


def test_only_failed_mail_can_be_retried(client, session, make_user, login, post_form, undelivered):
    _item, _failed, pending = undelivered
    login(make_user("admin"))
    response = post_form(f"/staff/outbox/{pending.id}/retry", page="/staff/outbox", follow_redirects=True)
    assert "不是发送失败状态" in response.get_data(as_text=True)
    assert post_form("/staff/outbox/999999/retry", page="/staff/outbox").status_code == 302
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.retry")) is None


def test_supervisors_see_the_outbox_but_may_not_retry(client, session, make_user, login, post_form, undelivered):
    _item, failed, _pending = undelivered
    login(make_user("supervisor"))
    html = client.get("/staff/outbox").get_data(as_text=True)
    assert "发送失败 1 封" in html and "立即重发" not in html
    assert post_form(f"/staff/outbox/{failed.id}/retry", page="/staff/outbox").status_code == 403
    session.refresh(failed)
    assert failed.status == "failed"


@pytest.mark.parametrize("role", ["clerk", "triager", "handler"])
def test_other_roles_do_not_see_the_outbox(client, make_user, login, role):
    login(make_user(role, department="办公室" if role == "handler" else None))
    assert client.get("/staff/outbox").status_code == 403
    assert "待发邮件" not in client.get("/staff/password").get_data(as_text=True)


def test_the_outbox_says_when_everything_was_delivered(client, make_user, login):
    login(make_user("admin"))
    html = client.get("/staff/outbox").get_data(as_text=True)
    assert "所有邮件都已送达" in html and re.search(r"发送失败 0 封，等待发送 0 封", html)


def test_pages_of_fifty(app, client, session, make_user, login):
    settings = outbox.MailSettings.from_config(app.config)
    for n in range(51):
        outbox.enqueue(session, settings, to=f"p{n}@example.org", subject=f"通知{n}", text="您好。", kind="notice")
    login(make_user("research"))
    first = client.get("/staff/outbox").get_data(as_text=True)
    assert first.split("<tbody>")[1].count("<tr>") == 50 and "第1页，共2页" in first
    assert 'href="/staff/outbox?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/staff/outbox?page=2").get_data(as_text=True)
    assert second.split("<tbody>")[1].count("<tr>") == 1
    assert 'href="/staff/outbox?page=1" rel="prev"' in second and 'rel="next"' not in second
