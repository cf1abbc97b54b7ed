"""The item service: visibility, masked contact and audited reveal, notes, links, transitions from forms, downloads."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.models import AuditEvent
from portal.services.feedback import items, workflow
from portal.services.feedback.attachments import Upload
from portal.services.common.authz import PermissionDenied
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.intake import Contact
from portal.services.accounts.users import department_named
from tests.samples import pdf

CLOCKS = ClockSettings()
PHONE, EMAIL, NAME, ADDRESS = "13812341762", "zhangsan@163.com", "张三丰", "兰州市城关区东郊巷26号"


def events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def with_contact(new_item):
    item, _ = new_item(contact=Contact(name=NAME, phone=PHONE, email=EMAIL, address=ADDRESS))
    return item


def test_find_visible_hides_other_departments_items(session, new_item, triager, make_user):
    item, _ = new_item()
    workflow.bulk_assign(session, [item], department_named(session, "组织部").id, triager, CLOCKS)
    assert items.find_visible(session, triager, item.case_number.lower()) is item
    assert items.find_visible(session, make_user("handler", department="组织部"), item.case_number) is item
    assert items.find_visible(session, make_user("handler", department="办公室"), item.case_number) is None
    assert items.find_visible(session, triager, "GH-1999-000001") is None


def test_contact_is_masked_by_default(session, with_contact, triager):
    contact = items.detail(session, triager, with_contact, CLOCKS).contact
    assert (contact.phone, contact.email, contact.name) == ("138****1762", "z***@163.com", "张**")
    assert ADDRESS not in contact.address and not contact.revealed


def test_reveal_shows_the_contact_and_audits_without_personal_data(session, with_contact, make_user):
    clerk = make_user("clerk")
    contact = items.reveal_contact(session, clerk, with_contact)
    assert (contact.phone, contact.email, contact.name, contact.address) == (PHONE, EMAIL, NAME, ADDRESS)
    [event] = events(session, "item.reveal_contact")
    assert event.actor_id == clerk.id and event.item_id == with_contact.id
    assert event.details == {"fields": ["name", "phone", "email", "address"]}
    dumped = json.dumps(event.details, ensure_ascii=False)
    assert not any(value in dumped for value in (PHONE, EMAIL, NAME, ADDRESS))


def test_admin_may_not_reveal_and_leaves_no_event(session, with_contact, make_user):
    with pytest.raises(PermissionDenied):
        items.reveal_contact(session, make_user("admin"), with_contact)
    assert events(session, "item.reveal_contact") == []


def test_anonymous_item_has_no_contact(session, new_item, triager):
    item, _ = new_item()
    assert items.detail(session, triager, item, CLOCKS).contact is None


def test_notes_are_added_audited_without_text_and_listed(session, new_item, triager):
    item, _ = new_item()
    note = items.add_note(session, triager, item, "  已电话联系张三丰，约定周五回访。 ")
    assert note.text == "已电话联系张三丰，约定周五回访。"
    [event] = events(session, "item.note")
    assert event.item_id == item.id and "张三丰" not in json.dumps(event.details, ensure_ascii=False)
    assert [n.text for n in items.detail(session, triager, item, CLOCKS).notes] == [note.text]


def test_empty_or_long_notes_are_refused(session, new_item, triager):
    item, _ = new_item()
    with pytest.raises(items.ItemError, match="请填写"):
        items.add_note(session, triager, item, "   ")
    with pytest.raises(items.ItemError, match="不能超过"):
        items.add_note(session, triager, item, "字" * (items.MAX_NOTE + 1))
    assert events(session, "item.note") == []


@pytest.mark.parametrize("role", ["admin", "clerk", "supervisor"])
def test_roles_without_note_right_are_refused(session, new_item, make_user, role):
    item, _ = new_item()
    with pytest.raises(PermissionDenied):
        items.add_note(session, make_user(role), item, "备注")
    assert events(session, "item.note") == []


def test_links_add_and_remove_are_audited(session, new_item, triager, small_campaign):
    item, _ = new_item(campaign_id=small_campaign.id)
    link = items.add_link(session, triager, item, "２-１", small_campaign.id)
    assert link is not None and items.add_link(session, triager, item, "2-1", small_campaign.id) is None
    items.add_link(session, triager, item, "3", small_campaign.id)
    assert [e.details["target"] for e in events(session, "item.link")] == ["措施2-1", "问题3"]
    items.remove_link(session, triager, item, link.id)
    assert [e.details["target"] for e in events(session, "item.unlink")] == ["措施2-1"]
    assert [lk.problem.number for lk in items.detail(session, triager, item, CLOCKS).links] == [3]


def test_unknown_link_target_is_an_error_next_to_the_field(session, new_item, triager, small_campaign):
    item, _ = new_item(campaign_id=small_campaign.id)
    with pytest.raises(items.ItemError) as raised:
        items.add_link(session, triager, item, "99-9", small_campaign.id)
    assert raised.value.field == "target" and "99-9" in str(raised.value)
    with pytest.raises(items.ItemError):
        items.add_link(session, triager, item, "", small_campaign.id)


def test_items_without_campaign_link_to_the_default_campaign(session, new_item, small_campaign):
    item, _ = new_item()
    assert items.link_campaign_id(session, item, "") == small_campaign.id
    # a DEFAULT_CAMPAIGN naming no campaign falls back to the newest, as on the public pages
    assert items.link_campaign_id(session, item, "no-such") == small_campaign.id


def test_link_candidates_search_words(session, new_item, triager, small_campaign):
    item, _ = new_item(campaign_id=small_campaign.id)
    found = items.link_candidates(session, triager, item, "问题2", small_campaign.id)
    assert [getattr(t, "number", None) for t in found] == [2]


def test_transition_from_form_fields(session, new_item, triager):
    office = department_named(session, "办公室")
    item, _ = new_item()
    items.transition(session, triager, item, "accept", {}, CLOCKS)
    items.transition(session, triager, item, "assign", {"department": str(office.id), "reason": "ignored"}, CLOCKS)
    assert item.state == "handling" and item.department_id == office.id
    with pytest.raises(workflow.WorkflowError, match="承办部门不存在"):
        items.transition(session, triager, item, "assign", {"department": "abc"}, CLOCKS)
    with pytest.raises(workflow.WorkflowError, match="未知"):
        items.transition(session, triager, item, "destroy", {}, CLOCKS)


def test_unconfirmed_closing_transitions_are_refused_after_the_permission_check(session, new_item, triager,
                                                                                 make_user):
    item, _ = new_item()
    with pytest.raises(PermissionDenied):
        items.transition(session, make_user("clerk"), item, "spam", {}, CLOCKS, confirmed=False)
    with pytest.raises(workflow.WorkflowError, match="请勾选确认"):
        items.transition(session, triager, item, "spam", {}, CLOCKS, confirmed=False)
    assert item.state == "received"


def test_duplicate_and_original_point_at_each_other(session, new_item, triager):
    original, _ = new_item()
    duplicate, _ = new_item()
    items.transition(session, triager, duplicate, "merge", {"original": original.case_number}, CLOCKS)
    assert items.detail(session, triager, original, CLOCKS).duplicates == [duplicate]
    detail = items.detail(session, triager, duplicate, CLOCKS)
    assert duplicate.duplicate_of is original and detail.original_visible


def test_history_is_oldest_first_with_every_event(session, new_item, triager):
    item, _ = new_item()
    items.transition(session, triager, item, "accept", {}, CLOCKS)
    items.add_note(session, triager, item, "备注")
    history = items.detail(session, triager, item, CLOCKS).history
    assert [e.action for e in history] == ["item.create", "item.accept", "item.note"]


def test_download_is_scoped_audited_and_role_checked(session, new_item, triager, make_user):
    item, _ = new_item(uploads=[Upload("来信.pdf", pdf())])
    workflow.bulk_assign(session, [item], department_named(session, "办公室").id, triager, CLOCKS)
    attachment = item.attachments[0]
    assert items.attachment_for_download(session, triager, attachment.id) is attachment
    assert [e.object_id for e in events(session, "item.download_attachment")] == [attachment.id]
    assert items.attachment_for_download(session, make_user("handler", department="组织部"), attachment.id) is None
    assert items.attachment_for_download(session, triager, attachment.id + 100) is None
    with pytest.raises(PermissionDenied):
        items.attachment_for_download(session, make_user("admin"), attachment.id)
    assert len(events(session, "item.download_attachment")) == 1


def test_overlong_transition_fields_are_refused_before_the_database(session, new_item, triager):
    item, _ = new_item()
    with pytest.raises(workflow.WorkflowError, match="不能超过200"):
        items.transition(session, triager, item, "transfer", {"transferred_to": "单" * 201}, CLOCKS)
    assert item.state == "received" and item.transferred_to is None


def test_field_limits_are_only_for_fields_the_transitions_take():
    from portal.labels import TRANSITION_FIELDS
    assert set(items.MAX_FIELD) <= set(TRANSITION_FIELDS)
