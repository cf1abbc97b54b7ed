"""Post/redirect/get with a form token: a reload, a double click or the back button never files a second case, and
the query code is shown once, to the browser that submitted, and never travels in a URL or the session cookie."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from portal.models import FeedbackItem, IntakeReceipt
from portal.services.feedback import receipts
from tests.feedback.test_public_form import CASE_NUMBER, QUERY_CODE, VALID

TOKEN = re.compile(r'name="submission" type="hidden" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def items(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(FeedbackItem))


def form_tokens(client, url: str = "/feedback") -> dict[str, str]:
    page = client.get(url).get_data(as_text=True)
    return {"csrf_token": CSRF.search(page)[1], "submission": TOKEN.search(page)[1]}


def test_the_form_answers_303_and_its_result_page_shows_the_code_once(client, session, small_campaign):
    session.commit()
    posted = client.post("/feedback", data={**VALID, **form_tokens(client)})
    item = session.scalar(select(FeedbackItem))
    assert posted.status_code == 303 and posted.headers["Location"] == f"/feedback/done/{item.case_number}"
    first = client.get(posted.headers["Location"])
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    code = "".join(QUERY_CODE.search(html).groups())
    assert CASE_NUMBER.search(html)[1] == item.case_number and len(code) == 8
    with client.session_transaction() as cookie:
        assert code not in str(dict(cookie))
    again = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert item.case_number in again and not QUERY_CODE.search(again) and "现已不再显示" in again
    assert items(session) == 1


def test_the_same_form_sent_twice_files_one_case(client, session, small_campaign):
    session.commit()
    tokens = form_tokens(client)
    first = client.post("/feedback", data={**VALID, **tokens})
    second = client.post("/feedback", data={**VALID, **tokens, "content": VALID["content"] + "（重复点击）"})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert items(session) == 1
    assert QUERY_CODE.search(client.get(second.headers["Location"]).get_data(as_text=True))
    third = client.post("/feedback", data={**VALID, **form_tokens(client)})
    assert third.headers["Location"] != first.headers["Location"] and items(session) == 2


def test_another_browser_cannot_open_the_result_page(app, client, session, small_campaign):
    session.commit()
    posted = client.post("/feedback", data={**VALID, **form_tokens(client)})
    stranger = app.test_client()
    assert stranger.get(posted.headers["Location"]).status_code == 404
    assert client.get("/feedback/done/GH-2099-999999").status_code == 404
    assert QUERY_CODE.search(client.get(posted.headers["Location"]).get_data(as_text=True)), \
        "the stranger's attempt used nothing up"


def test_a_refused_form_keeps_its_token_and_files_once_when_corrected(client, session, small_campaign):
    session.commit()
    tokens = form_tokens(client)
    refused = client.post("/feedback", data={**VALID, **tokens, "content": "短"})
    assert refused.status_code == 422 and TOKEN.search(refused.get_data(as_text=True))[1] == tokens["submission"]
    assert client.post("/feedback", data={**VALID, **tokens}).status_code == 303
    assert client.post("/feedback", data={**VALID, **tokens}).status_code == 303
    assert items(session) == 1


def test_a_form_without_a_token_still_files_once_per_post(client, session, small_campaign):
    session.commit()
    csrf = form_tokens(client)["csrf_token"]
    for hostile in ("", "x", "a" * 5000, "é" * 32):
        assert client.post("/feedback", data={**VALID, "csrf_token": csrf, "submission": hostile}).status_code == 303
    assert items(session) == 4
    assert client.post("/feedback", data={**VALID, "csrf_token": csrf, "submission": "\x00" * 32}).status_code == 400
    assert items(session) == 4


def test_the_clerk_logs_a_call_once_however_often_the_form_is_sent(client, session, small_campaign, make_user,
                                                                   login_as):
    from tests.feedback.test_clerk_intake_views import phone_call
    session.commit()
    login_as(make_user("clerk"))
    tokens = form_tokens(client, "/staff/log/phone")
    first = client.post("/staff/log/phone", data={**phone_call(), **tokens})
    second = client.post("/staff/log/phone", data={**phone_call(), **tokens})
    assert first.status_code == second.status_code == 303 and first.headers["Location"] == second.headers["Location"]
    assert items(session) == 1


def test_codes_are_forgotten_after_their_window_and_receipts_after_a_day(session, new_item):
    item, code = new_item()
    start = datetime(2026, 12, 5, 8, tzinfo=UTC)
    made, created = receipts.submit_once(session, "t" * 32, lambda: (item, code), now=start)
    assert created and made is item
    assert receipts.submit_once(session, "t" * 32, lambda: (_ for _ in ()).throw(AssertionError), now=start) == (
        item, False)
    receipts.purge(session, now=start + timedelta(minutes=receipts.CODE_MINUTES - 1))
    assert session.scalar(select(IntakeReceipt.code)) == code
    receipts.purge(session, now=start + timedelta(minutes=receipts.CODE_MINUTES + 1))
    session.expire_all()
    assert session.scalar(select(IntakeReceipt.code)) is None
    late = receipts.take(session, ["t" * 32], item.case_number, now=start + timedelta(minutes=receipts.CODE_MINUTES))
    assert late is not None and late.item is item and late.code is None
    assert receipts.take(session, ["t" * 32], item.case_number,
                         now=start + timedelta(hours=receipts.KEEP_HOURS, minutes=1)) is None
    receipts.purge(session, now=start + timedelta(hours=receipts.KEEP_HOURS, minutes=1))
    assert session.scalar(select(func.count()).select_from(IntakeReceipt)) == 0


def test_an_unshown_code_within_its_window_is_shown_once(session, new_item):
    item, code = new_item()
    start = datetime(2026, 12, 5, 8, tzinfo=UTC)
    receipts.submit_once(session, "u" * 32, lambda: (item, code), now=start)
    within = start + timedelta(minutes=receipts.CODE_MINUTES) - timedelta(seconds=1)
    assert receipts.take(session, ["u" * 32], item.case_number, now=within).code == code
    assert receipts.take(session, ["u" * 32], item.case_number, now=within).code is None
    assert receipts.take(session, ["v" * 32], item.case_number, now=within) is None
