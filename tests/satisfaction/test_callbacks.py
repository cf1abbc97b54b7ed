"""回访: the clerk's list (phone and letter items, answers unrated after 7 days), attempts, results by phone."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.models import AnswerRating, AuditEvent, CallbackAttempt
from portal.services.common.authz import PermissionDenied
from portal.services.feedback import workspace
from portal.services.feedback.intake import Contact
from portal.services.satisfaction import callbacks, ratings
from portal.services.satisfaction.links import token_for
from tests.satisfaction.conftest import CLOCKS

NOW = datetime.now(UTC)
PHONE = Contact(phone="13812341762")


def listed(session, clerk) -> list:
    rows, total = callbacks.due(session, clerk, CLOCKS, 50)
    assert total == len(rows)
    return [row.item for row in rows]


def test_the_list_holds_calls_letters_and_answers_unrated_after_seven_days_oldest_first(
        session, answered, make_user, rating_settings):
    clerk = make_user("clerk")
    def days_ago(days: int) -> datetime:
        return NOW - timedelta(days=days)

    call, _ = answered("phone", sent_at=days_ago(2), contact=PHONE, content="来电反映的问题，请尽快办理。")
    letter, _ = answered("letter", sent_at=days_ago(1),
                         contact=Contact(phone="0931-8821762", address="兰州市东郊巷26号"),
                         content="来信反映的问题，请尽快办理。")
    web_new, _ = answered("web", sent_at=days_ago(6), contact=PHONE, content="网上留言，刚刚答复过的件。")
    web_old, _ = answered("web", sent_at=days_ago(8), contact=PHONE, content="网上留言，答复8天未评价。")
    rated, rated_reply = answered("phone", sent_at=days_ago(3), contact=PHONE, content="已经评价过的来电，请办理。")
    ratings.rate(session, ratings.target(session, token_for(rated_reply.id, rating_settings.key), rating_settings),
                 "satisfied", "", "web")
    answered("letter", sent_at=days_ago(3), contact=Contact(address="兰州市某路1号"), content="没有留电话号码的来信。")
    answered("phone", sent_at=days_ago(31), contact=PHONE, content="评价期限已经过了的来电。")
    assert listed(session, clerk) == [web_old, call, letter]
    rows, _ = callbacks.due(session, clerk, CLOCKS, 50)
    assert [(row.reminder, row.phone) for row in rows] == [(True, "138****1762"), (False, "138****1762"),
                                                          (False, "0931-****762")]
    assert web_new not in listed(session, clerk) and rated not in listed(session, clerk)
    assert workspace.nav_counts(session, clerk, CLOCKS)["callbacks"] == 3
    with pytest.raises(PermissionDenied):
        callbacks.due(session, make_user("triager"), CLOCKS, 50)


def test_three_calls_that_reach_nobody_take_an_answer_off_the_list(session, answered, make_user):
    clerk = make_user("clerk")
    item, reply = answered("phone", contact=PHONE)
    for n in range(1, 4):
        attempt = callbacks.record_not_reached(session, clerk, item, f"第{n}次无人接听", CLOCKS,
                                               now=NOW + timedelta(hours=n))
        assert (attempt.reply_id, attempt.attempted_at, attempt.note) == (reply.id, NOW + timedelta(hours=n),
                                                                          f"第{n}次无人接听")
        assert listed(session, clerk) == ([item] if n < 3 else [])
    with pytest.raises(ratings.RatingError, match="本件不在回访名单上"):
        callbacks.record_not_reached(session, clerk, item, "", CLOCKS)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "callback.attempt")).all()
    assert [e.details["attempts"] for e in events] == [1, 2, 3] and {e.actor_id for e in events} == {clerk.id}
    other, _ = answered("phone", contact=PHONE, content="另一件来电，请尽快办理。")
    with pytest.raises(ratings.RatingError, match="说明不能超过500个字"):
        callbacks.record_not_reached(session, clerk, other, "长" * 501, CLOCKS)


def test_a_call_that_reaches_the_citizen_records_their_rating(session, answered, make_user):
    clerk = make_user("clerk")
    item, reply = answered("letter", contact=Contact(phone="13812341762", address="兰州市东郊巷26号"))
    callbacks.record_not_reached(session, clerk, item, "占线", CLOCKS)
    with pytest.raises(ratings.RatingError, match="请选择满意"):
        callbacks.record_reached(session, clerk, item, None, "", CLOCKS)
    rating = callbacks.record_reached(session, clerk, item, "basically_satisfied", "希望加快进度。", CLOCKS)
    assert (rating.reply_id, rating.level, rating.source, rating.recorded_by_id, rating.comment) == (
        reply.id, "basically_satisfied", "phone", clerk.id, "希望加快进度。")
    assert listed(session, clerk) == []
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "rating.record"))
    assert event.actor_id == clerk.id and event.details["rating_source"] == "phone"


def test_clerk_records_a_callback_through_the_page_and_staff_see_it_on_the_item(client, session, answered, make_user,
                                                                                 staff, login):
    clerk = make_user("clerk")
    item, _ = answered("phone", contact=PHONE, content="来电反映食堂的问题，请尽快办理。")
    login(clerk)
    html = client.get("/staff/").get_data(as_text=True)
    section = re.search(r'<section id="callbacks".*?</section>', html, re.S).group(0)
    assert f'href="/staff/items/{item.case_number}/callback"' in section and "138****1762" in section
    assert re.search(r'待回访 <span class="count">1</span>', html)
    url = f"/staff/items/{item.case_number}/callback"
    page = client.get(url).get_data(as_text=True)
    assert "经核查，已整改到位。" in page and "138****1762" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(url, data={"csrf_token": token})
    assert response.status_code == 422 and "请选择回访结果" in response.get_data(as_text=True)
    response = client.post(url, data={"outcome": "not_reached", "note": "无人接听", "csrf_token": token})
    assert response.status_code == 302
    response = client.post(url, data={"outcome": "reached", "level": "unsatisfied", "comment": "没有解决。",
                                      "csrf_token": token})
    assert response.status_code == 302
    session.expire_all()
    assert session.scalar(select(AnswerRating.level)) == "unsatisfied"
    assert session.scalar(select(CallbackAttempt.note)) == "无人接听"
    response = client.get(url)
    assert response.status_code == 409 and "本件不在回访名单上" in response.get_data(as_text=True)

    login(staff.supervisor)
    html = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    part = re.search(r'<section id="satisfaction".*?</section>', html, re.S).group(0)
    assert "不满意" in part and "电话回访" in part and "没有解决。" in part and "无人接听" in part
    assert "登记回访结果" not in part
    assert client.get(url).status_code == 403
