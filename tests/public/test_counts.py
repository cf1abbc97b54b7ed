"""Problem and measure pages show how many opinions came in and were answered: numbers, never content."""
from __future__ import annotations

import re

import pytest
from flask import current_app

from portal.services.replies import drafting as replies
from portal.services.common.clocks import ClockSettings
from portal.services.accounts.users import department_named
from portal.services.feedback.workflow import apply

SECRET = "举报人张三反映：食堂账目未公开"


@pytest.fixture
def opinions(session, small_campaign, new_item, make_user):
    """Two opinions on measure 1-2 (one answered), one on problem 1 itself, one on problem 2."""
    triager, research = make_user("triager"), make_user("research")
    make_user("handler", department="办公室")
    clocks = ClockSettings()

    def opinion(target: str):
        item, _ = new_item(content=f"{SECRET}（{target}）", targets=[target], campaign_id=small_campaign.id)
        return item

    answered = opinion("1-2")
    opinion("1-2")
    opinion("1")
    opinion("2-1")
    apply(session, answered, "accept", triager, clocks)
    apply(session, answered, "assign", triager, clocks, department=department_named(session, "办公室"))
    reply = replies.start_draft(session, research, answered, "答复：账目已于3月公开。", clocks)
    replies.submit(session, research, reply)
    replies.approve(session, research, reply, replies.ReplySettings.from_config(current_app.config), confirmed=True)
    session.commit()
    return small_campaign


def counts_in(html: str) -> tuple[int, int]:
    match = re.search(r"收到意见 (\d+) 件，已答复 (\d+) 件", html)
    assert match, "no counts on the page"
    return int(match.group(1)), int(match.group(2))


def test_problem_page_counts_its_own_and_its_measures_opinions(client, opinions):
    html = client.get("/campaigns/t/problems/1").get_data(as_text=True)
    assert counts_in(html) == (3, 1)
    assert 'href="/feedback?campaign=t&amp;problem=1"' in html


def test_measure_page_counts_only_that_measure(client, opinions):
    html = client.get("/campaigns/t/measures/1-2").get_data(as_text=True)
    assert counts_in(html) == (2, 1)
    assert 'href="/feedback?campaign=t&amp;measure=1-2"' in html
    assert counts_in(client.get("/campaigns/t/measures/1-1").get_data(as_text=True)) == (0, 0)


@pytest.mark.parametrize("page", ["/campaigns/t/problems/1", "/campaigns/t/problems/2", "/campaigns/t/measures/1-2"])
def test_pages_show_no_content_of_any_opinion(client, opinions, page):
    html = client.get(page).get_data(as_text=True)
    assert "张三" not in html and "食堂" not in html and "账目" not in html


def test_the_link_from_a_measure_page_opens_the_form_with_it_chosen(client, opinions):
    html = client.get("/feedback?campaign=t&measure=1-2").get_data(as_text=True)
    assert re.search(r'<option selected value="1-2">', html)
