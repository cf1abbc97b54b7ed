"""Public statistics: the campaign's and each problem's 收到意见、已受理、已答复、按期答复率、满意率 agree with
/staff/stats over the whole time, leave duplicates and spam out (the measure page's counter too), and the cached home
page shows new opinions at once."""
from __future__ import annotations

from portal.services.common.clocks import ClockSettings
from portal.services.stats.figures import StatsScope, compute
from portal.services.stats.lights import LightThresholds
from portal.services.stats.public import PublicFigures, campaign_public, problem_public
from tests.stats.conftest import TODAY

CLOCKS = ClockSettings()


def test_campaign_figures_agree_with_the_staff_page(session, world):
    staff = compute(session, world.supervisor, StatsScope(world.campaign), CLOCKS, LightThresholds(), TODAY)
    public = campaign_public(session, world.campaign.id, CLOCKS, TODAY)
    totals, satisfaction = staff.totals, staff.satisfaction
    assert public == PublicFigures(received=staff.received, accepted=totals.accepted, answered=totals.answered,
                                   on_time_answer_rate=totals.on_time_answer_rate,
                                   satisfaction_rate=satisfaction.satisfaction_rate, rated=satisfaction.rated)
    assert (public.received, public.answered, public.on_time_answer_rate, public.satisfaction_rate) == (
        8, 3, "50.00", "66.67")


def test_problem_figures_count_each_item_once(session, world):
    problems = {p.number: p for c in world.campaign.categories for p in c.problems}
    assert problem_public(session, world.campaign.id, problems[1].id, CLOCKS, TODAY) == PublicFigures(
        received=2, accepted=2, answered=2, on_time_answer_rate="50.00", satisfaction_rate="50.00", rated=2)
    assert problem_public(session, world.campaign.id, problems[2].id, CLOCKS, TODAY) == PublicFigures(
        received=2, accepted=2, answered=1, on_time_answer_rate="50.00", satisfaction_rate="100.00", rated=1)
    assert problem_public(session, world.campaign.id, problems[3].id, CLOCKS, TODAY) == PublicFigures()


def test_pages_show_the_figures_without_duplicates(client, session, world):
    session.commit()
    problem = client.get("/campaigns/t/problems/1").get_data(as_text=True)
    assert "收到意见 2 件，已答复 2 件" in problem
    assert "<dt>满意率</dt><dd>50.00%</dd>" in problem
    measure = client.get("/campaigns/t/measures/1-1").get_data(as_text=True)
    assert "收到意见 1 件，已答复 1 件" in measure  # item 1; its duplicate 7 is not counted


def test_the_cached_home_page_shows_a_new_opinion_at_once(client, session, world, new_item):
    session.commit()
    assert "收到意见 8 件" in client.get("/campaigns/t/").get_data(as_text=True)
    assert "收到意见 8 件" in client.get("/campaigns/t/").get_data(as_text=True)
    new_item(campaign_id=world.campaign.id)
    session.commit()
    assert "收到意见 9 件" in client.get("/campaigns/t/").get_data(as_text=True)
