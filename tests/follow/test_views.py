"""The follow pages: the form on every target, the same answer whatever the address, GET never changing anything,
the one-click unsubscribe POST without a CSRF token, clear 4xx pages for bad and expired links, the manage page,
the opinion form's tick, and Atom feeds linked from the pages' heads."""
from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from portal.models import AuditEvent, FollowSubscription, OutboxMessage
from portal.models import utcnow
from portal.services.follow import sender, tokens
from tests.follow.conftest import change_ledger, follow

MEASURE = "/follow?campaign=test-2020&measure=1-2"
ATOM = "{http://www.w3.org/2005/Atom}"


def subscribe(post_form, email: str = "li@example.org", frequency: str = "immediate", **target):
    data = {"email": email, "frequency": frequency, "campaign": "test-2020", **(target or {"measure": "1-2"})}
    return post_form("/follow", data, page=MEASURE)


def confirm_path(session) -> str:
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "follow_confirm")
                              .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"http://[^/]+(/follow/confirm/\S+)", message.body_text).group(1)


def test_measure_problem_and_campaign_pages_offer_to_follow_and_link_their_feed(client, ledger):
    for page, follow_url, feed in (
            ("/campaigns/test-2020/measures/1-2", "/follow?campaign=test-2020&amp;measure=1-2",
             "/campaigns/test-2020/measures/1-2/feed.atom"),
            ("/campaigns/test-2020/problems/1", "/follow?campaign=test-2020&amp;problem=1",
             "/campaigns/test-2020/problems/1/feed.atom"),
            ("/campaigns/test-2020/", "/follow?campaign=test-2020", "/campaigns/test-2020/feed.atom")):
        html = client.get(page).get_data(as_text=True)
        assert f'href="{follow_url}"' in html, page
        assert re.search(rf'<link rel="alternate" type="application/atom\+xml" href="{re.escape(feed)}"', html), page


def test_the_form_names_its_target_and_an_unknown_one_is_404(client, ledger):
    assert "关注整改措施1-2" in client.get(MEASURE).get_data(as_text=True)
    assert client.get("/follow?campaign=test-2020&measure=9-9").status_code == 404
    assert client.get("/follow?campaign=test-2020&problem=abc").status_code == 404


def test_subscribing_answers_the_same_whether_or_not_the_address_already_follows(client, session, post_form, ledger,
                                                                                 settings):
    first = subscribe(post_form)
    assert first.status_code == 303 and first.headers["Location"] == "/follow/sent"
    page = client.get("/follow/sent").get_data(as_text=True)
    follow(session, settings, ledger, "old@example.org", measure="1-2")
    again = subscribe(post_form, "old@example.org")
    assert again.status_code == 303 and again.headers["Location"] == "/follow/sent"
    assert client.get("/follow/sent").get_data(as_text=True) == page
    assert "old@example.org" not in page and "li@example.org" not in page


def test_a_bad_address_is_shown_next_to_the_field(client, post_form, ledger, session):
    response = subscribe(post_form, "not an address")
    assert response.status_code == 422
    assert "电子邮箱格式不正确" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(FollowSubscription)) == 0


def test_the_form_is_rate_limited(app, client, post_form, ledger):
    app.config["FOLLOW_RATE_LIMIT"] = "2 per minute"
    assert [subscribe(post_form, f"a{i}@example.org").status_code for i in range(3)] == [303, 303, 429]


def test_confirming_takes_a_post_after_the_get_shows_a_button(client, session, post_form, ledger):
    subscribe(post_form, frequency="weekly")
    path = confirm_path(session)
    page = client.get(path)
    assert page.status_code == 200 and "确认关注" in page.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(FollowSubscription.state)) == "pending"
    assert post_form(path, page=path).status_code == 200
    session.expire_all()
    assert session.scalar(select(FollowSubscription.frequency)) == "weekly"
    assert session.scalar(select(FollowSubscription.state)) == "active"


@pytest.mark.parametrize("path", ["/follow/confirm/nonsense", "/follow/unsubscribe/nonsense",
                                  "/follow/manage/nonsense", "/follow/unsubscribe/MQ.abc"])
def test_bad_links_get_a_clear_404_page(client, ledger, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "链接无效" in response.get_data(as_text=True)


def test_an_expired_confirmation_link_is_410(client, session, post_form, ledger, monkeypatch):
    subscribe(post_form)
    monkeypatch.setattr(tokens, "CONFIRM_SECONDS", -1)
    response = client.get(confirm_path(session))
    assert response.status_code == 410 and "已过期" in response.get_data(as_text=True)


def test_one_click_unsubscribe_is_a_post_without_a_csrf_token_or_login(client, session, settings, ledger):
    subscription = follow(session, settings, ledger, "li@example.org", measure="1-2")
    path = f"/follow/unsubscribe/{tokens.unsubscribe_token(settings.key, subscription.id)}"
    page = client.get(path)
    assert page.status_code == 200 and "退订" in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(FollowSubscription, subscription.id).state == "active"
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    session.expire_all()
    assert session.get(FollowSubscription, subscription.id).state == "unsubscribed"
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "follow.unsubscribe")).one()
    assert audit.details == {"how": "one_click"}
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_the_manage_page_lists_the_addresss_follows_without_showing_it(client, session, settings, post_form,
                                                                       ledger):
    first = follow(session, settings, ledger, "li@example.org", measure="1-2")
    follow(session, settings, ledger, "li@example.org", problem="2")
    follow(session, settings, ledger, "someone@example.org", problem="1")
    path = f"/follow/manage/{tokens.manage_token(settings.key, first.id)}"
    html = client.get(path).get_data(as_text=True)
    assert "整改措施1-2" in html and "问题2" in html and "问题1<" not in html
    assert "li@example.org" not in html and "someone" not in html
    assert post_form(path, {"subscription": str(first.id), "action": "weekly"}, page=path).status_code == 303
    session.expire_all()
    assert session.get(FollowSubscription, first.id).frequency == "weekly"


def test_the_opinion_forms_tick_sends_one_confirmation_for_the_linked_measure(client, session, post_form, ledger):
    response = post_form("/feedback", {"kind": "suggestion", "content": "建议尽快完成议题审核机制的建立。", "consent": "y",
                                       "email": "citizen@example.org", "target": "1-2", "campaign": "test-2020",
                                       "follow_measures": "y"}, page="/feedback?campaign=test-2020")
    assert response.status_code == 303
    subscription = session.scalar(select(FollowSubscription))
    assert (subscription.email, subscription.state) == ("citizen@example.org", "pending")
    kinds = sorted(session.scalars(select(OutboxMessage.kind)))
    assert kinds == ["ack", "follow_confirm"]


def test_without_the_tick_nothing_is_followed(client, session, post_form, ledger):
    post_form("/feedback", {"kind": "suggestion", "content": "建议尽快完成议题审核机制的建立。", "consent": "y",
                            "email": "citizen@example.org", "target": "1-2", "campaign": "test-2020"},
              page="/feedback?campaign=test-2020")
    assert session.scalar(select(func.count()).select_from(FollowSubscription)) == 0


def test_feeds_are_atom_with_stable_entry_ids_and_no_personal_data(app, client, session, settings, ledger, tmp_path):
    follow(session, settings, ledger, "li@example.org", measure="1-2")
    change_ledger(session, ledger, tmp_path, "1-2")
    sender.run(app.extensions["portal.db"], settings, utcnow())
    for path, entries in (("/campaigns/test-2020/measures/1-2/feed.atom", 3),
                          ("/campaigns/test-2020/problems/1/feed.atom", 3),
                          ("/campaigns/test-2020/problems/2/feed.atom", 0), ("/campaigns/test-2020/feed.atom", 3)):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "application/atom+xml"
        body = response.get_data(as_text=True)
        assert "li@example.org" not in body
        feed = ElementTree.fromstring(response.data)
        assert feed.tag == f"{ATOM}feed"
        for name in ("id", "title", "updated"):
            assert feed.find(f"{ATOM}{name}").text, name
        assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith(path)
        found = feed.findall(f"{ATOM}entry")
        assert len(found) == entries, path
        for entry in found:
            assert all(entry.find(f"{ATOM}{name}") is not None for name in ("id", "title", "updated", "link"))
        assert [e.find(f"{ATOM}id").text for e in ElementTree.fromstring(client.get(path).data).findall(
            f"{ATOM}entry")] == [e.find(f"{ATOM}id").text for e in found]
    assert client.get("/campaigns/test-2020/measures/9-9/feed.atom").status_code == 404
    refresh()  # the requests share the test's app context, where Flask-Babel keeps the locale it chose
    english = client.get("/campaigns/test-2020/measures/1-2/feed.atom", headers={"Accept-Language": "en"})
    assert "Measure 1-2" in english.get_data(as_text=True)
