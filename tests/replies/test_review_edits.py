"""审核修改: the research office edits a submitted draft while approving it; both texts are kept, the item page shows
before → after, the author sees a 审核修改 entry on their home page until they acknowledge it. The draft form says
how the answer will reach the citizen."""
from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import select

from portal.models import AuditEvent, OutboxMessage, ReplyEdit
from portal.services.common import authz
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workspace
from portal.services.feedback.intake import Contact
from portal.services.replies import drafting, review_edits

CLOCKS = ClockSettings()


def settings():
    return drafting.ReplySettings.from_config(current_app.config)


def submitted(session, staff, item, text="经核查，该问题已整改完毕。"):
    reply = drafting.start_draft(session, staff.handler, item, text, CLOCKS)
    drafting.submit(session, staff.handler, reply)
    return reply


def test_approving_with_an_edit_keeps_both_texts_and_mails_the_edited_one(session, staff, handling):
    item, _ = handling(contact=Contact(email="zhangsan@163.com"), wants_reply=True)
    reply = submitted(session, staff, item)
    drafting.approve(session, staff.research, reply, settings(), True, text="经核查，该问题已于3月底整改完毕。")
    edit = session.scalars(select(ReplyEdit)).one()
    assert (edit.before, edit.after, edit.editor_id) == (
        "经核查，该问题已整改完毕。", "经核查，该问题已于3月底整改完毕。", staff.research.id)
    assert reply.text == edit.after and reply.status == "sent"
    assert "已于3月底整改完毕" in session.scalars(select(OutboxMessage)).one().body_text
    assert [(p.kind, p.text) for p in review_edits.diff(edit) if p.kind != "same"] == [("added", "于3月底")]
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "reply")).all()
    assert "reply.review_edit" in actions


def test_unchanged_text_records_no_edit(session, staff, handling):
    item, _ = handling()
    reply = submitted(session, staff, item)
    drafting.approve(session, staff.research, reply, settings(), True, text=reply.text)
    assert session.scalars(select(ReplyEdit)).all() == []


def test_an_empty_edit_is_refused_and_changes_nothing(session, staff, handling):
    item, _ = handling()
    reply = submitted(session, staff, item)
    with pytest.raises(drafting.ReplyError) as refused:
        drafting.approve(session, staff.research, reply, settings(), True, text="   ")
    assert refused.value.field == "text" and reply.status == "submitted"


def test_the_author_is_notified_until_they_acknowledge(session, staff, handling):
    item, _ = handling()
    reply = submitted(session, staff, item)
    drafting.approve(session, staff.research, reply, settings(), True, text="修改后的答复。")
    home = workspace.home(session, staff.handler, CLOCKS)
    assert [e.reply_id for e in home.section("review_edits").rows] == [reply.id]
    assert workspace.nav_counts(session, staff.handler, CLOCKS)["review_edits"] == 1
    assert review_edits.mark_seen(session, staff.research, reply) == 0  # not the author: nothing changes
    assert review_edits.mark_seen(session, staff.handler, reply) == 1
    assert workspace.nav_counts(session, staff.handler, CLOCKS)["review_edits"] == 0
    with pytest.raises(authz.PermissionDenied):
        review_edits.mark_seen(session, staff.outsider, reply)


def test_reviewer_edit_over_http_shows_the_diff_and_the_author_acknowledges(session, client, post_form, login,
                                                                            staff, handling):
    item, _ = handling()
    reply = submitted(session, staff, item, "经核查，已整改。")
    reply_url = f"/staff/items/{item.case_number}/replies/{reply.id}"
    login(staff.research)
    assert 'id="approve-text"' in client.get(reply_url).get_data(as_text=True)
    response = post_form(reply_url + "/approve", {"confirm": "1", "text": "经核查，问题已整改。"}, page=reply_url)
    assert response.status_code == 302
    login(staff.handler)
    home = client.get("/staff/").get_data(as_text=True)
    assert re.search(r'审核修改 <span class="count">1</span>', home) and reply_url in home
    item_page = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    assert "<ins>" in item_page and "问题" in item_page and "起草人的原稿" in item_page
    page = client.get(reply_url).get_data(as_text=True)
    assert f'action="{reply_url}/edits/seen"' in page
    assert post_form(reply_url + "/edits/seen", {}, page=reply_url).status_code == 302
    assert session.scalars(select(ReplyEdit)).one().seen_at is not None
    assert "起草人已知悉" in client.get(reply_url).get_data(as_text=True)


@pytest.mark.parametrize(("contact", "says"), [
    (Contact(email="zhangsan@163.com"), "以电子邮件发送至 z***@163.com"),
    (Contact(address="兰州市城关区东郊巷26号"), "邮寄至提交人的通信地址"),
    (Contact(phone="13812341762"), "电话答复提交人（138****1762）"),
    (None, "只在办理查询中"),
])
def test_the_draft_form_says_how_the_answer_will_reach_the_citizen(client, login, staff, handling, contact, says):
    item, _ = handling(**({"contact": contact} if contact else {}))
    login(staff.handler)
    html = client.get(f"/staff/items/{item.case_number}/replies/new").get_data(as_text=True)
    assert 'id="answer-channel"' in html and says in html
    assert "13812341762" not in html and "zhangsan@163.com" not in html
