"""Figures are counts derived from measure statuses, never averages or stored totals."""
from datetime import date

from portal.models import Problem
from portal.services.ledger.figures import ProblemProgress, campaign_figures, problem_progress, rate


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


def test_campaign_figures_count_measures_problems_and_classes(session, small_campaign):
    figures = campaign_figures(session, small_campaign)
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


def test_problem_progress_per_problem(session, small_campaign):
    campaign = small_campaign
    problems = session.query(Problem).filter_by(campaign_id=campaign.id).order_by(Problem.number).all()
    progress = problem_progress(session, problems)
    assert [progress[p.id].rectified for p in problems] == [True, False, True]


def test_report_mismatches_compare_deadline_classes_on_stated_figures_only():
    from portal.models import ProgressReport
    snapshot = {"problems": 54, "rate": "88.08", "deadline_classes": [
        {"label": "1个月内整改到位", "problems": 8, "rectified": 8, "in_progress": 0}]}
    report = ProgressReport(declared={"problems": 54, "rate": "88.08", "deadline_classes": [
        {"label": "1个月内整改到位", "problems": 8}]}, snapshot=snapshot)
    assert report.mismatches == []
    report.declared = {"problems": 55, "deadline_classes": [{"label": "1个月内整改到位", "rectified": 7}]}
    assert report.mismatches == ["problems", "deadline_classes"]
    report.declared = {"deadline_classes": [{"label": "6个月内整改到位", "problems": 1}]}
    assert report.mismatches == ["deadline_classes"]


def test_a_problem_due_today_is_not_yet_overdue():
    due = date(2021, 3, 31)
    assert not ProblemProgress(2, 1, due).is_overdue(due)
    assert ProblemProgress(2, 1, due).is_overdue(date(2021, 4, 1))
    assert not ProblemProgress(0, 0, None).is_overdue(date(2099, 1, 1))
    assert ProblemProgress(0, 0, due).is_overdue(date(2021, 4, 1))


def test_a_problem_without_measures_counts_as_in_progress_in_every_figure(session, small_campaign):
    second = max(small_campaign.categories, key=lambda category: category.position)
    empty = Problem(campaign_id=small_campaign.id, category_id=second.id, number=4, description="没有措施的问题",
                    deadline_label="1个月内整改到位")
    session.add(empty)
    session.flush()
    figures = campaign_figures(session, small_campaign)
    assert (figures["problems"], figures["rectified_problems"]) == (4, 2)
    assert [(c["problems"], c["rectified"], c["measures"], c["done"]) for c in figures["by_category"]] == [
        (2, 1, 4, 3), (2, 1, 1, 1)]
    one_month = next(c for c in figures["deadline_classes"] if c["label"] == "1个月内整改到位")
    assert (one_month["problems"], one_month["rectified"], one_month["in_progress"]) == (3, 2, 1)
    assert [c["rate"] for c in figures["by_category"]] == ["75.00", "100.00"]
    assert problem_progress(session, [empty])[empty.id] == ProblemProgress(0, 0, empty.due_date)
    assert not problem_progress(session, [empty])[empty.id].rectified and problem_progress(session, []) == {}


def test_an_uploads_preview_figures_are_those_its_import_then_publishes(session, tmp_path):
    """ledger_figures (the 整改办's upload preview) counts rows as campaign_figures counts the imported ledger."""
    from portal.services.ledger.figures import ledger_figures
    from portal.services.ledger.importer import import_ledger
    from portal.services.ledger.reader import checked, read_ledger
    from tests import ledger_files

    rows = [list(row) for row in ledger_files.ROWS]
    rows.append([4, ledger_files.CAT_B, 3, "调研不深入", "长期坚持", "书记", "办公室", "", "3-1", "建立调研制度",
                 "正在整改", "", ""])
    path = ledger_files.write_csv(tmp_path / "ledger.csv", rows)
    preview = ledger_figures("test-2020", [checked(row) for row in read_ledger(path).rows])
    campaign = ledger_files.campaign(session)
    import_ledger(session, campaign, path, actor="导入")
    published = campaign_figures(session, campaign)
    assert preview == published
    assert (preview["problems"], preview["measures"], preview["done"], preview["rectified_problems"]) == (3, 4, 2, 1)
    assert [c["label"] for c in preview["deadline_classes"]] == ["1个月内整改到位", "3个月内整改到位", "长期坚持"]
