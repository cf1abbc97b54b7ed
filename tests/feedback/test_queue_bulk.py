"""Bulk actions on the queue: each action plans which items change and which are skipped and why, runs through the
workflow with each item's authorisation and audit event, needs its fields and a confirmation; 交办 accepts items
still 待分办 only when asked to."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from portal.models import AuditEvent, FeedbackLink
from portal.services.accounts.users import department_named
from portal.services.common.authz import PermissionDenied
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import bulk, workflow
from portal.services.feedback.queue import QueueFilters

CLOCKS = ClockSettings()
NOW = datetime.now(UTC)


def request(action, items=(), **fields) -> bulk.BulkRequest:
    return bulk.BulkRequest(action=action, item_ids=tuple(item.id for item in items), **fields)


def audited(session, action: str) -> int:
    return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


@pytest.fixture
def mixed(session, new_item, triager):
    """Two items 待分办, one 已受理, one 无效 (spam)."""
    waiting = [new_item()[0], new_item()[0]]
    accepted, spam = new_item()[0], new_item()[0]
    workflow.apply(session, accepted, "accept", triager, CLOCKS)
    workflow.apply(session, spam, "spam", triager, CLOCKS)
    return waiting, accepted, spam


def test_bulk_accept_plans_then_accepts_the_waiting_and_skips_the_others_with_why(session, triager, mixed):
    waiting, accepted, spam = mixed
    chosen = request("accept", [*waiting, accepted, spam])
    planned = bulk.plan(session, triager, chosen, CLOCKS)
    assert planned.changes == waiting and planned.total == 4
    assert [(item, why) for item, why in planned.skipped] == [
        (accepted, "当前状态为“已受理”，不能受理"), (spam, "当前状态为“无效件”，不能受理")]
    assert all(item.state == "received" for item in waiting)          # planning changes nothing
    done, skipped = bulk.run(session, triager, chosen, CLOCKS, confirmed=True)
    assert done == waiting and [item for item, _ in skipped] == [accepted, spam]
    assert all(item.state == "accepted" for item in waiting) and audited(session, "item.accept") == 3


def test_bulk_actions_need_the_confirmation(session, triager, mixed):
    waiting, _, _ = mixed
    with pytest.raises(bulk.BulkError) as refused:
        bulk.run(session, triager, request("spam", waiting), CLOCKS, confirmed=False)
    assert refused.value.field == "confirm" and all(item.state == "received" for item in waiting)


def test_bulk_not_accepted_needs_a_reason_and_records_it_per_item(session, triager, mixed):
    waiting, accepted, _ = mixed
    with pytest.raises(bulk.BulkError, match="理由") as refused:
        bulk.run(session, triager, request("reject", waiting, reason="  "), CLOCKS, confirmed=True)
    assert refused.value.field == "reason"
    with pytest.raises(bulk.BulkError, match="2000"):
        bulk.run(session, triager, request("reject", waiting, reason="长" * 2001), CLOCKS, confirmed=True)
    done, skipped = bulk.run(session, triager, request("reject", [*waiting, accepted], reason="不属于受理范围"),
                             CLOCKS, confirmed=True)
    assert done == waiting and [item for item, _ in skipped] == [accepted]
    assert {item.decision_reason for item in waiting} == {"不属于受理范围"}
    assert audited(session, "item.reject") == 2


def test_bulk_spam_marks_the_waiting_ones(session, triager, mixed):
    waiting, accepted, spam = mixed
    done, skipped = bulk.run(session, triager, request("spam", [*waiting, accepted, spam]), CLOCKS, confirmed=True)
    assert done == waiting and all(item.state == "spam" for item in waiting)
    assert len(skipped) == 2 and audited(session, "item.spam") == 3


def test_bulk_assign_lists_waiting_items_apart_and_skips_them_unless_asked(session, triager, mixed):
    waiting, accepted, spam = mixed
    office = department_named(session, "办公室")
    chosen = request("assign", [*waiting, accepted, spam], department_id=office.id)
    planned = bulk.plan(session, triager, chosen, CLOCKS)
    assert planned.changes == [accepted] and planned.waiting == waiting and [i for i, _ in planned.skipped] == [spam]
    done, skipped = bulk.run(session, triager, chosen, CLOCKS, confirmed=True)
    assert done == [accepted] and accepted.state == "handling" and accepted.department_id == office.id
    assert all(item.state == "received" for item in waiting) and audited(session, "item.accept") == 1
    assert sorted(item.id for item, _ in skipped) == sorted([spam.id, *(item.id for item in waiting)])
    assert {why for item, why in skipped if item in waiting} == {"待分办，未勾选“先受理再交办”"}


def test_bulk_assign_accepts_and_assigns_the_waiting_when_confirmed(session, triager, mixed):
    waiting, accepted, _ = mixed
    office = department_named(session, "办公室")
    chosen = request("assign", [*waiting, accepted], department_id=office.id, accept_waiting=True)
    done, skipped = bulk.run(session, triager, chosen, CLOCKS, confirmed=True)
    assert sorted(i.id for i in done) == sorted(i.id for i in [*waiting, accepted]) and skipped == []
    assert all(item.state == "handling" and item.department_id == office.id for item in done)
    assert audited(session, "item.accept") == 3 and audited(session, "item.assign") == 3


def test_bulk_assign_skips_items_already_with_that_department_and_needs_an_active_one(session, triager, mixed):
    _, accepted, _ = mixed
    office = department_named(session, "办公室")
    workflow.apply(session, accepted, "assign", triager, CLOCKS, department=office.id)
    planned = bulk.plan(session, triager, request("assign", [accepted], department_id=office.id), CLOCKS)
    assert planned.skipped == [(accepted, "已由办公室承办")]
    with pytest.raises(bulk.BulkError, match="承办部门") as refused:
        bulk.run(session, triager, request("assign", [accepted]), CLOCKS, confirmed=True)
    assert refused.value.field == "department"
    office.active = False
    with pytest.raises(bulk.BulkError, match="已停用"):
        bulk.run(session, triager, request("assign", [accepted], department_id=office.id), CLOCKS, confirmed=True)


def test_bulk_link_links_each_item_once_and_skips_those_already_linked(session, new_item, triager, small_campaign):
    linked = new_item(campaign_id=small_campaign.id, targets=["2-1"])[0]
    fresh = [new_item(campaign_id=small_campaign.id)[0] for _ in range(2)]
    chosen = request("link", [linked, *fresh], target="２-1")
    planned = bulk.plan(session, triager, chosen, CLOCKS)
    assert planned.changes == fresh and planned.skipped == [(linked, "已关联“2-1”")]
    done, skipped = bulk.run(session, triager, chosen, CLOCKS, confirmed=True)
    assert done == fresh and len(skipped) == 1 and audited(session, "item.link") == 2
    assert session.scalar(select(func.count(FeedbackLink.id))) == 3
    with pytest.raises(bulk.BulkError) as refused:
        bulk.run(session, triager, request("link", fresh), CLOCKS, confirmed=True)
    assert refused.value.field == "target"


def test_bulk_link_skips_items_whose_campaign_has_no_such_measure(session, new_item, triager, small_campaign):
    item = new_item(campaign_id=small_campaign.id)[0]
    planned = bulk.plan(session, triager, request("link", [item], target="99-9"), CLOCKS)
    assert planned.skipped == [(item, "本件所属的整改任务中没有“99-9”")]


def test_select_all_matching_takes_every_item_the_filter_finds(session, new_item, triager, mixed):
    phones = [new_item(channel="phone", phone_line="12351")[0] for _ in range(3)]
    chosen = bulk.BulkRequest(action="accept", scope="all", filters=QueueFilters(channel="phone"))
    done, skipped = bulk.run(session, triager, chosen, CLOCKS, confirmed=True)
    assert done == phones and skipped == []
    assert all(item.state == "received" for item in mixed[0])


def test_too_many_items_at_once_are_refused(session, new_item, triager, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_ITEMS", 2)
    for _ in range(3):
        new_item()
    with pytest.raises(bulk.BulkError, match="一次最多处理2件"):
        bulk.plan(session, triager, bulk.BulkRequest(action="accept", scope="all"), CLOCKS)


def test_nothing_chosen_or_no_action_is_refused(session, triager):
    with pytest.raises(bulk.BulkError, match="请至少选择一件"):
        bulk.plan(session, triager, bulk.BulkRequest(action="accept"), CLOCKS)
    with pytest.raises(bulk.BulkError, match="请选择批量操作"):
        bulk.plan(session, triager, bulk.BulkRequest(action=""), CLOCKS)


@pytest.mark.parametrize("role", ["admin", "clerk", "handler", "research", "supervisor"])
def test_only_triagers_take_the_triage_actions(session, new_item, make_user, role):
    item = new_item()[0]
    user = make_user(role, department="办公室" if role == "handler" else None)
    for action in ("accept", "reject", "spam", "assign"):
        with pytest.raises(PermissionDenied):
            bulk.plan(session, user, request(action, [item]), CLOCKS)
    assert item.state == "received" and bulk.allowed_actions(user) == (["link"] if role in ("handler", "research")
                                                                      else [])


def test_a_handler_links_only_their_departments_items(session, new_item, triager, make_user, small_campaign):
    mine, theirs = new_item(campaign_id=small_campaign.id)[0], new_item(campaign_id=small_campaign.id)[0]
    workflow.bulk_assign(session, [mine], department_named(session, "办公室").id, triager, CLOCKS)
    workflow.bulk_assign(session, [theirs], department_named(session, "组织部").id, triager, CLOCKS)
    handler = make_user("handler", department="办公室")
    planned = bulk.plan(session, handler, request("link", [mine, theirs], target="1-1"), CLOCKS)
    assert planned.changes == [mine] and planned.skipped == []    # the other department's item is not even listed


def test_form_parsing_drops_unknown_values_and_carries_the_selection(session):
    form = MultiDict([("action", "delete"), ("scope", "everything"), ("item_ids", "3"), ("item_ids", "x"),
                      ("item_ids", "3"), ("page_ids", "9"), ("channel", "phone"), ("sort", "-due"),
                      ("department", "abc"), ("target", " ３５-２ ")])
    parsed = bulk.BulkRequest.from_form(form)
    assert (parsed.action, parsed.scope, parsed.item_ids, parsed.department_id, parsed.target) == (
        "", "selected", (3,), None, "35-2")
    assert parsed.filters == QueueFilters(channel="phone", sort="-due")
    page = bulk.BulkRequest.from_form(MultiDict([("action", "spam"), ("scope", "page"), ("item_ids", "3"),
                                                 ("page_ids", "9"), ("page_ids", "10")]))
    assert page.item_ids == (9, 10)
    assert bulk.hidden_fields(page) == [("action", "spam"), ("scope", "selected"), ("item_ids", 9),
                                        ("item_ids", 10)]
    everything = bulk.BulkRequest.from_form(MultiDict([("action", "spam"), ("scope", "all"), ("state", "received")]))
    assert bulk.hidden_fields(everything) == [("action", "spam"), ("scope", "all"), ("state", "received")]
