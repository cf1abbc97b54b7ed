"""The item page over HTTP: masked contact and audited reveal, notes, links, every transition form, downloads."""
from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import select

from portal.models import AuditEvent
from portal.services.replies import drafting as replies
from portal.services.feedback import workflow
from portal.services.feedback.attachments import Upload
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.intake import Contact
from portal.services.accounts.users import department_named
from tests.samples import pdf

CLOCKS = ClockSettings()
PHONE, EMAIL = "13812341762", "zhangsan@163.com"
PDF = pdf()


@pytest.fixture
def office(session):
    return department_named(session, "办公室")


def url(item, suffix: str = "") -> str:
    return f"/staff/items/{item.case_number}{suffix}"


def page(client, item) -> str:
    response = client.get(url(item))
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def actions(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_page_shows_content_details_badges_and_no_inline_style_or_script(session, client, new_item, triager, login):
    item, _ = new_item(channel="phone", content="来电反映职工书屋开放时间太短。", phone_line="12351",
                       call_duration_seconds=200)
    login(triager)
    html = page(client, item)
    assert "来电反映职工书屋开放时间太短。" in html and "3分20秒" in html and "12351职工服务热线" in html
    assert "待分办" in html and "未留联系方式" in html
    assert 'style="' not in html and "<script" not in html


def test_unknown_or_invisible_items_are_404(session, client, new_item, make_user, login):
    item, _ = new_item()
    login(make_user("handler", department="办公室"))
    assert client.get(url(item)).status_code == 404
    assert client.get("/staff/items/GH-1999-999999").status_code == 404


def test_contact_is_masked_and_revealed_once_with_an_audit_event(session, client, post_form, new_item, triager,
                                                                 login):
    item, _ = new_item(contact=Contact(name="张三丰", phone=PHONE, email=EMAIL))
    login(triager)
    html = page(client, item)
    assert "138****1762" in html and "z***@163.com" in html and "张**" in html
    assert PHONE not in html and EMAIL not in html
    revealed = post_form(url(item, "/reveal"), page=url(item))
    assert revealed.status_code == 200
    text = revealed.get_data(as_text=True)
    assert PHONE in text and EMAIL in text and "张三丰" in text and "已记入审计日志" in text
    [event] = actions(session, "item.reveal_contact")
    assert event.actor_id == triager.id and PHONE not in str(event.details)
    assert PHONE not in page(client, item)


def test_links_are_added_by_code_or_search_and_removed_with_confirmation(session, client, post_form, new_item,
                                                                          triager, login, small_campaign):
    item, _ = new_item(campaign_id=small_campaign.id)
    login(triager)
    assert post_form(url(item, "/links"), {"target": "2-1"}, page=url(item)).status_code == 302
    found = client.get(url(item), query_string={"link_q": "问题3"}).get_data(as_text=True)
    assert 'name="target" value="3"' in found
    post_form(url(item, "/links"), {"target": "3"}, page=url(item))
    assert [e.details["target"] for e in actions(session, "item.link")] == ["措施2-1", "问题3"]
    refused = post_form(url(item, "/links"), {"target": "88-8"}, page=url(item))
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "找不到问题或措施“88-8”" in body and 'value="88-8"' in body and 'aria-invalid="true"' in body
    link_id = item.links[0].id
    post_form(url(item, f"/links/{link_id}/delete"), {}, page=url(item))
    assert actions(session, "item.unlink") == []
    post_form(url(item, f"/links/{link_id}/delete"), {"confirm": "1"}, page=url(item))
    assert [e.details["target"] for e in actions(session, "item.unlink")] == ["措施2-1"]
    assert "问题3" in page(client, item)


def test_notes_are_added_listed_and_audited(session, client, post_form, new_item, triager, login):
    item, _ = new_item()
    login(triager)
    assert post_form(url(item, "/notes"), {"text": "已电话回访。"}, page=url(item)).status_code == 302
    html = page(client, item)
    assert "已电话回访。" in html and triager.name in html
    [event] = actions(session, "item.note")
    assert event.item_id == item.id and "已电话回访" not in str(event.details)


def test_an_empty_note_shows_the_error_next_to_the_field(session, client, post_form, new_item, triager, login):
    item, _ = new_item()
    login(triager)
    response = post_form(url(item, "/notes"), {"text": "  "}, page=url(item))
    assert response.status_code == 422
    assert 'id="note-text-error">请填写备注内容。' in response.get_data(as_text=True)
    assert actions(session, "item.note") == []


#: state to start from, the actor's role and the form for each transition
FORMS = {
    "accept": ("received", "triager", {}),
    "reject": ("received", "triager", {"reason": "不属于受理范围", "confirm": "1"}),
    "transfer": ("received", "triager", {"transferred_to": "兰州市总工会", "confirm": "1"}),
    "merge": ("received", "triager", {"original": "ORIGINAL", "confirm": "1"}),
    "spam": ("received", "triager", {"confirm": "1"}),
    "assign": ("handling", "triager", {"department": "OTHER"}),
    "extend": ("handling", "triager", {"days": "20", "approver": "张主任", "reason": "需要调查"}),
    "close": ("replied", "triager", {}),
    "review": ("replied", "triager", {"reason": "群众申请复查"}),
    "send_back": ("handling", "handler", {"reason": "不属于本部门职责"}),
}


def bring_to(session, item, state, triager, research, office):
    """Move item from 待分办 to state through the workflow service."""
    if state in ("handling", "replied"):
        workflow.apply(session, item, "accept", triager, CLOCKS)
        workflow.apply(session, item, "assign", triager, CLOCKS, department=office.id)
    if state == "replied":
        reply = replies.start_draft(session, research, item, "已处理。", CLOCKS)
        replies.submit(session, research, reply)
        replies.approve(session, research, reply, replies.ReplySettings.from_config(current_app.config), confirmed=True)


def test_forms_cover_every_transition_but_reply():
    assert set(FORMS) == set(workflow.TRANSITIONS) - {"reply"}


@pytest.mark.slow
@pytest.mark.parametrize("action", list(FORMS))
def test_every_transition_form_posts_and_changes_state(session, client, post_form, new_item, make_user, triager,
                                                       office, login, action):
    start, role, form = FORMS[action]
    research = make_user("research")
    original, _ = new_item()
    item, _ = new_item()
    bring_to(session, item, start, triager, research, office)
    other = department_named(session, "组织部")
    data = {k: {"ORIGINAL": original.case_number, "OTHER": str(other.id)}.get(v, v) for k, v in form.items()}
    login({"triager": triager, "research": research}.get(role) or make_user("handler", department="办公室"))
    assert f'action="{url(item, "/transitions/" + action)}"' in page(client, item)
    before = len(actions(session, f"item.{action}"))
    response = post_form(url(item, f"/transitions/{action}"), data, page=url(item))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert item.state == (workflow.TRANSITIONS[action].target or start)
    assert len(actions(session, f"item.{action}")) == before + 1


def test_forged_illegal_transition_is_refused_with_a_flash(session, client, post_form, new_item, triager, login):
    item, _ = new_item()
    login(triager)
    response = post_form(url(item, "/transitions/close"), {}, page=url(item))
    assert response.status_code == 422
    assert "不能执行“办结”" in response.get_data(as_text=True)
    assert item.state == "received" and actions(session, "item.close") == []


def test_refused_transition_keeps_what_was_typed(session, client, post_form, new_item, triager, office, login):
    item, _ = new_item()
    bring_to(session, item, "handling", triager, None, office)
    login(triager)
    response = post_form(url(item, "/transitions/extend"),
                         {"days": "45", "approver": "李主任", "reason": "需要补充调查材料"}, page=url(item))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "1到30" in body
    assert 'value="45"' in body and 'value="李主任"' in body and "需要补充调查材料</textarea>" in body
    assert item.extension_days is None


def test_the_extension_form_is_gone_after_the_one_extension(session, client, post_form, new_item, triager, office,
                                                            login):
    item, _ = new_item()
    bring_to(session, item, "handling", triager, None, office)
    login(triager)
    extend = f'action="{url(item, "/transitions/extend")}"'
    assert extend in client.get(url(item)).get_data(as_text=True)
    response = post_form(url(item, "/transitions/extend"), {"days": "20", "approver": "张主任", "reason": "需要调查"},
                         page=url(item))
    assert response.status_code == 302 and item.extension_days == 20
    assert extend not in client.get(url(item)).get_data(as_text=True)


def test_closing_transitions_need_the_confirmation(session, client, post_form, new_item, triager, login):
    item, _ = new_item()
    login(triager)
    response = post_form(url(item, "/transitions/spam"), {}, page=url(item))
    assert response.status_code == 422 and "请勾选确认" in response.get_data(as_text=True)
    assert item.state == "received"


def test_duplicate_links_to_its_original_and_the_original_lists_it(session, client, post_form, new_item, triager,
                                                                   login):
    original, _ = new_item()
    duplicate, _ = new_item()
    login(triager)
    post_form(url(duplicate, "/transitions/merge"), {"original": original.case_number, "confirm": "1"},
              page=url(duplicate))
    assert f'href="{url(original)}"' in page(client, duplicate)
    assert f'href="{url(duplicate)}"' in page(client, original)


def test_history_is_readable(session, client, new_item, triager, office, login):
    item, _ = new_item()
    bring_to(session, item, "handling", triager, None, office)
    login(triager)
    html = page(client, item)
    assert "待分办 → 已受理" in html and "已受理 → 办理中" in html and "办公室" in html
    assert html.index("登记") < html.index("待分办 → 已受理") < html.index("已受理 → 办理中")
    assert "群众" in html and triager.email in html


def test_attachments_download_as_files_and_are_audited(app, session, client, new_item, triager, login):
    item, _ = new_item(uploads=[Upload("来信扫描.pdf", PDF)])
    login(triager)
    html = page(client, item)
    attachment = item.attachments[0]
    assert f'href="/staff/attachments/{attachment.id}"' in html and "来信扫描.pdf" in html
    response = client.get(f"/staff/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"
    assert [e.object_id for e in actions(session, "item.download_attachment")] == [attachment.id]
    assert client.get("/staff/attachments/999999").status_code == 404


def test_missing_file_on_disk_is_404(app, session, client, new_item, triager, login, intake_settings):
    item, _ = new_item(uploads=[Upload("scan.pdf", PDF)])
    (intake_settings.upload_dir / item.attachments[0].stored_name).unlink()
    login(triager)
    assert client.get(f"/staff/attachments/{item.attachments[0].id}").status_code == 404


def test_handler_may_only_send_back_and_note(session, client, new_item, triager, office, make_user, login):
    item, _ = new_item()
    bring_to(session, item, "handling", triager, None, office)
    login(make_user("handler", department="办公室"))
    html = page(client, item)
    assert re.findall(r"/transitions/(\w+)", html) == ["send_back"]
    assert 'action="' + url(item, "/notes") + '"' in html
