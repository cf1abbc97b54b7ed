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
    def make(accepted: datetime, sent: datetime, consent: bool = True, text: str = ANSWER, targets=("2-1",),
             content: str = CONTENT):
        item, _ = new_item(contact=CONTACT, consent_publish=consent, campaign_id=small_campaign.id,
                           targets=list(targets), content=content, received_at=accepted - timedelta(days=1))
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


def test_the_redacted_question_is_shown_above_the_answer_and_never_the_submitters_data(client, session, staff,
                                                                                       answered):
    _, reply = answered(datetime(2021, 3, 1, 2, tzinfo=UTC), datetime(2021, 3, 31, 2, tzinfo=UTC))
    publish(session, staff, reply)
    assert reply.public_question == "举报人张**反映：食堂账目未公开，请核查。"
    html = client.get("/answers").get_data(as_text=True)
    assert "来信内容（已遮盖个人信息）" in html
    assert html.index("举报人张**反映：食堂账目未公开，请核查。") < html.index("经核查，食堂账目已于2021年3月底公开。")
    assert "张三丰" not in html and CONTENT not in html


def test_a_question_left_empty_by_the_research_office_publishes_the_answer_alone(client, session, staff, answered):
    _, reply = answered(datetime(2021, 3, 1, 2, tzinfo=UTC), datetime(2021, 3, 31, 2, tzinfo=UTC))
    publication.propose(session, staff.research, reply)
    publication.save_text(session, staff.research, reply, "经核查，账目已公开。", question="  ")
    publication.publish(session, staff.research, reply, confirmed=True, spans_checked=False)
    session.commit()
    html = client.get("/answers").get_data(as_text=True)
    assert "经核查，账目已公开。" in html and "来信内容（已遮盖个人信息）" not in html and "食堂账目未公开" not in html


def test_a_question_still_holding_the_submitters_name_is_not_published(session, staff, answered):
    _, reply = answered(datetime(2021, 3, 1, 2, tzinfo=UTC), datetime(2021, 3, 31, 2, tzinfo=UTC))
    publication.propose(session, staff.research, reply)
    publication.save_text(session, staff.research, reply, "经核查，账目已公开。", question="张三丰反映食堂账目。")
    with pytest.raises(publication.PublicationError) as refused:
        publication.publish(session, staff.research, reply, confirmed=True, spans_checked=True)
    assert refused.value.field == "public_question" and reply.publish_status == "proposed"


@pytest.fixture
def three_answers(session, staff, answered, make_user):
    """Answers about measure 2-1 (办公室, 31 March), 1-1 (办公室, 30 April) and problem 3 (组织部, 31 May 2021)."""
    first = answered(datetime(2021, 3, 1, 2, tzinfo=UTC), datetime(2021, 3, 31, 2, tzinfo=UTC), text="甲答复。")[1]
    second = answered(datetime(2021, 4, 1, 2, tzinfo=UTC), datetime(2021, 4, 30, 2, tzinfo=UTC), text="乙答复。",
                      targets=("1-1",))[1]
    third = answered(datetime(2021, 5, 1, 2, tzinfo=UTC), datetime(2021, 5, 31, 2, tzinfo=UTC), text="丙答复。",
                     targets=("3",))[1]
    third.department_id = staff.outsider.department_id
    for reply in (first, second, third):
        publish(session, staff, reply)
    return first, second, third


@pytest.mark.parametrize(("query", "shown"), [
    ("", "甲乙丙"), ("measure=2-1", "甲"), ("measure=2%E2%80%941", "甲"), ("problem=2", "甲"), ("problem=1", "乙"),
    ("problem=3", "丙"), ("measure=2-2", ""), ("from=2021-04-01", "乙丙"), ("to=2021-04-30", "甲乙"),
    ("from=2021-04-30&to=2021-04-30", "乙"), ("campaign=t&measure=1-1", "乙"),
    ("from=0001-01-01&to=9999-12-31", "甲乙丙"),
])
def test_answers_are_filtered_by_problem_measure_and_reply_date(client, three_answers, query, shown):
    response = client.get(f"/answers?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "".join(word for word in "甲乙丙" if f"{word}答复。" in html) == shown
    if not shown:
        assert "没有符合筛选条件的公开答复" in html


def test_answers_are_filtered_by_department_chosen_from_those_that_answered(client, staff, three_answers):
    html = client.get("/answers").get_data(as_text=True)
    assert f'<option value="{staff.office.id}" lang="zh-Hans">办公室</option>' in html and ">组织部</option>" in html
    html = client.get(f"/answers?department={staff.outsider.department_id}").get_data(as_text=True)
    assert "丙答复。" in html and "甲答复。" not in html and "selected>组织部" in html


@pytest.mark.parametrize(("query", "message"), [
    ("from=2021-13-01", "请按“2021-03-31”的格式填写日期。"), ("to=31.3.2021", "请按“2021-03-31”的格式填写日期。"),
    ("from=2021-05-01&to=2021-04-01", "结束日期不能早于开始日期。"), ("problem=abc", "问题编号应为数字，如 35。"),
    ("measure=" + "1" * 40, "措施编号应如 35-2。"),
])
def test_a_wrong_filter_is_refused_with_a_message_beside_it(client, three_answers, query, message):
    response = client.get(f"/answers?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html and 'class="error-summary"' in html
    assert 'aria-invalid="true"' in html and "甲答复。" not in html


def test_filters_are_kept_in_the_pagination_links(app, client, session, staff, answered):
    app.config["PAGE_SIZE"] = 1
    for n in range(2):
        _, reply = answered(datetime(2021, 3, 1 + n, 2, tzinfo=UTC), datetime(2021, 3, 20 + n, 2, tzinfo=UTC),
                            text=f"第{n + 1}号答复。")
        publish(session, staff, reply)
    html = client.get("/answers?measure=2-1").get_data(as_text=True)
    assert 'href="/answers?page=2&amp;measure=2-1"' in html


def test_problem_and_measure_pages_list_their_published_answers(client, session, staff, three_answers):
    first = three_answers[0]
    measure = client.get("/campaigns/t/measures/2-1").get_data(as_text=True)
    assert "甲答复。" in measure and "乙答复。" not in measure
    assert f'href="/answers?answer={first.id}"' in measure
    assert 'href="/answers?campaign=t&amp;measure=2-1">查看全部1件公开的答复' in measure
    problem = client.get("/campaigns/t/problems/2").get_data(as_text=True)
    assert "甲答复。" in problem and 'href="/answers?campaign=t&amp;problem=2"' in problem
    assert "暂无公开的答复。" in client.get("/campaigns/t/measures/2-2").get_data(as_text=True)
    one = client.get(f"/answers?answer={first.id}").get_data(as_text=True)
    assert "甲答复。" in one and "乙答复。" not in one
