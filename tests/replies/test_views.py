"""答复 over HTTP: drafting from a template, return with a comment, approval, the letter, templates, the item page."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, OutboxMessage, Reply
from portal.services.replies import templates as reply_templates
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.intake import Contact

CLOCKS = ClockSettings()


def url(item, suffix: str = "") -> str:
    return f"/staff/items/{item.case_number}{suffix}"


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def latest_reply(session, item) -> Reply:
    session.expire_all()
    return session.scalars(select(Reply).where(Reply.item_id == item.id).order_by(Reply.id.desc())).first()


def local_now() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def test_handler_of_another_department_gets_404_and_a_supervisor_403(session, client, post_form, login, handling,
                                                                    staff):
    item, _ = handling()
    login(staff.outsider)
    assert client.get(url(item, "/replies/new")).status_code == 404
    assert post_form(url(item, "/replies/new"), {"text": "越权答复"}).status_code == 404
    login(staff.supervisor)
    assert client.get(url(item, "/replies/new")).status_code == 403
    assert post_form(url(item, "/replies/new"), {"text": "越权答复"}).status_code == 403
    assert session.scalar(select(func.count(Reply.id))) == 0


def test_draft_return_edit_and_approve_over_http(session, client, post_form, login, handling, staff):
    item, code = handling(contact=Contact(name="张三丰", email="zhangsan@163.com"), wants_reply=True)
    reply_templates.create_template(session, staff.research, "已办结", "受理编号{case_number}：经核查，已整改。")
    template_id = session.scalar(select(func.max(AuditEvent.object_id)).where(AuditEvent.action == "template.create"))
    login(staff.handler)
    item_page = page(client, url(item))
    assert f'href="{url(item, "/replies/new")}"' in item_page and "/transitions/reply" not in item_page
    prefilled = page(client, url(item, f"/replies/new?template={template_id}"))
    assert f"受理编号{item.case_number}：经核查，已整改。</textarea>" in prefilled
    empty = post_form(url(item, "/replies/new"), {"text": "  "}, page=url(item, "/replies/new"))
    assert empty.status_code == 422 and 'id="reply-text-error"' in empty.get_data(as_text=True)
    created = post_form(url(item, "/replies/new"), {"text": "初稿。", "then": "submit"}, page=url(item, "/replies/new"))
    assert created.status_code == 302
    reply = latest_reply(session, item)
    reply_url = url(item, f"/replies/{reply.id}")
    assert created.headers["Location"].endswith(reply_url) and reply.status == "submitted"

    login(staff.research)
    review = page(client, reply_url)
    assert "z***@163.com" in review and "zhangsan@163.com" not in review
    refused = post_form(reply_url + "/return", {"comment": ""}, page=reply_url)
    assert refused.status_code == 422 and 'id="return-comment-error"' in refused.get_data(as_text=True)
    assert post_form(reply_url + "/return", {"comment": "请写明整改时间。"}, page=reply_url).status_code == 302

    login(staff.handler)
    shown = page(client, url(item))
    assert "政研室退回意见" in shown and "请写明整改时间。" in shown and "退回修改" in shown
    assert post_form(reply_url + "/edit", {"text": "已于3月底整改。", "then": "submit"}, page=reply_url).status_code == 302

    login(staff.research)
    unconfirmed = post_form(reply_url + "/approve", {}, page=reply_url)
    assert unconfirmed.status_code == 422 and 'id="approve-confirm-error"' in unconfirmed.get_data(as_text=True)
    assert post_form(reply_url + "/approve", {"confirm": "1"}, page=reply_url).status_code == 302
    reply = latest_reply(session, item)
    assert (reply.status, reply.text, reply.sent_at is not None) == ("sent", "已于3月底整改。", True)
    assert session.get(type(item), item.id).state == "replied"
    [mail] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reply")).all()
    approved = page(client, reply_url)
    assert "已答复" in approved and "等待发送" in approved and "已发出" not in approved
    mail.status, mail.sent_at = "sent", datetime.now(ZoneInfo("UTC"))
    session.commit()
    assert "已发出" in page(client, reply_url)
    history = page(client, url(item))
    for words in ("起草答复", "提交审核", "退回修改", "审核同意", "完成答复", staff.handler.name, staff.research.name):
        assert words in history
    looked_up = post_form("/lookup", {"case_number": item.case_number, "code": code}, page="/lookup",
                          follow_redirects=True)
    assert "已答复" in looked_up.get_data(as_text=True) and "<p>已于3月底整改。</p>" in looked_up.get_data(as_text=True)


@pytest.mark.parametrize("role", ["supervisor", "triager", "handler"])
def test_others_cannot_approve_over_http(session, client, post_form, login, handling, staff, make_user, role):
    item, _ = handling()
    from portal.services.replies import drafting as replies
    reply = replies.start_draft(session, staff.handler, item, "初稿。", CLOCKS)
    replies.submit(session, staff.handler, reply)
    login({"supervisor": staff.supervisor, "triager": staff.triager, "handler": staff.handler}[role])
    reply_url = url(item, f"/replies/{reply.id}")
    assert "/approve" not in page(client, reply_url)
    assert post_form(reply_url + "/approve", {"confirm": "1"}).status_code == 403
    assert post_form(reply_url + "/return", {"comment": "不行"}).status_code == 403
    assert latest_reply(session, item).status == "submitted"


def test_letter_is_printed_then_posted(session, client, post_form, login, handling, staff, small_campaign):
    small_campaign.unit = "测试单位党组"
    item, _ = handling(channel="letter", campaign_id=small_campaign.id,
                       contact=Contact(name="王示例", address="兰州市城关区示例路1号"))
    from portal.services.replies import drafting as replies
    reply = replies.start_draft(session, staff.handler, item, "经核查，奖励已发放。", CLOCKS)
    replies.submit(session, staff.handler, reply)
    login(staff.research)
    reply_url = url(item, f"/replies/{reply.id}")
    approved = post_form(reply_url + "/approve", {"confirm": "1"}, page=reply_url)
    assert approved.status_code == 302 and approved.headers["Location"].endswith(reply_url + "/letter")
    letter = page(client, reply_url + "/letter")
    today = ClockSettings().today()
    for words in ("兰州市城关区示例路1号", "王示例 收", "经核查，奖励已发放。", item.case_number, "<p>测试单位党组</p>",
                  "<p>政研室</p>",
                  f"{today.year}年{today.month}月{today.day}日", "css/print.css"):
        assert words in letter
    assert 'style="' not in letter and "<script" not in letter
    assert session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "reply.letter")) == 1
    assert latest_reply(session, item).status == "approved"
    posted = post_form(reply_url + "/delivered", {"delivered_at": local_now(), "confirm": "1"}, page=reply_url)
    assert posted.status_code == 302
    reply = latest_reply(session, item)
    assert reply.status == "sent" and reply.sent_at is not None
    assert session.get(type(item), item.id).state == "replied"
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_call_back_time_errors_stay_next_to_the_field(session, client, post_form, login, handling, staff):
    item, _ = handling(channel="phone", contact=Contact(phone="13800001762"))
    from portal.services.replies import drafting as replies
    reply = replies.start_draft(session, staff.handler, item, "已电话答复。", CLOCKS)
    replies.submit(session, staff.handler, reply)
    login(staff.research)
    reply_url = url(item, f"/replies/{reply.id}")
    post_form(reply_url + "/approve", {"confirm": "1"}, page=reply_url)
    assert 'name="delivered_at"' in page(client, reply_url) and "/letter" not in page(client, reply_url)
    refused = post_form(reply_url + "/delivered", {"delivered_at": "2999-01-01T10:00", "confirm": "1"}, page=reply_url)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "不能晚于现在" in body and 'value="2999-01-01T10:00"' in body
    garbled = post_form(reply_url + "/delivered", {"delivered_at": "昨天", "confirm": "1"}, page=reply_url)
    assert garbled.status_code == 422 and "请填写时间" in garbled.get_data(as_text=True)
    for extreme, message in (("0001-01-01T00:00", "不能早于审核同意的时间"), ("9999-12-31T23:59", "不能晚于现在")):
        refused = post_form(reply_url + "/delivered", {"delivered_at": extreme, "confirm": "1"}, page=reply_url)
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert post_form(reply_url + "/delivered", {"delivered_at": local_now(), "confirm": "1"},
                     page=reply_url).status_code == 302
    assert latest_reply(session, item).status == "sent"


def test_the_old_reply_transition_is_gone(session, client, post_form, login, handling, staff):
    item, _ = handling()
    login(staff.research)
    assert post_form(url(item, "/transitions/reply"), {"answer": "直接答复"}, page=url(item)).status_code == 404
    assert session.get(type(item), item.id).state == "handling"


def test_supervisor_sees_replies_but_no_drafting(session, client, login, handling, staff):
    item, _ = handling()
    login(staff.supervisor)
    html = page(client, url(item))
    assert 'id="replies"' in html and "尚未起草答复" in html and "/replies/new" not in html


def test_template_pages_are_for_the_research_office(session, client, post_form, login, staff):
    login(staff.handler)
    assert client.get("/staff/reply-templates").status_code == 403
    assert post_form("/staff/reply-templates/new", {"title": "t", "text": "x"}).status_code == 403
    login(staff.research)
    assert "还没有答复模板" in page(client, "/staff/reply-templates")
    bad = post_form("/staff/reply-templates/new", {"title": "已转办", "text": "请于{deadline}前", "active": "1"},
                    page="/staff/reply-templates/new")
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "{deadline}" in body and 'value="已转办"' in body
    assert post_form("/staff/reply-templates/new", {"title": "已转办", "text": "已转{case_number}", "active": "1"},
                     page="/staff/reply-templates/new").status_code == 302
    template_id = session.scalar(select(func.max(AuditEvent.object_id)).where(AuditEvent.action == "template.create"))
    edit_url = f"/staff/reply-templates/{template_id}"
    assert post_form(edit_url, {"title": "已转办理", "text": "已转"}, page=edit_url).status_code == 302
    listing = page(client, "/staff/reply-templates")
    assert "已转办理" in listing and "停用" in listing
    assert post_form(edit_url + "/delete", {}, page=edit_url).status_code == 422
    assert post_form(edit_url + "/delete", {"confirm": "1"}, page=edit_url).status_code == 302
    assert client.get(edit_url).status_code == 404


@pytest.mark.parametrize("path", ["/replies/new", "/replies/ID", "/replies/ID/publication"])
def test_reply_pages_have_no_inline_style_or_script(session, client, login, handling, staff, path):
    item, _ = handling(consent_publish=True)
    from portal.services.replies import drafting as replies
    reply = replies.start_draft(session, staff.research, item, "答复。", CLOCKS)
    replies.submit(session, staff.research, reply)
    replies.approve(session, staff.research, reply, replies.ReplySettings.from_config(client.application.config), True)
    login(staff.research)
    html = page(client, url(item, path.replace("ID", str(reply.id))))
    assert not re.search(r'\sstyle="', html) and "<script" not in html


@pytest.mark.parametrize("action, data", [("publish", {"confirm": "1", "spans_checked": "1"}),
                                          ("text", {"public_text": "公开文本。"}), ("unpublish", {"confirm": "1"})])
def test_publication_steps_on_a_reply_not_yet_sent_show_the_refusal_on_the_reply_page(session, client, post_form,
                                                                                      login, handling, staff,
                                                                                      action, data):
    item, _ = handling(consent_publish=True)
    from portal.services.replies import drafting as replies
    draft = replies.start_draft(session, staff.handler, item, "答复草稿。", CLOCKS)
    login(staff.research)
    reply_url = url(item, f"/replies/{draft.id}")
    response = post_form(f"{reply_url}/publication/{action}", data, page=reply_url)
    assert response.status_code == 409
    assert "只有已答复提交人的答复才能公开" in response.get_data(as_text=True)
    assert latest_reply(session, item).publish_status == "none"


def test_only_the_research_office_has_the_reply_templates_link(client, login, staff):
    link = 'href="/staff/reply-templates"'
    login(staff.research)
    assert link in page(client, "/staff/queue")
    assert f'{link} aria-current="page"' in page(client, "/staff/reply-templates")
    login(staff.triager)
    assert link not in page(client, "/staff/queue")
