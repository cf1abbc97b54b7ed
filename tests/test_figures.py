"""Figures are counts derived from measure statuses, never averages or stored totals."""
from datetime import date

from portal.models import DONE, IN_PROGRESS, Category, Measure, Problem
from portal.services.campaigns import create_campaign
from portal.services.figures import ProblemProgress, campaign_figures, problem_progress, rate


def test_rate_is_a_ratio_of_counts_rounded_half_up():
    assert rate(170, 193) == "88.08"
    assert rate(1, 8) == "12.50"
    assert rate(1, 3) == "33.33"
    assert rate(2, 3) == "66.67"
    assert rate(0, 0) == "0.00"
    assert rate(5, 5) == "100.00"


def test_problem_is_rectified_only_when_every_measure_is_done():
    assert ProblemProgress(3, 3, None).rectified
    assert not ProblemProgress(3, 2, None).rectified
    assert not ProblemProgress(0, 0, None).rectified


def test_overdue_means_past_due_and_not_rectified():
    today = date(2021, 3, 31)
    assert ProblemProgress(2, 1, date(2021, 2, 16)).is_overdue(today)
    assert not ProblemProgress(2, 2, date(2021, 2, 16)).is_overdue(today)
    assert not ProblemProgress(2, 1, date(2021, 11, 16)).is_overdue(today)
    assert not ProblemProgress(2, 1, None).is_overdue(today)


def _ledger(session):
    campaign = create_campaign(session, "t", "测试", date(2020, 11, 16))
    cat_a = Category(campaign_id=campaign.id, position=1, title="甲方面")
    cat_b = Category(campaign_id=campaign.id, position=2, title="乙方面")
    session.add_all([cat_a, cat_b])
    session.flush()
    shape = [(cat_a, 1, "1个月内整改到位", [DONE, DONE]),
             (cat_a, 2, "3个月内整改到位", [DONE, IN_PROGRESS]),
             (cat_b, 3, "1个月内整改到位", [DONE])]
    for cat, number, label, statuses in shape:
        problem = Problem(campaign_id=campaign.id, category_id=cat.id, number=number, description=f"问题{number}",
                          deadline_label=label)
        session.add(problem)
        session.flush()
        for i, status in enumerate(statuses, 1):
            session.add(Measure(campaign_id=campaign.id, problem_id=problem.id, code=f"{number}-{i}",
                                position=number * 10 + i, text="措施", status=status))
    session.flush()
    return campaign


def test_campaign_figures_count_measures_problems_and_classes(session):
    figures = campaign_figures(session, _ledger(session))
    assert {k: figures[k] for k in ("categories", "problems", "measures", "done", "in_progress", "rate",
                                    "rectified_problems")} == {
        "categories": 2, "problems": 3, "measures": 5, "done": 4, "in_progress": 1, "rate": "80.00",
        "rectified_problems": 2}
    assert figures["deadline_classes"] == [
        {"label": "1个月内整改到位", "problems": 2, "rectified": 2, "in_progress": 0},
        {"label": "3个月内整改到位", "problems": 1, "rectified": 0, "in_progress": 1},
    ]
    assert [(c["title"], c["problems"], c["measures"], c["done"]) for c in figures["by_category"]] == [
        ("甲方面", 2, 4, 3), ("乙方面", 1, 1, 1)]


def test_problem_progress_per_problem(session):
    campaign = _ledger(session)
    problems = session.query(Problem).filter_by(campaign_id=campaign.id).order_by(Problem.number).all()
    progress = problem_progress(session, problems)
    assert [progress[p.id].rectified for p in problems] == [True, False, True]
