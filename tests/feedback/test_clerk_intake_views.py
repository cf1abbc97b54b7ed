"""Logging phone calls and letters through the staff forms: items, times, links, scans, errors, permissions."""
from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, FeedbackItem
from portal.services.feedback import case_codes as casecodes
from tests.samples import pdf

PDF = pdf()
SUMMARY = "来电反映职工书屋建设进度慢，希望公开整改时间表。"
CODE_SHOWN = re.compile(r'class="query-code">([A-Z0-9]{4}) ([A-Z0-9]{4})<')


@pytest.fixture
def clerk(make_user, login_as):
    return login_as(make_user("clerk"))


def phone_call(**fields) -> dict:
    return {"kind": "inquiry", "content": SUMMARY, "call_at": "2021-03-31T10:05", "duration_minutes": "3",
            "duration_seconds": "20", "phone_line": "12351", "caller_name": "张三", "caller_phone": "13812341762",
            "target": "2-1", "target_codes": "３", "wants_reply": "y", **fields}


def letter(**fields) -> dict:
    return {"kind": "report", "content": "来信反映某单位整改措施没有落实到位，请核查。", "received_on": "2021-04-02",
            "postmark_date": "2021-03-30", "sender_name": "李四", "address": "兰州市城关区某路1号",
            "target": "1-2", **fields}


def only_item(session) -> FeedbackItem:
    session.expire_all()
    return session.scalars(select(FeedbackItem)).one()


def test_clerk_logs_a_phone_call(client, session, clerk, small_campaign, post_form, intake_settings):
    page = client.get("/staff/log/phone").get_data(as_text=True)
    assert "<optgroup label=\"甲方面\">" in page and 'value="2-1"' in page

    posted = post_form("/staff/log/phone", phone_call(), page="/staff/log/phone")
    item = only_item(session)
    assert posted.status_code == 303 and posted.headers["Location"] == f"/staff/log/done/{item.case_number}"
    response = client.get(posted.headers["Location"])
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert (item.channel, item.phone_line, item.call_duration_seconds) == ("phone", "12351", 200)
    assert item.call_at == datetime(2021, 3, 31, 2, 5, tzinfo=UTC) == item.received_at
    assert item.accept_due == date(2021, 4, 15) and item.wants_reply and item.logged_by_id == clerk.id
    assert sorted(l.measure.code if l.measure else f"问题{l.problem.number}" for l in item.links) == ["2-1", "问题3"]
    assert item.contact.phone == "13812341762"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "item.create"))
    assert event.actor_id == clerk.id and event.item_id == item.id
    assert "13812341762" not in str(event.details) and "张三" not in str(event.details)

    confirmation = response.get_data(as_text=True)
    assert item.case_number in confirmation and "只显示这一次" in confirmation
    code = "".join(CODE_SHOWN.search(confirmation).groups())
    assert casecodes.code_matches(code, item.query_code_hash, intake_settings.code_key)
    with client.session_transaction() as cookie:
        assert code not in str(dict(cookie)), "the session cookie (signed, not encrypted) holds the query code"
    again = client.get(f"/staff/log/done/{item.case_number}").get_data(as_text=True)
    assert item.case_number in again and not CODE_SHOWN.search(again), "the code is shown once"
    assert client.get("/staff/log/done/GH-2099-999999").status_code == 404


def test_the_done_page_of_another_departments_case_is_not_found_like_a_missing_one(client, session, new_item,
                                                                                 make_user, login_as):
    from portal.services.accounts.users import department_named
    from portal.services.common.clocks import ClockSettings
    from portal.services.feedback import workflow
    item, _ = new_item(channel="phone")
    triager = make_user("triager")
    workflow.apply(session, item, "accept", triager, ClockSettings())
    workflow.apply(session, item, "assign", triager, ClockSettings(), department=department_named(session, "组织部").id)
    login_as(make_user("handler", department="办公室"))
    assert client.get(f"/staff/log/done/{item.case_number}").status_code == 404
    assert client.get("/staff/log/done/GH-2099-999999").status_code == 404


def test_letter_with_a_pdf_scan_is_stored(client, session, clerk, small_campaign, post_form, intake_settings):
    data = letter(scans=[(io.BytesIO(PDF), "信件扫描.pdf"), (io.BytesIO(b""), "")])
    response = post_form("/staff/log/letter", data, page="/staff/log/letter", follow_redirects=True)

    assert response.status_code == 200 and CODE_SHOWN.search(response.get_data(as_text=True))
    item = only_item(session)
    assert (item.channel, item.postmark_date, item.accept_due) == ("letter", date(2021, 3, 30), date(2021, 4, 17))
    assert item.received_at == datetime(2021, 4, 1, 16, tzinfo=UTC)  # 2021-04-02 00:00 in Lanzhou
    [scan] = item.attachments
    assert scan.filename == "信件扫描.pdf" and scan.content_type == "application/pdf"
    assert (intake_settings.upload_dir / scan.stored_name).read_bytes() == PDF
    assert item.contact.address == "兰州市城关区某路1号" and [l.measure.code for l in item.links] == ["1-2"]


def test_fake_pdf_is_refused_next_to_the_field_keeping_the_summary(client, session, clerk, post_form):
    summary = "来信内容：请尽快公开职工书屋的整改时间表。"
    data = letter(content=summary, scans=[(io.BytesIO(b"<html>not a pdf</html>"), "scan.pdf")], target="")
    response = post_form("/staff/log/letter", data, page="/staff/log/letter")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="scans-error">.*不是PDF、JPEG或PNG文件', html)
    assert html.index('for="scans"') < html.index('id="scans-error"') < html.index('id="scans"')
    assert summary in html and 'value="兰州市城关区某路1号"' in html
    assert session.scalar(select(func.count(FeedbackItem.id))) == 0


def test_too_short_summary_is_refused_with_every_other_error(client, session, clerk, post_form):
    response = post_form("/staff/log/phone", phone_call(content="太短了", target="", target_codes="", kind="",
                                                        duration_seconds="75"), page="/staff/log/phone")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="content-error">.*10到5000', html) and "太短了" in html
    assert re.search(r'id="kind-error">.*请选择诉求类型', html)
    assert re.search(r'id="duration_seconds-error">.*0到59', html) and 'value="75"' in html
    assert 'value="13812341762"' in html and 'value="2021-03-31T10:05"' in html
    assert session.scalar(select(func.count(FeedbackItem.id))) == 0


def test_unknown_code_and_future_call_are_refused_next_to_their_fields(client, session, clerk, small_campaign,
                                                                      post_form):
    response = post_form("/staff/log/phone", phone_call(target="", target_codes="99-9", call_at="2999-01-01T09:00"),
                         page="/staff/log/phone")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="target_codes-error">.*找不到问题或措施“99-9”', html)
    assert re.search(r'id="call_at-error">.*来电时间不能晚于现在', html)
    assert session.scalar(select(func.count(FeedbackItem.id))) == 0


@pytest.mark.parametrize("role", ["handler", "research", "supervisor", "admin"])
def test_roles_without_log_rights_are_forbidden(client, session, make_user, login_as, post_form, role):
    login_as(make_user(role, department="办公室" if role == "handler" else None))
    for url, data in (("/staff/log/phone", phone_call()), ("/staff/log/letter", letter())):
        assert client.get(url).status_code == 403
        assert post_form(url, data, page="/staff/password").status_code == 403
    assert session.scalar(select(func.count(FeedbackItem.id))) == 0


def test_triager_may_log_and_logged_out_visitors_are_sent_to_login(client, make_user, login_as):
    assert client.get("/staff/log/phone").status_code == 302
    login_as(make_user("triager"))
    assert client.get("/staff/log/letter").status_code == 200
