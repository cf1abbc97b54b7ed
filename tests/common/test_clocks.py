"""Clock arithmetic across month ends, time zones, extensions and the review window."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.services.common.clocks import ClockSettings

CLOCKS = ClockSettings()


@pytest.mark.parametrize("received, expected", [
    (datetime(2021, 1, 20, 3, tzinfo=UTC), date(2021, 2, 4)),
    (datetime(2021, 2, 20, 3, tzinfo=UTC), date(2021, 3, 7)),
    (datetime(2024, 2, 20, 3, tzinfo=UTC), date(2024, 3, 6)),
    (datetime(2021, 12, 25, 3, tzinfo=UTC), date(2022, 1, 9)),
    # 23:30 UTC on 31 March is already 1 April in Lanzhou (UTC+8)
    (datetime(2021, 3, 31, 23, 30, tzinfo=UTC), date(2021, 4, 16)),
])
def test_accept_due_is_fifteen_days_after_receipt_in_local_time(received, expected):
    assert CLOCKS.accept_due(received) == expected


def test_handle_due_is_sixty_days_after_acceptance():
    assert CLOCKS.handle_due(datetime(2021, 12, 15, 1, tzinfo=UTC)) == date(2022, 2, 13)


def test_extension_is_limited_to_the_configured_maximum():
    assert CLOCKS.extended(date(2021, 2, 13), 30) == date(2021, 3, 15)
    with pytest.raises(ValueError):
        CLOCKS.extended(date(2021, 2, 13), 31)
    with pytest.raises(ValueError):
        CLOCKS.extended(date(2021, 2, 13), 0)


def test_review_window_is_thirty_days_after_the_reply():
    assert CLOCKS.review_open_until(datetime(2021, 1, 31, 1, tzinfo=UTC)) == date(2021, 3, 2)


def test_overdue_and_due_soon():
    today = date(2021, 3, 10)
    assert CLOCKS.is_overdue(date(2021, 3, 9), today)
    assert not CLOCKS.is_overdue(date(2021, 3, 10), today)
    assert CLOCKS.is_due_soon(date(2021, 3, 13), today)
    assert not CLOCKS.is_due_soon(date(2021, 3, 14), today)
    assert not CLOCKS.is_due_soon(date(2021, 3, 9), today)
    assert not CLOCKS.is_overdue(None, today) and not CLOCKS.is_due_soon(None, today)


def test_clock_values_come_from_config():
    clocks = ClockSettings.from_config({"ACCEPT_DAYS": 7, "HANDLE_DAYS": 30, "MAX_EXTENSION_DAYS": 10})
    assert clocks.accept_due(datetime(2021, 3, 1, 1, tzinfo=UTC)) == date(2021, 3, 8)
    assert clocks.handle_due(datetime(2021, 3, 1, 1, tzinfo=UTC)) == date(2021, 3, 31)
    with pytest.raises(ValueError):
        clocks.extended(date(2021, 3, 31), 11)


def test_a_one_day_extension_is_allowed_and_adds_exactly_one_day():
    assert CLOCKS.extended(date(2021, 2, 28), 1) == date(2021, 3, 1)
    assert CLOCKS.extended(date(2021, 2, 13), 29) == date(2021, 3, 14)


def test_on_the_due_day_an_item_is_due_soon_and_not_overdue():
    due = date(2021, 3, 10)
    assert CLOCKS.is_due_soon(due, due) and not CLOCKS.is_overdue(due, due)
    assert CLOCKS.is_due_soon(due, date(2021, 3, 7)) and not CLOCKS.is_due_soon(due, date(2021, 3, 6))
    assert CLOCKS.is_overdue(due, date(2021, 3, 11)) and not CLOCKS.is_due_soon(due, date(2021, 3, 11))


def test_defaults_follow_the_regulation():
    assert (CLOCKS.accept_days, CLOCKS.handle_days, CLOCKS.max_extension_days) == (15, 60, 30)
    assert (CLOCKS.review_window_days, CLOCKS.due_soon_days, CLOCKS.timezone) == (30, 3, "Asia/Shanghai")
    assert ClockSettings.from_config({}) == CLOCKS


def test_today_is_the_office_date_and_settings_are_values():
    assert CLOCKS.today(datetime(2021, 3, 31, 23, 30, tzinfo=UTC)) == date(2021, 4, 1)
    assert CLOCKS.today(datetime(2021, 3, 31, 15, 59, tzinfo=UTC)) == date(2021, 3, 31)
    assert CLOCKS.today() == datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert len({CLOCKS, ClockSettings()}) == 1


def test_records_may_predate_the_feedback_date_by_a_year_and_nothing_predates_2000():
    from portal.services.common.clocks import earliest_date
    assert earliest_date(date(2020, 11, 16)) == date(2019, 11, 17)
    assert earliest_date(date(2000, 6, 1)) == date(2000, 1, 1)
    assert earliest_date(None) == date(2000, 1, 1)


def test_safe_day_keeps_days_two_days_inside_the_calendar_and_leaves_real_days_alone():
    from datetime import timedelta

    from portal.services.common.clocks import safe_day
    assert safe_day(date(2021, 3, 31)) == date(2021, 3, 31)
    assert safe_day(date.min) == date.min + timedelta(days=2)
    assert safe_day(date.max) == date.max - timedelta(days=2)
    assert safe_day(date.min + timedelta(days=3)) == date.min + timedelta(days=3)


def test_local_wall_clock_times_become_utc_and_aware_ones_are_only_converted():
    from datetime import UTC, datetime

    from portal.services.common.clocks import local_to_utc, start_of_local_day
    assert local_to_utc(datetime(2021, 3, 31, 8, 30), "Asia/Shanghai") == datetime(2021, 3, 31, 0, 30, tzinfo=UTC)
    aware = datetime(2021, 3, 31, 8, 30, tzinfo=UTC)
    assert local_to_utc(aware, "Asia/Shanghai") == aware
    assert local_to_utc(datetime(1, 1, 1, 0, 0), "Asia/Shanghai").year == 1
    assert start_of_local_day(date(2021, 4, 1), "Asia/Shanghai") == datetime(2021, 3, 31, 16, 0, tzinfo=UTC)
