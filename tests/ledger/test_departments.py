"""Departments named in the ledger's 责任部门 column become assignable departments."""
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.ledger_files import HEADER, ROWS, write_csv

from portal.models import Category, Department, Problem
from portal.services.ledger.campaigns import create_campaign
from portal.services.ledger.departments import name_problem, split_departments, sync_from_ledger
from portal.services.ledger.importer import import_ledger

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "demo" / "sample-ledger.csv"


def test_split_departments_on_chinese_and_ascii_separators():
    assert split_departments("办公室、组织部，财务资产部; 机关党委") == ["办公室", "组织部", "财务资产部", "机关党委"]
    assert split_departments(None) == []


def test_ledger_import_creates_each_department_once(session):
    campaign = create_campaign(session, "d", "测试", date(2020, 11, 16))
    import_ledger(session, campaign, SAMPLE, actor="test")
    names = session.scalars(select(Department.name)).all()
    assert {"办公室", "组织部", "政研室", "机关党委"} <= set(names)
    assert len(names) == len(set(names))
    import_ledger(session, campaign, SAMPLE, actor="test")
    assert len(session.scalars(select(Department.name)).all()) == len(names)


@pytest.mark.parametrize("name", ["办公室", "第一纪检监察室", "财务处（审计处）", "IT部", "省产改办", "机关党委-老干部处"])
def test_department_like_names_are_accepted(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name, problem", [
    ("script>", "含有不能用于部门名称的字符“>”"),
    ("<b>办公室", "含有不能用于部门名称的字符“<”"),
    ("办公室\x07", "含有不能用于部门名称的字符“U+0007”"),
    ("办公室&amp", "含有不能用于部门名称的字符“&”"),
    ("“办公室”", "含有不能用于部门名称的字符““”"),
    ("123", "不含文字"),
    ("--", "不含文字"),
    ("长" * 101, "过长（101个字符，最多100个）"),
])
def test_names_that_are_not_department_names_are_refused(name, problem):
    assert name_problem(name).startswith(problem)


def test_markup_in_the_department_column_is_kept_as_text_but_makes_no_department(session, tmp_path):
    campaign = create_campaign(session, "d", "测试", date(2020, 11, 16))
    rows = [list(ROWS[0])]
    rows[0][HEADER.index("责任部门")] = "办公室、<img src=x onerror=alert(1)>"
    result = import_ledger(session, campaign, write_csv(tmp_path / "l.csv", rows), actor="test")
    assert session.scalars(select(Department.name)).all() == ["办公室"]
    assert session.scalars(select(Problem.departments)).all() == ["办公室、<img src=x onerror=alert(1)>"]
    assert {name: problem[:16] for name, problem in result.skipped_departments.items()} == {
        "<img": "含有不能用于部门名称的字符“<”", "src=x": "含有不能用于部门名称的字符“=”",
        "onerror=alert(1)>": "含有不能用于部门名称的字符“=”"}


def test_cli_import_says_which_names_made_no_department(app, runner, session, tmp_path):
    create_campaign(session, "d", "测试", date(2020, 11, 16))
    session.commit()
    rows = [list(ROWS[0])]
    rows[0][HEADER.index("责任部门")] = "组织部、script>"
    result = runner.invoke(args=["ledger", "import", str(write_csv(tmp_path / "l.csv", rows)), "--campaign", "d"])
    assert result.exit_code == 0, result.output
    assert "未建立部门“script>”：含有不能用于部门名称的字符“>”" in result.output
    assert session.scalars(select(Department.name)).all() == ["组织部"]


def test_sync_skips_names_stored_before_they_were_checked(session):
    campaign = create_campaign(session, "d", "测试", date(2020, 11, 16))
    category = Category(campaign=campaign, title="方面", position=1)
    session.add(Problem(campaign_id=campaign.id, category=category, number=1, description="问题", deadline_label="立行立改",
                        departments="组织部、script>、<b>", due_date=date(2020, 11, 16)))
    session.flush()
    assert [d.name for d in sync_from_ledger(session, campaign)] == ["组织部"]
