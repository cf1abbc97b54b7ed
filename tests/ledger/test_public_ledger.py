"""The public side of the ledger as services compute it: 台账数据截至 (the last approved change, a local date), the
completion rate over time (the history's points equal figures_as_of on their days, the reports' snapshots beside
them) and the 责任部门/牵头领导 filter (whole names, unknown values match nothing)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.models import Problem, ProgressReport
from portal.services.ledger import progress, rechecks
from portal.services.ledger.figures import campaign_figures
from portal.services.ledger.filters import filter_choices, ledger_filter, problem_list
from portal.services.ledger.history import (
    LedgerHistory,
    end_of_day,
    figures_as_of,
    last_changes,
    ledger_as_of,
    measures_as_of,
)
from portal.services.ledger.importer import import_ledger
from portal.services.ledger.trend import MAX_POINTS, chart_days, completion_trend
from portal.services.ops.demo import load_demo
from tests import ledger_files

ZONE = "Asia/Shanghai"


def imported(session, tmp_path, at: datetime, rows=ledger_files.ROWS, name: str = "v1.csv"):
    campaign = ledger_files.campaign(session)
    import_ledger(session, campaign, ledger_files.write_csv(tmp_path / name, rows), actor="导入", recorded_at=at)
    session.commit()
    return campaign


def test_the_demo_ledger_is_dated_the_day_its_sample_describes(session):
    campaign = load_demo(session)
    session.commit()
    assert ledger_as_of(session, campaign, ZONE) == date(2021, 3, 31)


def test_a_campaign_without_a_ledger_has_no_date(session):
    campaign = ledger_files.campaign(session)
    assert ledger_as_of(session, campaign, ZONE) is None
    assert last_changes(session, [campaign.id]) == {}


def test_the_date_is_the_local_day_of_the_change(session, tmp_path):
    # 20:00 UTC on 10 January is 04:00 on 11 January in Beijing
    campaign = imported(session, tmp_path, datetime(2021, 1, 10, 20, 0, tzinfo=UTC))
    assert ledger_as_of(session, campaign, ZONE) == date(2021, 1, 11)
    assert ledger_as_of(session, campaign, "UTC") == date(2021, 1, 10)


def test_a_recorded_recheck_moves_the_date_even_when_it_holds(session, tmp_path):
    campaign = imported(session, tmp_path, datetime(2021, 1, 10, 4, 0, tzinfo=UTC))
    (recheck,) = rechecks.schedule(session, campaign, date(2021, 6, 1), actor="整改办", codes=["1-1"],
                                   today=date(2021, 5, 1))
    assert ledger_as_of(session, campaign, ZONE) == date(2021, 1, 10)  # scheduling changes nothing
    rechecks.record(session, recheck, "held", "制度执行良好。", actor="整改办",
                    now=datetime(2021, 6, 2, 2, 0, tzinfo=UTC))
    session.commit()
    assert ledger_as_of(session, campaign, ZONE) == date(2021, 6, 2)


def test_an_approved_department_update_moves_the_date_and_a_pending_one_does_not(session, tmp_path, make_user):
    campaign = imported(session, tmp_path, datetime(2021, 1, 10, 4, 0, tzinfo=UTC))
    handler, office = make_user("handler", department="办公室"), make_user("rectification")
    measure = next(m for m in session.scalar(select(Problem).where(Problem.number == 1)).measures if m.code == "1-2")
    update = progress.submit(session, handler, measure, "done", date(2021, 4, 20), "已建立。", date(2021, 4, 21))
    assert ledger_as_of(session, campaign, ZONE) == date(2021, 1, 10)
    progress.approve(session, office, update)
    session.commit()
    approved_on = update.reviewed_at.astimezone(ZoneInfo(ZONE)).date()
    assert ledger_as_of(session, campaign, ZONE) == approved_on


def test_last_changes_answers_for_several_campaigns_at_once(session, tmp_path):
    first = imported(session, tmp_path, datetime(2021, 1, 10, 4, 0, tzinfo=UTC))
    second = ledger_files.campaign(session, "second")
    import_ledger(session, second, ledger_files.write_csv(tmp_path / "second.csv", ledger_files.ROWS), actor="导入",
                  recorded_at=datetime(2021, 3, 1, 4, 0, tzinfo=UTC))
    session.commit()
    found = last_changes(session, [first.id, second.id])
    assert found == {first.id: datetime(2021, 1, 10, 4, 0, tzinfo=UTC),
                     second.id: datetime(2021, 3, 1, 4, 0, tzinfo=UTC)}


def test_each_history_point_is_the_figures_replayed_for_its_day(session, tmp_path):
    campaign = imported(session, tmp_path, datetime(2021, 1, 10, 4, 0, tzinfo=UTC))
    rows = [list(row) for row in ledger_files.ROWS]
    rows[1][10:12] = ["已完成", "2021-02-01"]
    import_ledger(session, campaign, ledger_files.write_csv(tmp_path / "v2.csv", rows), actor="导入",
                  recorded_at=datetime(2021, 2, 5, 4, 0, tzinfo=UTC))
    (recheck,) = rechecks.schedule(session, campaign, date(2021, 6, 1), actor="整改办", codes=["2-1"],
                                   today=date(2021, 5, 1))
    rechecks.record(session, recheck, "relapsed", "又出现了。", actor="整改办",
                    now=datetime(2021, 6, 1, 2, 0, tzinfo=UTC))
    session.commit()
    trend = completion_trend(session, campaign, ZONE)
    assert [(p.day, p.done, p.measures, p.rate) for p in trend.ledger] == [
        (date(2021, 1, 10), 2, 3, "66.67"), (date(2021, 2, 5), 3, 3, "100.00"), (date(2021, 6, 1), 2, 3, "66.67")]
    for point in trend.ledger:
        replayed = figures_as_of(session, campaign, point.day, ZONE)
        assert (point.measures, point.done, point.rate) == (replayed["measures"], replayed["done"], replayed["rate"])
    assert trend.reports == []


def test_the_reports_snapshots_are_points_of_their_own(session):
    campaign = load_demo(session)
    session.commit()
    trend = completion_trend(session, campaign, ZONE)
    reports = session.scalars(select(ProgressReport).where(ProgressReport.campaign_id == campaign.id)).all()
    assert [(p.day, p.report_id, p.rate) for p in trend.reports] == [
        (r.as_of, r.id, r.snapshot["rate"]) for r in sorted(reports, key=lambda r: (r.as_of, r.id))]
    assert [(p.day, p.rate) for p in trend.ledger] == [(date(2021, 3, 31), "88.08")]
    assert [p.report_id is not None for p in trend.points] == [False] + [True] * len(reports)


def test_many_change_days_become_one_point_per_month_ending_at_the_last_change():
    days = [date(2020, 1, 1) + timedelta(days=10 * i) for i in range(100)]
    chosen = chart_days(days)
    assert len(chosen) == MAX_POINTS
    assert chosen[-1] == days[-1]
    assert len({(d.year, d.month) for d in chosen}) == MAX_POINTS
    assert all(d == max(x for x in days if (x.year, x.month) == (d.year, d.month)) for d in chosen)
    assert chart_days(days[:5]) == days[:5]


def test_the_filter_choices_are_the_ledgers_department_names_and_leaders(session, tmp_path):
    campaign = imported(session, tmp_path, datetime(2021, 1, 10, 4, 0, tzinfo=UTC))
    choices = filter_choices(session, campaign)
    assert (choices.departments, choices.leaders) == (["办公室", "组织部"], ["书记", "副主席"])


def test_a_department_keeps_the_problems_it_is_responsible_for_and_their_measures(session, tmp_path):
    campaign = imported(session, tmp_path, datetime(2021, 1, 10, 4, 0, tzinfo=UTC))
    choices = filter_choices(session, campaign)
    everything = problem_list(session, campaign, ledger_filter(None, None), choices)
    assert ([p.number for p in everything.problems], everything.measures) == ([1, 2], 3)
    office = problem_list(session, campaign, ledger_filter("办公室", ""), choices)
    assert ([p.number for p in office.problems], office.measures) == ([1, 2], 3)
    organisation = problem_list(session, campaign, ledger_filter(" 组织部 ", None), choices)
    assert ([p.number for p in organisation.problems], organisation.measures) == ([2], 1)
    both = problem_list(session, campaign, ledger_filter("办公室", "书记"), choices)
    assert ([p.number for p in both.problems], both.measures) == ([1], 2)
    assert problem_list(session, campaign, ledger_filter("组织部", "书记"), choices).problems == []


def test_a_part_of_a_name_or_an_unknown_value_matches_nothing(session, tmp_path):
    campaign = imported(session, tmp_path, datetime(2021, 1, 10, 4, 0, tzinfo=UTC))
    choices = filter_choices(session, campaign)
    for department, leader in [("办公", ""), ("", "主席"), ("x\x00y", ""), ("%", ""), ("", "' OR 1=1 --")]:
        found = problem_list(session, campaign, ledger_filter(department, leader), choices)
        assert (found.problems, found.measures) == ([], 0), (department, leader)


def test_the_demo_figures_today_are_the_last_history_point(session):
    campaign = load_demo(session)
    session.commit()
    last = completion_trend(session, campaign, ZONE).ledger[-1]
    figures = campaign_figures(session, campaign)
    assert (last.measures, last.done, last.rate) == (figures["measures"], figures["done"], figures["rate"])


def replayed_separately(session, campaign, day: date) -> tuple[int, int, int]:
    """(problems, measures, done) at the end of day from measures_as_of, the replay that reads the history anew."""
    measures = measures_as_of(session, campaign, end_of_day(day, ZONE))
    return (len({number for number, _state in measures.values()}), len(measures),
            sum(state == "done" for _number, state in measures.values()))


def test_the_one_walk_replay_agrees_with_a_fresh_replay_on_every_day_moves_and_reopenings_included(session, tmp_path):
    campaign = imported(session, tmp_path, datetime(2021, 1, 10, 4, 0, tzinfo=UTC))
    rows = [list(row) for row in ledger_files.ROWS]
    rows[1][10:12] = ["已完成", "2021-02-01"]
    # 2-1 moves to problem 1
    rows[2][1:8] = [ledger_files.CAT_A, 1, "议事制度不健全", "1个月内整改到位", "书记", "办公室", "制度健全"]
    rows.append([4, ledger_files.CAT_B, 3, "学习不深入", "3个月内整改到位", "副主席", "组织部", "", "3-1",
                 "制定学习计划", "正在整改", "", ""])
    import_ledger(session, campaign, ledger_files.write_csv(tmp_path / "v2.csv", rows), actor="导入",
                  recorded_at=datetime(2021, 2, 5, 4, 0, tzinfo=UTC))
    (recheck,) = rechecks.schedule(session, campaign, date(2021, 6, 1), actor="整改办", codes=["1-1"],
                                   today=date(2021, 5, 1))
    rechecks.record(session, recheck, "relapsed", "又出现了。", actor="整改办",
                    now=datetime(2021, 6, 1, 2, 0, tzinfo=UTC))
    session.commit()
    days = [date(2021, 1, 9) + timedelta(days=n) for n in range(0, 160, 3)]
    walked = LedgerHistory(session, campaign).figures_on_days(days, ZONE)
    assert len(walked) == len(days)
    for day, figures in zip(days, walked, strict=True):
        assert (figures["problems"], figures["measures"], figures["done"]) == replayed_separately(
            session, campaign, day), day
    now = campaign_figures(session, campaign)  # it still holds problem 2, emptied: history counts it no more
    headline = ("measures", "done", "rate")
    assert [walked[-1][key] for key in headline] == [now[key] for key in headline]
    assert (walked[0]["measures"], walked[1]["measures"], walked[-1]["measures"]) == (0, 3, 4)
