"""The clerk intake service: office-local times, the letter's received date, link picker, refusals, permissions."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal.models import FeedbackItem
from portal.services.feedback.attachments import Upload
from portal.services.common.authz import PermissionDenied
from portal.services.feedback.clerk_intake import (Letter, PhoneCall, link_picker, log_letter, log_phone,
                                                   parse_codes, received_moment)
from portal.services.feedback.intake import IntakeError

NOW = datetime(2021, 4, 2, 6, 30, tzinfo=UTC)  # 14:30 in Lanzhou
SUMMARY = "来电咨询职工书屋整改什么时候完成。"


def call(**fields) -> PhoneCall:
    return PhoneCall(**{"kind": "inquiry", "content": SUMMARY, "call_at": datetime(2021, 4, 2, 9, 15),
                        "phone_line": "0931-8821762", **fields})


def test_call_time_is_office_local_and_stored_in_utc(session, make_user, intake_settings):
    clerk = make_user("clerk")
    item, code = log_phone(session, call(duration_seconds=95), intake_settings, clerk, None, now=NOW)
    assert item.call_at == datetime(2021, 4, 2, 1, 15, tzinfo=UTC) == item.received_at
    assert item.call_duration_seconds == 95 and item.phone_line == "0931-8821762" and len(code) == 8
    assert item.accept_due == date(2021, 4, 17) and item.logged_by_id == clerk.id and item.campaign_id is None


def test_a_call_in_the_future_is_refused_with_the_other_errors(session, make_user, intake_settings):
    with pytest.raises(IntakeError) as refused:
        log_phone(session, call(call_at=datetime(2021, 4, 2, 18, 0), content="短", phone_line="110"),
                  intake_settings, make_user("clerk"), None, now=NOW)
    assert set(refused.value.errors) == {"call_at", "content", "phone_line"}
    assert session.scalar(select(func.count(FeedbackItem.id))) == 0


def test_a_call_up_to_five_minutes_ahead_of_the_server_clock_is_taken_six_are_refused(session, make_user,
                                                                                       intake_settings):
    from datetime import timedelta
    clerk = make_user("clerk")
    local_now = NOW.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    with pytest.raises(IntakeError) as refused:
        log_phone(session, call(call_at=local_now + timedelta(minutes=6)), intake_settings, clerk, None, now=NOW)
    assert set(refused.value.errors) == {"call_at"}
    item, _code = log_phone(session, call(call_at=local_now + timedelta(minutes=5)), intake_settings, clerk, None,
                            now=NOW)
    assert item.call_at == NOW + timedelta(minutes=5)


@pytest.mark.parametrize("year", [1, 202, 1900, 1999])
def test_a_call_dated_before_the_floor_is_refused_at_the_field(session, make_user, intake_settings, year):
    with pytest.raises(IntakeError) as refused:
        log_phone(session, call(call_at=datetime(year, 3, 31, 0, 0)), intake_settings, make_user("clerk"), None,
                  now=NOW)
    assert set(refused.value.errors) == {"call_at"} and "不能早于2000-01-01" in refused.value.errors["call_at"]
    assert session.scalar(select(func.count(FeedbackItem.id))) == 0


def test_a_call_long_before_the_campaign_feedback_is_refused(session, make_user, intake_settings, small_campaign):
    """small_campaign's feedback date is 2020-11-16: a year before it is the earliest plausible call."""
    with pytest.raises(IntakeError) as refused:
        log_phone(session, call(call_at=datetime(2019, 11, 15, 9, 0)), intake_settings, make_user("clerk"), "t",
                  now=NOW)
    assert "不能早于2019-11-17" in refused.value.errors["call_at"]
    item, _ = log_phone(session, call(call_at=datetime(2019, 11, 17, 9, 0)), intake_settings, make_user("clerk"),
                        "t", now=NOW)
    assert item.call_at == datetime(2019, 11, 17, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("moment", [datetime(9999, 12, 31, 23, 59), datetime(1, 1, 1, 0, 0)])
def test_extreme_call_times_are_refused_without_overflowing(session, make_user, intake_settings, moment):
    with pytest.raises(IntakeError) as refused:
        log_phone(session, call(call_at=moment), intake_settings, make_user("clerk"), None, now=NOW)
    assert set(refused.value.errors) == {"call_at"}


@pytest.mark.parametrize("received, postmark, field", [(date(1, 1, 1), None, "received_on"),
                                                       (date(1999, 12, 31), None, "received_on"),
                                                       (date(2021, 3, 29), date(1, 1, 1), "postmark_date")])
def test_letter_dates_before_the_floor_are_refused_at_the_field(session, make_user, intake_settings, received,
                                                                 postmark, field):
    letter = Letter(kind="suggestion", content="建议公开整改台账的全部内容。", received_on=received,
                    postmark_date=postmark)
    with pytest.raises(IntakeError) as refused:
        log_letter(session, letter, intake_settings, make_user("clerk"), None, now=NOW)
    assert set(refused.value.errors) == {field} and "请检查年份" in refused.value.errors[field]


def test_letter_clock_counts_from_the_received_date(session, make_user, intake_settings):
    letter = Letter(kind="suggestion", content="建议公开整改台账的全部内容。", received_on=date(2021, 3, 29),
                    postmark_date=date(2021, 3, 26), sender_name="王五", address="兰州市东郊巷26号")
    item, _ = log_letter(session, letter, intake_settings, make_user("triager"), None, now=NOW)
    assert item.received_at == datetime(2021, 3, 28, 16, tzinfo=UTC) and item.accept_due == date(2021, 4, 13)
    assert item.postmark_date == date(2021, 3, 26) and item.contact.name == "王五"


def test_letter_received_today_counts_from_now():
    assert received_moment(date(2021, 4, 2), "Asia/Shanghai", NOW) == NOW


def test_letter_dates_must_be_in_order(session, make_user, intake_settings):
    letter = Letter(kind="suggestion", content="建议公开整改台账的全部内容。", received_on=date(2021, 4, 3),
                    postmark_date=date(2021, 4, 5), uploads=[Upload("a.exe", b"MZ")])
    with pytest.raises(IntakeError) as refused:
        log_letter(session, letter, intake_settings, make_user("clerk"), None, now=NOW)
    assert "晚于今天" in refused.value.errors["received_on"]
    assert "邮戳" in refused.value.errors["postmark_date"] and "attachments" in refused.value.errors


def test_items_link_to_the_default_campaign(session, make_user, intake_settings, small_campaign):
    item, _ = log_phone(session, call(targets=parse_codes("2", "1-1，2-2")), intake_settings, make_user("clerk"),
                        "t", now=NOW)
    assert item.campaign_id == small_campaign.id
    assert sorted(l.measure.code if l.measure else str(l.problem.number) for l in item.links) == ["1-1", "2", "2-2"]


def test_codes_cannot_be_linked_without_a_campaign(session, make_user, intake_settings):
    with pytest.raises(IntakeError) as refused:
        log_phone(session, call(targets=["1-1"]), intake_settings, make_user("clerk"), None, now=NOW)
    assert "还没有整改任务" in refused.value.errors["targets"]


def test_parse_codes_accepts_full_width_and_any_separator():
    assert parse_codes("35-2", "３５－２，12、 3;4\n35-2") == ["35-2", "12", "3", "4"]
    assert parse_codes("", "  ") == []


def test_link_picker_groups_problems_and_measures_by_category(session, make_user, small_campaign):
    picker = link_picker(session, make_user("clerk"), "log_phone", "")
    assert [(title, [t.code for t in targets]) for title, targets in picker.groups] == [
        ("甲方面", ["1", "1-1", "1-2", "2", "2-1", "2-2"]), ("乙方面", ["3", "3-1"])]
    assert [t.is_measure for t in picker.groups[1][1]] == [False, True]
    # a DEFAULT_CAMPAIGN naming no campaign falls back to the newest, as on the public pages
    assert link_picker(session, make_user("clerk"), "log_phone", "no-such-campaign").groups == picker.groups


@pytest.mark.parametrize("role", ["handler", "research", "supervisor", "admin"])
def test_only_clerks_and_triagers_may_log(session, make_user, intake_settings, role):
    user = make_user(role, department="办公室" if role == "handler" else None)
    with pytest.raises(PermissionDenied):
        link_picker(session, user, "log_letter", None)
    with pytest.raises(PermissionDenied):
        log_phone(session, call(), intake_settings, user, None, now=NOW)
    with pytest.raises(PermissionDenied):
        log_letter(session, Letter(kind="praise", content="表扬工会的整改工作很扎实。", received_on=date(2021, 4, 1)),
                   intake_settings, user, None, now=NOW)
