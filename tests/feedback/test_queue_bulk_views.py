"""Bulk actions over HTTP: the queue's form leads to a confirmation page listing what changes and what is skipped;
only the confirmed run changes anything; the result says how many changed and were skipped, filters kept."""
from __future__ import annotations

import re

from sqlalchemy import select

from portal.models import AuditEvent, FeedbackItem, FeedbackLink
from portal.services.accounts.users import department_named
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow

CLOCKS = ClockSettings()


def html_of(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def states(session, *items) -> list[str]:
    session.expire_all()
    return [session.get(FeedbackItem, item.id).state for item in items]


def test_queue_offers_the_scopes_and_one_button_per_action(session, client, new_item, triager, login, app):
    app.config["QUEUE_PAGE_SIZE"] = 2
    for _ in range(3):
        new_item()
    login(triager)
    html = html_of(client.get("/staff/queue"))
    assert 'action="/staff/queue/bulk"' in html and 'name="csrf_token"' in html
    assert "本页全部2件" in html and "符合当前筛选条件的全部3件" in html
    actions = re.findall(r'name="action" value="(\w+)"', html)
    assert actions == ["accept", "reject", "spam", "link", "assign"]


def test_confirmation_lists_changes_and_skips_and_changes_nothing(session, client, post_form, new_item, triager, login):
    waiting, _ = new_item(channel="phone")
    spam, _ = new_item(channel="phone")
    workflow.apply(session, spam, "spam", triager, CLOCKS)
    login(triager)
    html = html_of(post_form("/staff/queue/bulk", {"action": "accept", "item_ids": [str(waiting.id), str(spam.id)],
                                                   "channel": "phone"}))
    assert "确认批量受理" in html and "共选择2件：将变更1件，跳过1件。" in html
    changes = html[html.index('id="changes-heading"'):html.index('id="skipped-heading"')]
    assert waiting.case_number in changes and spam.case_number not in changes
    assert f"{spam.case_number}</a>：当前状态为“无效件”，不能受理" in html
    assert 'action="/staff/queue/bulk/run"' in html and 'name="confirm"' in html
    assert f'name="item_ids" value="{waiting.id}"' in html and 'name="channel" value="phone"' in html
    assert states(session, waiting, spam) == ["received", "spam"]


def test_run_without_the_confirmation_shows_the_page_again(session, client, post_form, new_item, triager, login):
    item, _ = new_item()
    login(triager)
    html = html_of(post_form("/staff/queue/bulk/run", {"action": "accept", "item_ids": [str(item.id)]}), 422)
    assert "请勾选确认后再执行" in html and 'aria-invalid="true"' in html
    assert states(session, item) == ["received"]


def test_confirmed_run_changes_counts_and_keeps_the_filters(session, client, post_form, new_item, triager, login):
    waiting, _ = new_item(channel="phone")
    spam, _ = new_item(channel="phone")
    workflow.apply(session, spam, "spam", triager, CLOCKS)
    login(triager)
    response = post_form("/staff/queue/bulk/run", {"action": "accept", "item_ids": [str(waiting.id), str(spam.id)],
                                                   "channel": "phone", "sort": "-received", "confirm": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/queue?channel=phone&sort=-received")
    html = html_of(client.get(response.headers["Location"]))
    assert "已处理1件，跳过1件。" in html and f"{spam.case_number} 已跳过：当前状态为“无效件”" in html
    assert states(session, waiting, spam) == ["accepted", "spam"]


def test_bulk_reject_asks_for_the_reason_on_the_confirmation_page(session, client, post_form, new_item, triager,
                                                                  login):
    item, _ = new_item()
    login(triager)
    html = html_of(post_form("/staff/queue/bulk", {"action": "reject", "item_ids": [str(item.id)]}))
    assert 'name="reason"' in html and "不予受理的理由" in html
    refused = html_of(post_form("/staff/queue/bulk/run", {"action": "reject", "item_ids": [str(item.id)],
                                                          "confirm": "1"}), 422)
    assert "需要填写理由" in refused and 'id="bulk-reason-error"' in refused
    post_form("/staff/queue/bulk/run", {"action": "reject", "item_ids": [str(item.id)], "reason": "不属于受理范围",
                                        "confirm": "1"})
    assert states(session, item) == ["not_accepted"]


def test_bulk_assign_says_which_waiting_items_it_would_accept(session, client, post_form, new_item, triager, login):
    office = department_named(session, "办公室")
    waiting, _ = new_item()
    accepted, _ = new_item()
    workflow.apply(session, accepted, "accept", triager, CLOCKS)
    login(triager)
    ids = [str(waiting.id), str(accepted.id)]
    html = html_of(post_form("/staff/queue/bulk", {"action": "assign", "item_ids": ids}))
    assert "待分办的件（1件）：先受理再交办" in html and "不勾选则跳过，保持待分办" in html
    assert 'name="accept_waiting"' in html and 'name="department"' in html
    post_form("/staff/queue/bulk/run", {"action": "assign", "item_ids": ids, "department": str(office.id),
                                        "confirm": "1"})
    assert states(session, waiting, accepted) == ["received", "handling"]
    post_form("/staff/queue/bulk/run", {"action": "assign", "item_ids": ids, "department": str(office.id),
                                        "accept_waiting": "1", "confirm": "1"})
    assert states(session, waiting, accepted) == ["handling", "handling"]


def test_bulk_link_searches_targets_on_the_confirmation_page(session, client, post_form, new_item, triager, login,
                                                             app, small_campaign):
    app.config["DEFAULT_CAMPAIGN"] = small_campaign.slug
    item, _ = new_item(campaign_id=small_campaign.id)
    login(triager)
    html = html_of(post_form("/staff/queue/bulk", {"action": "link", "item_ids": [str(item.id)], "link_q": "2-"}))
    assert re.search(r'<input type="radio" id="candidate-\d+" name="target" value="2-1">', html)
    assert 'formaction="/staff/queue/bulk"' in html
    post_form("/staff/queue/bulk/run", {"action": "link", "item_ids": [str(item.id)], "target": "2-1",
                                        "confirm": "1"})
    session.expire_all()
    assert session.scalars(select(FeedbackLink.item_id)).all() == [item.id]


def test_select_all_matching_runs_on_the_filter_server_side(session, client, post_form, new_item, triager, login):
    phones = [new_item(channel="phone")[0] for _ in range(3)]
    web, _ = new_item()
    login(triager)
    html = html_of(post_form("/staff/queue/bulk", {"action": "spam", "scope": "all", "channel": "phone"}))
    assert "共选择3件" in html and 'name="scope" value="all"' in html and 'name="item_ids"' not in html
    post_form("/staff/queue/bulk/run", {"action": "spam", "scope": "all", "channel": "phone", "confirm": "1"})
    assert states(session, *phones, web) == ["spam", "spam", "spam", "received"]


def test_nothing_chosen_goes_back_to_the_queue_saying_so(session, client, post_form, triager, login):
    login(triager)
    response = post_form("/staff/queue/bulk", {"action": "accept", "state": "received"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/queue?state=received")
    assert "请至少选择一件" in html_of(client.get(response.headers["Location"]))


def test_other_roles_are_refused_and_nothing_changes(session, client, post_form, new_item, make_user, login):
    item, _ = new_item()
    login(make_user("research"))
    for url in ("/staff/queue/bulk", "/staff/queue/bulk/run"):
        response = post_form(url, {"action": "accept", "item_ids": [str(item.id)], "confirm": "1"})
        assert response.status_code == 403
    assert states(session, item) == ["received"]
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "item.accept")).all() == []


def test_unreadable_ids_with_a_field_missing_go_back_to_the_queue(session, client, post_form, triager, login):
    login(triager)
    response = post_form("/staff/queue/bulk/run", {"action": "assign", "item_ids": "²", "confirm": "1"})
    assert response.status_code == 302 and "请至少选择一件" in html_of(client.get(response.headers["Location"]))
