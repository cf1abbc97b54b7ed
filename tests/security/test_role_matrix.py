"""Role × action over HTTP: each staff action succeeds exactly where authz.ACTION_ROLES and the department scope allow.

A denied action answers 403 (or 404 when the item is outside what the user may see), changes no state and leaves
no audit event. The item lives in 办公室: inside the department of handler_in, outside that of handler_out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from sqlalchemy import func, select

from portal.models import AuditEvent, FeedbackItem, FeedbackLink
from portal.services.replies import drafting as replies
from portal.services.feedback import workflow
from portal.services.feedback.attachments import Upload
from portal.services.common.authz import ACTION_ROLES
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.intake import Contact
from portal.services.accounts.users import department_named
from tests.security.test_csrf import account
from tests.samples import pdf

CLOCKS = ClockSettings()
ROLES = ("admin", "clerk", "triager", "handler_in", "handler_out", "research", "supervisor")
#: the state each transition starts from
TRANSITION_START = {"accept": "received", "reject": "received", "transfer": "received", "merge": "received",
                    "spam": "received", "assign": "handling", "extend": "handling", "reply": "handling",
                    "close": "replied", "review": "replied", "send_back": "assigned"}
ACTIONS = ("view_queue", "view_item", "reveal_contact", "download_attachment", "note", "link", "unlink",
           *TRANSITION_START, "bulk_assign", "request_extension")
#: the authz action behind each staff action, where the names differ
RIGHT = {"view_item": "view_queue", "unlink": "link", "bulk_assign": "assign"}
#: the audit action a success leaves (None: reading leaves none)
AUDITED = {"view_queue": None, "view_item": None, "reveal_contact": "item.reveal_contact",
           "download_attachment": "item.download_attachment", "note": "item.note", "link": "item.link",
           "unlink": "item.unlink", "bulk_assign": "item.assign", "request_extension": "extension.request",
           **{t: f"item.{t}" for t in TRANSITION_START}}
FIELDS = {"reject": {"reason": "不属于受理范围", "confirm": "1"},
          "transfer": {"transferred_to": "兰州市总工会", "confirm": "1"}, "merge": {"confirm": "1"},
          "spam": {"confirm": "1"}, "extend": {"days": "10", "approver": "张主任", "reason": "调查"},
          "reply": {"confirm": "1"}, "review": {"reason": "群众申请复查"}, "send_back": {"reason": "不属于本部门职责"}}


@dataclass
class World:
    item: FeedbackItem
    original: FeedbackItem
    other_department_id: int
    attachment_id: int
    link_id: int
    reply_id: int | None


def build(session, new_item, make_user, campaign, state: str) -> World:
    """An item with contact, scan and link, brought to state (handled by 办公室 once assigned) by other staff; assigned
    is 办理中 before any reply was drafted."""
    office, other = department_named(session, "办公室"), department_named(session, "组织部")
    triager = make_user("triager", email="setup-triager@example.org")
    research = make_user("research", email="setup-research@example.org")
    original, _ = new_item()
    item, _ = new_item(campaign_id=campaign.id, targets=["1-1"], contact=Contact(name="张三丰", phone="13812341762"),
                       uploads=[Upload("scan.pdf", pdf())])
    reply = None
    if state in ("assigned", "handling", "replied"):
        workflow.apply(session, item, "accept", triager, CLOCKS)
        workflow.apply(session, item, "assign", triager, CLOCKS, department=office.id)
    if state in ("handling", "replied"):
        reply = replies.start_draft(session, research, item, "已处理。", CLOCKS)
        replies.submit(session, research, reply)
        replies.approve(session, research, reply, replies.ReplySettings.from_config(current_app.config), confirmed=True)
    if state == "replied":
        replies.record_delivery(session, research, reply, CLOCKS, datetime.now(UTC), confirmed=True)
    return World(item, original, other.id, item.attachments[0].id, item.links[0].id, reply.id if reply else None)


def expected(role: str, action: str, item: FeedbackItem) -> int | str:
    """"ok", 403 or 404, from ACTION_ROLES and the rule that a handler sees only their department's items."""
    base = "handler" if role.startswith("handler") else role
    allowed = base in ACTION_ROLES[RIGHT.get(action, action)]
    if action in ("view_queue", "bulk_assign"):
        return "ok" if allowed else 403
    sees = base != "handler" or (role == "handler_in" and item.department is not None
                                 and item.department.name == "办公室")
    if not sees:
        return 404
    return "ok" if allowed else 403


def perform(client, post_form, action: str, world: World):
    item_url = f"/staff/items/{world.item.case_number}"
    if action == "view_queue":
        return client.get("/staff/queue")
    if action == "view_item":
        return client.get(item_url)
    if action == "download_attachment":
        return client.get(f"/staff/attachments/{world.attachment_id}")
    if action == "bulk_assign":
        return post_form("/staff/queue/bulk/run", {"action": "assign", "item_ids": [str(world.item.id)],
                                                   "department": str(world.other_department_id), "confirm": "1"})
    if action == "reply":
        called_back = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
        return post_form(f"{item_url}/replies/{world.reply_id}/delivered",
                         {**FIELDS["reply"], "delivered_at": called_back})
    if action == "request_extension":
        return post_form(f"{item_url}/extension", {"days": "10", "reason": "需要补充调查"})
    if action in TRANSITION_START:
        fields = dict(FIELDS.get(action, {}))
        if action == "merge":
            fields["original"] = world.original.case_number
        if action == "assign":
            fields["department"] = str(world.other_department_id)
        return post_form(f"{item_url}/transitions/{action}", fields)
    path, data = {"reveal_contact": ("/reveal", {}), "note": ("/notes", {"text": "内部备注"}),
                  "link": ("/links", {"target": "2-1"}),
                  "unlink": (f"/links/{world.link_id}/delete", {"confirm": "1"})}[action]
    return post_form(item_url + path, data)


def audit_count(session, action: str | None) -> int:
    if action is None:
        return 0
    return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_matrix_covers_every_role_and_action():
    assert {RIGHT.get(a, a) for a in ACTIONS} - set(ACTION_ROLES) == set()
    assert set(TRANSITION_START) == set(workflow.TRANSITIONS)


@pytest.mark.slow
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_role_may_do_exactly_what_authz_allows(session, client, post_form, login, new_item, make_user,
                                               small_campaign, role, action):
    world = build(session, new_item, make_user, small_campaign, TRANSITION_START.get(action, "handling"))
    outcome = expected(role, action, world.item)
    state_before, audited_before = world.item.state, audit_count(session, AUDITED[action])
    links_before = len(world.item.links)
    login(account(make_user, role))

    response = perform(client, post_form, action, world)

    session.rollback()
    item = session.get(FeedbackItem, world.item.id)
    links_after = session.scalar(select(func.count(FeedbackLink.id)).where(FeedbackLink.item_id == item.id))
    if outcome != "ok":
        assert response.status_code == outcome
        assert item.state == state_before and links_after == links_before
        assert audit_count(session, AUDITED[action]) == audited_before
        return
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]
    if response.status_code == 302:
        assert "/staff/login" not in response.headers["Location"]
    if AUDITED[action]:
        assert audit_count(session, AUDITED[action]) == audited_before + 1
    if action in TRANSITION_START:
        assert item.state == (workflow.TRANSITIONS[action].target or state_before)
    if action == "bulk_assign":
        assert item.department_id == world.other_department_id
    if action in ("link", "unlink"):
        assert links_after == links_before + (1 if action == "link" else -1)


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_queue_page_offers_only_the_allowed_bulk_assign(session, client, login, new_item, make_user, role):
    department_named(session, "办公室")
    new_item()
    login(account(make_user, role))
    html = client.get("/staff/queue").get_data(as_text=True)
    assert ('value="assign"' in html) == (role == "triager")
    assert ('name="item_ids"' in html) == (role in ("triager", "research"))  # the handlers see no row here
