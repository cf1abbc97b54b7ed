"""满意度: the signed link, one rating per answer changeable within the review window, GET never records, 不满意."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from portal.models import AnswerRating, AuditEvent, OutboxMessage
from portal.services.feedback import workflow, workspace
from portal.services.feedback.intake import Contact
from portal.services.satisfaction import ratings
from portal.services.satisfaction.links import email_links, rating_link, token_for
from tests.conftest import csrf_token
from tests.satisfaction.conftest import CLOCKS

NOW = datetime.now(UTC)


def count_ratings(session) -> int:
    return session.scalar(select(func.count(AnswerRating.id)))


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(("/", ""))


def test_a_token_is_bound_to_its_sent_reply_and_forgeries_point_nowhere(session, answered, rating_settings):
    item, reply = answered()
    token = token_for(reply.id, rating_settings.key)
    found = ratings.target(session, token, rating_settings)
    assert found is not None and found.reply is reply and found.item is item and found.is_open
    assert found.open_until == CLOCKS.local_date(reply.sent_at) + timedelta(days=30)
    other_item, other = answered(content="另一件意见，请尽快办理答复。")
    forged = [token[:-1] + ("A" if token[-1] != "A" else "B"), token.replace(".", ".x", 1), "",
              token_for(reply.id, "another-key"),
              URLSafeSerializer(rating_settings.key, salt="account-token").dumps({"reply": reply.id}),
              URLSafeSerializer(rating_settings.key, salt="answer-rating").dumps({"reply": "1"}),
              URLSafeSerializer(rating_settings.key, salt="answer-rating").dumps([reply.id])]
    assert [ratings.target(session, bad, rating_settings) for bad in forged] == [None] * len(forged)
    assert ratings.target(session, token_for(other.id, rating_settings.key), rating_settings).reply is other
    assert ratings.target(session, token_for(other.id + 100, rating_settings.key), rating_settings) is None


def test_a_reply_not_yet_sent_cannot_be_rated(session, new_item, staff, rating_settings):
    from portal.services.replies import drafting
    item, _ = new_item()
    workflow.apply(session, item, "accept", staff.triager, CLOCKS)
    workflow.apply(session, item, "assign", staff.triager, CLOCKS, department=staff.office.id)
    draft = drafting.start_draft(session, staff.handler, item, "草稿。", CLOCKS)
    assert ratings.target(session, token_for(draft.id, rating_settings.key), rating_settings) is None


def test_one_rating_per_answer_changed_within_the_window_and_audited_without_the_comment(session, answered,
                                                                                      rating_settings):
    item, reply = answered()
    token = token_for(reply.id, rating_settings.key)
    first = ratings.rate(session, ratings.target(session, token, rating_settings), "unsatisfied",
                         "  答复没有说明完成时间。 ", "email", now=NOW)
    assert (first.level, first.comment, first.source, first.rated_at, first.updated_at) == (
        "unsatisfied", "答复没有说明完成时间。", "email", NOW, None)
    later = NOW + timedelta(days=3)
    again = ratings.rate(session, ratings.target(session, token, rating_settings, now=later), "basically_satisfied",
                         "", "web", now=later)
    assert again is first and count_ratings(session) == 1
    assert (again.level, again.comment, again.source, again.rated_at, again.updated_at) == (
        "basically_satisfied", None, "web", NOW, later)
    events = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "answer_rating")
                             .order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_label, e.item_id, e.details["level"], e.details.get("previous_level"))
            for e in events] == [
        ("rating.record", "群众", item.id, "unsatisfied", None),
        ("rating.change", "群众", item.id, "basically_satisfied", "unsatisfied")]
    assert "答复没有说明完成时间" not in repr([e.details for e in events])


def test_ratings_are_refused_after_the_review_window_and_for_bad_input(session, answered, rating_settings):
    _, old = answered(sent_at=NOW - timedelta(days=32))
    found = ratings.target(session, token_for(old.id, rating_settings.key), rating_settings)
    assert found is not None and not found.is_open
    with pytest.raises(ratings.RatingError, match="已超过答复后的评价期限"):
        ratings.rate(session, found, "satisfied", "", "web")
    _, fresh = answered(content="第二件意见，请尽快办理答复。")
    found = ratings.target(session, token_for(fresh.id, rating_settings.key), rating_settings)
    with pytest.raises(ratings.RatingError, match="请选择满意、基本满意或不满意") as error:
        ratings.rate(session, found, "very_satisfied", "", "web")
    assert error.value.field == "level"
    with pytest.raises(ratings.RatingError, match="意见不能超过500个字") as error:
        ratings.rate(session, found, "satisfied", "长" * 501, "web")
    assert error.value.field == "comment" and count_ratings(session) == 0
    assert ratings.rate(session, found, "satisfied", "长" * 500, "web").comment == "长" * 500


def test_get_shows_the_chosen_level_and_records_nothing(client, session, answered, rating_settings):
    _, reply = answered()
    session.commit()
    url = email_links(reply, rating_settings)["unsatisfied"]
    response = client.get(path_of(url))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert re.search(r'<input checked id="level-2" name="level" type="radio" value="unsatisfied">', html)
    assert 'name="via" type="hidden" value="email"' in html
    assert count_ratings(session) == 0 and session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.startswith("rating."))) == 0


def test_rating_on_the_page_then_unsatisfied_offers_a_review(client, session, answered, rating_settings):
    item, reply = answered()
    session.commit()
    page = path_of(rating_link(reply, rating_settings))
    response = client.post(page, data={"level": "satisfied", "comment": "", "via": "",
                                       "csrf_token": csrf_token(client, page)})
    assert response.status_code == 303 and response.headers["Location"].endswith("?saved=1")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "感谢您的评价，已记录为“满意”" in html and "申请复查" not in html
    response = client.post(page, data={"level": "unsatisfied", "comment": "没有解决。", "via": "email",
                                       "csrf_token": csrf_token(client, page)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "已记录为“不满意”" in html and "修改评价" in html
    assert re.search(r'<a class="button" href="/lookup">申请复查</a>', html)
    assert "没有解决。" not in html  # the comment is never shown again on a page a link opens
    session.expire_all()
    rating = session.scalar(select(AnswerRating))
    assert (rating.level, rating.source, rating.comment) == ("unsatisfied", "email", "没有解决。")


def test_forged_links_and_late_ratings_get_a_clear_page(client, session, answered, rating_settings):
    _, old = answered(sent_at=NOW - timedelta(days=40))
    _, fresh = answered(content="新的意见，请尽快办理答复。")
    session.commit()
    response = client.get("/rate/not-a-token")
    assert response.status_code == 404 and "评价链接无效" in response.get_data(as_text=True)
    page = path_of(rating_link(old, rating_settings))
    response = client.get(page)
    assert response.status_code == 410 and "评价期限已于" in response.get_data(as_text=True)
    response = client.post(page, data={"level": "satisfied", "csrf_token": csrf_token(client, "/lookup")})
    assert response.status_code == 410 and "已超过答复后的评价期限" in response.get_data(as_text=True)
    response = client.post(path_of(rating_link(fresh, rating_settings)),
                           data={"level": "", "csrf_token": csrf_token(client, "/lookup")})
    assert response.status_code == 422 and "请选择满意、基本满意或不满意" in response.get_data(as_text=True)
    assert count_ratings(session) == 0


def test_the_reply_email_carries_one_link_per_level(client, session, answered, rating_settings):
    _, reply = answered(contact=Contact(email="zhangsan@163.com"), wants_reply=True)
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reply"))
    links = email_links(reply, rating_settings)
    for level, text in (("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("unsatisfied", "不满意")):
        assert f"{text}：{links[level]}" in message.body_text
        assert f'href="{links[level].replace("&", "&amp;")}"' in message.body_html
    session.commit()
    assert client.get(path_of(links["satisfied"])).status_code == 200


def test_unsatisfied_answers_reach_the_research_office_until_a_review_is_asked(client, session, answered, staff,
                                                                               rating_settings, login):
    item, reply = answered()
    pleased, pleased_reply = answered(content="另一件意见，请尽快办理答复。")
    for which, level in ((reply, "unsatisfied"), (pleased_reply, "satisfied")):
        ratings.rate(session, ratings.target(session, token_for(which.id, rating_settings.key), rating_settings),
                     level, "没有解决。" if level == "unsatisfied" else "", "web")
    home = workspace.home(session, staff.research, CLOCKS)
    assert [r.item for r in home.section("unsatisfied").rows] == [item]
    assert workspace.nav_counts(session, staff.research, CLOCKS)["unsatisfied"] == 1
    login(staff.research)
    html = client.get("/staff/").get_data(as_text=True)
    unsatisfied = re.search(r'<section id="unsatisfied".*?</section>', html, re.S).group(0)
    assert item.case_number in unsatisfied and pleased.case_number not in unsatisfied and "没有解决。" in unsatisfied
    assert re.search(r'不满意的答复 <span class="count">1</span>', html)
    workflow.apply(session, item, "review", staff.triager, CLOCKS, reason="群众申请复查")
    assert workspace.home(session, staff.research, CLOCKS).section("unsatisfied").total == 0


def test_ratings_are_rate_limited_per_address(app, client, session, answered, rating_settings):
    app.config["RATING_RATE_LIMIT"] = "2 per minute"
    _, reply = answered()
    session.commit()
    page = path_of(rating_link(reply, rating_settings))
    token = csrf_token(client, page)
    codes = [client.post(page, data={"level": "satisfied", "csrf_token": token}).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    assert client.get(page).status_code == 200  # reading the page is not limited
