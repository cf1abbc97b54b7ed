"""答复模板: the research office keeps canned texts; drafters pick one and its placeholders are filled in."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, ReplyTemplate
from portal.services.replies import templates as reply_templates
from portal.services.feedback import workflow
from portal.services.common.authz import PermissionDenied
from portal.services.common.clocks import ClockSettings
from portal.services.replies.templates import TemplateError
from portal.services.accounts.users import department_named

CLOCKS = ClockSettings()
TEXT = "您反映的问题（受理编号{case_number}，{received_date}收到）已转承办部门办理。"


@pytest.fixture
def research(make_user):
    return make_user("research")


def test_research_office_creates_edits_and_deletes_templates(session, research):
    template = reply_templates.create_template(session, research, " 已转办 ", TEXT)
    assert (template.title, template.active) == ("已转办", True)
    reply_templates.update_template(session, research, template, "已转办理", TEXT + "特此答复。", active=False)
    assert [t.title for t in reply_templates.all_templates(session, research)] == ["已转办理"]
    assert reply_templates.active_templates(session, research) == []
    with pytest.raises(TemplateError, match="勾选"):
        reply_templates.delete_template(session, research, template, confirmed=False)
    reply_templates.delete_template(session, research, template, confirmed=True)
    assert session.scalars(select(ReplyTemplate)).all() == []
    actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.object_type == "reply_template")
                                                 .order_by(AuditEvent.id))]
    assert actions == ["template.create", "template.update", "template.delete"]


@pytest.mark.parametrize("role", ["handler", "triager", "clerk", "supervisor", "admin"])
def test_only_the_research_office_manages_templates(session, research, make_user, role):
    user = make_user(role, department="办公室" if role == "handler" else None)
    with pytest.raises(PermissionDenied):
        reply_templates.create_template(session, user, "标题", "内容")
    template = reply_templates.create_template(session, research, "标题", "内容")
    with pytest.raises(PermissionDenied):
        reply_templates.update_template(session, user, template, "改", "改", True)
    with pytest.raises(PermissionDenied):
        reply_templates.delete_template(session, user, template, confirmed=True)
    with pytest.raises(PermissionDenied):
        reply_templates.all_templates(session, user)


def test_handlers_may_pick_active_templates(session, research, make_user):
    reply_templates.create_template(session, research, "乙", "内容")
    reply_templates.create_template(session, research, "甲", "内容")
    reply_templates.create_template(session, research, "停用的", "内容", active=False)
    handler = make_user("handler", department="办公室")
    assert {t.title for t in reply_templates.active_templates(session, handler)} == {"乙", "甲"}
    with pytest.raises(PermissionDenied):
        reply_templates.active_templates(session, make_user("supervisor"))


@pytest.mark.parametrize(("title", "text", "field", "message"), [
    ("", TEXT, "title", "请填写模板名称"),
    ("长" * 101, TEXT, "title", "不能超过100"),
    ("已转办", TEXT, "title", "已有名为"),
    ("新模板", "  ", "text", "请填写模板内容"),
    ("新模板", "请于{deadline}前答复{name}", "text", r"\{deadline\}、\{name\}"),
])
def test_bad_templates_are_refused_next_to_the_field(session, research, title, text, field, message):
    reply_templates.create_template(session, research, "已转办", TEXT)
    with pytest.raises(TemplateError, match=message) as refused:
        reply_templates.create_template(session, research, title, text)
    assert refused.value.field == field


def test_placeholders_are_filled_with_the_case_number_and_the_chinese_received_date(session, new_item, make_user):
    item, _ = new_item()
    day = CLOCKS.local_date(item.received_at)
    filled = reply_templates.fill(TEXT + "{其他}", item, CLOCKS)
    assert filled == (f"您反映的问题（受理编号{item.case_number}，{day.year}年{day.month}月{day.day}日收到）"
                      "已转承办部门办理。{其他}")


def test_renaming_keeps_its_own_title_free(session, research):
    template = reply_templates.create_template(session, research, "已转办", TEXT)
    reply_templates.update_template(session, research, template, "已转办", TEXT, active=True)
    assert template.title == "已转办"


def test_a_reply_drafted_from_a_template_keeps_its_text_when_the_template_goes(session, research, new_item,
                                                                              make_user):
    from portal.services.replies import drafting as replies
    triager = make_user("triager")
    item, _ = new_item()
    workflow.apply(session, item, "accept", triager, CLOCKS)
    workflow.apply(session, item, "assign", triager, CLOCKS, department=department_named(session, "办公室"))
    template = reply_templates.create_template(session, research, "已转办", TEXT)
    reply = replies.start_draft(session, research, item, template.text, CLOCKS)
    reply_templates.delete_template(session, research, template, confirmed=True)
    assert item.case_number in reply.text
