"""我的件: the case page its submitter opens with number and code — plain state words, the timeline with its dates
and deadlines, files only for this session, the review window to the day, added material, the per-case limit."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from portal import create_app, labels
from portal.models import AuditEvent, FollowUp
from portal.models.feedback import STATES
from portal.services.accounts.users import department_named
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import citizen_actions
from portal.services.feedback.case_page import review_open_until, timeline
from portal.services.feedback.workflow import apply
from portal.services.replies import drafting as replies
from tests.samples import pdf

CLOCKS = ClockSettings()
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def open_case(client, case_number: str, code: str, **kwargs):
    token = CSRF.search(client.get("/lookup").get_data(as_text=True)).group(1)
    return client.post("/lookup", data={"case_number": case_number, "code": code, "csrf_token": token}, **kwargs)


def post_on_case(client, url: str, data: dict, **kwargs):
    token = CSRF.search(client.get("/case").get_data(as_text=True)).group(1)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def answered(session, item, make_user, at: datetime | None = None):
    """item accepted, assigned to 办公室 and answered (sent at `at`, now when not given)."""
    triager, research = make_user("triager"), make_user("research")
    make_user("handler", department="办公室")
    apply(session, item, "accept", triager, CLOCKS)
    apply(session, item, "assign", triager, CLOCKS, department=department_named(session, "办公室"))
    reply = replies.start_draft(session, research, item, "经核查，补助已发放。", CLOCKS)
    replies.submit(session, research, reply)
    replies.approve(session, research, reply, replies.ReplySettings.from_config(current_app.config), confirmed=True)
    if at is not None:
        item.replied_at = reply.sent_at = at
    return reply


def test_every_state_has_one_plain_citizen_label_in_both_languages():
    assert set(labels.PUBLIC_STATES) == set(STATES)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    with app.app_context():
        chinese = {state: labels.label("public_state", state) for state in STATES}
        with force_locale("en"):
            english = {state: labels.label("public_state", state) for state in STATES}
    assert chinese["received"] == "已收到，正在分办" and english["received"] == "Received, being sorted"
    assert len(set(chinese.values())) == len(STATES) and len(set(english.values())) == len(STATES)
    assert all(english[s] != chinese[s] and english[s].isascii() for s in STATES)


def test_the_timeline_dates_each_step_done_and_gives_the_next_deadline(session, new_item, make_user):
    item, _ = new_item()
    steps = timeline(session, item, CLOCKS)
    assert [(s.key, s.done_on, s.due) for s in steps] == [
        ("received", CLOCKS.local_date(item.received_at), None), ("accepted", None, item.accept_due),
        ("assigned", None, None), ("replied", None, None)]

    triager = make_user("triager")
    make_user("handler", department="办公室")
    apply(session, item, "accept", triager, CLOCKS)
    steps = {s.key: s for s in timeline(session, item, CLOCKS)}
    assert steps["accepted"].done_on == CLOCKS.local_date(item.accepted_at)
    assert steps["assigned"].done_on is None and steps["replied"].due == item.handle_due

    apply(session, item, "assign", triager, CLOCKS, department=department_named(session, "办公室"))
    assigned_on = session.scalar(select(AuditEvent.at).where(AuditEvent.action == "item.assign"))
    assert {s.key: s for s in timeline(session, item, CLOCKS)}["assigned"].done_on == CLOCKS.local_date(assigned_on)


def test_an_answered_then_closed_case_ends_with_the_close(session, new_item, make_user):
    item, _ = new_item()
    answered(session, item, make_user)
    assert [s.key for s in timeline(session, item, CLOCKS)] == ["received", "accepted", "assigned", "replied", "closed"]
    assert timeline(session, item, CLOCKS)[-1].done_on is None
    apply(session, item, "close", make_user("triager"), CLOCKS)
    assert timeline(session, item, CLOCKS)[-1].done_on == CLOCKS.local_date(item.closed_at)


def test_a_rejected_case_ends_at_the_decision(session, new_item, make_user):
    item, _ = new_item()
    apply(session, item, "reject", make_user("triager"), CLOCKS, reason="不属于本单位职责范围")
    assert [(s.key, s.done_on) for s in timeline(session, item, CLOCKS)] == [
        ("received", CLOCKS.local_date(item.received_at)), ("not_accepted", CLOCKS.local_date(item.closed_at))]


def test_the_case_page_shows_text_state_timeline_and_linked_measure(client, session, small_campaign, new_item):
    item, code = new_item(content="建议公开第二批整改措施的完成时间。", campaign_id=small_campaign.id,
                          targets=["1-2"], subject="第二批措施")
    session.commit()
    response = open_case(client, item.case_number, code)
    assert response.status_code == 303 and response.headers["Location"] == "/case"
    html = client.get("/case").get_data(as_text=True)
    assert "已收到，正在分办" in html and "待分办" not in html
    assert "建议公开第二批整改措施的完成时间。" in html and "第二批措施" in html
    assert 'href="/campaigns/t/measures/1-2"' in html
    assert f"期限：{item.accept_due.year}年{item.accept_due.month}月{item.accept_due.day}日前" in html
    assert code not in html and "申请复查" not in html and "补充材料" in html


def test_the_case_stays_open_on_reload_until_the_citizen_leaves(client, session, new_item):
    item, code = new_item()
    session.commit()
    open_case(client, item.case_number, code)
    assert item.case_number in client.get("/case").get_data(as_text=True)
    assert item.case_number in client.get("/case").get_data(as_text=True)
    with client.session_transaction() as stored:
        assert stored["case"] == item.id and code not in str(dict(stored))
    left = post_on_case(client, "/case/leave", {})
    assert left.status_code == 303 and left.headers["Location"] == "/lookup"
    assert client.get("/case").headers["Location"] == "/lookup"


def test_a_browser_that_did_not_look_the_case_up_sees_nothing(app, client, session, new_item):
    item, code = new_item()
    session.commit()
    assert client.get("/case").status_code == 302
    assert app.test_client().get("/case").headers["Location"] == "/lookup"


def test_files_download_only_in_the_session_that_opened_the_case(app, client, session, new_item, upload_dir):
    from portal.services.feedback.attachments import Upload
    document = pdf()
    item, code = new_item(uploads=[Upload("证明材料.pdf", document)])
    session.commit()
    open_case(client, item.case_number, code)
    html = client.get("/case").get_data(as_text=True)
    link = re.search(r'href="(/case/files/[^"]+)"[^>]*>证明材料.pdf<', html).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.data == document
    assert download.headers["Cache-Control"] == "no-store"
    assert app.test_client().get(link).status_code == 404
    assert client.get(link[:-3] + "abc").status_code == 404
    other, other_code = new_item()
    session.commit()
    open_case(client, other.case_number, other_code)
    assert client.get(link).status_code == 404  # the link names the first case; this session now holds another


def test_file_links_expire(app, client, session, new_item):
    from portal.services.feedback.attachments import Upload
    item, code = new_item(uploads=[Upload("a.pdf", pdf())])
    session.commit()
    open_case(client, item.case_number, code)
    link = re.search(r'href="(/case/files/[^"]+)"', client.get("/case").get_data(as_text=True)).group(1)
    app.config["CASE_FILE_SECONDS"] = -1
    assert client.get(link).status_code == 404


@pytest.mark.parametrize(("days_after", "open_"), [(0, True), (30, True), (31, False)])
def test_the_review_window_is_open_to_its_last_day(session, new_item, make_user, intake_settings, days_after, open_):
    item, _ = new_item()
    replied_at = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    answered(session, item, make_user, at=replied_at)
    now = replied_at + timedelta(days=days_after)
    assert (review_open_until(item, CLOCKS, now) is not None) is open_
    if open_:
        assert review_open_until(item, CLOCKS, now).isoformat() == "2026-03-31"
        citizen_actions.request_review(session, item, "答复没有说明补助发放的具体时间。", intake_settings, now=now)
        assert item.state == "review" and item.needs_attention
    else:
        with pytest.raises(citizen_actions.CaseActionError, match="30天"):
            citizen_actions.request_review(session, item, "答复没有说明补助发放的具体时间。", intake_settings, now=now)
        assert item.state == "replied"


def test_review_is_not_offered_before_an_answer(session, new_item, intake_settings):
    item, _ = new_item()
    assert review_open_until(item, CLOCKS) is None
    with pytest.raises(citizen_actions.CaseActionError):
        citizen_actions.request_review(session, item, "还没有答复就想复查一下。", intake_settings)


def test_the_citizen_asks_for_a_review_on_the_case_page(client, session, new_item, make_user):
    item, code = new_item()
    answered(session, item, make_user)
    session.commit()
    open_case(client, item.case_number, code)
    html = client.get("/case").get_data(as_text=True)
    until = CLOCKS.review_open_until(item.replied_at)
    assert "申请复查" in html and f"{until.year}年{until.month}月{until.day}日前" in html
    assert "经核查，补助已发放。" in html
    assert post_on_case(client, "/case/review", {"reason": "太短"}).status_code == 422
    sent = post_on_case(client, "/case/review", {"reason": "答复没有说明补助发放的具体时间和金额。"},
                        follow_redirects=True)
    assert sent.status_code == 200 and "已收到您的复查申请" in sent.get_data(as_text=True)
    session.expire_all()
    assert item.state == "review" and item.needs_attention
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "item.review"))
    assert event.actor_label == "群众" and event.actor_id is None
    assert event.details["from"] == "replied" and "具体时间" not in str(event.details)
    assert session.scalar(select(FollowUp.text)) == "答复没有说明补助发放的具体时间和金额。"
    assert "正在复查" in client.get("/case").get_data(as_text=True)


def test_material_is_added_to_an_open_case_with_the_form_s_file_checks(client, session, new_item, make_user):
    item, code = new_item()
    session.commit()
    open_case(client, item.case_number, code)
    fake = post_on_case(client, "/case/material", {"text": "补充一份会议通知的扫描件。",
                                                   "files": (io.BytesIO(b"not a pdf"), "通知.pdf")},
                        content_type="multipart/form-data")
    assert fake.status_code == 422 and 'id="files-error"' in fake.get_data(as_text=True)
    added = post_on_case(client, "/case/material", {"text": "补充一份会议通知的扫描件。",
                                                    "files": (io.BytesIO(pdf()), "通知.pdf")},
                         content_type="multipart/form-data", follow_redirects=True)
    html = added.get_data(as_text=True)
    assert "补充材料已收到" in html and "补充一份会议通知的扫描件。" in html and "通知.pdf" in html
    session.expire_all()
    assert [a.filename for a in item.attachments] == ["通知.pdf"] and item.needs_attention
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "item.followup"))
    assert event.actor_label == "群众" and event.details["attachments"] == 1


def test_material_is_refused_once_the_case_is_closed(session, new_item, make_user, intake_settings):
    item, _ = new_item()
    apply(session, item, "spam", make_user("triager"), CLOCKS)
    with pytest.raises(citizen_actions.CaseActionError):
        citizen_actions.add_material(session, item, "再补充一些内容，请查收。", [], intake_settings)


def test_staff_see_the_material_on_the_item_page(client, session, new_item, make_user, login_as, intake_settings):
    item, _ = new_item()
    citizen_actions.add_material(session, item, "补充：第35项整改至今没有公开。", [], intake_settings)
    session.commit()
    login_as(make_user("triager"))
    html = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    assert "群众补充材料" in html and "网上补充材料" in html and "补充：第35项整改至今没有公开。" in html


def test_a_wrong_code_keeps_the_case_number_and_nothing_else(client, session, new_item):
    item, code = new_item()
    session.commit()
    response = open_case(client, item.case_number.lower(), "WRONG234")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert f'value="{item.case_number.lower()}"' in html and "WRONG234" not in html


def test_the_lookup_form_is_filled_from_the_link(client):
    html = client.get("/lookup?case=GH-2026-000042").get_data(as_text=True)
    assert 'value="GH-2026-000042"' in html


def test_wrong_codes_are_limited_per_case_number_across_addresses(db_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                      "LOOKUP_CASE_RATE_LIMIT": "2 per hour", "RATELIMIT_STORAGE_URI": "memory://"},
                     instance_path=str(tmp_path / "limited"))
    from portal import db
    from portal.services.feedback.intake import IntakeSettings, NewItem, create_item
    with app.app_context():
        settings = IntakeSettings.from_config(app.config)
        item, code = create_item(db.session(), NewItem(channel="web", kind="suggestion",
                                                       content="建议公开整改进展的佐证材料。"), settings)
        other, other_code = create_item(db.session(), NewItem(channel="web", kind="suggestion",
                                                              content="建议公开整改进展的完成时间。"), settings)
        db.session().commit()
        number, other_number = item.case_number, other.case_number
    statuses = [open_case(app.test_client(), number, "WRONG234",
                          environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(1, 3)]
    assert statuses == [404, 404]
    refused = open_case(app.test_client(), number, code, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert refused.status_code == 429 and "已连续输错多次" in refused.get_data(as_text=True)
    assert f'value="{number}"' in refused.get_data(as_text=True)
    assert open_case(app.test_client(), other_number, other_code).status_code == 303
    app.extensions["portal.db"].kw["bind"].dispose()


def test_review_and_material_are_rate_limited_per_address(db_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                      "CASE_ACTION_RATE_LIMIT": "1 per hour", "RATELIMIT_STORAGE_URI": "memory://"},
                     instance_path=str(tmp_path / "limited"))
    from portal import db
    from portal.services.feedback.intake import IntakeSettings, NewItem, create_item
    with app.app_context():
        item, code = create_item(db.session(), NewItem(channel="web", kind="suggestion",
                                                       content="建议公开整改进展的佐证材料。"),
                                 IntakeSettings.from_config(app.config))
        db.session().commit()
        number = item.case_number
    client = app.test_client()
    open_case(client, number, code)
    material = {"text": "补充说明：相关通知至今没有公开。"}
    assert post_on_case(client, "/case/material", material).status_code == 303
    assert post_on_case(client, "/case/material", material).status_code == 429
    app.extensions["portal.db"].kw["bind"].dispose()


def test_the_citizen_rates_the_answer_on_the_case_page(client, session, new_item, make_user):
    from portal.models import AnswerRating
    item, code = new_item()
    assert "评价答复" not in (open_case(client, item.case_number, code, follow_redirects=True)
                              .get_data(as_text=True))
    reply = answered(session, item, make_user)
    session.commit()
    html = client.get("/case").get_data(as_text=True)
    action = re.search(r'action="(/rate/[^"]+)"', html)
    assert "评价答复" in html and action and 'name="level"' in html
    token = CSRF.search(html).group(1)
    saved = client.post(action.group(1), data={"level": "basically_satisfied", "comment": "时间还不够具体。",
                                                "csrf_token": token})
    assert saved.status_code == 303
    rating = session.scalar(select(AnswerRating))
    assert (rating.reply_id, rating.level, rating.source) == (reply.id, "basically_satisfied", "web")
    assert "您的评价：" in client.get("/case").get_data(as_text=True)
