"""Importing the ledger: the sample's figures, updates in place with history, dry runs and the CLI."""
from __future__ import annotations

from datetime import date

import pytest
from tests.ledger_files import CAT_A, CAT_B, ROWS, SAMPLE_DIR, campaign, counts, measure, problem, write_csv
from sqlalchemy import select

from portal.models import DONE, IN_PROGRESS, Category, MeasureUpdate
from portal.services.ledger.figures import campaign_figures
from portal.services.ledger.importer import import_ledger


@pytest.mark.parametrize("name", ["sample-ledger.xlsx", "sample-ledger.csv"])
def test_sample_ledger_gives_the_published_figures(session, name):
    c = campaign(session)
    result = import_ledger(session, c, SAMPLE_DIR / name, actor="test")
    figures = campaign_figures(session, c)

    assert (result.categories, result.problems, result.measures, result.created) == (5, 54, 193, 193)
    assert (figures["categories"], figures["problems"], figures["measures"]) == (5, 54, 193)
    assert (figures["done"], figures["in_progress"], figures["rate"]) == (170, 23, "88.08")
    classes = {cls["label"]: (cls["problems"], cls["rectified"], cls["in_progress"])
               for cls in figures["deadline_classes"]}
    assert classes["1个月内整改到位"] == (8, 8, 0)
    assert classes["3个月内整改到位"] == (5, 4, 1)
    assert classes["3个月内取得阶段性成效并在1年内整改到位"][0] == 41
    assert len(classes) == 3
    p35 = problem(session, 35)
    assert p35.deadline_label == "3个月内整改到位"
    assert any(m.status == IN_PROGRESS for m in p35.measures)


def test_xlsx_and_csv_samples_hold_the_same_data(session):
    c = campaign(session)
    import_ledger(session, c, SAMPLE_DIR / "sample-ledger.xlsx", actor="test")
    result = import_ledger(session, c, SAMPLE_DIR / "sample-ledger.csv", actor="test")
    assert (result.created, result.changed, result.unchanged, result.modified) == (0, 0, 193, False)


def test_due_dates_count_from_the_feedback_date(session):
    c = campaign(session)
    import_ledger(session, c, SAMPLE_DIR / "sample-ledger.csv", actor="test")
    assert problem(session, 1).due_date == date(2021, 2, 16)
    assert problem(session, 2).due_date == date(2021, 11, 16)


def test_first_import_records_a_created_row_per_measure(session, tmp_path):
    c = campaign(session)
    import_ledger(session, c, write_csv(tmp_path / "l.csv", ROWS), actor="张三")
    history = session.scalars(select(MeasureUpdate).order_by(MeasureUpdate.id)).all()
    assert [(h.measure.code, h.field, h.old_value, h.new_value, h.actor) for h in history] == [
        ("1-1", "created", None, DONE, "张三"),
        ("1-2", "created", None, IN_PROGRESS, "张三"),
        ("2-1", "created", None, DONE, "张三"),
    ]
    assert all(h.changed_at is not None for h in history)
    assert c.data_version == 1


def test_reimporting_the_same_file_changes_nothing(session, tmp_path):
    c = campaign(session)
    path = write_csv(tmp_path / "l.csv", ROWS)
    import_ledger(session, c, path, actor="test")
    before, version = counts(session), c.data_version

    result = import_ledger(session, c, path, actor="test")

    assert counts(session) == before
    assert c.data_version == version
    assert (result.created, result.changed, result.unchanged, result.changes) == (0, 0, 3, [])


def test_updated_ledger_updates_in_place_with_one_history_row_per_changed_field(session, tmp_path):
    c = campaign(session)
    import_ledger(session, c, write_csv(tmp_path / "v1.csv", ROWS), actor="first")
    version = c.data_version
    updated = [row[:] for row in ROWS]
    updated[1][10:13] = ["已完成", "2021/3/15", "已建立"]
    updated[2][9] = "精简会议和文件"
    updated[2][3] = "会议文件偏多"

    result = import_ledger(session, c, write_csv(tmp_path / "v2.csv", updated), actor="second")

    assert counts(session) == (2, 2, 3, 7)
    m = measure(session, "1-2")
    assert (m.status, m.completed_on, m.progress_note) == (DONE, date(2021, 3, 15), "已建立")
    assert measure(session, "2-1").text == "精简会议和文件"
    assert problem(session, 2).description == "会议文件偏多"
    history = session.scalars(select(MeasureUpdate).where(MeasureUpdate.actor == "second")
                              .order_by(MeasureUpdate.id)).all()
    assert [(h.measure.code, h.field, h.old_value, h.new_value) for h in history] == [
        ("1-2", "status", IN_PROGRESS, DONE),
        ("1-2", "completed_on", None, "2021-03-15"),
        ("1-2", "progress_note", "起草中", "已建立"),
        ("2-1", "text", "精简会议", "精简会议和文件"),
    ]
    assert (result.created, result.changed, result.unchanged) == (0, 2, 1)
    assert c.data_version > version


def test_measure_moved_to_another_problem_records_the_problem_change(session, tmp_path):
    c = campaign(session)
    import_ledger(session, c, write_csv(tmp_path / "v1.csv", ROWS), actor="test")
    moved = [ROWS[0], ROWS[2], [4, CAT_B, 2, *ROWS[2][3:8], "1-2", *ROWS[1][9:]]]

    import_ledger(session, c, write_csv(tmp_path / "v2.csv", moved), actor="test")

    assert measure(session, "1-2").problem.number == 2
    change = session.scalar(select(MeasureUpdate).where(MeasureUpdate.field == "problem"))
    assert (change.old_value, change.new_value) == ("1", "2")


def test_renamed_category_replaces_the_emptied_one(session, tmp_path):
    c = campaign(session)
    import_ledger(session, c, write_csv(tmp_path / "v1.csv", ROWS), actor="test")
    renamed = [row[:1] + ["针对作风建设的问题" if row[1] == CAT_B else row[1]] + row[2:] for row in ROWS]

    import_ledger(session, c, write_csv(tmp_path / "v2.csv", renamed), actor="test")

    titles = session.scalars(select(Category.title).order_by(Category.position)).all()
    assert titles == [CAT_A, "针对作风建设的问题"]
    assert problem(session, 2).category.title == "针对作风建设的问题"


def test_dry_run_writes_nothing_and_reports_what_would_change(session, tmp_path):
    c = campaign(session)
    import_ledger(session, c, write_csv(tmp_path / "v1.csv", ROWS[:2]), actor="test")
    before, version = counts(session), c.data_version
    updated = [ROWS[0], [2, *ROWS[1][1:10], "已完成", "2021-03-01", "已建立"], ROWS[2]]

    result = import_ledger(session, c, write_csv(tmp_path / "v2.csv", updated), actor="test", dry_run=True)

    assert counts(session) == before
    assert c.data_version == version
    assert (result.created, result.changed, result.unchanged) == (1, 1, 1)
    assert result.problem_count(created=True) == 1
    assert {(ch.key, ch.field) for ch in result.changes if ch.kind == "measure"} == {
        ("2-1", "created"), ("1-2", "status"), ("1-2", "completed_on"), ("1-2", "progress_note")}


def test_progress_is_reported_for_every_measure(session, tmp_path):
    seen = []
    import_ledger(session, campaign(session), write_csv(tmp_path / "l.csv", ROWS), actor="test",
                  progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_cli_import_commits_and_prints_a_chinese_summary(app, runner, session, tmp_path):
    campaign(session)
    session.commit()
    result = runner.invoke(args=["ledger", "import", str(SAMPLE_DIR / "sample-ledger.xlsx"), "--campaign", "test-2020"])
    assert result.exit_code == 0, result.output
    assert "5个方面 54个问题 193条措施" in result.output
    assert "新增措施193条" in result.output
    assert counts(session)[:3] == (5, 54, 193)


def test_cli_dry_run_rolls_back_and_prints_what_would_change(app, runner, session, tmp_path):
    campaign(session)
    session.commit()
    result = runner.invoke(args=["ledger", "import", str(SAMPLE_DIR / "sample-ledger.csv"),
                                 "--campaign", "test-2020", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "试导入（未写入）" in result.output
    assert "将新增措施193条、修改0条、不变0条" in result.output
    assert counts(session) == (0, 0, 0, 0)


def test_cli_reimport_reports_no_change(app, runner, session, tmp_path):
    campaign(session)
    session.commit()
    path = str(write_csv(tmp_path / "l.csv", ROWS))
    runner.invoke(args=["ledger", "import", path, "--campaign", "test-2020"])
    result = runner.invoke(args=["ledger", "import", path, "--campaign", "test-2020"])
    assert result.exit_code == 0, result.output
    assert "不变3条" in result.output and "没有变化" in result.output


def test_cli_refuses_a_bad_ledger_with_every_error_and_exit_status_1(app, runner, session, tmp_path):
    campaign(session)
    session.commit()
    bad = [ROWS[0][:10] + ["搞定", "", ""], ROWS[1][:11] + ["2021-13-45", ""], ROWS[2]]
    result = runner.invoke(args=["ledger", "import", str(write_csv(tmp_path / "bad.csv", bad)),
                                 "--campaign", "test-2020"])
    assert result.exit_code == 1
    assert "台账未导入：发现2处问题" in result.output
    assert "第2行，“完成情况”列：无法识别的完成情况“搞定”" in result.output
    assert "第3行，“完成时间”列：无法识别的日期“2021-13-45”" in result.output
    assert counts(session) == (0, 0, 0, 0)


def test_cli_unknown_campaign_fails(app, runner, tmp_path):
    result = runner.invoke(args=["ledger", "import", str(SAMPLE_DIR / "sample-ledger.csv"), "--campaign", "nope"])
    assert result.exit_code == 1
    assert "没有标识为“nope”的整改任务" in result.output
