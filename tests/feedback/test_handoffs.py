"""退回分办 and 延期申请: a department sends a mis-assigned item back with a reason, asks for the one extension, a
triager or the research office decides; the home pages list what waits, with counts in the navigation."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, ExtensionRequest, SendBack
from portal.services.common import authz
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import extensions, handoffs, workflow, workspace
from portal.services.feedback.workflow import WorkflowError
from portal.services.replies import drafting

CLOCKS = ClockSettings()


@pytest.fixture
def assigned(session, new_item, staff):
    """Factory: an item accepted and assigned to 办公室 (staff.handler's department)."""
    def make(**fields):
        item, _ = new_item(**fields)
        workflow.apply(session, item, "accept", staff.triager, CLOCKS)
        workflow.apply(session, item, "assign", staff.triager, CLOCKS, department=staff.office.id)
        return item
    return make


def audit_actions(session, item) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.item_id == item.id)
                                .order_by(AuditEvent.id)))


def test_send_back_returns_the_item_to_triage_keeping_the_handling_clock(session, staff, assigned):
    item = assigned()
    due = item.handle_due
    workflow.apply(session, item, "send_back", staff.handler, CLOCKS, reason=" 应由组织部办理 ")
    assert (item.state, item.department_id) == ("accepted", None)
    assert (item.handle_due, item.due_date) == (due, due)
    back = session.scalars(select(SendBack)).one()
    assert (back.department_id, back.reason, back.sent_by_id, back.resolved_at) == (
        staff.office.id, "应由组织部办理", staff.handler.id, None)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "item.send_back")).one()
    assert event.details == {"from": "handling", "to": "accepted", "department": "办公室", "reason": "应由组织部办理"}
    assert not authz.can_view(staff.handler, item)


def test_reassigning_resolves_the_send_back(session, staff, assigned):
    item = assigned()
    workflow.apply(session, item, "send_back", staff.handler, CLOCKS, reason="不属于本部门")
    assert handoffs.send_backs(session, staff.triager, 10)[1] == 1
    other = staff.outsider.department_id
    workflow.apply(session, item, "assign", staff.triager, CLOCKS, department=other)
    assert session.scalars(select(SendBack)).one().resolved_at is not None
    assert handoffs.send_backs(session, staff.triager, 10) == ([], 0)


def test_send_back_needs_a_reason_and_no_reply(session, staff, assigned):
    item = assigned()
    with pytest.raises(WorkflowError, match="理由"):
        workflow.apply(session, item, "send_back", staff.handler, CLOCKS, reason="  ")
    drafting.start_draft(session, staff.handler, item, "答复草稿", CLOCKS)
    with pytest.raises(WorkflowError, match="已有答复稿"):
        workflow.apply(session, item, "send_back", staff.handler, CLOCKS, reason="不属于本部门")
    assert item.state == "handling" and item.department_id == staff.office.id


def test_only_the_handling_department_may_send_back(session, staff, assigned):
    item = assigned()
    for user in (staff.outsider, staff.triager, staff.research, staff.supervisor):
        with pytest.raises(authz.PermissionDenied):
            workflow.apply(session, item, "send_back", user, CLOCKS, reason="不属于本部门")
    assert item.state == "handling"


def test_extension_request_and_grant_move_the_due_date_once(session, staff, assigned):
    item = assigned()
    due = item.handle_due
    assert extensions.may_request(session, staff.handler, item)
    asked = extensions.request(session, staff.handler, item, "20", " 需要补充调查 ", CLOCKS)
    assert (asked.status, asked.days, asked.reason) == ("pending", 20, "需要补充调查")
    assert not extensions.may_request(session, staff.handler, item)
    with pytest.raises(extensions.ExtensionError, match="等待审批"):
        extensions.request(session, staff.handler, item, "10", "再申请", CLOCKS)
    extensions.decide(session, staff.research, item, True, "", CLOCKS)
    assert (asked.status, asked.decided_by_id) == ("granted", staff.research.id)
    assert item.handle_due == item.due_date == due + timedelta(days=20)
    assert (item.extension_days, item.extension_approver, item.extension_reason) == (20, staff.research.name,
                                                                                     "需要补充调查")
    with pytest.raises(extensions.ExtensionError, match="只能延期一次"):
        extensions.request(session, staff.handler, item, "5", "还需要时间", CLOCKS)
    assert audit_actions(session, item)[-3:] == ["extension.request", "item.extend", "extension.grant"]


def test_refusal_needs_a_reason_and_allows_a_new_request(session, staff, assigned):
    item = assigned()
    due = item.handle_due
    extensions.request(session, staff.handler, item, 30, "需要补充调查", CLOCKS)
    with pytest.raises(extensions.ExtensionError, match="理由") as refused:
        extensions.decide(session, staff.triager, item, False, " ", CLOCKS)
    assert refused.value.field == "decision_reason"
    asked = extensions.decide(session, staff.triager, item, False, "材料已齐全，请按期办结", CLOCKS)
    assert (asked.status, asked.decision_reason) == ("refused", "材料已齐全，请按期办结")
    assert item.handle_due == due and item.extension_days is None
    assert extensions.may_request(session, staff.handler, item)


@pytest.mark.parametrize("days", ["0", "31", "十", "", None])
def test_days_must_lie_within_the_maximum(session, staff, assigned, days):
    item = assigned()
    with pytest.raises(extensions.ExtensionError, match="1到30") as refused:
        extensions.request(session, staff.handler, item, days, "需要调查", CLOCKS)
    assert refused.value.field == "days"
    assert session.scalars(select(ExtensionRequest)).all() == []


def test_who_may_request_and_decide(session, staff, assigned):
    item = assigned()
    for user in (staff.outsider, staff.triager, staff.research, staff.supervisor):
        with pytest.raises(authz.PermissionDenied):
            extensions.request(session, user, item, "10", "需要调查", CLOCKS)
    extensions.request(session, staff.handler, item, "10", "需要调查", CLOCKS)
    for user in (staff.handler, staff.outsider, staff.supervisor):
        with pytest.raises(authz.PermissionDenied):
            extensions.decide(session, user, item, True, "", CLOCKS)
    with pytest.raises(WorkflowError, match="等待审批"):
        workflow.apply(session, item, "extend", staff.triager, CLOCKS, days=5, approver="张主任", reason="直接延期")


def test_a_pending_request_blocks_the_send_back(session, staff, assigned):
    item = assigned()
    extensions.request(session, staff.handler, item, "10", "需要调查", CLOCKS)
    with pytest.raises(WorkflowError, match="延期申请"):
        workflow.apply(session, item, "send_back", staff.handler, CLOCKS, reason="不属于本部门")


def test_only_this_items_pending_request_blocks_a_direct_extension_or_a_send_back(session, staff, assigned):
    waiting, refused, other = assigned(), assigned(), assigned()
    extensions.request(session, staff.handler, waiting, "10", "需要调查", CLOCKS)
    extensions.request(session, staff.handler, refused, "10", "需要调查", CLOCKS)
    extensions.decide(session, staff.triager, refused, False, "请按期办结", CLOCKS)
    for item in (refused, other):
        workflow.apply(session, item, "extend", staff.triager, CLOCKS, days=5, approver="张主任", reason="直接延期")
        assert item.extension_days == 5
    spare = assigned()
    workflow.apply(session, spare, "send_back", staff.handler, CLOCKS, reason="不属于本部门")
    assert spare.state == "accepted"
    with pytest.raises(WorkflowError, match="请在“延期申请”处同意或不同意"):
        workflow.apply(session, waiting, "extend", staff.triager, CLOCKS, days=5, approver="张主任", reason="直接延期")
    assert waiting.extension_days is None


def test_home_pages_list_send_backs_and_requests_with_nav_counts(session, staff, assigned):
    sent_back, asked = assigned(), assigned()
    workflow.apply(session, sent_back, "send_back", staff.handler, CLOCKS, reason="应由组织部办理")
    extensions.request(session, staff.handler, asked, "15", "需要补充调查", CLOCKS)
    triager = workspace.home(session, staff.triager, CLOCKS)
    assert [row.reason for row in triager.section("sent_back").rows] == ["应由组织部办理"]
    assert [row.item.id for row in triager.section("extension_requests").rows] == [asked.id]
    assert workspace.nav_counts(session, staff.triager, CLOCKS) == {
        "received": 0, "sent_back": 1, "extension_requests": 1}
    research = workspace.home(session, staff.research, CLOCKS)
    assert research.section("extension_requests").total == 1
    assert workspace.nav_counts(session, staff.research, CLOCKS)["extension_requests"] == 1
    handler = workspace.home(session, staff.handler, CLOCKS)
    assert [(row.item.id, row.status) for row in handler.section("my_extension_requests").rows] == [
        (asked.id, "pending")]
    outsider = workspace.home(session, staff.outsider, CLOCKS)
    assert outsider.section("my_extension_requests").total == 0
    extensions.decide(session, staff.triager, asked, False, "请按期办结", CLOCKS)
    assert workspace.nav_counts(session, staff.research, CLOCKS)["extension_requests"] == 0
    handler = workspace.home(session, staff.handler, CLOCKS)
    assert [(r.status, r.decision_reason) for r in handler.section("my_extension_requests").rows] == [
        ("refused", "请按期办结")]


# over HTTP

def url(item, suffix: str = "") -> str:
    return f"/staff/items/{item.case_number}{suffix}"


def test_handler_sends_back_from_the_item_page_and_the_triager_sees_why(session, client, post_form, login, staff,
                                                                      assigned):
    item = assigned()
    login(staff.handler)
    html = client.get(url(item)).get_data(as_text=True)
    assert f'action="{url(item, "/transitions/send_back")}"' in html and "办理期限不变" in html
    response = post_form(url(item, "/transitions/send_back"), {"reason": "应由组织部办理"}, page=url(item))
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    assert client.get(url(item)).status_code == 404
    login(staff.triager)
    home = client.get("/staff/").get_data(as_text=True)
    section = re.search(r'<section id="sent_back".*?</section>', home, re.S).group(0)
    assert item.case_number in section and "应由组织部办理" in section and "办公室退回" in section
    assert re.search(r'退回分办 <span class="count">1</span>', home)
    page = client.get(url(item)).get_data(as_text=True)
    assert 'id="send-backs"' in page and "应由组织部办理" in page and "等待重新交办" in page


def test_extension_request_and_decision_over_http(session, client, post_form, login, staff, assigned):
    item = assigned()
    due = item.handle_due
    login(staff.handler)
    assert f'action="{url(item, "/extension")}"' in client.get(url(item)).get_data(as_text=True)
    bad = post_form(url(item, "/extension"), {"days": "45", "reason": "需要补充调查"}, page=url(item))
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="extension-days-error"' in body and "需要补充调查</textarea>" in body
    done = post_form(url(item, "/extension"), {"days": "20", "reason": "需要补充调查"}, page=url(item))
    assert done.status_code == 302
    login(staff.research)
    html = client.get(url(item)).get_data(as_text=True)
    assert f'action="{url(item, "/extension/decision")}"' in html and "需要补充调查" in html
    refused = post_form(url(item, "/extension/decision"), {"decision": "refuse", "decision_reason": ""},
                        page=url(item))
    assert refused.status_code == 422 and 'id="extension-decision-error"' in refused.get_data(as_text=True)
    granted = post_form(url(item, "/extension/decision"), {"decision": "grant"}, page=url(item))
    assert granted.status_code == 302
    session.expire_all()
    assert item.handle_due == due + timedelta(days=20)
    login(staff.handler)
    home = client.get("/staff/").get_data(as_text=True)
    mine = re.search(r'<section id="my_extension_requests".*?</section>', home, re.S).group(0)
    assert item.case_number in mine and "已同意" in mine


def test_outsider_cannot_reach_the_extension_forms(session, client, post_form, login, staff, assigned):
    item = assigned()
    login(staff.outsider)
    assert post_form(url(item, "/extension"), {"days": "10", "reason": "越权"}).status_code == 404
    login(staff.supervisor)
    assert post_form(url(item, "/extension"), {"days": "10", "reason": "越权"}).status_code == 403
    assert session.scalars(select(ExtensionRequest)).all() == []
