"""我的视图: saved queue views belong to one user, are listed above the queue, deleted with a confirmation, audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, SavedQueueView
from portal.services.feedback import saved_views
from portal.services.feedback.queue import QueueFilters


def html_of(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def test_a_view_keeps_filters_sort_and_search_and_is_audited(session, triager):
    view = saved_views.save_view(session, triager, "  来电  待分办 ", QueueFilters(channel="phone", q="整改",
                                                                                 sort="-received"))
    assert view.name == "来电 待分办"
    assert saved_views.filters_of(view) == QueueFilters(channel="phone", q="整改", sort="-received")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "queue_view.save"))
    assert event.object_id == view.id and event.details["name"] == "来电 待分办"


def test_stored_values_are_cleaned_again_when_used(session, triager):
    view = SavedQueueView(user_id=triager.id, name="旧", query={"sort": "bogus", "channel": "fax", "state": "spam"})
    assert saved_views.filters_of(view) == QueueFilters(state="spam")


@pytest.mark.parametrize(("name", "filters", "message"), [
    ("", QueueFilters(channel="phone"), "请填写视图名称"),
    ("名" * 41, QueueFilters(channel="phone"), "不能超过40个字"),
    ("全部", QueueFilters(), "请先设置筛选"),
])
def test_a_view_needs_a_name_and_something_to_keep(session, triager, name, filters, message):
    with pytest.raises(saved_views.ViewError, match=message):
        saved_views.save_view(session, triager, name, filters)


def test_names_are_unique_per_user_and_views_are_limited(session, triager, make_user, monkeypatch):
    saved_views.save_view(session, triager, "来电", QueueFilters(channel="phone"))
    with pytest.raises(saved_views.ViewError, match="已有名为“来电”"):
        saved_views.save_view(session, triager, "来电", QueueFilters(channel="letter"))
    saved_views.save_view(session, make_user("triager"), "来电", QueueFilters(channel="phone"))
    monkeypatch.setattr(saved_views, "MAX_VIEWS", 1)
    with pytest.raises(saved_views.ViewError, match="最多保存1个视图"):
        saved_views.save_view(session, triager, "来信", QueueFilters(channel="letter"))


def test_each_user_sees_and_deletes_only_their_own(session, triager, make_user):
    other = make_user("supervisor")
    mine = saved_views.save_view(session, triager, "来电", QueueFilters(channel="phone"))
    theirs = saved_views.save_view(session, other, "逾期", QueueFilters(overdue=True))
    assert saved_views.user_views(session, triager) == [mine]
    with pytest.raises(saved_views.ViewNotFound):
        saved_views.delete_view(session, triager, theirs.id)
    saved_views.delete_view(session, triager, mine.id)
    assert saved_views.user_views(session, triager) == [] and saved_views.user_views(session, other) == [theirs]
    deleted = session.scalar(select(AuditEvent.details).where(AuditEvent.action == "queue_view.delete"))
    assert deleted == {"name": "来电"}


def test_saving_over_http_lists_the_view_above_the_queue(session, client, post_form, triager, login):
    login(triager)
    response = post_form("/staff/queue/views", {"view_name": "来电按收到排序", "channel": "phone", "sort": "received"},
                         page="/staff/queue")
    assert response.status_code == 302 and response.headers["Location"].endswith("?channel=phone&sort=received")
    html = html_of(client.get("/staff/queue"))
    assert "已保存视图“来电按收到排序”" in html
    assert '<a href="/staff/queue?channel=phone&amp;sort=received">来电按收到排序</a>' in html
    assert html.index("我的视图") < html.index('class="state-tabs"')


def test_the_save_form_appears_only_when_something_is_set_and_errors_show_beside_it(session, client, post_form,
                                                                                     triager, login):
    login(triager)
    assert 'name="view_name"' not in html_of(client.get("/staff/queue"))
    assert 'name="view_name"' in html_of(client.get("/staff/queue?overdue=1"))
    html = html_of(post_form("/staff/queue/views", {"view_name": " ", "overdue": "1"}, page="/staff/queue"), 422)
    assert 'id="view-name-error"' in html and "请填写视图名称" in html


def test_delete_needs_the_confirmation_and_another_users_view_is_not_found(session, client, post_form, triager,
                                                                           make_user, login):
    other = make_user("triager")
    mine = saved_views.save_view(session, triager, "我的来电视图", QueueFilters(channel="phone"))
    theirs = saved_views.save_view(session, other, "别人的来信视图", QueueFilters(channel="letter"))
    session.commit()
    login(triager)
    html = html_of(client.get("/staff/queue"))
    assert "我的来电视图" in html and "别人的来信视图" not in html and 'name="confirm"' in html
    post_form(f"/staff/queue/views/{mine.id}/delete", {}, page="/staff/queue")
    assert session.get(SavedQueueView, mine.id) is not None
    assert post_form(f"/staff/queue/views/{theirs.id}/delete", {"confirm": "1"},
                     page="/staff/queue").status_code == 404
    post_form(f"/staff/queue/views/{mine.id}/delete", {"confirm": "1"}, page="/staff/queue")
    session.expire_all()
    assert session.get(SavedQueueView, mine.id) is None and session.get(SavedQueueView, theirs.id) is not None
