"""/staff/stats figures of a fixture with known dates (tests/stats/conftest.py): counts, rates, percentiles,
lights, exclusions, the date range in Beijing time, the handler's department scope."""
from __future__ import annotations

from datetime import date

import pytest

from portal.services.common.authz import PermissionDenied
from portal.services.common.clocks import ClockSettings
from portal.services.stats.figures import StatsScope, compute
from portal.services.stats.lights import LightThresholds
from tests.public.factory import count_queries
from tests.stats.conftest import TODAY

CLOCKS = ClockSettings()
RANGE = {"date_from": date(2021, 3, 1), "date_to": date(2021, 6, 30)}


@pytest.fixture
def stats(session, world):
    def run(user=None, **scope):
        return compute(session, user, StatsScope(world.campaign, **{**RANGE, **scope}), CLOCKS, LightThresholds(),
                       TODAY)
    return run


def test_received_counts_leave_duplicates_and_spam_apart(stats, world):
    result = stats(world.supervisor)
    assert result.received == 7
    assert result.excluded == {"duplicate": 1, "spam": 1}
    assert result.received_by_channel == {"web": 3, "phone": 2, "letter": 1, "email": 1}
    assert result.received_by_kind == {"suggestion": 3, "report": 1, "appeal": 1, "inquiry": 1, "praise": 1}
    assert result.received_by_period == [("2021-03", 4), ("2021-04", 1), ("2021-06", 2)]


def test_weeks_start_on_monday_in_beijing_time(stats, world):
    assert stats(world.supervisor, period="week").received_by_period == [
        ("2021-03-01", 4), ("2021-03-29", 1), ("2021-05-31", 1), ("2021-06-07", 1)]


def test_the_range_is_of_beijing_dates(stats, world):
    assert stats(world.supervisor, date_to=date(2021, 3, 1)).received == 3  # 1, 2 and 10 (00:30 on 1 March)
    assert stats(world.supervisor, date_from=None, date_to=None).received == 8  # and 11 (23:30 on 28 February)


def test_on_time_rates_and_clock_figures_of_the_whole_range(stats, world):
    totals = stats(world.supervisor).totals
    assert (totals.decided, totals.decided_on_time, totals.decision_overdue) == (6, 4, 1)
    assert totals.on_time_accept_rate == "57.14"
    assert (totals.answered, totals.answered_on_time, totals.answer_overdue, totals.answered_late) == (3, 2, 1, 1)
    assert totals.on_time_answer_rate == "50.00"
    assert (totals.overdue_now, totals.extensions, totals.assigned, totals.accepted) == (2, 1, 4, 4)
    assert (totals.accept_days_median, totals.accept_days_p90) == (5.5, 19.0)
    assert (totals.answer_days_median, totals.answer_days_p90) == (40.0, 76.0)


def test_departments_with_lights(stats, world):
    result = stats(world.supervisor)
    office, org = result.by_department
    assert (office.department, org.department) == ("办公室", "组织部")
    assert (office.handling.received, office.handling.answered) == (3, 2)
    assert (office.handling.on_time_accept_rate, office.handling.on_time_answer_rate) == ("66.67", "33.33")
    assert (office.handling.accept_days_median, office.handling.accept_days_p90) == (9.0, 17.0)
    assert (office.handling.answer_days_median, office.handling.answer_days_p90) == (62.5, 80.5)
    assert (office.handling.overdue_now, office.handling.extensions, office.light) == (1, 1, "red")
    assert (org.handling.on_time_accept_rate, org.handling.on_time_answer_rate, org.light) == ("100.00", "100.00",
                                                                                              "green")
    assert result.unassigned == 3


def test_lights_follow_the_thresholds():
    thresholds = LightThresholds()
    assert thresholds.light("90.00", 0) == "green"
    assert thresholds.light("89.99", 0) == "yellow"
    assert thresholds.light("95.00", 1) == "yellow"
    assert thresholds.light("69.99", 0) == "red"
    assert thresholds.light("100.00", 4) == "red"
    assert thresholds.light(None, 0) == "green"
    assert thresholds.light(None, 3) == "yellow"


def test_satisfaction_counts_ratings_of_sent_answers(stats, world):
    satisfaction = stats(world.supervisor).satisfaction
    assert (satisfaction.satisfied, satisfaction.basically_satisfied, satisfaction.unsatisfied) == (1, 1, 1)
    assert (satisfaction.rated, satisfaction.answered) == (3, 4)
    assert (satisfaction.response_rate, satisfaction.satisfaction_rate) == ("75.00", "66.67")


def test_top_problems_and_measures_count_each_item_once(stats, world):
    result = stats(world.supervisor)
    assert [(t.label, t.received, t.answered) for t in result.top_problems] == [("1", 2, 2), ("2", 2, 1)]
    assert [(t.label, t.received, t.answered) for t in result.top_measures] == [
        ("1-1", 1, 1), ("1-2", 1, 1), ("2-1", 1, 1)]


def test_a_handler_sees_their_department_only(stats, world):
    result = stats(world.handler)
    assert result.received == 3
    assert [d.department for d in result.by_department] == ["办公室"]
    assert result.satisfaction.rated == 2
    assert result.excluded == {"duplicate": 0, "spam": 0}


def test_a_clerk_may_not_see_statistics(stats, world):
    with pytest.raises(PermissionDenied):
        stats(world.clerk)


def test_json_names_the_documented_keys(stats, world):
    data = stats(world.supervisor).as_json()
    assert data["received_by_channel"]["web"] == 3
    office = data["by_department"][0]
    assert {k: office[k] for k in ("department", "assigned", "answered", "on_time_accept_rate",
                                   "on_time_answer_rate")} == {
        "department": "办公室", "assigned": 3, "answered": 2, "on_time_accept_rate": "66.67",
        "on_time_answer_rate": "33.33"}
    assert {k: data["satisfaction"][k] for k in ("satisfied", "basically_satisfied", "unsatisfied", "rated",
                                                 "answered")} == {
        "satisfied": 1, "basically_satisfied": 1, "unsatisfied": 1, "rated": 3, "answered": 4}


def test_the_items_in_scope_are_read_twice_on_postgresql(app, session, stats, world):
    """Once for the grouped counts, once for the percentiles, answers and top problems and measures together (one
    statement on PostgreSQL, three on SQLite); the earliest and latest receipt come from an index."""
    with count_queries(app) as statements:
        stats(world.supervisor)
    reading_items = [s for s in statements if "feedback_item" in s and "min(feedback_item" not in s]
    assert len(reading_items) == (2 if session.get_bind().dialect.name == "postgresql" else 4)
