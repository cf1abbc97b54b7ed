"""On time means on or before the due date in the office's local time, to the minute either side of local midnight,
whether the database converts each timestamp (a zone with daylight saving time) or counts days from the epoch (a
zone of fixed offset, Asia/Shanghai)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Date, DateTime, literal, select

from portal import db
from portal.services.common.clocks import ClockSettings
from portal.services.stats import _sql
from portal.services.stats.figures import StatsScope, compute
from portal.services.stats.handling import Clock
from portal.services.stats.lights import LightThresholds

DUE = date(2021, 4, 30)


def test_a_zone_without_daylight_saving_time_has_one_offset():
    assert _sql.fixed_offset("Asia/Shanghai", 2027) == 8 * 3600
    assert _sql.fixed_offset("UTC", 2027) == 0
    assert _sql.fixed_offset("Asia/Kolkata", 2027) == 5 * 3600 + 1800
    assert _sql.fixed_offset("Europe/Berlin", 2027) is None
    assert _sql.fixed_offset("America/New_York", 2027) is None


def test_answers_and_decisions_on_time_to_the_minute_of_local_midnight(session, new_item, small_campaign):
    timezone = "Asia/Shanghai"
    zone = ZoneInfo(timezone)

    def item(accepted: str, replied: str):
        made, _code = new_item(campaign_id=small_campaign.id,
                               received_at=datetime(2021, 3, 1, 10, tzinfo=zone))
        made.state, made.accept_due, made.handle_due = "replied", DUE, DUE
        made.accepted_at = datetime.fromisoformat(accepted).replace(tzinfo=zone)
        made.replied_at = datetime.fromisoformat(replied).replace(tzinfo=zone)

    item("2021-04-30 23:59", "2021-04-30 23:59")  # on time, both
    item("2021-05-01 00:01", "2021-05-01 00:01")  # late, both
    item("2021-04-29 12:00", "2021-05-01 00:00")  # decided on time, answered a day late
    session.flush()
    clocks = ClockSettings(timezone=timezone)
    totals = compute(session, None, StatsScope(small_campaign), clocks, LightThresholds(), date(2021, 6, 30)).totals
    assert (totals.decided, totals.decided_on_time) == (3, 2)
    assert (totals.answered, totals.answered_on_time, totals.answered_late) == (3, 1, 2)


@pytest.mark.postgres
@pytest.mark.parametrize("timezone", ["Asia/Shanghai", "Europe/Berlin", "America/New_York"])
def test_local_dates_by_arithmetic_or_by_conversion_agree_with_python(pg_url, timezone):
    """Summer and winter, a minute either side of local midnight: PostgreSQL's answer is Python's."""
    zone, clock = ZoneInfo(timezone), Clock("postgresql", timezone, date(2021, 6, 30))
    engine = db.make_engine(pg_url)
    try:
        with engine.connect() as connection:
            for local in ("2021-01-31 23:59", "2021-02-01 00:01", "2021-07-31 23:59", "2021-08-01 00:01"):
                instant = literal(datetime.fromisoformat(local).replace(tzinfo=zone), DateTime(timezone=True))
                for day in (date(2021, 1, 31), date(2021, 7, 31)):
                    expected = datetime.fromisoformat(local).date() <= day
                    found = connection.scalar(select(clock.on_or_before(instant, literal(day, Date))))
                    later = connection.scalar(select(clock.after(instant, literal(day, Date))))
                    assert (found, later) == (expected, not expected), (timezone, local, day)
    finally:
        engine.dispose()
