"""/answers: consented, redacted answers with 受理日期、答复日期、答复部门、答复内容 and measure links; nothing personal."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.services.replies import publication, drafting as replies
from portal.services.feedback import workflow
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.intake import Contact

CLOCKS = ClockSettings()
CONTACT = Contact(name="张三丰", phone="13812341762", email="zhangsan@163.com", address="兰州市城关区东岗西路123号")
CONTENT = "举报人张三丰反映：食堂账目未公开，请核查。"
ANSWER = "张三丰同志：经核查，食堂账目已于2021年3月底公开。联系电话13812341762。"


@pytest.fixture
def answered(app, session, new_item, staff, small_campaign):
    """Factory: an opinion on measure 2-1 accepted on `accepted`, answered on `sent` (consent as given)."""
    def make(accepted: datetime, sent: datetime, consent: bool = True, text: str = ANSWER):
        item, _ = new_item(contact=CONTACT, consent_publish=consent, campaign_id=small_campaign.id, targets=["2-1"],
                           content=CONTENT, received_at=accepted - timedelta(days=1))
        workflow.apply(session, item, "accept", staff.triager, CLOCKS, now=accepted)
        workflow.apply(session, item, "assign", staff.triager, CLOCKS, department=staff.office.id)
        reply = replies.start_draft(session, staff.handler, item, text, CLOCKS)
        replies.submit(session, staff.handler, reply)
        replies.approve(session, staff.research, reply, replies.ReplySettings.from_config(app.config), confirmed=True, now=sent)
        return item, reply
    return make


def publish(session, staff, reply):
    publication.propose(session, staff.research, reply)
    publication.publish(session, staff.research, reply, confirmed=True, spans_checked=False)
    session.commit()


def test_empty_page_says_so_and_the_nav_links_to_it(client, session):
    html = client.get("/answers").get_data(as_text=True)
    assert "暂无公开的答复" in html and 'href="/answers" aria-current="page"' in html
    assert 'href="/answers"' in client.get("/contact").get_data(as_text=True)


def test_published_answer_shows_dates_department_text_and_measure_link_but_nothing_personal(
        client, session, staff, answered):
    item, reply = answered(datetime(2021, 3, 1, 2, tzinfo=UTC), datetime(2021, 3, 31, 2, tzinfo=UTC))
    publish(session, staff, reply)
    html = client.get("/answers").get_data(as_text=True)
    for words in ("受理日期", "2021年3月1日", "答复日期", "2021年3月31日", "答复部门", "办公室",
                  "经核查，食堂账目已于2021年3月底公开。", 'href="/campaigns/t/measures/2-1"', "张**同志", "138****1762"):
        assert words in html, words
    for secret in ("张三丰", "13812341762", "zhangsan", "东岗西路", CONTENT, item.case_number):
        assert secret not in html, secret
    assert not re.search(r'\sstyle="', html) and "<script" not in html


def test_a_sent_answer_is_not_public_until_the_research_office_publishes_it(client, session, staff, answered):
    answered(datetime(2021, 3, 1, 2, tzinfo=UTC), datetime(2021, 3, 31, 2, tzinfo=UTC))
    session.commit()
    assert "经核查" not in client.get("/answers").get_data(as_text=True)


def test_the_research_office_publishes_and_withdraws_over_http(client, session, post_form, login, staff, answered):
    item, reply = answered(datetime(2021, 3, 1, 2, tzinfo=UTC), datetime(2021, 3, 31, 2, tzinfo=UTC))
    reply_url = f"/staff/items/{item.case_number}/replies/{reply.id}"
    login(staff.handler)
    assert client.get(reply_url + "/publication").status_code == 403
    login(staff.research)
    assert 'href="' + reply_url + '/publication"' in client.get(reply_url).get_data(as_text=True)
    before = client.get(reply_url + "/publication").get_data(as_text=True)
    assert "<mark>张三丰<span" in before and "<mark>13812341762<span" in before
    assert post_form(reply_url + "/publication/propose", page=reply_url + "/publication").status_code == 302
    proposed = client.get(reply_url + "/publication").get_data(as_text=True)
    assert "张**同志：经核查" in proposed and 'name="public_text"' in proposed
    leaking = post_form(reply_url + "/publication/text", {"public_text": "张三丰同志：已公开。"},
                        page=reply_url + "/publication")
    assert leaking.status_code == 302
    refused = post_form(reply_url + "/publication/publish", {"confirm": "1"}, page=reply_url + "/publication")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="public-text-error"' in body and "仍有提交人的姓名" in body
    post_form(reply_url + "/publication/text", {"public_text": "经核查，账目已公开。"}, page=reply_url + "/publication")
    assert post_form(reply_url + "/publication/publish", {"confirm": "1"},
                     page=reply_url + "/publication").status_code == 302
    assert "经核查，账目已公开。" in client.get("/answers").get_data(as_text=True)
    assert post_form(reply_url + "/publication/unpublish", {"confirm": "1"},
                     page=reply_url + "/publication").status_code == 302
    assert "经核查，账目已公开。" not in client.get("/answers").get_data(as_text=True)


def test_unpublished_or_unconsented_answers_are_not_listed(client, session, staff, answered):
    _, shown = answered(datetime(2021, 3, 1, 2, tzinfo=UTC), datetime(2021, 3, 31, 2, tzinfo=UTC),
                        text="第一件的答复。")
    withdrawn_item, withdrawn = answered(datetime(2021, 3, 2, 2, tzinfo=UTC), datetime(2021, 4, 1, 2, tzinfo=UTC),
                                         text="第二件的答复。")
    answered(datetime(2021, 3, 3, 2, tzinfo=UTC), datetime(2021, 4, 2, 2, tzinfo=UTC), consent=False,
             text="第三件的答复。")
    publish(session, staff, shown)
    publish(session, staff, withdrawn)
    publication.unpublish(session, staff.research, withdrawn, confirmed=True)
    session.commit()
    html = client.get("/answers").get_data(as_text=True)
    assert "第一件的答复。" in html and "第二件的答复。" not in html and "第三件的答复。" not in html


def test_answers_are_paged_newest_first(app, client, session, staff, answered):
    app.config["PAGE_SIZE"] = 2
    start = datetime(2021, 3, 1, 2, tzinfo=UTC)
    for n in range(3):
        _, reply = answered(start + timedelta(days=n), start + timedelta(days=20 + n), text=f"第{n + 1}号答复。")
        publish(session, staff, reply)
    first = client.get("/answers").get_data(as_text=True)
    assert first.index("第3号答复。") < first.index("第2号答复。") and "第1号答复。" not in first
    assert 'href="/answers?page=2"' in first and "共3件" in first
    second = client.get("/answers?page=2").get_data(as_text=True)
    assert "第1号答复。" in second and 'href="/answers?page=1"' in second
    assert client.get("/answers?page=3").status_code == 404
    assert client.get("/answers?page=0").status_code == 404
